"""The ledger (台账) of field visits as XLSX: the filtered list, one row each. Text is written as
text (kunqu_jiafu.documents.xlsx neutralises anything that would start a formula)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.widgets import DateWidget

from kunqu_jiafu.web.admin_kit.exports import UserResource, col

DATE = {"widget": DateWidget(coerce_to_string=False)}


class VisitExport(UserResource):
    visited_on = col(_("visited on"), "visited_on", **DATE)
    agency = col(_("agency"))
    street = col(_("street or town"))
    staff = col(_("staff who went"))
    purpose = col(pgettext_lazy("field visit", "purpose"), "purpose")
    notes = col(_("notes"), "notes")
    situation = col(_("the agency's situation"), "situation")
    needs = col(_("the agency's needs"), "needs")
    recorded_by = col(_("recorded by"))

    def dehydrate_agency(self, v):
        return v.agency.name

    def dehydrate_street(self, v):
        return v.agency.street.name if v.agency.street_id else ""

    def dehydrate_staff(self, v):
        return "、".join(u.get_full_name() or u.username for u in v.staff.all())

    def dehydrate_recorded_by(self, v):
        u = v.created_by
        return u.get_full_name() or u.username
