"""API shapes of the agencies area, one module per resource. Serializers validate and present;
services write.

Read serializers present a record to whoever may see it (ID numbers through
``Person.id_for``); input serializers only check types and hand plain data to a service,
which owns every rule and every message about the domain.
"""

from .agencies import (
    AgencyInputSerializer,
    AgencySerializer,
    AgencyUpdateSerializer,
    FilingDecisionSerializer,
    TransitionSerializer,
)
from .common import AGENCY_ACTIONS, FILING_DECISIONS, STATUS_COLOURS
from .filings import FilingSerializer, FilingSubmitSerializer, RecognitionSerializer
from .me import MeSerializer
from .reference import BusinessFormatSerializer, StreetSerializer
from .survey import SurveyReturnSerializer
from .workers import WorkerCreateSerializer, WorkerSerializer, WorkerUpdateSerializer

__all__ = [
    "AGENCY_ACTIONS",
    "AgencyInputSerializer",
    "AgencySerializer",
    "AgencyUpdateSerializer",
    "BusinessFormatSerializer",
    "FILING_DECISIONS",
    "FilingDecisionSerializer",
    "FilingSerializer",
    "FilingSubmitSerializer",
    "MeSerializer",
    "RecognitionSerializer",
    "STATUS_COLOURS",
    "StreetSerializer",
    "SurveyReturnSerializer",
    "TransitionSerializer",
    "WorkerCreateSerializer",
    "WorkerSerializer",
    "WorkerUpdateSerializer",
]
