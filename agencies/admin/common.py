"""Badge and button tones of the agencies admin pages (the shared machinery is in
kunqu_jiafu.web.admin_kit)."""

from __future__ import annotations

from .. import rules
from ..models import Agency, EmployeeSystemFiling, Recognition

COLOUR_TONES = {rules.GREEN: "positive", rules.YELLOW: "warning", rules.RED: "negative"}

# Status badges.
AGENCY_TONES = {
    Agency.Status.APPLYING: "pending",
    Agency.Status.REGISTERED: "positive",
    Agency.Status.REJECTED: "negative",
    Agency.Status.SUSPENDED: "warning",
    Agency.Status.DEREGISTERED: "muted",
}
FILING_TONES = {
    EmployeeSystemFiling.Status.SUBMITTED: "pending",
    EmployeeSystemFiling.Status.FILED: "positive",
    EmployeeSystemFiling.Status.RETURNED: "warning",
    EmployeeSystemFiling.Status.REFUSED: "negative",
    EmployeeSystemFiling.Status.RENEWED: "muted",
    EmployeeSystemFiling.Status.LAPSED: "muted",
    EmployeeSystemFiling.Status.WITHDRAWN: "negative",
}
RECOGNITION_TONES = {
    Recognition.Status.VALID: "positive",
    Recognition.Status.REVOKED: "negative",
    Recognition.Status.EXPIRED: "muted",
}

# Review buttons (the rest read neutral: reapply, suspend, return, resubmit).
AGENCY_ACTION_TONES = {
    "register": "positive",
    "reinstate": "positive",
    "reject": "negative",
    "deregister": "negative",
}
FILING_ACTION_TONES = {"approve": "positive", "refuse": "negative", "withdraw": "negative"}
RECOGNITION_ACTION_TONES = {"revoke": "negative"}
