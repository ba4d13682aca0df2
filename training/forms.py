"""Forms of the training pages. They only parse input; every rule lives in services.py."""

from __future__ import annotations

from django import forms
from django.db.models import Case, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import selectors as agency_selectors
from agencies.models import Street
from kunqu_jiafu.people.idcard import parse_id_number
from kunqu_jiafu.web.forms import DateInput, clean_phone

from .models import Course, CourseKind, Enrolment
from .services import COURSE_FIELDS, RECORD_FIELDS

ID_WIDGET = forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"})
PHONE_WIDGET = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})


def clean_id_number(form) -> str:
    """Check the ID number on the form, so its error shows together with the others;
    the service checks it again."""
    return parse_id_number(form.cleaned_data.get("id_number", "")).number


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = COURSE_FIELDS
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin shows a read-only form (no fields) to officials.
        if "kind" in self.fields:
            self.fields["kind"].queryset = CourseKind.objects.filter(active=True)
            self.fields["kind"].empty_label = _("Choose the kind of training")
        if "street" in self.fields:
            self.fields["street"].queryset = agency_selectors.street_choices()
            self.fields["street"].help_text = _("Where the classes are held, if not at the agency.")
            self.fields["street"].empty_label = _("At the agency (no other street)")
        if not self.instance.pk:
            self.fields.pop("status", None)
            self.initial.setdefault("policy_year", timezone.localdate().year)

    def _post_clean(self):
        # The service validates and writes; the model's own checks must not write anything.
        pass


class CourseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Course.Status.choices],
    )
    year = forms.IntegerField(label=_("Policy year"), required=False, min_value=2000)


class EnrolForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=30, widget=ID_WIDGET)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=PHONE_WIDGET)
    is_hard_to_employ = forms.BooleanField(label=_("employment difficulties"), required=False)
    is_unemployed = forms.BooleanField(label=_("unemployed"), required=False)
    is_graduate = forms.BooleanField(label=_("college graduate"), required=False)
    is_low_income = forms.BooleanField(label=_("low income"), required=False)

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    clean_id_number = clean_id_number


class RecordForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = RECORD_FIELDS
        widgets = {"completed_on": DateInput(), "certified_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "completed_on" not in self.fields:
            return  # the admin's read-only form (officials) has no fields
        self.fields["completed_on"].help_text = _(
            "Left empty: the last day of the course, or today if it is still running."
        )

    def _post_clean(self):
        pass


class PublicSignupForm(forms.Form):
    """The public survey of training willingness: no account needed."""

    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=ID_WIDGET,
        help_text=_("18 characters; used only to arrange your training."),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=PHONE_WIDGET)
    street = forms.ModelChoiceField(
        label=_("Street or town where you live"),
        queryset=Street.objects.none(),
        empty_label=_("Choose the street or town"),
    )
    kinds = forms.ModelMultipleChoiceField(
        label=_("Training you would like"),
        queryset=CourseKind.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one kind of training.")},
    )
    note = forms.CharField(
        label=_("Anything else we should know"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("Consent to the use of personal details"),
        help_text=_(
            "I agree that the bureau uses these personal details to arrange training for me and "
            "the subsidies that go with it, and passes my name and phone to the training "
            "provider of the course I am placed in."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = agency_selectors.street_choices()
        self.fields["kinds"].queryset = CourseKind.objects.filter(
            active=True, is_manager_training=False
        )
        self.fields["name"].widget.attrs.update(autocomplete="name")
        for name in ("name", "id_number", "phone", "street", "consent"):
            self.fields[name].error_messages["required"] = {
                "name": _("Please enter your full name."),
                "id_number": _("Please enter your 18-character ID number."),
                "phone": _("Please leave a phone number so the bureau can reach you."),
                "street": _("Please choose the street or town where you live."),
                "consent": _(
                    "Please agree to the use of your personal details; without it the bureau "
                    "cannot arrange training for you."
                ),
            }[name]

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    clean_id_number = clean_id_number


class SignupEnrolForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())

    def __init__(self, *args, signup=None, **kwargs):
        super().__init__(*args, **kwargs)
        open_courses = Course.objects.filter(
            status__in=(Course.Status.PLANNED, Course.Status.ENROLLING)
        ).select_related("kind", "provider")
        if signup is not None:
            # Courses of the kinds the person asked for come first.
            wanted = list(signup.kinds.values_list("pk", flat=True))
            open_courses = open_courses.annotate(
                wanted=Case(When(kind__in=wanted, then=0), default=1)
            ).order_by("wanted", "starts_on")
        self.fields["course"].queryset = open_courses
        self.fields["course"].label_from_instance = lambda c: (
            f"{c.name}·{c.kind.name}·{c.provider.name}（{c.starts_on:%Y-%m-%d}）"
        )
