"""Fill each claim subject's record columns from its text key, the one place the old keys are
read: "<person id>@<month or claim period>" (person), "<enrolment id>" (enrolment),
"<certificate number>" (certificate), "x:<blind index, 32>:<date>:<service kind id>" (a fee
exemption of the same claim) and "<agency id>:<number>" (an order number; older enrolment
and certificate keys carried the same agency prefix). A key that names no record stops the
migration with the rows listed: a subsidy record is never dropped silently."""

import datetime as dt
import re

from django.db import migrations

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|Q([1-4])|H([12]))?$")


def period_start(text: str) -> dt.date | None:
    """The first day of a month ("2026-07") or claim period ("2026", "2026H2", "2026Q3")."""
    match = _PERIOD.match(text)
    if not match:
        return None
    year, month, quarter, half = match.groups()
    if month:
        first = int(month)
    elif quarter:
        first = (int(quarter) - 1) * 3 + 1
    elif half:
        first = 1 if half == "1" else 7
    else:
        first = 1
    return dt.date(int(year), first, 1) if 1 <= first <= 12 else None


def _unprefixed(key: str, agency_id: int) -> str:
    prefix, sep, rest = key.partition(":")
    return rest if sep and prefix == str(agency_id) else key


def _fill(subject, apps) -> bool:
    Person = apps.get_model("people", "Person")
    Enrolment = apps.get_model("training", "Enrolment")
    FeeExemption = apps.get_model("subsidies", "FeeExemption")
    key, agency_id = subject.key, subject.claim.agency_id
    if subject.kind == "person":
        person_id, _at, when = key.partition("@")
        month = period_start(when)
        if not person_id.isdecimal() or month is None:
            return False
        subject.person = Person.objects.filter(pk=int(person_id)).first()
        subject.month = month
        return subject.person is not None
    if subject.kind == "enrolment":
        number = _unprefixed(key, agency_id)
        if not number.isdecimal():
            return False
        subject.enrolment = Enrolment.objects.filter(pk=int(number)).first()
        return subject.enrolment is not None
    if subject.kind == "certificate":
        number = _unprefixed(key, agency_id)
        # Certificate numbers are unique (training's enrolment_certificate_unique).
        subject.certificate = Enrolment.objects.filter(certificate_number=number).first()
        return subject.certificate is not None
    if key.startswith("x:"):
        parts = key.split(":")
        if len(parts) != 4 or not parts[3].isdecimal():
            return False
        try:
            day = dt.date.fromisoformat(parts[2])
        except ValueError:
            return False
        subject.fee_exemption = (
            FeeExemption.objects.filter(
                claim_id=subject.claim_id,
                head_id_hash__startswith=parts[1],
                service_date=day,
                service_kind_id=int(parts[3]),
            )
            .order_by("pk")
            .first()
        )
        return subject.fee_exemption is not None
    prefix, sep, number = key.partition(":")
    if not sep or not prefix.isdecimal() or not number:
        return False
    subject.agency_id = int(prefix)
    subject.order_number = number[:60]
    return True


def fill(apps, schema_editor):
    ClaimSubject = apps.get_model("subsidies", "ClaimSubject")
    unknown = []
    for subject in ClaimSubject.objects.select_related("claim").order_by("pk").iterator():
        if _fill(subject, apps):
            subject.save(
                update_fields=[
                    "person",
                    "month",
                    "enrolment",
                    "certificate",
                    "fee_exemption",
                    "agency",
                    "order_number",
                ]
            )
        else:
            unknown.append(f"{subject.pk} ({subject.kind} {subject.key!r})")
    if unknown:
        raise RuntimeError(
            "These claim subjects name no record; correct their keys and migrate again: "
            + ", ".join(unknown)
        )
    _refuse_twice_named(ClaimSubject)


# The rules 0012 creates: old text keys that differed may name one record (a prefixed and a
# plain key of one enrolment, two periods starting on one day, order numbers equal in their
# first 60 characters). Named here, not left to a bare "could not create unique index".
ONCE = (
    ("claim_type", "person", "month"),
    ("claim_type", "enrolment"),
    ("claim_type", "certificate"),
    ("claim_type", "agency", "order_number"),
)


def _refuse_twice_named(ClaimSubject):
    from django.db.models import Count

    twice = []
    for columns in ONCE:
        rows = (
            ClaimSubject.objects.filter(live=True, **{f"{columns[1]}__isnull": False})
            .values(*columns)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        twice += [str(row) for row in rows]
    if twice:
        raise RuntimeError(
            "Live claim subjects name the same record twice; end one of each (live = false) "
            "and migrate again: " + "; ".join(twice)
        )


def unfill(apps, schema_editor):
    """Back to the text keys (the columns are dropped by reversing 0010)."""
    ClaimSubject = apps.get_model("subsidies", "ClaimSubject")
    for subject in ClaimSubject.objects.select_related(
        "claim", "claim_type", "certificate", "fee_exemption"
    ).iterator():
        if subject.kind == "person":
            when = (
                f"{subject.month:%Y-%m}"
                if subject.claim_type.calculator == "insured_months"
                else subject.claim.period
            )
            subject.key = f"{subject.person_id}@{when}"
        elif subject.kind == "enrolment":
            subject.key = str(subject.enrolment_id)
        elif subject.kind == "certificate":
            subject.key = subject.certificate.certificate_number
        elif subject.fee_exemption_id:
            row = subject.fee_exemption
            subject.key = (
                f"x:{row.head_id_hash[:32]}:{row.service_date:%Y-%m-%d}:{row.service_kind_id}"
            )
        else:
            subject.key = f"{subject.agency_id}:{subject.order_number}"
        subject.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0010_subject_records")]

    operations = [migrations.RunPython(fill, unfill)]
