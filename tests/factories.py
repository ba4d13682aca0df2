"""Builders for test data. Valid identifiers are computed, never hard-coded."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric, uscc

from agencies.models import Agency, AgencyMembership, BusinessFormat, Street, Worker
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER
from kunqu_jiafu.people.models import Person

PASSWORD = "Test@Pass-2026"
_seq = itertools.count(1)


def id_number(
    birth: str = "19850315", area: str = "150203", seq: int | None = None, sex: str = "F"
) -> str:
    """A checksum-valid resident ID number."""
    if seq is None:
        # 499 distinct sequence numbers per sex before repeating (odd = male, even = female).
        n = next(_seq) % 499 + 1
        seq = 2 * n - 1 if sex == "M" else 2 * n
    body = f"{area}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(n: int | None = None) -> str:
    """A checksum-valid unified social credit code."""
    n = next(_seq) if n is None else n
    body = f"92150203MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def bad_check_credit_code(n: int | None = None) -> str:
    good = credit_code(n)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    wrong = alphabet[(alphabet.index(good[-1]) + 1) % len(alphabet)]
    return good[:-1] + wrong


def make_user(username: str, *roles: str, is_staff: bool | None = None, **extra) -> User:
    staff = (
        is_staff
        if is_staff is not None
        else any(r in (REVIEWER, APPROVER, OFFICIAL) for r in roles)
    )
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.cn",
        is_staff=staff,
        **extra,
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_agency(
    name: str = "测试家政服务有限公司", *, status: str = Agency.Status.REGISTERED, **extra
) -> Agency:
    street = extra.pop("street", None) or Street.objects.order_by("code").first()
    agency = Agency.objects.create(
        name=name,
        uscc=extra.pop("uscc", None) or credit_code(),
        legal_representative=extra.pop("legal_representative", "张三"),
        contact_name=extra.pop("contact_name", "李四"),
        phone=extra.pop("phone", "13800000000"),
        address=extra.pop("address", "昆都仑区钢铁大街1号"),
        street=street,
        founded_on=extra.pop("founded_on", dt.date(2018, 5, 1)),
        employee_count=extra.pop("employee_count", 20),
        status=status,
        registered_on=extra.pop(
            "registered_on",
            dt.date(2025, 3, 1) if status in ("registered", "suspended", "deregistered") else None,
        ),
        **extra,
    )
    agency.formats.set(BusinessFormat.objects.filter(code__in=["housekeeping", "eldercare"]))
    return agency


def make_agency_user(username: str, agency: Agency) -> User:
    user = make_user(username, AGENCY_USER)
    AgencyMembership.objects.create(user=user, agency=agency)
    return user


def make_person(name: str = "王芳", number: str | None = None) -> Person:
    person = Person(name=name)
    person.set_id_number(number or id_number())
    person.save()
    return person


def make_worker(agency: Agency, *, person: Person | None = None, **extra) -> Worker:
    today = dt.date.today()
    defaults = {
        "job": "家政服务员",
        "hired_on": dt.date(2024, 1, 1),
        "contract_kind": Worker.ContractKind.LABOUR,
        "contract_start": dt.date(2024, 1, 1),
        "contract_end": dt.date(today.year + 2, 12, 31),
        "social_insurance": True,
        "insured_since": dt.date(2024, 1, 1),
        "health_check_on": today - dt.timedelta(days=30),
        "accident_insurance_until": today + dt.timedelta(days=200),
    }
    defaults.update(extra)
    return Worker.objects.create(agency=agency, person=person or make_person(), **defaults)


def keep_seeded_batch_current(today=None):
    """Widen the seeded 2026 voucher batch's windows to include today, so tests that use it keep
    working whatever the date the suite runs on (its seeded dates are checked in test_seed)."""
    import datetime as dt

    from django.utils import timezone

    from vouchers.models import VoucherBatch

    today = today or timezone.localdate()
    batch = VoucherBatch.objects.filter(year=2026, name="促进就业券").first()
    if batch is None:
        return None
    changes = {}
    if not batch.applications_open_on <= today <= batch.applications_close_on:
        changes["applications_open_on"] = min(batch.applications_open_on, today)
        changes["applications_close_on"] = max(
            batch.applications_close_on, today + dt.timedelta(days=60)
        )
    if not batch.valid_from <= today <= batch.valid_until - dt.timedelta(days=60):
        changes["valid_from"] = min(batch.valid_from, today)
        changes["valid_until"] = max(batch.valid_until, today + dt.timedelta(days=365))
    if changes:
        VoucherBatch.objects.filter(pk=batch.pk).update(**changes)
        batch.refresh_from_db()
    return batch


def make_pdf(*extra_objects: bytes, catalog: bytes = b"") -> bytes:
    """A small well-formed PDF (header, objects, cross-reference table, trailer with
    startxref and %%EOF): what an upload must be. ``extra_objects`` follow the page tree
    (numbered from 3); ``catalog`` adds entries to the catalogue's dictionary."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# The smallest file a PDF upload accepts.
PDF = make_pdf()


# --- the second factor of staff accounts (kunqu_jiafu.second_factor) -----------------------

# Django's own force_login, kept before tests/conftest.py wraps it: a session that passed the
# password only, for tests that attack the second factor.
_password_only_login = Client.force_login
RECOVERY_CODES = ["testrc22", "testrc33", "testrc44"]


def login_password_only(client: Client, user: User, backend: str | None = None) -> None:
    """Sign a client in as if the password was given and no code yet."""
    _password_only_login(client, user, backend)


def give_second_factor(user: User) -> TOTPDevice:
    """The user's confirmed authenticator (made once), and three known recovery codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=static, token=t) for t in RECOVERY_CODES)
    return device


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or that many 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def verify_session(client: Client, user: User) -> None:
    """Mark a signed-in client's session as having passed the second factor, as entering a
    code does (the test of that is tests/core/test_second_factor.py)."""
    device = give_second_factor(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def verify_session_if_staff(client: Client, user: User) -> None:
    """``verify_session`` for the accounts that need the second factor (staff, superusers)."""
    from kunqu_jiafu.second_factor.services import needs_second_factor

    if needs_second_factor(user):
        verify_session(client, user)


def delay_passed(device: TOTPDevice) -> None:
    """django-otp's delay after a wrong code (1 s, doubling) is over."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def record_standing(*, actor, agency, year: int, inspection: str, rating: str, reason="测试"):
    """An agency's yearly standing, through the two writers the inspections area uses (the
    admin no longer types it): the inspection result, then the rating."""
    from agencies.services import standing_record_inspection, standing_record_rating

    standing_record_inspection(
        actor=actor, agency=agency, year=year, result=inspection, reason=reason
    )
    return standing_record_rating(
        actor=actor, agency=agency, year=year, rating=rating, reason=reason
    )
