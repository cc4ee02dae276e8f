"""The skill ontology (data in resumes/data/skills.json) and matching skills in free text.
No Django in here."""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "skills.json"
FUZZY_MIN_LENGTH = 6
FUZZY_CUTOFF = 88
WORD = re.compile(rf"[A-Za-z][A-Za-z0-9.+#-]{{{FUZZY_MIN_LENGTH - 1},}}")


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    category: str
    aliases: tuple[str, ...]
    related: tuple[tuple[str, float], ...]
    role_families: tuple[str, ...]
    case_sensitive: bool = False
    # Names that are also everyday words or letters ("Go", "R", "Express", "Canvas"): found only as
    # written here, and in running text only beside another skill in a list ("SAS, SQL, R").
    ambiguous_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkillMention:
    skill_id: str
    name: str
    matched: str
    start: int
    fuzzy: bool = False


@dataclass
class Ontology:
    skills: dict[str, Skill]
    categories: dict[str, str] = field(default_factory=dict)
    # A family is an umbrella skill and the products under it (AWS: EC2, S3, EKS, ...): one gap,
    # one piece of advice. Member id → the umbrella's id.
    parents: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict) -> "Ontology":
        skills = {}
        for entry in data["skills"]:
            skills[entry["id"]] = Skill(
                id=entry["id"], name=entry["name"], category=entry.get("category", ""),
                aliases=tuple(entry.get("aliases", [])),
                related=tuple((r["id"], float(r["weight"])) for r in entry.get("related", [])),
                role_families=tuple(entry.get("role_families", [])),
                case_sensitive=bool(entry.get("case_sensitive", False)),
                ambiguous_terms=tuple(entry.get("ambiguous_terms", [])),
            )
        parents = {member: parent for parent, members in data.get("families", {}).items() for member in members}
        return cls(skills, data.get("categories", {}), parents)

    def get(self, skill_id: str) -> Skill | None:
        return self.skills.get(skill_id)

    def family_of(self, skill_id: str) -> str:
        """The umbrella skill a skill belongs to (itself when it has none)."""
        return self.parents.get(skill_id, skill_id)

    def related_to(self, skill_id: str) -> list[tuple[str, float]]:
        skill = self.skills.get(skill_id)
        return list(skill.related) if skill else []


@lru_cache(maxsize=1)
def default_ontology() -> Ontology:
    return Ontology.from_data(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def _trie_regex(terms: list[str]) -> str:
    """One regex for many literal terms, shaped as a trie (shared prefixes once), which `re`
    matches far faster than a flat alternation of thousands of words. Longer terms are tried
    before their prefixes, so "Node.js" wins over "Node" and "C++" over "C"."""
    trie: dict = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends_here else "(?:" + "|".join(branches) + ")"
        return body + ("?" if ends_here else "")

    return build(trie)


def _pattern(terms: list[str], flags: int) -> re.Pattern | None:
    if not terms:
        return None
    if flags & re.IGNORECASE:
        terms = sorted({term.lower() for term in terms})
    # Never inside another word: "Go" is not in "Google", "C" is not in "CSS" or "C++".
    return re.compile(rf"(?<![A-Za-z0-9_+#.])(?:{_trie_regex(terms)})(?![A-Za-z0-9_+#]|\.[A-Za-z0-9])", flags)


# What may stand between two items of one list: separators, brackets, "and", "or".
LIST_GAP = re.compile(r"[\s,;/|&+()\[\]•·▪‣◦*-]*(?:(?:and|or)\b[\s,;/|&+()\[\]•·▪‣◦*-]*)?")
LIST_GAP_MAX = 12
# Words before a tool's name that say it is one: "written in Go", "built with Flask", "in Canvas".
TOOL_CUE = re.compile(r"\b(?:in|with|using|into|via)\s+$")
ALONE_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[-–—•·▪‣◦*][ \t]*)?$")
ALONE_AFTER = re.compile(r"[ \t]*[.,;:]?[ \t]*(?:\n|$)")
ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")
WORDS_BEFORE = re.compile(r"([A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,9})\s*$")
MINOR_WORDS = frozenset({"of", "and", "for", "the", "in", "on", "to", "a", "an", "&"})


class SkillMatcher:
    """Finds the ontology's skills in text: names and aliases, any case (except for skills whose
    name is a common word, like Go), not inside other words, and near-misses ("Kubernets").
    Terms that are everyday words count in running text only when they stand in a list beside
    another skill, and an acronym that the text spells out as something else ("Developmental
    Spelling Analysis (DSA)") is not that skill."""

    def __init__(self, ontology: Ontology):
        self.ontology = ontology
        self.exact_ids: dict[str, str] = {}  # term as written → id, for case-sensitive terms
        self.folded_ids: dict[str, str] = {}  # lower-cased term → id
        self.ambiguous: set[str] = set()
        exact_terms, folded_terms = [], []
        for skill in ontology.skills.values():
            self.ambiguous.update(skill.ambiguous_terms)
            for term in (skill.name, *skill.aliases):
                if not term:
                    continue
                if skill.case_sensitive or term in skill.ambiguous_terms:
                    self.exact_ids.setdefault(term, skill.id)
                    exact_terms.append(term)
                else:
                    self.folded_ids.setdefault(term.lower(), skill.id)
                    folded_terms.append(term)
        self.any_case_ids = {term.lower(): skill_id for term, skill_id in self.exact_ids.items()}
        self.any_case_ids.update(self.folded_ids)
        self.exact = _pattern(exact_terms, 0)
        self.folded = _pattern(folded_terms, re.IGNORECASE)
        self.fuzzy_terms = {term: skill_id for term, skill_id in self.any_case_ids.items()
                            if len(term) >= FUZZY_MIN_LENGTH and term not in {t.lower() for t in self.ambiguous}}
        self.fuzzy_choices = list(self.fuzzy_terms)
        self.fuzzy_single_words = [term for term in self.fuzzy_choices if " " not in term]

    def term_id(self, term: str, fuzzy: bool = False) -> str | None:
        """The skill a whole item of a skills list names (any case: a list says it is a skill),
        or None; with `fuzzy`, near-misses of longer terms count too ("Kubernets")."""
        term = re.sub(r"\s+", " ", term).strip()
        skill_id = (self.exact_ids.get(term) or self.any_case_ids.get(term.lower())
                    or self.any_case_ids.get(term.lower().replace("-", " ")))  # "Time-Management"
        if skill_id or not fuzzy or len(term) < FUZZY_MIN_LENGTH or " " in term or not self.fuzzy_single_words:
            return skill_id
        # One word against one-word terms only: "Programming" is not a misspelt "C programming".
        best = process.extractOne(term.lower(), self.fuzzy_single_words, scorer=fuzz.ratio,
                                  score_cutoff=FUZZY_CUTOFF)
        return self.fuzzy_terms[best[0]] if best else None

    def is_ambiguous(self, term: str) -> bool:
        return term in self.ambiguous

    def find(self, text: str, fuzzy: bool = True) -> list[SkillMention]:
        mentions: list[SkillMention] = []
        covered = bytearray(len(text) + 1)  # 1 where a match already stands
        for pattern, ids, fold in ((self.folded, self.folded_ids, True), (self.exact, self.exact_ids, False)):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                term = match.group(0)
                skill_id = ids.get(term.lower() if fold else term)
                if skill_id is None or covered[match.start()] or covered[match.end() - 1]:
                    continue
                if len(term) <= 2 and (text[match.end():match.end() + 1] in ("&", "-", "'")
                                       or text[max(0, match.start() - 1):match.start()] in ("&", "-")):
                    continue  # "R&D", "C-level", "D-day" are not languages
                if _spelt_out_as_something_else(text, match.start(), match.end()):
                    continue
                covered[match.start():match.end()] = b"\x01" * (match.end() - match.start())
                mentions.append(SkillMention(skill_id, self.ontology.skills[skill_id].name, term, match.start()))
        mentions = self._in_context(text, sorted(mentions, key=lambda m: m.start))
        if fuzzy and self.fuzzy_choices:
            tried: dict[str, tuple | None] = {}
            for word in WORD.finditer(text):
                if covered[word.start()]:
                    continue
                if not _looks_like_a_name(text, word.start(), word.group(0)):
                    continue  # everyday words ("system", "testing") are not misspelt tools
                candidate = word.group(0).lower().rstrip(".")
                if candidate in self.any_case_ids:
                    continue
                if candidate not in tried:  # resumes repeat their words
                    tried[candidate] = process.extractOne(candidate, self.fuzzy_choices, scorer=fuzz.ratio,
                                                          score_cutoff=FUZZY_CUTOFF)
                best = tried[candidate]
                if best:
                    skill_id = self.fuzzy_terms[best[0]]
                    mentions.append(SkillMention(skill_id, self.ontology.skills[skill_id].name, word.group(0),
                                                 word.start(), fuzzy=True))
        return sorted(mentions, key=lambda m: m.start)

    def _in_context(self, text: str, mentions: list[SkillMention]) -> list[SkillMention]:
        """Drops everyday-word terms unless they stand in a list beside a skill that is surely one
        ("SAS, SQL, R", "C++ and Boost"), alone on a line, or after "in"/"with"/"using" ("written
        in Go"): "Go to market", "Uses R to" and "Spring 2020" do not count."""
        anchored = [m.matched not in self.ambiguous or _named_as_a_tool(text, m) for m in mentions]
        # A list anchors its everyday words from either end: one pass each way reaches along it.
        for order, step in ((range(1, len(mentions)), -1), (range(len(mentions) - 2, -1, -1), 1)):
            for i in order:
                if not anchored[i] and anchored[i + step]:
                    left, right = sorted((mentions[i], mentions[i + step]), key=lambda m: m.start)
                    gap = text[left.start + len(left.matched):right.start]
                    # Across lines only with a separator: "gRPC,\nBoost" is a list, "Rust\n- Spring" not.
                    anchored[i] = (len(gap) <= LIST_GAP_MAX and LIST_GAP.fullmatch(gap) is not None
                                   and ("\n" not in gap or re.search(r"[,;/|]", gap) is not None)
                                   and not _before_a_year(text, mentions[i]))
        return [m for m, keep in zip(mentions, anchored, strict=True) if keep]

    def skill_ids(self, text: str) -> list[str]:
        seen, ordered = set(), []
        for mention in self.find(text):
            if mention.skill_id not in seen:
                seen.add(mention.skill_id)
                ordered.append(mention.skill_id)
        return ordered


def _before_a_year(text: str, mention: SkillMention) -> bool:
    """"Spring 2021" is a season."""
    end = mention.start + len(mention.matched)
    return re.match(r"\s*(?:19|20)\d{2}\b", text[end:end + 8]) is not None


def _named_as_a_tool(text: str, mention: SkillMention) -> bool:
    before = text[max(0, mention.start - 40):mention.start]
    after = text[mention.start + len(mention.matched):mention.start + len(mention.matched) + 40]
    if ALONE_BEFORE.search(before) and ALONE_AFTER.match(after):
        return True
    return bool(TOOL_CUE.search(before)) and not _before_a_year(text, mention)


def _spelt_out_as_something_else(text: str, start: int, end: int) -> bool:
    """True for an acronym in brackets right after the words it abbreviates: "Developmental
    Spelling Analysis (DSA)" is not Data Structures & Algorithms. (When the words are the skill,
    they match on their own.)"""
    term = text[start:end]
    if not ACRONYM.fullmatch(term) or text[start - 1:start] != "(" or text[end:end + 1] not in (")", ","):
        return False
    before = WORDS_BEFORE.search(text[max(0, start - 120):start - 1])
    if not before:
        return False
    words = [w for w in before.group(1).split() if w.lower() not in MINOR_WORDS]
    initials = "".join(w[0] for w in words).upper()
    letters = "".join(ch for ch in term if ch.isalpha())
    return len(letters) >= 2 and initials.endswith(letters)


def _looks_like_a_name(text: str, start: int, word: str) -> bool:
    """Only capitalised words that do not start a sentence or a line are checked for near-misses:
    that is how tools are written in skill lists ("Python, Kubernets, Terrafrom")."""
    if not any(ch.isupper() for ch in word):
        return False
    before = text[max(0, start - 2):start]
    return not (start == 0 or before.endswith("\n") or before.rstrip(" ").endswith((".", "!", "?", "\n", "•", "-"))
                or before == "")


@lru_cache(maxsize=1)
def default_matcher() -> SkillMatcher:
    return SkillMatcher(default_ontology())
