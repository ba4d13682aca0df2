"""Every write of the agencies area, one module per concept:

- registration: applying, the agency's details, its status changes (register, reject, …),
  alliance membership, enterprise size
- recognitions: granting and revoking 认定/称号
- workers: the worker records an agency keeps
- filings: employee-system filings, their term, renewal, lapse and withdrawal
- standings: the yearly inspection result and rating

Callers inside agencies/ import the module they need. The names below are re-exported for
callers in other apps until they move to the modules (``agencies.services.filings`` …).
"""

from __future__ import annotations

from .filings import (
    FILING_DECLARATIONS,
    figures_text,
    filing_approve,
    filing_decide,
    filing_lapse,
    filing_refuse,
    filing_resubmit,
    filing_return,
    filing_submit,
    filing_withdraw,
    filings_check,
    renewal_opens_on,
)
from .recognitions import recognition_grant, recognition_revoke
from .registration import (
    AGENCY_FIELDS,
    LICENSE_TYPES,
    MAX_SIZE_REVENUE,
    agency_apply,
    agency_deregister,
    agency_reapply,
    agency_register,
    agency_reinstate,
    agency_reject,
    agency_set_alliance,
    agency_size_set,
    agency_suspend,
    agency_transition,
    agency_update,
    applicant_signup,
)
from .standings import standing_record_inspection, standing_record_rating
from .workers import WORKER_FIELDS, _validate_worker, worker_add, worker_leave, worker_update

__all__ = [
    "AGENCY_FIELDS",
    "FILING_DECLARATIONS",
    "LICENSE_TYPES",
    "MAX_SIZE_REVENUE",
    "WORKER_FIELDS",
    "_validate_worker",
    "agency_apply",
    "agency_deregister",
    "agency_reapply",
    "agency_register",
    "agency_reinstate",
    "agency_reject",
    "agency_set_alliance",
    "agency_size_set",
    "agency_suspend",
    "agency_transition",
    "agency_update",
    "applicant_signup",
    "figures_text",
    "filing_approve",
    "filing_decide",
    "filing_lapse",
    "filing_refuse",
    "filing_resubmit",
    "filing_return",
    "filing_submit",
    "filing_withdraw",
    "filings_check",
    "recognition_grant",
    "recognition_revoke",
    "renewal_opens_on",
    "standing_record_inspection",
    "standing_record_rating",
    "worker_add",
    "worker_leave",
    "worker_update",
]
