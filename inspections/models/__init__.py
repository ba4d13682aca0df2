"""Inspections: the annual round (年检复核) against versioned checklists, rectification and
re-inspection, the performance evaluation (绩效考评), spot checks of subsidised services
(抽查核实) and field visits (实地走访). Nothing imports this app; it writes through the
agencies, subsidies and vouchers services."""

from .checklists import ChecklistItem, ChecklistTemplate, ItemGroup, ItemSource, SubjectKind
from .evaluations import (
    EvaluationCriterion,
    EvaluationScheme,
    EvaluationScore,
    PerformanceEvaluation,
)
from .rectifications import Rectification
from .rounds import Inspection, InspectionRound, InspectionScore
from .spotchecks import SpotCheck, SpotCheckItem
from .visits import FieldVisit

__all__ = [
    "ChecklistItem",
    "ChecklistTemplate",
    "EvaluationCriterion",
    "EvaluationScheme",
    "EvaluationScore",
    "FieldVisit",
    "Inspection",
    "InspectionRound",
    "InspectionScore",
    "ItemGroup",
    "ItemSource",
    "PerformanceEvaluation",
    "Rectification",
    "SpotCheck",
    "SpotCheckItem",
    "SubjectKind",
]
