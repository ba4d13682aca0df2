"""The rectifications ledger (XLSX), through the project's export machinery."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.admin_kit.exports import UserResource, col, local_time


class RectificationExport(UserResource):
    agency = col(_("agency"))
    uscc = col(_("unified social credit code"))
    year = col(_("year"))
    subject = col(_("subject"))
    score = col(_("score"))
    status = col(_("status"))
    deadline = col(_("rectification deadline"), "deadline")
    requirements = col(_("what to fix"), "requirements")
    answer = col(_("the agency's answer"), "answer")
    answered_at = col(_("answered at"))
    closed_at = col(_("closed at"))

    def dehydrate_agency(self, r):
        return r.inspection.agency.name

    def dehydrate_uscc(self, r):
        return r.inspection.agency.uscc

    def dehydrate_year(self, r):
        return r.inspection.round.year

    def dehydrate_subject(self, r):
        inspection = r.inspection
        if inspection.recognition_id:
            return inspection.recognition.kind.name
        return inspection.get_subject_kind_display()

    def dehydrate_score(self, r):
        return r.inspection.score

    def dehydrate_status(self, r):
        return r.get_status_display()

    def dehydrate_answered_at(self, r):
        return local_time(r.answered_at)

    def dehydrate_closed_at(self, r):
        return local_time(r.closed_at)
