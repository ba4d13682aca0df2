"""XLSX ledger (工作台账) of the inspections: one row per inspection, as filtered."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.admin_kit.exports import UserResource, col


class InspectionExport(UserResource):
    year = col(_("year"))
    agency = col(_("agency"))
    uscc = col(_("unified social credit code"))
    subject = col(_("subject"))
    kind = col(_("kind"))
    template = col(_("checklist template"))
    template_version = col(_("template version"))
    inspectors = col(_("inspectors"))
    inspected_on = col(_("inspected on"))
    score = col(_("score"))
    result = col(_("result"))
    status = col(_("status"))

    def dehydrate_year(self, inspection):
        return inspection.round.year

    def dehydrate_agency(self, inspection):
        return inspection.agency.name

    def dehydrate_uscc(self, inspection):
        return inspection.agency.uscc

    def dehydrate_subject(self, inspection):
        if inspection.recognition_id:
            return inspection.recognition.kind.name
        return inspection.get_subject_kind_display()

    def dehydrate_kind(self, inspection):
        return inspection.get_kind_display()

    def dehydrate_template(self, inspection):
        return inspection.template.name

    def dehydrate_template_version(self, inspection):
        return inspection.template.version

    def dehydrate_inspectors(self, inspection):
        users = (inspection.inspector_1, inspection.inspector_2)
        return "、".join(u.get_full_name() for u in users if u)

    def dehydrate_inspected_on(self, inspection):
        return inspection.inspected_on  # a date cell

    def dehydrate_score(self, inspection):
        return inspection.score  # a number cell

    def dehydrate_result(self, inspection):
        return inspection.get_result_display()

    def dehydrate_status(self, inspection):
        return inspection.get_status_display()
