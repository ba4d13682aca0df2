"""What the agencies area's serializers share: the actions and colours they offer, and the
user asking."""

from __future__ import annotations

from rest_framework import serializers

from .. import rules, workflow

AGENCY_ACTIONS = sorted({t.action for t in workflow.AGENCY_TRANSITIONS})
# "resubmit" is not a decision: an agency re-files through POST /api/filings/, which
# recomputes the figures from its worker records.
FILING_DECISIONS = sorted({t.action for t in workflow.FILING_TRANSITIONS} - {"resubmit"})
STATUS_COLOURS = [
    (rules.GREEN, rules.STATUS_LABELS[rules.GREEN]),
    (rules.YELLOW, rules.STATUS_LABELS[rules.YELLOW]),
    (rules.RED, rules.STATUS_LABELS[rules.RED]),
]


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)
