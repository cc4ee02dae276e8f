"""The shipped skill ontology: size, shape, and matching that real resumes need."""

from resumes.ontology import default_matcher, default_ontology


def test_the_ontology_is_large_and_consistent():
    ontology = default_ontology()
    assert len(ontology.skills) >= 400
    for skill in ontology.skills.values():
        assert skill.category, skill.id
        for related_id, weight in skill.related:
            assert related_id in ontology.skills and 0 <= weight <= 1, (skill.id, related_id)


def test_aliases_and_spellings():
    found = default_matcher().skill_ids("JS, Node, k8s, Postgres, Golang, React.js, TS, GCP")
    names = {default_ontology().skills[s].name for s in found}
    for expected in ("JavaScript", "Kubernetes", "PostgreSQL", "Go", "React"):
        assert any(expected in name for name in names), (expected, names)


def test_no_matches_inside_other_words():
    found = set(default_matcher().skill_ids("Google, CSS, Scala-like scalability, Javanese, Gopher, arrest"))
    ids = {s.lower() for s in found}
    assert "go" not in ids and "c" not in ids and "java" not in ids and "r" not in ids


def test_transferable_relations_exist():
    ontology = default_ontology()
    assert any(weight >= 0.5 for _, weight in ontology.related_to("mysql")) or ontology.get("mysql") is None


def test_everyday_words_are_not_fuzzy_matched_and_letters_stay_letters():
    text = ("Built a testing system for visualization and sharing; led R&D with C-level executives.\n"
            "Skills: Python, Kubernets")
    names = {default_ontology().skills[s].name.lower() for s in default_matcher().skill_ids(text)}
    assert "kubernetes" in names and "python" in names
    for wrong in ("systemd", "testng", "r", "c", "d"):
        assert wrong not in names, names


def test_everyday_word_terms_are_terms_of_their_skill_and_need_a_list_in_prose():
    ontology = default_ontology()
    for skill in ontology.skills.values():
        for term in skill.ambiguous_terms:
            assert term in (skill.name, *skill.aliases), (skill.id, term)
    ids = set(default_matcher().skill_ids("Go to the market. Excel at sales. Express delivery. Canvas bags."))
    assert not ids & {"go", "excel", "express", "canvas-lms"}, ids
    assert {"go", "excel", "express"} <= set(default_matcher().skill_ids("Python, Go, Excel and Express"))
