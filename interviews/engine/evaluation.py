"""Per-answer evaluation on five dimensions, each score explained by the phrases of the answer
it rests on and the rubric items it was read against. When an answer cannot support a judgement
(empty, unintelligible, too short, a copy of the question, off topic) the dimensions it cannot
support say "not enough evidence" and why, instead of a number."""

import math
import re
from collections import Counter

from .questions import DIMENSIONS, QuestionSpec
from .text import STOPWORDS, content_words, find_keyword, quote_at, sentences, stems, words

ANSWER_MAX_CHARS = 8000  # the documented limit of one answer (about 1,300 words, ten minutes spoken)
MIN_WORDS = 12
DEFAULT_WEIGHTS = {"relevance": 0.25, "depth": 0.3, "structure": 0.2, "clarity": 0.15, "concision": 0.1}
CONTENT_DIMENSIONS = ("relevance", "depth")
STRONG, FAIR = 75, 50
LEVEL_STRONG, LEVEL_FAIR = 70, 45

STAR_MARKERS = {
    "situation": ("when i was", "at my previous", "at my last", "in my last", "in my previous", "we had",
                  "our team", "the situation", "last year", "a few years ago", "at the time", "i was working",
                  "i worked", "our service", "our product", "we were", "context", "background"),
    "task": ("my role", "i was responsible", "i needed to", "i had to", "the goal", "my task", "my job was",
             "i was asked", "we needed to", "the challenge was", "my responsibility", "i owned", "objective"),
    "action": ("i decided", "i built", "i implemented", "i led", "i wrote", "i added", "i proposed", "i measured",
               "i set up", "i created", "i organised", "i organized", "i talked", "i spoke", "i worked with",
               "i started", "i changed", "i introduced", "i profiled", "i analysed", "i analyzed", "i designed",
               "i moved", "i asked", "i scheduled", "i reviewed", "i fixed", "i ran", "so i", "first i", "i then"),
    "result": ("as a result", "the result", "resulted in", "reduced", "improved", "increased", "dropped",
               "saved", "outcome", "we shipped", "we delivered", "i learned", "i learnt", "since then",
               "in the end", "afterwards", "went from", "cut ", "faster", "fewer"),
}
CONNECTORS = ("first", "second", "then", "next", "finally", "because", "therefore", "however", "so that",
              "which means", "as a result", "instead", "on the other hand", "trade-off", "tradeoff")
EXAMPLES = ("for example", "for instance", "e.g.", "such as", "in practice", "say we", "imagine")
CAUSAL = ("because", "so that", "trade-off", "tradeoff", "instead of", "which meant", "the reason", "depends on",
          "at the cost", "downside", "on the other hand", "whereas", "unless", "however")
FILLERS = ("um", "uh", "erm", "like", "you know", "basically", "literally", "actually", "i mean")
VAGUE = ("stuff", "things", "etc", "whatever", "something like that", "and so on", "kind of", "sort of",
         "i guess", "maybe", "probably", "i think")
NUMBER = re.compile(r"\d")


def _level(score: int) -> str:
    return "strong" if score >= LEVEL_STRONG else "fair" if score >= LEVEL_FAIR else "weak"


def _clamp(value: float) -> int:
    return int(round(max(0.0, min(100.0, value))))


def _hits(lower: str, text: str, phrases) -> list[tuple[str, str]]:
    found = []
    for phrase in phrases:
        at = find_keyword(lower, phrase)
        if at >= 0:
            found.append((phrase, quote_at(text, at)))
    return found


def answer_checks(question: QuestionSpec, answer: str) -> list[dict]:
    """What stops the answer supporting a judgement, most serious first (empty list: nothing)."""
    stripped = answer.strip()
    if not stripped:
        return [{"code": "empty", "message": "The answer is empty."}]
    printable = sum(1 for c in stripped if c.isprintable() or c in "\n\t")
    letters = sum(1 for c in stripped if c.isalpha())
    if printable < len(stripped) or "\ufffd" in stripped or letters < 0.5 * len(stripped.replace(" ", "")):
        return [{"code": "unintelligible", "message": "The answer is mostly not text (binary data or symbols)."}]
    tokens = words(stripped)
    plausible = [t for t in tokens if re.search(r"[aeiouy]", t) and len(t) <= 20 and not re.search(
        r"[bcdfghjklmnpqrstvwxz]{5}", t)]
    if not tokens or len(plausible) < 0.6 * len(tokens):
        return [{"code": "unintelligible", "message": "The answer does not read as words."}]
    if len(tokens) >= 6 and Counter(tokens).most_common(1)[0][1] > 0.5 * len(tokens):
        return [{"code": "unintelligible", "message": "The answer repeats one word over and over."}]
    checks = []
    answer_content = set(content_words(stripped))
    prompt_content = set(content_words(question.prompt))
    if answer_content and len(answer_content & prompt_content) >= 0.8 * len(answer_content) \
            and len(tokens) <= 1.5 * len(words(question.prompt)) + 3:
        return [{"code": "copied_question", "message": "The answer repeats the question instead of answering it."}]
    if len(tokens) < MIN_WORDS:
        checks.append({"code": "too_short", "message": f"The answer has {len(tokens)} words; at least {MIN_WORDS} "
                                                       "are needed to judge more than its relevance."})
    lower = stripped.lower()
    vocabulary = set(question.keywords) | {k for p in question.talking_points for k in p.keywords}
    vocabulary_hits = sum(1 for k in vocabulary if find_keyword(lower, k) >= 0)
    prompt_overlap = len(stems(stripped) & stems(question.prompt))
    if vocabulary_hits == 0 and prompt_overlap < 2:
        checks.append({"code": "off_topic", "message": "The answer uses none of the question's key terms and "
                                                       "hardly any of its words: it seems to be about something else."})
    return checks


def _weights(question: QuestionSpec) -> dict[str, float]:
    if not question.rubric:
        return dict(DEFAULT_WEIGHTS)
    weights = {d: 0.0 for d in DIMENSIONS}
    for item in question.rubric:
        weights[item.dimension] += item.weight
    # A dimension the rubric leaves out still counts a little: an unclear answer is never "strong".
    for dimension in DIMENSIONS:
        if weights[dimension] == 0:
            weights[dimension] = DEFAULT_WEIGHTS[dimension] / 3
    return weights


def evaluate(question: QuestionSpec, answer: str, *, asked_prompt: str = "", job_terms=(),
             duration_seconds: float | None = None, focus_talking_point: int | None = None) -> dict:
    """Evaluate one answer to `question` (or to its follow-up `asked_prompt`, which probes
    `focus_talking_point`). `job_terms`: [{"term", "variants": [lower-case phrases]}] of a target
    job. `duration_seconds`: the length of a spoken answer (adds words per minute)."""
    answer = (answer or "")[:ANSWER_MAX_CHARS]
    checks = answer_checks(question, answer)
    codes = {c["code"] for c in checks}
    text = answer.strip()
    lower = text.lower()
    tokens = words(text)
    sentence_list = sentences(text)

    covered, missed = [], []
    for index, point in enumerate(question.talking_points):
        hit = next(((k, at) for k in point.keywords if (at := find_keyword(lower, k)) >= 0), None)
        if hit and not codes & {"empty", "unintelligible", "copied_question"}:
            covered.append({"index": index, "text": point.text, "keyword": hit[0], "evidence": quote_at(text, hit[1])})
        else:
            missed.append({"index": index, "text": point.text})

    blocked = _blocked(codes)
    dimensions: list[dict] = []
    scores: dict[str, int] = {}
    for dimension in DIMENSIONS:
        if dimension in blocked:
            dimensions.append({"dimension": dimension, "score": None, "status": "not_enough_evidence",
                               "reason": blocked[dimension], "evidence": []})
            continue
        score, reason, evidence = _SCORERS[dimension](question, text, lower, tokens, sentence_list, covered,
                                                      focus_talking_point)
        scores[dimension] = score
        dimensions.append({"dimension": dimension, "score": score, "status": "scored", "reason": reason,
                           "evidence": evidence[:4]})
    for item in dimensions:
        item["rubric"] = [{"criterion": r.criterion, "weight": r.weight,
                           "level": _level(scores[r.dimension]) if r.dimension in scores else "not_enough_evidence",
                           "description": getattr(r, _level(scores[r.dimension])) if r.dimension in scores else ""}
                          for r in question.rubric if r.dimension == item["dimension"]]

    weights = _weights(question)
    total = sum(weights.values())
    evidence_weight = sum(weights[d] for d in scores)
    overall = None
    if all(d in scores for d in CONTENT_DIMENSIONS):
        overall = _clamp(sum(weights[d] * scores[d] for d in scores) / evidence_weight)
    verdict = ("not_enough_evidence" if overall is None else
               "strong" if overall >= STRONG else "fair" if overall >= FAIR else "weak")

    used_terms = [t["term"] for t in job_terms if any(find_keyword(lower, v) >= 0 for v in t.get("variants", ()))]
    counted = Counter(w for w in content_words(text) if w not in STOPWORDS)
    delivery = None
    if duration_seconds and duration_seconds > 0:
        delivery = {"duration_seconds": round(duration_seconds, 1),
                    "words_per_minute": round(len(tokens) * 60 / duration_seconds),
                    "filler_words": sum(1 for t in tokens if t in ("um", "uh", "erm"))}
    return {
        "status": "scored" if overall is not None else "not_enough_evidence",
        "checks": checks,
        "dimensions": dimensions,
        "overall": overall,
        "verdict": verdict,
        "evidence_share": round(evidence_weight / total, 2) if total else 0.0,
        "talking_points": {"covered": covered, "missed": missed},
        "job_terms": {"used": used_terms, "missing": [t["term"] for t in job_terms if t["term"] not in used_terms]},
        "most_used_words": [w for w, n in counted.most_common(5) if n >= 2][:3],
        "word_count": len(tokens),
        "delivery": delivery,
        "summary": _summary(verdict, checks, dimensions, covered, missed),
    }


def _blocked(codes: set[str]) -> dict[str, str]:
    """The dimensions an answer's problems leave without evidence, each with the reason."""
    if "empty" in codes:
        return {d: "The answer is empty." for d in DIMENSIONS}
    if "unintelligible" in codes:
        return {d: "The answer could not be read as words." for d in DIMENSIONS}
    if "copied_question" in codes:
        return {d: "The answer only repeats the question." for d in DIMENSIONS}
    blocked = {}
    if "off_topic" in codes:
        reason = "The answer does not address this question, so its content cannot be judged against it."
        blocked.update({"relevance": reason, "depth": reason, "structure": reason})
    if "too_short" in codes:
        reason = f"Fewer than {MIN_WORDS} words cannot show depth, structure or concision."
        for dimension in ("depth", "structure", "concision", "clarity"):
            blocked.setdefault(dimension, reason)
    return blocked


def _relevance(question, text, lower, tokens, sentence_list, covered, focus):
    keyword_hits = _hits(lower, text, question.keywords)
    wanted = max(1, math.ceil(len(question.keywords) * 0.6))
    keyword_share = min(1.0, len(keyword_hits) / wanted) if question.keywords else None
    point_share = len(covered) / len(question.talking_points) if question.talking_points else None
    prompt_words = stems(question.prompt)
    overlap = len(prompt_words & stems(text))
    prompt_share = min(1.0, overlap / max(1, min(6, len(prompt_words))))
    parts = [(0.45, keyword_share), (0.35, point_share), (0.2, prompt_share)]
    if focus is not None and 0 <= focus < len(question.talking_points):
        # A follow-up asks for one point: answering it is what relevance means here.
        parts.append((0.6, 1.0 if any(c["index"] == focus for c in covered) else 0.0))
    used = [(w, s) for w, s in parts if s is not None]
    score = _clamp(100 * sum(w * s for w, s in used) / sum(w for w, _ in used))
    evidence = [f"“{quote}” (uses “{phrase}”)" for phrase, quote in keyword_hits[:3]]
    reason = (f"Uses {len(keyword_hits)} of the question's {len(question.keywords)} key terms"
              + (f" and covers {len(covered)} of {len(question.talking_points)} talking points"
                 if question.talking_points else "") + ".")
    return score, reason, evidence


def _depth(question, text, lower, tokens, sentence_list, covered, focus):
    point_share = len(covered) / len(question.talking_points) if question.talking_points else 0.5
    numbers = [s for s in sentence_list if NUMBER.search(s)]
    causal = _hits(lower, text, CAUSAL)
    extra_terms = {w for w in content_words(text) if len(w) >= 7}
    specificity = (0.4 * (1.0 if numbers else 0.0) + 0.35 * min(1.0, len(causal) / 2)
                   + 0.25 * min(1.0, len(extra_terms) / 12))
    score = _clamp(100 * (0.65 * point_share + 0.35 * specificity))
    evidence = [f"“{c['evidence']}” ({c['text'].rstrip('.')})" for c in covered[:3]]
    if numbers:
        evidence.append(f"“{numbers[0][:180]}” (a concrete figure)")
    if causal:
        evidence.append(f"“{causal[0][1]}” (reasoning: “{causal[0][0]}”)")
    reason = (f"Covers {len(covered)} of {len(question.talking_points)} expected points; "
              f"{'gives figures' if numbers else 'no figures'}, "
              f"{'explains why' if causal else 'does not say why'}.")
    return score, reason, evidence


def _structure(question, text, lower, tokens, sentence_list, covered, focus):
    if question.star:
        found = {part: _hits(lower, text, markers) for part, markers in STAR_MARKERS.items()}
        present = [part for part, hits in found.items() if hits]
        score = _clamp(25 * len(present) + (5 if len(sentence_list) >= 4 else 0))
        evidence = [f"{part.title()}: “{found[part][0][1]}”" for part in present]
        lacking = [part for part in STAR_MARKERS if part not in present]
        reason = ("STAR: shows " + (", ".join(present) or "none of situation, task, action, result")
                  + (f"; missing {', '.join(lacking)}." if lacking else "."))
        return score, reason, evidence
    connectors = _hits(lower, text, CONNECTORS)
    examples = _hits(lower, text, EXAMPLES)
    score = _clamp((25 if len(sentence_list) >= 3 else 10 * len(sentence_list)) + 15 * min(3, len(connectors))
                   + (20 if examples else 0) + (10 if "\n" in text.strip() else 0))
    evidence = [f"“{quote}” (“{phrase}”)" for phrase, quote in (connectors[:2] + examples[:1])]
    reason = (f"{len(sentence_list)} sentences, {len(connectors)} linking words"
              + (", an example" if examples else ", no example") + ".")
    return score, reason, evidence


def _clarity(question, text, lower, tokens, sentence_list, covered, focus):
    lengths = [len(words(s)) for s in sentence_list] or [len(tokens)]
    average = sum(lengths) / len(lengths)
    per_hundred = 100 / max(1, len(tokens))
    fillers = _hits(lower, text, FILLERS)
    vague = _hits(lower, text, VAGUE)
    filler_count = sum(len(re.findall(r"(?<![a-z])" + re.escape(f) + r"(?![a-z])", lower)) for f, _ in fillers)
    vague_count = sum(len(re.findall(r"(?<![a-z])" + re.escape(v) + r"(?![a-z])", lower)) for v, _ in vague)
    long_sentences = [s for s, n in zip(sentence_list, lengths, strict=False) if n > 40]
    penalty = (max(0.0, average - 22) * 2.5 + filler_count * per_hundred * 6 + vague_count * per_hundred * 5
               + 8 * len(long_sentences))
    score = _clamp(100 - penalty)
    evidence = [f"“{quote}” (filler “{phrase}”)" for phrase, quote in fillers[:2]]
    evidence += [f"“{quote}” (vague: “{phrase}”)" for phrase, quote in vague[:2]]
    if long_sentences:
        evidence.append(f"“{long_sentences[0][:180]}…” (a {max(lengths)}-word sentence)")
    reason = (f"Sentences average {average:.0f} words; {filler_count} filler and {vague_count} vague "
              f"expressions.")
    return score, reason, evidence


def _concision(question, text, lower, tokens, sentence_list, covered, focus):
    low, high = (90, 320) if question.category in ("behavioral", "system_design") else (50, 240)
    count = len(tokens)
    if count < low:
        score = 100 - (low - count) * 1.0
        reason = f"{count} words: shorter than the {low}-{high} a full answer usually needs."
    elif count > high:
        score = 100 - (count - high) * 0.3
        reason = f"{count} words: longer than the {low}-{high} that keep an interviewer with you."
    else:
        score = 100
        reason = f"{count} words: within {low}-{high}."
    content = content_words(text)
    trigrams = Counter(zip(content, content[1:], content[2:], strict=False))
    repeated = sum(n - 1 for n in trigrams.values() if n > 1)
    evidence = []
    if repeated:
        score -= min(40, repeated * 8)
        phrase = " ".join(trigrams.most_common(1)[0][0])
        evidence.append(f"repeats “{phrase}”")
        reason += f" Repeats itself ({repeated} repeated phrases)."
    return _clamp(score), reason, evidence


_SCORERS = {"relevance": _relevance, "depth": _depth, "structure": _structure, "clarity": _clarity,
            "concision": _concision}


def _summary(verdict, checks, dimensions, covered, missed) -> str:
    if verdict == "not_enough_evidence":
        return "Not enough evidence for a score: " + " ".join(c["message"] for c in checks)
    scored = [d for d in dimensions if d["score"] is not None]
    best = max(scored, key=lambda d: d["score"])
    worst = min(scored, key=lambda d: d["score"])
    text = f"A {verdict} answer: best on {best['dimension']} ({best['score']}), weakest on " \
           f"{worst['dimension']} ({worst['score']})."
    if missed:
        text += " Missing: " + "; ".join(m["text"].rstrip(".") for m in missed[:2]) + "."
    return text


SPEAKING_KEYS = ("status", "word_count", "speaking_seconds", "words_per_minute", "fillers", "filler_count",
                 "fillers_per_100_words", "long_pauses", "longest_pause_seconds", "explanation")


def speaking_summary(measures: dict) -> dict:
    """The media job's speaking measures (core.media_processing.speech) as an evaluation shows them."""
    return {key: measures.get(key) for key in SPEAKING_KEYS}


def evaluate_spoken(question: QuestionSpec, transcript: str, *, transcript_status: str, reason: str,
                    measures: dict, **options) -> dict:
    """Evaluate a spoken answer from its transcript, with the speaking measures added. Silent or
    unintelligible audio has no transcript (none is made up for it): every dimension is then
    "not enough evidence", and the reason is the one the recording gave, not "the answer is empty"."""
    if transcript_status == "transcribed" and transcript.strip():
        result = evaluate(question, transcript, **options)
    else:
        result = evaluate(question, "", asked_prompt=options.get("asked_prompt", ""))
        why = reason or "No words could be made out in the recording."
        result["checks"] = [{"code": transcript_status or "unintelligible", "message": why}]
        for dimension in result["dimensions"]:
            dimension["reason"] = why
        result["summary"] = "Not enough evidence for a score: " + why
    result["speaking"] = speaking_summary(measures)
    return result
