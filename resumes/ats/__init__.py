"""ATS scoring with no Django inside: job descriptions, an explainable score, skill gaps.

    job = parse_job(text)
    score = score_resume(parsed_resume, job)     # job may be None for a general score
    gaps = skill_gaps(parsed_resume, job)
"""

from .gaps import Gap, SkillGapReport, skill_gaps
from .job import JobDescription, parse_job
from .scoring import ATSScore, CategoryScore, Recommendation, score_resume

__all__ = ["ATSScore", "CategoryScore", "Gap", "JobDescription", "Recommendation", "SkillGapReport", "parse_job",
           "score_resume", "skill_gaps"]
