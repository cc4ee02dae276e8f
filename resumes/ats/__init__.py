"""ATS scoring with no Django inside: job descriptions, an explainable score, skill gaps.

    job = parse_job(text)
    score = score_resume(parsed_resume, job, practice=items)   # job may be None for a general score
    gaps = skill_gaps(parsed_resume, job, practice=items)      # score.gaps is the same report

`practice` is what PrepForge offers ([Practice(kind="challenge", title, url, difficulty, topics,
languages)]); each gap gets the items whose topics name one of its skills (or, for a language, that can
be solved in it). Without it, the advice names no challenges.

How a resume shows a skill ("shown"): "used_in_role" (a role's title or bullets name it; that
role's dates count toward the skill's years), "listed" (in the Skills section only), "mentioned"
(only elsewhere: summary, projects, ...), "missing". Each earns a share of the skill's weight
(gaps.CREDIT), strictly more the better it is shown, so showing more never lowers the score.

Gaps come one per skill family (skills.json "families": AWS with EC2, S3, RDS, ...). A gap's skills
each have a kind: "missing", "not_in_role" (on the resume, but in no role), "few_years" (in roles
that add up to fewer years than the job asks for that skill); the gap's kind is the most serious.

What resumes.services stores on an Analysis (and the API returns):

    categories: [{"key", "label", "score" (0-100), "weight", "points", "evidence": [str]}]
    recommendations: [{"text", "points" (of the total it wins back), "source" ("resume" | "job"),
                       "line" (0-based, in that text, or null), "quote", "category",
                       "skill" (the gap's family id when it is about a gap, else "")}]
    gaps: {} for the general check; against a job:
      "matched": [{"skill", "name", "family", "required", "relevance" ("required" | "preferred"),
                   "shown", "shown_label" ("used in a role" | "listed" | "only mentioned"), "listed",
                   "mentions" (times named as a word), "years" (from the roles' dates),
                   "years_asked" (the job's years for this skill, or null),
                   "roles": [{"title", "company", "start" ("YYYY-MM" | null), "end" (null when current),
                              "current"}],
                   "proficiency" (the same as shown_label, for pages written before it)}]
      "shown_counts": {"used_in_role": n, "listed": n, "mentioned": n, "missing": n}  (the job's skills)
      "gaps": [{"skill" (family id, e.g. "aws"), "name", "severity" ("critical" | "major" | "minor"),
                "required", "kind", "points" (won back by closing it), "transferable_from",
                "transferable_from_name", "transfer_score", "estimated_hours" (0: nothing to learn,
                only to write), "learning_path": [str] (the advice, in order),
                "skills": [{"skill", "name", "kind", "severity", "required", "shown", "mentions", "years",
                            "years_asked", "transferable_from", "transfer_score", "job_line"}],
                "practice": [{"kind" ("challenge"), "title", "url", "difficulty"}]}]
      "transferable": [{"missing", "from", "score"}]
      "terms": [{"skill", "name", "family", "required", "shown",
                 "job_spans": [[start, end]] (offsets in the job's stored text),
                 "resume_spans": [[start, end]] (offsets in the version's stored text)}]
"""

from .gaps import (
    CREDIT,
    SHOWN_LABELS,
    Gap,
    GapSkill,
    Practice,
    SkillEvidence,
    SkillGapReport,
    practice_topics,
    skill_gaps,
)
from .job import JobDescription, parse_job
from .scoring import ATSScore, CategoryScore, Recommendation, score_resume

__all__ = ["ATSScore", "CREDIT", "CategoryScore", "Gap", "GapSkill", "JobDescription", "Practice", "Recommendation",
           "SHOWN_LABELS", "SkillEvidence", "SkillGapReport", "parse_job", "practice_topics", "score_resume",
           "skill_gaps"]
