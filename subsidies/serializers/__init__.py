"""API shapes of the subsidies area. Serializers check types and present; services write.

Read serializers present a claim to whoever may see it, with the actions that user may take
now (``permissions.can_transition``); input serializers hand plain data to
``subsidies.services``, which owns every rule and every message about the domain.
"""

from .catalogue import (
    AwardPolicySerializer,
    ClaimTypeSerializer,
    DeclaredFieldSerializer,
    ParameterFlagSerializer,
    RequiredAttachmentSerializer,
)
from .claims import (
    ClaimActionSerializer,
    ClaimAttachmentInputSerializer,
    ClaimAttachmentSerializer,
    ClaimCreateSerializer,
    ClaimErrorSerializer,
    ClaimSerializer,
    ClaimSubjectSerializer,
    ClaimTransitionSerializer,
    ClaimUpdateSerializer,
    NoticeSerializer,
    _DeclaredErrorsField,
    _DeclaredMixin,
)
from .common import CLAIM_ACTIONS, FIELD_KINDS, MAX_SUBJECTS
from .funds import SpecialFundSerializer

__all__ = [
    "AwardPolicySerializer",
    "CLAIM_ACTIONS",
    "ClaimActionSerializer",
    "ClaimAttachmentInputSerializer",
    "ClaimAttachmentSerializer",
    "ClaimCreateSerializer",
    "ClaimErrorSerializer",
    "ClaimSerializer",
    "ClaimSubjectSerializer",
    "ClaimTransitionSerializer",
    "ClaimTypeSerializer",
    "ClaimUpdateSerializer",
    "DeclaredFieldSerializer",
    "FIELD_KINDS",
    "MAX_SUBJECTS",
    "NoticeSerializer",
    "ParameterFlagSerializer",
    "RequiredAttachmentSerializer",
    "SpecialFundSerializer",
    "_DeclaredErrorsField",
    "_DeclaredMixin",
]
