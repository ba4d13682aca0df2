"""The ledger (台账) of performance evaluations as XLSX: the filtered list, one row each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.widgets import DecimalWidget, IntegerWidget

from kunqu_jiafu.web.admin_kit.exports import UserResource, col, local_time

NUMBER = {"widget": IntegerWidget(coerce_to_string=False)}
POINTS = {"widget": DecimalWidget(coerce_to_string=False)}


def _user(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class EvaluationExport(UserResource):
    year = col(_("year"), "scheme__year", **NUMBER)
    agency = col(_("agency"))
    uscc = col(_("unified social credit code"))
    street = col(_("street or town"))
    score = col(_("score"), "score", **POINTS)
    rating = col(_("rating"))
    status = col(_("status"))
    evaluated_by = col(_("evaluated by"))
    concluded_at = col(_("concluded at"))
    notes = col(_("notes"), "notes")

    def dehydrate_agency(self, e):
        return e.agency.name

    def dehydrate_uscc(self, e):
        return e.agency.uscc

    def dehydrate_street(self, e):
        return e.agency.street.name if e.agency.street_id else ""

    def dehydrate_rating(self, e):
        return e.get_rating_display() if e.concluded_at else ""

    def dehydrate_status(self, e):
        if e.concluded_at:
            return str(pgettext_lazy("evaluation", "concluded"))
        return str(_("scored, not concluded")) if e.score is not None else str(_("not scored"))

    def dehydrate_evaluated_by(self, e):
        return _user(e.evaluated_by)

    def dehydrate_concluded_at(self, e):
        return local_time(e.concluded_at)
