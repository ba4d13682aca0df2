"""The claims area of the agency portal: thin views over services, selectors and permissions.

An agency sees the catalogue of claim types (what each pays, what it needs, whether the
agency may claim it now), files a claim with a form made for its type, uploads the
attachments, submits, answers a return and downloads its notices. Another agency's claim
is simply not found (404); bureau staff are sent to the admin, as in the rest of the portal.
"""

from .catalogue import catalogue, payment_rules
from .detail import (
    TIMELINE_LABELS,
    _timeline,
    claim_attach,
    claim_detach,
    claim_detail,
    claim_transition,
)
from .drafts import claim_edit, claim_new
from .lists import claim_list

__all__ = (
    "TIMELINE_LABELS",
    "_timeline",
    "catalogue",
    "claim_attach",
    "claim_detach",
    "claim_detail",
    "claim_edit",
    "claim_list",
    "claim_new",
    "claim_transition",
    "payment_rules",
)
