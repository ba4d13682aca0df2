"""Every write of the subsidies area: validate, lock, change state, audit, notify, queue.

Split by concept: ``claims`` (the agency's drafts and steps), ``review`` (the bureau's steps),
``transitions`` (how every step is taken), ``funds``, ``notices``, ``catalogue`` (claim types,
award settings, parameters to confirm), ``subjects`` (what a claim subsidises). The names
below are the area's public writes."""

from .actions import CLAIM_VERBS, claim_act
from .catalogue import (
    AWARD_POLICY_FIELDS,
    CLAIM_TYPE_FIELDS,
    award_policy_save,
    claim_type_copy,
    claim_type_save,
    parameter_confirm,
    parameter_flag,
)
from .changes import (
    fund_change_propose,
    rates_change_propose,
    setting_change_approve,
    setting_change_reject,
)
from .claims import (
    claim_attach,
    claim_create,
    claim_detach,
    claim_resubmit,
    claim_submit,
    claim_update,
    claim_withdraw,
)
from .funds import fund_set
from .notices import notice_regenerate, notice_render
from .review import (
    claim_approve,
    claim_first_pass,
    claim_pay,
    claim_reject,
    claim_return,
    claim_revoke,
)

__all__ = (
    "AWARD_POLICY_FIELDS",
    "CLAIM_TYPE_FIELDS",
    "CLAIM_VERBS",
    "award_policy_save",
    "claim_act",
    "claim_approve",
    "claim_attach",
    "claim_create",
    "claim_detach",
    "claim_first_pass",
    "claim_pay",
    "claim_reject",
    "claim_resubmit",
    "claim_return",
    "claim_revoke",
    "claim_submit",
    "claim_type_copy",
    "claim_type_save",
    "claim_update",
    "claim_withdraw",
    "fund_change_propose",
    "fund_set",
    "rates_change_propose",
    "setting_change_approve",
    "setting_change_reject",
    "notice_regenerate",
    "notice_render",
    "parameter_confirm",
    "parameter_flag",
)
