"""Which ontology skills a challenge practises, from its tags and category, spelled the way the
resume checker's gap report looks practice up (resumes.ats.gaps.skill_terms), so that the skills
a job asks for and the challenges that show them meet on the same terms."""

from collections import defaultdict
from functools import lru_cache

from resumes.ats.gaps import skill_terms
from resumes.ontology import default_ontology


def _term(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


@lru_cache(maxsize=1)
def _skills_by_term() -> dict[str, frozenset[str]]:
    ontology = default_ontology()
    found: dict[str, set[str]] = defaultdict(set)
    for skill_id in ontology.skills:
        for term in skill_terms(skill_id, ontology):
            found[term].add(skill_id)
    return {term: frozenset(ids) for term, ids in found.items()}


def skills_for_topics(topics) -> set[str]:
    by_term = _skills_by_term()
    found: set[str] = set()
    for topic in topics:
        if isinstance(topic, str):
            found |= by_term.get(_term(topic), frozenset())
    return found


def skill_name(skill_id: str) -> str:
    skill = default_ontology().get(skill_id)
    return skill.name if skill else skill_id


def practice_topics_for(skill_ids) -> set[str]:
    from resumes.ats.gaps import practice_topics

    return practice_topics(skill_ids, default_ontology())
