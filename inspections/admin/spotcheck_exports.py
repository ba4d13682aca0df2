"""The spot-check ledger (抽查核实台账) as XLSX: one row per checked record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from import_export.widgets import DecimalWidget

from kunqu_jiafu.web.admin_kit.exports import UserResource, col, local_time

from ..selectors import record_label

AMOUNT = {"widget": DecimalWidget(coerce_to_string=False)}


class SpotCheckLedgerExport(UserResource):
    spot_check = col(_("spot check"))
    population = col(_("population"))
    period = col(_("period"))
    seed = col(_("random seed"))
    position = col(_("position in the sample"), "position")
    record = col(_("record"))
    agency = col(_("agency"))
    assigned_to = col(_("assigned to"))
    outcome = col(_("outcome"))
    method = col(_("how checked"))
    evidence = col(_("evidence"), "evidence")
    recovery_amount = col(_("amount to recover (yuan)"), "recovery_amount", **AMOUNT)
    checked_at = col(_("checked at"))
    checked_by = col(_("checked by"))

    def dehydrate_spot_check(self, item):
        return item.spot_check.title

    def dehydrate_population(self, item):
        return item.spot_check.get_population_display()

    def dehydrate_period(self, item):
        check = item.spot_check
        return f"{check.period_start:%Y-%m-%d}～{check.period_end:%Y-%m-%d}"

    def dehydrate_seed(self, item):
        return str(item.spot_check.seed)

    def dehydrate_record(self, item):
        return record_label(item)

    def dehydrate_agency(self, item):
        return item.agency.name

    def dehydrate_assigned_to(self, item):
        return str(item.assigned_to) if item.assigned_to_id else ""

    def dehydrate_outcome(self, item):
        return item.get_outcome_display()

    def dehydrate_method(self, item):
        return item.get_method_display() if item.method else ""

    def dehydrate_checked_at(self, item):
        return local_time(item.checked_at)

    def dehydrate_checked_by(self, item):
        return str(item.checked_by) if item.checked_by_id else ""
