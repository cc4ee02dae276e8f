"""Speaking measures: where the voice is (from the audio's loudness), words per minute, filler
words and long pauses. A recording with no voice in it is called silent; one with a voice but no
words a recogniser trusts is called unintelligible, and neither gets a transcript made up for it."""

import math
import operator
import re
from dataclasses import asdict, dataclass, field

from .rendering import SAMPLE_RATE, pcm_samples

FRAME_SECONDS = 0.02
VOICE_DBFS = -42.0  # a frame louder than this may be speech (a quiet room is below -55)
SILENT_DBFS = -50.0  # a recording whose loudest frame stays below this holds no voice
LONG_PAUSE_SECONDS = 2.0
MIN_MEAN_CONFIDENCE = 0.3  # below this the recogniser's words are guesses, not a transcript

SILENT = "silent"
UNINTELLIGIBLE = "unintelligible"
TRANSCRIBED = "transcribed"
NOT_REQUESTED = "not_requested"
NO_AUDIO = "no_audio"


@dataclass
class Word:
    text: str
    start: float
    end: float
    confidence: float | None = None


@dataclass
class Transcript:
    words: list[Word]
    text: str = ""
    engine: str = ""

    def __post_init__(self):
        if not self.text:
            self.text = " ".join(word.text for word in self.words)


@dataclass
class VoiceActivity:
    duration: float
    loudest_dbfs: float
    segments: list[tuple[float, float]] = field(default_factory=list)  # (start, end) of voiced stretches

    @property
    def silent(self) -> bool:
        return self.loudest_dbfs < SILENT_DBFS or not self.segments


def voice_activity(pcm: bytes, *, merge_gap: float = 0.3, min_voiced: float = 0.1) -> VoiceActivity:
    samples = pcm_samples(pcm)
    frame = int(SAMPLE_RATE * FRAME_SECONDS)
    loudest = -120.0
    voiced: list[tuple[float, float]] = []
    for index, start in enumerate(range(0, len(samples), frame)):
        chunk = samples[start:start + frame]
        energy = sum(map(operator.mul, chunk, chunk)) / max(len(chunk), 1)
        dbfs = 10 * math.log10(energy / (32768 ** 2)) if energy > 0 else -120.0
        loudest = max(loudest, dbfs)
        if dbfs >= VOICE_DBFS:
            begin, end = index * FRAME_SECONDS, (index + 1) * FRAME_SECONDS
            if voiced and begin - voiced[-1][1] <= merge_gap:
                voiced[-1] = (voiced[-1][0], end)
            else:
                voiced.append((begin, end))
    segments = [(round(a, 2), round(b, 2)) for a, b in voiced if b - a >= min_voiced]
    return VoiceActivity(duration=round(len(samples) / SAMPLE_RATE, 3), loudest_dbfs=round(loudest, 1),
                         segments=segments)


# Fillers that are fillers wherever they stand, and the phrases that are fillers only where the
# words around them say so ("I like Python" is not one; "it was, like, slow" is).
PURE_FILLERS = {"um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm"}
FILLER_PHRASES = ("you know", "i mean", "sort of", "kind of")
_LIKE_AS_VERB_AFTER = {"i", "you", "we", "they", "he", "she", "it", "who", "would", "do", "does", "did",
                       "don't", "doesn't", "didn't", "really", "also", "not", "look", "looks", "looked", "feel",
                       "feels", "felt", "seem", "seems", "sound", "sounds", "just", "things", "something",
                       "anything", "nothing", "more", "much", "'d", "i'd", "we'd", "you'd", "to"}
_YOU_KNOW_AS_VERB_BEFORE = {"that", "what", "how", "why", "when", "where", "who", "whether", "if", "about",
                            "the", "a", "an", "it", "this", "him", "her", "them", "me", "us", "my", "your"}
_KIND_OF_AS_NOUN_AFTER = {"what", "which", "this", "that", "a", "the", "some", "any", "every", "one", "same",
                          "other", "right", "wrong", "new", "different"}


def filler_words(words: list[str]) -> dict[str, int]:
    tokens = [re.sub(r"[^a-z']", "", word.lower()) for word in words]
    counts: dict[str, int] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        before = tokens[index - 1] if index else ""
        pair = f"{token} {tokens[index + 1]}" if index + 1 < len(tokens) else ""
        after_pair = tokens[index + 2] if index + 2 < len(tokens) else ""
        found = ""
        if token in PURE_FILLERS:
            found = token
        elif token == "like" and before not in _LIKE_AS_VERB_AFTER:
            found = "like"
        elif pair in FILLER_PHRASES:
            if pair == "you know" and after_pair in _YOU_KNOW_AS_VERB_BEFORE:
                pass
            elif pair in ("sort of", "kind of") and before in _KIND_OF_AS_NOUN_AFTER:
                pass
            elif pair == "i mean" and before in ("what", "if", "that's"):
                pass
            else:
                found = pair
        if found:
            counts[found] = counts.get(found, 0) + 1
            index += len(found.split())
        else:
            index += 1
    return counts


@dataclass
class SpeakingMeasures:
    status: str  # transcribed / silent / unintelligible
    word_count: int = 0
    speaking_seconds: float = 0.0
    words_per_minute: float | None = None
    fillers: dict[str, int] = field(default_factory=dict)
    filler_count: int = 0
    fillers_per_100_words: float | None = None
    long_pauses: list[dict] = field(default_factory=list)
    longest_pause_seconds: float = 0.0
    loudest_dbfs: float | None = None
    mean_confidence: float | None = None
    explanation: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def transcript_verdict(activity: VoiceActivity, transcript: Transcript | None) -> tuple[str, str]:
    """(status, why): is there a voice, and did the recogniser find words it trusts in it?"""
    if activity.silent:
        return SILENT, (f"No voice was heard: the loudest moment is {activity.loudest_dbfs:g} dBFS "
                        f"(speech is louder than {VOICE_DBFS:g}).")
    if transcript is None or not transcript.words:
        return UNINTELLIGIBLE, "There is sound, but no words could be made out in it."
    confidences = [w.confidence for w in transcript.words if w.confidence is not None]
    if confidences and sum(confidences) / len(confidences) < MIN_MEAN_CONFIDENCE:
        return UNINTELLIGIBLE, (f"There is sound, but the recogniser trusts too few of its guesses "
                                f"(mean confidence {sum(confidences) / len(confidences):.2f}).")
    return TRANSCRIBED, ""


def speaking_measures(activity: VoiceActivity, transcript: Transcript | None) -> SpeakingMeasures:
    status, why = transcript_verdict(activity, transcript)
    if status != TRANSCRIBED or transcript is None:
        return SpeakingMeasures(status=status, loudest_dbfs=activity.loudest_dbfs, explanation=why)
    words = [w.text for w in transcript.words]
    # Speaking time runs from the first voiced moment to the last: silence before and after the
    # answer does not slow its pace.
    span = (activity.segments[-1][1] - activity.segments[0][0]) if activity.segments else activity.duration
    if transcript.words and transcript.words[-1].end > transcript.words[0].start:
        span = max(span, transcript.words[-1].end - transcript.words[0].start)
    pauses = [{"start": round(a_end, 2), "end": round(b_start, 2), "seconds": round(b_start - a_end, 2)}
              for (_, a_end), (b_start, _) in zip(activity.segments, activity.segments[1:], strict=False)
              if b_start - a_end >= LONG_PAUSE_SECONDS]
    fillers = filler_words(words)
    filler_count = sum(fillers.values())
    confidences = [w.confidence for w in transcript.words if w.confidence is not None]
    return SpeakingMeasures(
        status=status, word_count=len(words), speaking_seconds=round(span, 2),
        words_per_minute=round(len(words) / (span / 60), 1) if span > 0 else None,
        fillers=fillers, filler_count=filler_count,
        fillers_per_100_words=round(100 * filler_count / len(words), 1) if words else None,
        long_pauses=pauses, longest_pause_seconds=max((p["seconds"] for p in pauses), default=0.0),
        loudest_dbfs=activity.loudest_dbfs,
        mean_confidence=round(sum(confidences) / len(confidences), 3) if confidences else None,
        explanation=(f"{len(words)} words in {span:.1f} s of speech; {filler_count} filler word(s); "
                     f"{len(pauses)} pause(s) of {LONG_PAUSE_SECONDS:g} s or more."))
