"""The interview engine: the question format, per-answer evaluation, the choice of the next
question, difficulty calibration and the final report. Pure Python, no Django, so that it can be
tested and benchmarked alone."""

from .calibration import CALIBRATION_MODEL, Calibration, calibrated_label, elo_update
from .evaluation import ANSWER_MAX_CHARS, DIMENSIONS, evaluate, evaluate_spoken
from .questions import (
                        CATEGORIES,
                        DIFFICULTIES,
                        FollowUp,
                        QuestionSpec,
                        RubricItem,
                        SeedError,
                        TalkingPoint,
                        parse_question,
                        question_to_data,
)
from .report import build_report
from .selection import Choice, SessionState, choose_next

__all__ = ["ANSWER_MAX_CHARS", "CALIBRATION_MODEL", "CATEGORIES", "Calibration", "Choice", "DIFFICULTIES",
           "DIMENSIONS", "FollowUp", "QuestionSpec", "RubricItem", "SeedError", "SessionState", "TalkingPoint",
           "build_report", "calibrated_label", "choose_next", "elo_update", "evaluate", "evaluate_spoken", "parse_question",
           "question_to_data"]
