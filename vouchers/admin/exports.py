"""XLSX exports of the voucher lists (the filtered list, one row each).

ID numbers are full only for reviewers and approvers; amounts and dates are real cells."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from import_export.widgets import DateWidget, DecimalWidget, IntegerWidget

from kunqu_jiafu.people.household import address_for, phone_for
from kunqu_jiafu.web.admin_kit.exports import UserResource, col, local_time

AMOUNT = {"widget": DecimalWidget(coerce_to_string=False)}
DATE = {"widget": DateWidget(coerce_to_string=False)}
NUMBER = {"widget": IntegerWidget(coerce_to_string=False)}


def _user(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class ApplicationExport(UserResource):
    number = col(_("application number"), "number")
    name = col(_("full name"))
    id_number = col(_("ID number"))
    phone = col(_("phone"))
    address = col(_("address"))
    street = col(_("street or town"))
    target_group = col(_("target group"))
    channel = col(_("channel"))
    status = col(_("status"))
    applied_at = col(_("applied at"))
    decided_by = col(_("decided by"))
    decided_at = col(_("decided at"))
    reason = col(_("reason"), "decision_reason")
    batch = col(_("batch"))
    note = col(_("note"), "note")

    def dehydrate_name(self, a):
        return a.person.name

    def dehydrate_phone(self, a):
        return phone_for(self.user, a.phone)

    def dehydrate_address(self, a):
        return address_for(self.user, a.address)

    def dehydrate_id_number(self, a):
        return a.person.id_for(self.user)

    def dehydrate_street(self, a):
        return a.street.name

    def dehydrate_target_group(self, a):
        return a.target_group.name

    def dehydrate_channel(self, a):
        return a.get_channel_display()

    def dehydrate_status(self, a):
        return a.get_status_display()

    def dehydrate_applied_at(self, a):
        return local_time(a.created_at)

    def dehydrate_decided_by(self, a):
        return _user(a.decided_by)

    def dehydrate_decided_at(self, a):
        return local_time(a.decided_at)

    def dehydrate_batch(self, a):
        return str(a.batch)


class VoucherExport(UserResource):
    code = col(_("voucher code"))
    name = col(_("holder"))
    id_number = col(_("ID number"))
    phone = col(_("phone"))
    street = col(_("street or town"))
    target_group = col(_("target group"))
    application = col(_("application number"))
    face_value = col(_("face value (yuan)"), "face_value", **AMOUNT)
    status = col(_("status"))
    issued_at = col(_("issued at"))
    valid_until = col(_("valid until"), "valid_until", **DATE)
    agency = col(_("chosen agency"))
    service_date = col(_("service date"))
    service_kind = col(_("service kind"))
    worker = col(_("worker"))
    hours = col(_("duration (hours)"))
    satisfaction = col(_("satisfaction (1-5)"))
    verified_at = col(_("verified at"))
    verification_note = col(_("verification note"), "verification_note")
    settlement = col(_("settlement statement"))
    void_reason = col(_("reason for voiding"), "void_reason")

    def _service(self, v):
        return getattr(v, "service", None)  # None until the agency redeems the voucher

    def dehydrate_code(self, v):
        return v.display_code

    def dehydrate_name(self, v):
        return v.person.name

    def dehydrate_id_number(self, v):
        return v.person.id_for(self.user)

    def dehydrate_phone(self, v):
        return phone_for(self.user, v.application.phone)

    def dehydrate_street(self, v):
        return v.application.street.name

    def dehydrate_target_group(self, v):
        return v.application.target_group.name

    def dehydrate_application(self, v):
        return v.application.number

    def dehydrate_status(self, v):
        return v.get_status_display()

    def dehydrate_issued_at(self, v):
        return local_time(v.issued_at)

    def dehydrate_agency(self, v):
        return v.agency.name if v.agency_id else ""

    def dehydrate_service_date(self, v):
        service = self._service(v)
        return f"{service.service_date:%Y-%m-%d}" if service else ""

    def dehydrate_service_kind(self, v):
        service = self._service(v)
        return service.kind.name if service else ""

    def dehydrate_worker(self, v):
        service = self._service(v)
        return service.worker.person.name if service else ""

    def dehydrate_hours(self, v):
        service = self._service(v)
        return str(service.hours) if service else ""

    def dehydrate_satisfaction(self, v):
        value = getattr(v, "last_satisfaction", None)
        return "" if value is None else value

    def dehydrate_verified_at(self, v):
        return local_time(v.verified_at)

    def dehydrate_settlement(self, v):
        return v.settlement.number if v.settlement_id else ""


class SettlementExport(UserResource):
    number = col(_("statement number"), "number")
    agency = col(_("agency"))
    batch = col(_("batch"))
    month = col(_("month"))
    voucher_count = col(_("vouchers"), "voucher_count", **NUMBER)
    amount = col(_("amount (yuan)"), "amount", **AMOUNT)
    status = col(_("status"))
    drawn_up_by = col(_("drawn up by"))
    drawn_up_at = col(_("drawn up at"))
    paid_on = col(_("paid on"), "paid_on", **DATE)
    reference = col(_("payment reference"), "payment_reference")

    def dehydrate_agency(self, s):
        return s.agency.name

    def dehydrate_batch(self, s):
        return str(s.batch)

    def dehydrate_month(self, s):
        return f"{s.month:%Y-%m}"

    def dehydrate_status(self, s):
        return s.get_status_display()

    def dehydrate_drawn_up_by(self, s):
        return _user(s.created_by)

    def dehydrate_drawn_up_at(self, s):
        return local_time(s.created_at)
