"""Worker records an agency keeps (the person found or created through the people service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.people.services import person_get_or_create, person_record_graduation

from .. import permissions
from ..models import Agency, Worker
from .common import _require

WORKER_FIELDS = (
    "job",
    "hired_on",
    "contract_kind",
    "contract_start",
    "contract_end",
    "social_insurance",
    "insured_since",
    "health_check_on",
    "accident_insurance_until",
    "certificates",
    "is_hard_to_employ",
    "is_graduate",
)


def _worker_snapshot(worker: Worker) -> dict[str, Any]:
    return {f: getattr(worker, f) for f in WORKER_FIELDS} | {"left_on": worker.left_on}


def _validate_worker(data: dict[str, Any]) -> None:
    errors = {}
    today = timezone.localdate()
    # Checked here so a missing value is reported on its field, not as a database error.
    for required in ("job", "hired_on", "contract_kind", "contract_start"):
        value = data.get(required)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[required] = _("This field is required.")
    if data.get("contract_kind") and data["contract_kind"] not in Worker.ContractKind.values:
        errors["contract_kind"] = _("Choose a labour contract or a service agreement.")
    if (
        data.get("contract_end")
        and data.get("contract_start")
        and data["contract_end"] < data["contract_start"]
    ):
        errors["contract_end"] = _("The contract cannot end before it starts.")
    if data.get("social_insurance") and not data.get("insured_since"):
        errors["insured_since"] = _("Please enter since when social insurance is paid.")
    if data.get("health_check_on") and data["health_check_on"] > today:
        errors["health_check_on"] = _("The health check date cannot be in the future.")
    if data.get("hired_on") and data["hired_on"] > today + dt.timedelta(days=90):
        errors["hired_on"] = _("The hire date is too far in the future.")
    if data.get("left_on") and data.get("hired_on") and data["left_on"] < data["hired_on"]:
        errors["left_on"] = _("The leaving date cannot be before the hire date.")
    if errors:
        raise ValidationError(errors)


def _graduation_given(data: dict[str, Any], is_graduate: bool) -> tuple[bool, Any]:
    """Pop the person's graduation date from the worker data: (given, date). A date is
    recorded only for a worker marked 高校毕业生."""
    if "graduated_on" not in data:
        return False, None
    graduated_on = data.pop("graduated_on")
    if graduated_on is not None and not is_graduate:
        raise ValidationError(
            {"graduated_on": _("A graduation date is recorded only for a college graduate.")}
        )
    return True, graduated_on


def worker_add(
    *, actor: User, agency: Agency, id_number: str, name: str, phone: str = "", data: dict[str, Any]
) -> Worker:
    """Add a worker (the person found or created by ID number); ``data`` holds the job record
    and, for a 高校毕业生, may hold the person's ``graduated_on``."""
    _require(permissions.can_manage_workers(actor, agency))
    data = dict(data)
    graduation = _graduation_given(data, bool(data.get("is_graduate")))
    _validate_worker(data)
    with transaction.atomic():
        try:
            person = person_get_or_create(id_number=id_number, name=name, phone=phone, actor=actor)
        except ValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"id_number": exc.messages}
            ) from None
        if Worker.objects.filter(agency=agency, person=person, left_on__isnull=True).exists():
            raise ValidationError(
                {"id_number": _("This person is already a worker of the agency.")}
            )
        try:
            with transaction.atomic():
                worker = Worker.objects.create(
                    agency=agency,
                    person=person,
                    **{f: data.get(f) for f in WORKER_FIELDS if f in data},
                )
        except IntegrityError:
            raise ValidationError(
                {"id_number": _("This person is already a worker of the agency.")}
            ) from None
        if graduation[0] and graduation[1] is not None:
            person_record_graduation(actor=actor, person=person, graduated_on=graduation[1])
        audit.log(actor, worker, "agencies.worker.added", after=_worker_snapshot(worker))
    return worker


def worker_update(*, actor: User, worker: Worker, data: dict[str, Any]) -> Worker:
    _require(permissions.can_manage_workers(actor, worker.agency))
    data = dict(data)
    merged = _worker_snapshot(worker) | data
    graduation = _graduation_given(data, bool(merged.get("is_graduate")))
    merged.pop("graduated_on", None)
    _validate_worker(merged)
    with transaction.atomic():
        worker = (
            Worker.objects.select_for_update().select_related("person", "agency").get(pk=worker.pk)
        )
        before = _worker_snapshot(worker)
        for field_name, value in data.items():
            if field_name in WORKER_FIELDS or field_name == "left_on":
                setattr(worker, field_name, value)
        try:
            with transaction.atomic():
                worker.save()
        except IntegrityError:
            # Clearing the leaving date of someone the agency has since re-hired.
            raise ValidationError(
                {"left_on": _("This person is already an active worker of the agency.")}
            ) from None
        if graduation[0]:
            person_record_graduation(actor=actor, person=worker.person, graduated_on=graduation[1])
        audit.log(
            actor, worker, "agencies.worker.updated", before=before, after=_worker_snapshot(worker)
        )
    return worker


def worker_leave(*, actor: User, worker: Worker, left_on: dt.date) -> Worker:
    _require(permissions.can_manage_workers(actor, worker.agency))
    if left_on < worker.hired_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the hire date.")})
    return worker_update(actor=actor, worker=worker, data={"left_on": left_on})
