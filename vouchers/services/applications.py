"""人员申报: a household's application (online by the resident or at the counter by a reviewer)
and the reviewer's decision on it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.models import Street
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.documents import sniff
from kunqu_jiafu.documents.numbering import next_number
from kunqu_jiafu.documents.services import document_attach, document_store
from kunqu_jiafu.people import crypto
from kunqu_jiafu.people.household import household_key
from kunqu_jiafu.people.idcard import parse_id_number
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.phone import is_phone, normalize_phone, phone_message
from kunqu_jiafu.people.public_forms import person_for_public_form
from kunqu_jiafu.people.services import person_get_or_create

from .. import permissions, selectors, workflow
from ..models import Application, TargetGroup, VoucherBatch
from . import common

APPLICATION_SERIES = "voucher-application"
EVIDENCE_TYPES = (sniff.PDF, sniff.JPEG, sniff.PNG)


def application_number(year: int, number: int) -> str:
    """``JQ2026-00001``: 就业券 application numbers, gap-free per year."""
    return f"JQ{int(year)}-{int(number):05d}"


@dataclass(frozen=True)
class Household:
    """The household an application counts against ("" key: the batch is per person)."""

    key: str = ""
    head_encrypted: str = ""  # only when the head is named apart from the applicant
    field: str = "id_number"  # the field a "this household already applied" error lands on


def application_create(
    *,
    batch: VoucherBatch,
    id_number: str,
    name: str,
    phone: str,
    address: str,
    street: Street,
    target_group: TargetGroup,
    evidence=None,
    note: str = "",
    actor: User | None = None,
    head_id_number: str = "",
    head_required: bool = False,
) -> Application:
    """人员申报. ``actor`` None: the resident online (evidence required); a reviewer otherwise.
    ``head_id_number``: the household head's, when not the applicant (per-household batches).
    ``head_required``: the staff faces (admin, API) always state the head in a per-household
    batch, the applicant's own number when they are the head, so no entry skips the rule."""
    if actor is not None:
        common.require(permissions.can_handle(actor))
    _check_taking_applications(batch, online=actor is None)
    errors: dict[str, str] = {}
    phone = _check_fields(errors, target_group, phone, address, evidence, online=actor is None)
    household = Household()
    if batch.one_per == VoucherBatch.OnePer.HOUSEHOLD:
        household = _household_of(errors, batch, id_number, head_id_number, address, head_required)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The number's row lock first: a new person's record takes the audit head, which every
        # other writer takes last; drawing the number after it deadlocks with a known person's
        # application that holds the number and waits for the audit head.
        number = application_number(batch.year, next_number(APPLICATION_SERIES, batch.year))
        person, name_given, name_differs = _applicant(id_number, name, phone, actor)
        _refuse_a_second_application(batch, person, household, online=actor is None)
        document = None
        if evidence is not None:
            document = document_store(
                evidence,
                allowed=EVIDENCE_TYPES,
                field="evidence",
                user=actor,
                purpose="voucher-evidence",
            )
        application = _application_row(
            batch=batch,
            number=number,
            person=person,
            household=household,
            actor=actor,
            fields={
                "name_given": name_given,
                "name_differs": name_differs,
                "phone": phone.strip(),
                "address": address.strip(),
                "street": street,
                "target_group": target_group,
                "evidence": document,
                "note": note,
            },
        )
        if document is not None:
            document_attach(document, application)
        audit.log(
            actor,
            application,
            "vouchers.application.created",
            after={
                "number": number,
                "group": target_group.code,
                "channel": application.channel,
                **({"name_differs": True} if name_differs else {}),
            },
        )
    return application


def _applicant(
    id_number: str, name: str, phone: str, actor: User | None
) -> tuple[Person, str, bool]:
    """The person applying, the name as given, and whether it differs from their record.

    Online (no actor) the page answers the same whatever is known about the ID number, and an
    existing record is never changed (issue 11): a name that differs is taken and flagged for
    the reviewer. At the counter a reviewer gets the precise message."""
    try:
        if actor is None:
            match = person_for_public_form(id_number=id_number, name=name, phone=phone)
            return match.person, match.name_given, match.name_differs
        person = person_get_or_create(id_number=id_number, name=name, phone=phone, actor=actor)
    except ValidationError as exc:
        raise common.field_errors(exc, "id_number") from None
    return person, person.name, False


def _check_taking_applications(batch: VoucherBatch, *, online: bool) -> None:
    """The batch is open; online, only between its application dates (the counter may enter a
    late paper form)."""
    if batch.status != VoucherBatch.Status.OPEN:
        raise ValidationError(_("%(batch)s is not taking applications.") % {"batch": batch})
    today = common.today()
    if online and not (batch.applications_open_on <= today <= batch.applications_close_on):
        raise ValidationError(
            _("Applications for %(batch)s are taken from %(start)s to %(end)s.")
            % {
                "batch": batch,
                "start": date_format(batch.applications_open_on),
                "end": date_format(batch.applications_close_on),
            }
        )


def _check_fields(
    errors: dict[str, str],
    target_group: TargetGroup,
    phone: str,
    address: str,
    evidence,
    *,
    online: bool,
) -> str:
    """Record each field's error; return the phone number normalised."""
    if not target_group.active:
        errors["target_group"] = _("This target group no longer qualifies; choose another.")
    if not (phone or "").strip():
        errors["phone"] = _("Please leave a phone number so the bureau can reach you.")
    elif not is_phone(phone):
        errors["phone"] = phone_message()
    else:
        phone = normalize_phone(phone)
    if not (address or "").strip():
        errors["address"] = _("Enter the household's address; the service is given at home.")
    if online and evidence is None:
        errors["evidence"] = _(
            "Upload a photo or PDF of the evidence for the target group (e.g. the unemployment "
            "registration card)."
        )
    return phone


def _household_of(
    errors: dict[str, str],
    batch: VoucherBatch,
    id_number: str,
    head_id_number: str,
    address: str,
    head_required: bool,
) -> Household:
    """The household of a per-household batch: its head (named, or the applicant) and address."""
    if head_required and not (head_id_number or "").strip():
        errors["head_id_number"] = _(
            "Enter the household head's ID number (the applicant's own when they are the head): "
            "%(batch)s gives one voucher per household."
        ) % {"batch": batch}
        return Household()
    if errors:  # the head is read once the rest of the form is right
        return Household()
    head, field = _household_head(id_number, head_id_number, errors)
    if not head:
        return Household(field=field)
    return Household(
        key=household_key(head, address),
        head_encrypted=crypto.encrypt(head) if field == "head_id_number" else "",
        field=field,
    )


def _household_head(id_number: str, head_id_number: str, errors: dict) -> tuple[str, str]:
    """The household head's normalised ID number and the field it came from ("" if invalid)."""
    field = "head_id_number" if (head_id_number or "").strip() else "id_number"
    try:
        return parse_id_number(
            head_id_number if field == "head_id_number" else id_number
        ).number, field
    except ValidationError as exc:
        if field == "head_id_number":
            errors[field] = _("Household head's ID number: %(error)s") % {"error": exc.messages[0]}
        return "", field  # the applicant's own number is checked with the person below


def _refuse_a_second_application(
    batch: VoucherBatch, person: Person, household: Household, *, online: bool
) -> None:
    """One live application per person, and per household in a per-household batch."""
    existing = selectors.live_application(batch, person)
    if existing is not None and online:
        # The resident's public page: never the number, which with the ID number unlocks the
        # application (its voucher, its choice of agency) to whoever knows the ID number.
        raise ValidationError(
            {
                "id_number": _(
                    "This household already applied in %(batch)s. Look up its status with "
                    "the application number it was given instead of applying again."
                )
                % {"batch": batch}
            }
        )
    if existing is not None:
        raise ValidationError(
            {
                "id_number": _(
                    "This household already applied in %(batch)s (application %(number)s, "
                    "%(status)s). Look up its status instead of applying again."
                )
                % {
                    "batch": batch,
                    "number": existing.number,
                    "status": existing.get_status_display(),
                }
            }
        )
    if household.key and selectors.household_applied(batch, household.key):
        raise ValidationError(
            {
                household.field: _(
                    "This household (the same household head and address) already applied "
                    "in %(batch)s; one voucher is given per household."
                )
                % {"batch": batch}
            }
        )


def _application_row(
    *,
    batch: VoucherBatch,
    number: str,
    person: Person,
    household: Household,
    actor: User | None,
    fields: dict,
) -> Application:
    """The row; a concurrent application of the same household loses on the unique index."""
    try:
        with transaction.atomic():
            return Application.objects.create(
                batch=batch,
                number=number,
                person=person,
                head_id_encrypted=household.head_encrypted,
                household_key=household.key,
                channel=Application.Channel.COUNTER if actor else Application.Channel.ONLINE,
                entered_by=actor,
                **fields,
            )
    except IntegrityError:
        raise ValidationError(
            {
                ("head_id_number" if household.head_encrypted else "id_number"): _(
                    "This household has already applied in this batch."
                )
            }
        ) from None


def application_decide(
    *, actor: User, application: Application, approve: bool, reason: str = ""
) -> Application:
    common.require(permissions.can_handle(actor))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the rejection; the household sees it.")}
        )
    action = "approve" if approve else "reject"
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=application.pk)
        )
        step = workflow.find(workflow.APPLICATION_TRANSITIONS, application.status, action)
        if step is None:
            raise ValidationError(
                _("This application has already been decided (%(status)s).")
                % {"status": application.get_status_display()}
            )
        if approve and application.name_given and application.name_given != application.person.name:
            # Approving would give the record's holder a voucher on a stranger's word.
            raise ValidationError(
                _(
                    "The name given on this application (%(given)s) is not the name registered "
                    "for this ID number (%(name)s). Check the applicant's identity; it cannot be "
                    "approved while the two names differ."
                )
                % {"given": application.name_given, "name": application.person.name}
            )
        application.status = step.target
        application.decided_by = actor
        application.decided_at = timezone.now()
        application.decision_reason = reason
        application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.log(
            actor,
            application,
            "vouchers.application.approved" if approve else "vouchers.application.rejected",
            before={"status": "submitted"},
            after={"status": application.status},
            reason=reason,
        )
    return application
