"""A claim's subjects: who or what it subsidises (worker-months, enrolments, certificates,
household services, order numbers), read from the listed lines and recorded as rows that
point at their records, so the database subsidises each once."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from agencies import selectors as agency_selectors
from agencies.models import Agency
from kunqu_jiafu.people.crypto import blind_index
from kunqu_jiafu.people.idcard import normalize as normalize_id
from training import selectors as training_selectors

from .. import rules, selectors
from ..models import Claim, ClaimSubject, ClaimType

# The longest order number an agency may list (ClaimSubject.order_number).
SUBJECT_MAX_LENGTH = 60


def subjects_listed(
    claim_type: ClaimType, agency: Agency, period: str, lines: list[str]
) -> list[ClaimSubject]:
    """The subsidised subjects of a type paid per listed entry (unsaved): a person must be a
    worker of the agency (subsidised once per claim period), an enrolment or certificate one
    of its own trainees', an order number is the agency's own."""
    kind = claim_type.parameters.get("subject_kind")
    if isinstance(lines, str):  # a textarea's text rather than a list of lines
        lines = lines.splitlines()
    cleaned = [str(line).strip() for line in lines if line and str(line).strip()]
    if not kind:
        return []
    if not cleaned:
        raise ValidationError(
            {"subjects": _("List who or what this claim subsidises, one per line.")}
        )
    if kind in (ClaimSubject.Kind.ENROLMENT, ClaimSubject.Kind.CERTIFICATE):
        certificates = kind == ClaimSubject.Kind.CERTIFICATE
        tokens = _record_tokens(cleaned, certificates)
        found = _find_records(agency, tokens, certificates)
        # Whatever the type's calculator: a record not completed (or a certificate not
        # obtained) in the policy year is not subsidised, as for the training subsidies.
        _refuse_ineligible(claim_type, agency, tokens, found, certificates)
        return [
            _record_subject(
                claim_type, found[t], selectors.training_record_label(claim_type, found[t])
            )
            for t in tokens
        ]
    too_long = [value for value in cleaned if len(value) > SUBJECT_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "subjects": _("Each entry may have at most %(n)s characters: %(list)s.")
                % {"n": SUBJECT_MAX_LENGTH, "list": "、".join(v[:20] + "…" for v in too_long)}
            }
        )
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"subjects": _("The list names the same entry twice.")})
    if kind != ClaimSubject.Kind.PERSON:
        return [
            ClaimSubject(
                kind=ClaimSubject.Kind.ORDER, agency=agency, order_number=value, label=value
            )
            for value in cleaned
        ]
    hashes = {blind_index(normalize_id(v)): v for v in cleaned}
    workers = agency_selectors.workers_by_id_hash(agency, hashes)
    missing = [value for digest, value in hashes.items() if digest not in workers]
    if missing:
        raise ValidationError(
            {
                "subjects": _("These ID numbers are not workers of the agency: %(list)s.")
                % {"list": "、".join(missing)}
            }
        )
    first_day, _last = rules.period_dates(period)
    return [
        ClaimSubject(
            kind=ClaimSubject.Kind.PERSON,
            person=workers[d].person,
            month=first_day,
            label=workers[d].person.name,
        )
        for d in hashes
    ]


# --- training and certification subsidies: the provider's own records -------------------------


def _record_tokens(lines: list[str] | str, certificates: bool) -> list[str]:
    """The first word of each listed line: its enrolment or certificate number."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    tokens = [str(line).split()[0] for line in lines if line and str(line).strip()]
    if not tokens:
        raise ValidationError(
            {
                "subjects": _("List the certificate numbers claimed, one per line.")
                if certificates
                else _("List the enrolment numbers of the trainees claimed, one per line.")
            }
        )
    if len(set(tokens)) != len(tokens):
        twice = sorted({t for t in tokens if tokens.count(t) > 1})
        raise ValidationError(
            {"subjects": _("The list names these twice: %(list)s.") % {"list": "、".join(twice)}}
        )
    if not certificates:
        bad = [t for t in tokens if not t.isdecimal() or len(t) > 18]
        if bad:
            raise ValidationError(
                {
                    "subjects": _("Enrolment numbers are whole numbers; not: %(list)s.")
                    % {"list": "、".join(v[:20] for v in bad)}
                }
            )
    return tokens


def _find_records(agency: Agency, tokens: list[str], certificates: bool) -> dict:
    """The agency's own enrolments by listed token; a token of anyone else's is refused."""
    if certificates:
        records = training_selectors.provider_enrolments(agency, certificate_numbers=tokens)
        found = {e.certificate_number: e for e in records}
    else:
        records = training_selectors.provider_enrolments(agency, ids=[int(t) for t in tokens])
        found = {str(e.pk): e for e in records}
    unknown = [t for t in tokens if t not in found]
    if unknown:
        message = (
            _("These certificates are not of your agency's trainees: %(list)s.")
            if certificates
            else _("These enrolments are not of your agency's courses: %(list)s.")
        )
        raise ValidationError({"subjects": message % {"list": "、".join(unknown)}})
    return found


def _refuse_ineligible(
    claim_type: ClaimType, agency: Agency, tokens: list[str], found: dict, certificates: bool
) -> None:
    eligible = set(
        selectors.training_records(agency, claim_type)
        .filter(pk__in=[e.pk for e in found.values()])
        .values_list("pk", flat=True)
    )
    refused = [
        selectors.training_record_label(claim_type, found[t])
        for t in tokens
        if found[t].pk not in eligible
    ]
    if refused:
        message = (
            _("These certificates were not obtained with a passed exam in %(year)s: %(list)s.")
            if certificates
            else _("These enrolments are not completed in %(year)s: %(list)s.")
        )
        raise ValidationError(
            {"subjects": message % {"year": claim_type.policy_year, "list": "、".join(refused)}}
        )


def _course_figures(tokens: list[str], found: dict, certificates: bool) -> list[dict]:
    """Per course: its name, the number listed and its standard."""
    courses: dict[int, dict] = {}
    for t in tokens:
        course = found[t].course
        group = courses.setdefault(
            course.pk,
            {
                "course": course.name,
                "count": 0,
                # Certification is paid at the type's standard; training at the standard
                # the bureau sets for the course's kind.
                "standard": "" if certificates else str(course.kind.subsidy_standard),
            },
        )
        group["count"] += 1
    return list(courses.values())


def record_subjects(
    claim_type: ClaimType, agency: Agency, lines: list[str] | str
) -> tuple[list[ClaimSubject], dict]:
    """Training and certification subsidies: the subject (unsaved) of each listed enrolment or
    certificate of the agency's own courses, and the figures the calculator reads (the count
    and, per course, the number listed and the course's standard). A line's first word is its
    enrolment number or certificate number; the rest (name, course) is ignored."""
    certificates = claim_type.parameters.get("subject_kind") == ClaimSubject.Kind.CERTIFICATE
    tokens = _record_tokens(lines, certificates)
    found = _find_records(agency, tokens, certificates)
    _refuse_ineligible(claim_type, agency, tokens, found, certificates)
    subjects = [
        _record_subject(claim_type, found[t], selectors.training_record_label(claim_type, found[t]))
        for t in tokens
    ]
    figures = {"count": str(len(tokens)), "courses": _course_figures(tokens, found, certificates)}
    return subjects, figures


def _record_subject(claim_type: ClaimType, enrolment, label: str) -> ClaimSubject:
    if claim_type.parameters.get("subject_kind") == ClaimSubject.Kind.CERTIFICATE:
        return ClaimSubject(kind=ClaimSubject.Kind.CERTIFICATE, certificate=enrolment, label=label)
    return ClaimSubject(kind=ClaimSubject.Kind.ENROLMENT, enrolment=enrolment, label=label)


def subjects_set(claim: Claim, subjects: list[ClaimSubject] | None) -> None:
    """Replace the claim's subjects (``None``: keep them) and check the declared number. A
    subject another live claim of the type already subsidises is refused by the database and
    named to the agency."""
    kind = claim.claim_type.parameters.get("subject_kind")
    if subjects is not None:
        claim.subjects.all().delete()
    if not kind and not subjects:
        return
    listed = claim.subjects.filter(live=True).count() if subjects is None else len(subjects)
    count = claim.declared.get("count")
    if count not in (None, "") and int(Decimal(str(count))) != listed:
        raise ValidationError(
            {
                "subjects": _("The list has %(n)s entries but the declared number is %(count)s.")
                % {"n": listed, "count": count}
            }
        )
    if subjects is None:
        return
    for subject in subjects:
        subject.claim, subject.claim_type = claim, claim.claim_type
        subject.label = subject.label[:120]
    try:
        with transaction.atomic():
            ClaimSubject.objects.bulk_create(subjects)
    except IntegrityError:
        taken = set(
            ClaimSubject.objects.filter(
                _same_records(subjects), claim_type=claim.claim_type, live=True
            )
            .exclude(claim=claim)
            .values_list("label", flat=True)
        )
        raise ValidationError(
            {
                "subjects": _("Already subsidised by another claim of this type: %(list)s.")
                % {"list": "、".join(sorted(taken)) or "—"}
            }
        ) from None


def _same_records(subjects: list[ClaimSubject]) -> Q:
    """Subjects naming any of the same records (what each kind's constraint compares)."""
    same = Q(pk__in=[])
    for s in subjects:
        if s.person_id:
            same |= Q(person_id=s.person_id, month=s.month)
        elif s.enrolment_id:
            same |= Q(enrolment_id=s.enrolment_id)
        elif s.certificate_id:
            same |= Q(certificate_id=s.certificate_id)
        elif s.agency_id:
            same |= Q(agency_id=s.agency_id, order_number=s.order_number)
        elif s.fee_exemption_id:
            same |= Q(fee_exemption_id=s.fee_exemption_id)
    return same
