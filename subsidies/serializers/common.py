"""What the subsidies serializers share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .. import rules, workflow
from ..models import (
    ClaimType,
)

CLAIM_ACTIONS = sorted({t.action for t in workflow.TRANSITIONS})
FIELD_KINDS = [
    ("money", gettext_lazy("amount in yuan")),
    ("count", gettext_lazy("whole number")),
    ("text", gettext_lazy("text")),
    ("line", gettext_lazy("text on one line")),
    ("date", gettext_lazy("date")),
    ("percent", gettext_lazy("percentage")),
]
MAX_SUBJECTS = 5000


def request_user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def declared_fields(claim_type: ClaimType) -> tuple[rules.Field, ...]:
    calculator = rules.CALCULATORS.get(claim_type.calculator)
    return calculator.fields if calculator else ()
