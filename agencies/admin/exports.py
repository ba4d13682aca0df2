"""XLSX exports of the agencies admin lists (django-import-export, export only).

Headers are the translated labels; ID numbers are masked unless the user may see them;
datetimes are written in local time (Excel keeps no time zone).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.admin_kit.exports import UserResource, col, local_time

from .. import selectors


def _yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


class AgencyExport(UserResource):
    name = col(_("agency name"), "name")
    uscc = col(_("unified social credit code"), "uscc")
    legal_representative = col(_("legal representative"), "legal_representative")
    contact_name = col(_("contact person"), "contact_name")
    phone = col(_("contact phone"), "phone")
    address = col(_("address"), "address")
    street = col(_("street or town"))
    formats = col(_("business formats"))
    founded_on = col(_("founding date"), "founded_on")
    employee_count = col(_("number of employees"), "employee_count")
    status = col(_("status"))
    status_reason = col(_("reason for the last decision"), "status_reason")
    registered_on = col(_("registration date"), "registered_on")
    alliance_member = col(_("member of the agency alliance"))
    alliance_joined_on = col(_("alliance join date"), "alliance_joined_on")
    recognitions = col(_("valid recognitions"))
    workers = col(_("active workers"))
    created_at = col(_("applied at"))

    def dehydrate_street(self, agency):
        return agency.street.name

    def dehydrate_formats(self, agency):
        return "、".join(f.name for f in agency.formats.all())

    def dehydrate_status(self, agency):
        return agency.get_status_display()

    def dehydrate_alliance_member(self, agency):
        return _yes_no(agency.alliance_member)

    def dehydrate_recognitions(self, agency):
        return getattr(agency, "recognitions_total", None)

    def dehydrate_workers(self, agency):
        return getattr(agency, "workers_total", None)

    def dehydrate_created_at(self, agency):
        return local_time(agency.created_at)


class WorkerExport(UserResource):
    name = col(_("full name"))
    id_number = col(_("ID number"))
    sex = col(_("sex"))
    agency = col(_("agency"))
    job = col(_("job"), "job")
    hired_on = col(_("hire date"), "hired_on")
    contract_kind = col(_("contract kind"))
    contract_start = col(_("contract start"), "contract_start")
    contract_end = col(_("contract end"), "contract_end")
    social_insurance = col(_("social insurance paid"))
    insured_since = col(_("insured since"), "insured_since")
    health_check_on = col(_("last health check"), "health_check_on")
    accident_insurance_until = col(_("accident insurance valid until"), "accident_insurance_until")
    certificates = col(_("training and certificates"), "certificates")
    is_hard_to_employ = col(_("person with employment difficulties"))
    is_graduate = col(_("college graduate"))
    status = col(_("home-service status"))
    status_reasons = col(_("status details"))
    left_on = col(_("left on"), "left_on")

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.today = timezone.localdate()
        self.policy = selectors.policy_for_year(self.today.year)

    def dehydrate_name(self, worker):
        return worker.person.name

    def dehydrate_id_number(self, worker):
        return worker.person.id_for(self.user)

    def dehydrate_sex(self, worker):
        return worker.person.get_sex_display()

    def dehydrate_agency(self, worker):
        return worker.agency.name

    def dehydrate_contract_kind(self, worker):
        return worker.get_contract_kind_display()

    def dehydrate_social_insurance(self, worker):
        return _yes_no(worker.social_insurance)

    def dehydrate_is_hard_to_employ(self, worker):
        return _yes_no(worker.is_hard_to_employ)

    def dehydrate_is_graduate(self, worker):
        return _yes_no(worker.is_graduate)

    def _status(self, worker):
        return selectors.worker_status(worker, today=self.today, policy=self.policy)

    def dehydrate_status(self, worker):
        return self._status(worker).label

    def dehydrate_status_reasons(self, worker):
        return "；".join(self._status(worker).reasons)


class RecognitionExport(UserResource):
    agency = col(_("agency"))
    uscc = col(_("unified social credit code"))
    kind = col(_("recognition"))
    year = col(_("year"), "year")
    granted_on = col(_("granted on"), "granted_on")
    valid_until = col(_("valid until"), "valid_until")
    status = col(_("status"))
    status_reason = col(_("reason"), "status_reason")

    def dehydrate_agency(self, recognition):
        return recognition.agency.name

    def dehydrate_uscc(self, recognition):
        return recognition.agency.uscc

    def dehydrate_kind(self, recognition):
        return recognition.get_kind_display()

    def dehydrate_status(self, recognition):
        return recognition.get_status_display()


class FilingExport(UserResource):
    agency = col(_("agency"))
    uscc = col(_("unified social credit code"))
    status = col(_("status"))
    total_workers = col(_("active workers"), "total_workers")
    contracted_workers = col(_("workers with a contract or agreement"), "contracted_workers")
    insured_workers = col(_("workers with social insurance"), "insured_workers")
    qualifying_workers = col(_("qualifying workers"), "qualifying_workers")
    threshold_workers = col(_("threshold: qualifying workers"), "threshold_workers")
    threshold_months = col(_("threshold: contract months"), "threshold_months")
    meets_threshold = col(_("meets the threshold"))
    submitted_at = col(_("submitted at"))
    decided_at = col(_("decided at"))
    decided_by = col(_("decided by"))
    decision_reason = col(_("reason"), "decision_reason")
    filed_on = col(_("filing date"), "filed_on")

    def dehydrate_agency(self, filing):
        return filing.agency.name

    def dehydrate_uscc(self, filing):
        return filing.agency.uscc

    def dehydrate_status(self, filing):
        return filing.get_status_display()

    def dehydrate_meets_threshold(self, filing):
        return _yes_no(filing.meets_threshold)

    def dehydrate_submitted_at(self, filing):
        return local_time(filing.submitted_at)

    def dehydrate_decided_at(self, filing):
        return local_time(filing.decided_at)

    def dehydrate_decided_by(self, filing):
        return str(filing.decided_by) if filing.decided_by_id else ""
