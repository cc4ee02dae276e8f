"""Real resumes parse right: the corpus of real public resumes in ../shared/corpus, scored by its
own scorer against hand-checked truth, must hold issue 9's targets per field."""

import pytest

from tests.resumes.corpus import CORPUS, score_corpus, shortfalls


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_the_real_resume_corpus_holds_its_targets():
    figures = score_corpus()
    assert len(figures["files"]) >= 14
    assert not shortfalls(figures), (
        "below target: " + ", ".join(f"{f} {got:.1%} < {target:.0%}" for f, (got, target) in shortfalls(figures).items()))
