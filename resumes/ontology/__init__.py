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


class SkillMatcher:
    """Finds the ontology's skills in text: names and aliases, any case (except for skills whose
    name is a common word, like Go), not inside other words, and near-misses ("Kubernets")."""

    def __init__(self, ontology: Ontology):
        self.ontology = ontology
        self.by_term: dict[str, str] = {}
        exact_terms, folded_terms = [], []
        for skill in ontology.skills.values():
            for term in (skill.name, *skill.aliases):
                if not term:
                    continue
                if skill.case_sensitive:
                    self.by_term[term] = skill.id
                    exact_terms.append(term)
                else:
                    self.by_term[term.lower()] = skill.id
                    folded_terms.append(term)
        self.exact = _pattern(exact_terms, 0)
        self.folded = _pattern(folded_terms, re.IGNORECASE)
        self.fuzzy_terms = {term: skill_id for term, skill_id in self.by_term.items()
                            if len(term) >= FUZZY_MIN_LENGTH and term == term.lower()}
        self.fuzzy_choices = list(self.fuzzy_terms)

    def find(self, text: str, fuzzy: bool = True) -> list[SkillMention]:
        mentions: list[SkillMention] = []
        covered = bytearray(len(text) + 1)  # 1 where a match already stands
        for pattern, fold in ((self.folded, True), (self.exact, False)):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                term = match.group(0)
                skill_id = self.by_term.get(term.lower() if fold else term)
                if skill_id is None:
                    continue
                if covered[match.start()]:
                    continue
                if len(term) <= 2 and (text[match.end():match.end() + 1] in ("&", "-", "'")
                                       or text[max(0, match.start() - 1):match.start()] in ("&", "-")):
                    continue  # "R&D", "C-level", "D-day" are not languages
                covered[match.start():match.end()] = b"\x01" * (match.end() - match.start())
                mentions.append(SkillMention(skill_id, self.ontology.skills[skill_id].name, term, match.start()))
        if fuzzy and self.fuzzy_choices:
            tried: dict[str, tuple | None] = {}
            for word in WORD.finditer(text):
                if covered[word.start()]:
                    continue
                if not _looks_like_a_name(text, word.start(), word.group(0)):
                    continue  # everyday words ("system", "testing") are not misspelt tools
                candidate = word.group(0).lower().rstrip(".")
                if candidate in self.by_term:
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

    def skill_ids(self, text: str) -> list[str]:
        seen, ordered = set(), []
        for mention in self.find(text):
            if mention.skill_id not in seen:
                seen.add(mention.skill_id)
                ordered.append(mention.skill_id)
        return ordered


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
