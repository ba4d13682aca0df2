"""Forms of the claims area of the agency portal. They parse input; the rules live in
rules.py and services.py (the declared figures are read by the calculator's own parser, so
a figure gets the same message here as from the service)."""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Claim, ClaimSubject, ClaimType

DECLARED_PREFIX = "declared_"
OTHER_ATTACHMENT = "other"

PERIOD_HINTS = {
    ClaimType.PeriodKind.YEAR: _("The policy year, written as %(year)s."),
    ClaimType.PeriodKind.HALF: _(
        "The half year, written as %(year)sH1 (January–June) or %(year)sH2 (July–December)."
    ),
    ClaimType.PeriodKind.QUARTER: _(
        "The quarter, written as %(year)sQ1 to %(year)sQ4 (e.g. %(year)sQ3 for July–September)."
    ),
    ClaimType.PeriodKind.MONTH: _(
        "The month, written as %(year)s-01 to %(year)s-12 (e.g. %(year)s-03 for March)."
    ),
}

SUBJECT_LABELS = {
    ClaimSubject.Kind.PERSON: _("ID numbers of the workers"),
    ClaimSubject.Kind.ORDER: _("Service order numbers"),
    ClaimSubject.Kind.ENROLMENT: _("Training enrolment numbers"),
    ClaimSubject.Kind.CERTIFICATE: _("Certificate numbers"),
}
SUBJECT_HELP = {
    ClaimSubject.Kind.PERSON: _(
        "One 18-character resident ID number per line, of workers recorded under this agency. "
        "Each person can be subsidised only once per period."
    ),
    ClaimSubject.Kind.ORDER: _(
        "One household service order number per line, for every order whose fee was reduced. "
        "An order can be subsidised only once."
    ),
    ClaimSubject.Kind.ENROLMENT: _(
        "One training enrolment number per line, for every trainee who completed the course. "
        "An enrolment can be subsidised only once."
    ),
    ClaimSubject.Kind.CERTIFICATE: _(
        "One certificate number per line, as printed on the skill certificate. "
        "A certificate can be subsidised only once."
    ),
}

EXEMPTION_CALCULATOR = "per_exemption"
EXEMPTION_HELP = _(
    "One exempted household service per line, six columns separated by tabs (paste the rows "
    "from a spreadsheet) or commas: household head's ID number, address, street, service date "
    "(2026-03-05), service kind from the bureau's list, the worker's ID number. The worker must "
    "have green status on the service date; the same household, day and service kind is exempted "
    "once, by any agency."
)

INSURED_MONTHS_CALCULATOR = "insured_months"
INSURED_MONTHS_HELP = _(
    "One line per worker and month: the worker's ID number, the month (2026-07) and the "
    "employer's social insurance contribution actually paid for that month in yuan, e.g. "
    "“150203199001011234 2026-07 856.40”. Only workers recorded as persons with employment "
    "difficulties or as college graduates (within the years the bureau sets), hired and "
    "insured by your agency in that month; each person and month is subsidised once."
)

RECORDS_HELP = {
    ClaimSubject.Kind.ENROLMENT: _(
        "Your agency's enrolments completed this policy year and not yet claimed are listed "
        "(enrolment number, trainee, course). Delete the lines you do not claim now; the "
        "amount is each course's standard per trainee."
    ),
    ClaimSubject.Kind.CERTIFICATE: _(
        "Your trainees' certificates (passed exam) of this policy year not yet claimed are "
        "listed (certificate number, trainee, course). Delete the lines you do not claim now."
    ),
}
RECORDS_NONE = {
    ClaimSubject.Kind.ENROLMENT: _(
        "Your agency has no completed enrolment of this policy year left to claim; record "
        "completions in the training area first."
    ),
    ClaimSubject.Kind.CERTIFICATE: _(
        "Your trainees have no certificate of this policy year left to claim; record exam "
        "results and certificates in the training area first."
    ),
}


def periods_of_year(claim_type: ClaimType) -> list[str]:
    """Every period of the type's policy year, in the format the service expects."""
    year = claim_type.policy_year
    kind = claim_type.period_kind
    if kind == ClaimType.PeriodKind.HALF:
        return [f"{year}H1", f"{year}H2"]
    if kind == ClaimType.PeriodKind.QUARTER:
        return [f"{year}Q{q}" for q in range(1, 5)]
    if kind == ClaimType.PeriodKind.MONTH:
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    return [str(year)]


def period_hint(claim_type: ClaimType) -> str:
    return PERIOD_HINTS[claim_type.period_kind] % {"year": claim_type.policy_year}


def _fold(value) -> str:
    """Full-width digits, letters and punctuation to half-width; surrounding spaces off."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


class DeclaredFigureField(forms.CharField):
    """A declared figure. Marked required for the form's asterisk, but an empty value is left
    to the calculator's parser, which names the figure in its message (all figures at once)."""

    def validate(self, value):
        pass


class ClaimForm(forms.Form):
    """A form made for one claim type: the period, one input per figure its calculator needs,
    and the list of subsidised subjects where the type has one."""

    period = forms.CharField(
        label=_("Claim period"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def __init__(
        self,
        *args,
        claim_type: ClaimType,
        with_period: bool = True,
        keep_subjects: int = 0,
        eligible: list[str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.claim_type = claim_type
        self.figures = rules.CALCULATORS[claim_type.calculator].fields
        self.subject_kind = (claim_type.parameters or {}).get("subject_kind") or ""
        exemption = claim_type.calculator == EXEMPTION_CALCULATOR
        if exemption:
            self.subject_kind = self.subject_kind or ClaimSubject.Kind.ORDER
        self.keep_subjects = keep_subjects
        if with_period:
            field = self.fields["period"]
            field.help_text = period_hint(claim_type)
            field.widget.attrs.update(
                list="claim-periods", placeholder=periods_of_year(claim_type)[0]
            )
        else:
            del self.fields["period"]
        for spec in self.figures:
            self.fields[DECLARED_PREFIX + spec.name] = self._figure_field(spec)
        if self.subject_kind:
            required = not keep_subjects
            help_text = SUBJECT_HELP.get(self.subject_kind, "")
            if eligible is not None:
                # Training records: the agency's unclaimed ones are listed; it deletes the
                # lines it does not claim now.
                help_text = (
                    RECORDS_HELP.get(self.subject_kind, "")
                    if eligible
                    else RECORDS_NONE.get(self.subject_kind, "")
                )
            if exemption:
                help_text = EXEMPTION_HELP
            if keep_subjects:
                help_text = (
                    _(
                        "Leave empty to keep the %(n)s exemptions listed now; to change the "
                        "list, enter all of them again, one per line."
                    )
                    if exemption
                    else _(
                        "Leave empty to keep the %(n)s people listed now; to change the list, "
                        "enter all of them again, one ID number per line."
                    )
                ) % {"n": keep_subjects}
            self.fields["subjects"] = forms.CharField(
                label=_("Exempted household services")
                if exemption
                else SUBJECT_LABELS.get(self.subject_kind, _("Subsidised items")),
                required=required,
                help_text=help_text,
                error_messages={
                    "required": _("List who or what this claim subsidises, one per line.")
                },
                widget=forms.Textarea(
                    attrs={"rows": 6, "spellcheck": "false", "class": "mono subject-list"}
                ),
            )
            if eligible:
                self.fields["subjects"].initial = "\n".join(eligible)
            if claim_type.calculator == INSURED_MONTHS_CALCULATOR:
                # 社会保险补贴: one worker-month per line, with the contribution paid.
                self.fields["subjects"].label = _("Worker-months claimed")
                self.fields["subjects"].help_text = (
                    INSURED_MONTHS_HELP
                    if not keep_subjects
                    else _(
                        "Leave empty to keep the %(n)s worker-months listed now; to change the "
                        "list, enter all of them again, one per line."
                    )
                    % {"n": keep_subjects}
                )

    @staticmethod
    def _figure_field(spec: rules.Field) -> forms.Field:
        if spec.kind == "text":
            return forms.CharField(
                label=spec.label,
                required=False,
                max_length=2000,
                help_text=spec.help,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if spec.kind == "line":
            return DeclaredFigureField(
                label=spec.label,
                required=True,
                max_length=rules.LINE_MAX_LENGTH,
                help_text=spec.help,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )
        attrs = {"autocomplete": "off", "class": "figure"}
        if spec.kind == "money":
            attrs.update(inputmode="decimal", placeholder="0.00")
        elif spec.kind == "percent":
            attrs.update(inputmode="decimal", placeholder="3.85")
        elif spec.kind == "date":
            attrs.update(type="date", placeholder="2026-01-15")
        else:
            attrs.update(inputmode="numeric", pattern="[0-9]*", placeholder="0")
        return DeclaredFigureField(
            label=spec.label,
            required=True,
            max_length=30,
            help_text=spec.help,
            widget=forms.TextInput(attrs=attrs),
        )

    def figure_fields(self):
        return [self[DECLARED_PREFIX + spec.name] for spec in self.figures]

    def clean_period(self):
        return _fold(self.cleaned_data.get("period")).upper()

    def clean(self):
        cleaned = super().clean()
        for spec in self.figures:
            name = DECLARED_PREFIX + spec.name
            if name in cleaned:
                cleaned[name] = _fold(cleaned[name]) if spec.kind != "text" else cleaned[name]
        try:
            rules.read_figures(
                self.claim_type.calculator,
                {spec.name: cleaned.get(DECLARED_PREFIX + spec.name) for spec in self.figures},
                self.claim_type.parameters,
            )
        except rules.DeclaredError as exc:
            for name, message in exc.errors.items():
                if DECLARED_PREFIX + name not in self.errors:
                    self.add_error(DECLARED_PREFIX + name, message)
        return cleaned

    def declared(self) -> dict[str, str]:
        """The figures as the agency typed them (folded); the calculator parses them."""
        data = self.cleaned_data
        return {
            spec.name: (data.get(DECLARED_PREFIX + spec.name) or "").strip()
            for spec in self.figures
        }

    def subjects(self) -> list[str] | None:
        """One entry per non-empty line; None to keep the current list (edit, left empty)."""
        if not self.subject_kind:
            return None
        lines = [_fold(line) for line in (self.cleaned_data.get("subjects") or "").splitlines()]
        lines = [line for line in lines if line]
        if not lines and self.keep_subjects:
            return None
        return lines

    def field_for_error(self, key: str) -> str | None:
        """The form field a service error key belongs to ("declared.count" → declared_count)."""
        if key.startswith("declared."):
            key = DECLARED_PREFIX + key.removeprefix("declared.")
        return key if key in self.fields else None


class AttachmentForm(forms.Form):
    code = forms.ChoiceField(label=_("What the file is"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB. The content is checked, not the name."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, claim_type: ClaimType, missing: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(code, label) for code, label in claim_type.required_attachments]
        choices.append((OTHER_ATTACHMENT, _("Other supporting document")))
        self.fields["code"].choices = choices
        if missing and not self.is_bound:
            self.fields["code"].initial = missing[0]


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Note for the bureau (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Claim.Status.choices]
    )
    type = forms.TypedChoiceField(
        label=_("Claim type"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, claim_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            ("", _("All claim types")),
            *((t.pk, f"{t.name}（{t.policy_year}）") for t in claim_types),
        ]
