"""The annual report's training section (培训): people trained in the year against the plan's
每年培训2000人 (the bureau's yearly target, ``TrainingTarget``), enrolments, completions and
certificates, by course kind and by the trainee's street, 巾帼家政 and 就业困难人员 trained.
Registered with the report's registry in ``TrainingConfig.ready``. Every figure comes from the
definitions in ``training.selectors`` (year_totals, year_by_kind, year_by_street), the ones the
dashboard panel shows: a constant number of SQL aggregates whatever the data."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kunqu_jiafu.reporting.registry import (
    INTEGER,
    Chart,
    Column,
    Figure,
    Section,
    SectionData,
    Series,
    Table,
)

from . import selectors

# The course kind of 巾帼家政专项 (fixtures/training_course_kinds.json).
WOMEN_KIND = "women"


def enrolments_link(**filters) -> str:
    """The enrolments' admin list with sidebar filters (their parameters, nothing else)."""
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return reverse("admin:training_enrolment_changelist") + (f"?{query}" if query else "")


def _done(year: int, **more) -> str:
    return enrolments_link(completed__exact=1, completed_year=year, **more)


def _kind_rows(year: int) -> list:
    return [k for k in selectors.year_by_kind(year) if k.active or k.enrolled or k.completions]


def _figures(year: int, totals: dict, kinds: list) -> list[Figure]:
    target = selectors.target_for_year(year)
    regular = {"course__kind__is_manager_training__exact": 0}
    figures = [
        Figure(
            "training.people",
            _("People trained this year"),
            totals["trained"],
            _("people"),
            _(
                "Distinct people (one person counted once, however many courses) who completed a "
                "course other than manager training with a completion date in the year. "
                "Plan: 每年培训2000人."
            ),
            target_min=target,
            link=_done(year, **regular),
        ),
        Figure(
            "training.managers",
            _("Home-service managers trained this year"),
            totals["managers"],
            _("people"),
            _(
                "Distinct people who completed a manager-training course in the year (counted apart)."
            ),
            link=_done(year, course__kind__is_manager_training__exact=1),
        ),
        Figure(
            "training.enrolments",
            _("Enrolments on the year's courses"),
            totals["enrolments"],
            _("enrolments"),
            _(
                "Enrolments (one person on one course; not distinct people) on courses of the "
                "policy year, completed or not, every kind."
            ),
            link=enrolments_link(course__policy_year=year),
        ),
        Figure(
            "training.completions",
            _("Courses completed this year"),
            totals["completions"],
            _("enrolments"),
            _(
                "Enrolments (not distinct people) completed with a completion date in the year, "
                "every kind including manager training."
            ),
            link=_done(year),
        ),
        Figure(
            "training.certificates",
            _("Certificates issued this year"),
            totals["certificates"],
            _("certificates"),
            _("Enrolments completed in the year that carry a certificate number."),
            link=_done(year, certificate="yes"),
        ),
    ]
    return figures + _group_figures(year, totals, kinds)


def _group_figures(year: int, totals: dict, kinds: list) -> list[Figure]:
    """巾帼家政 (the course kind) and 就业困难人员 (the person's record) trained."""
    figures = []
    women = next((k for k in kinds if k.code == WOMEN_KIND), None)
    if women is not None:
        figures.append(
            Figure(
                "training.women",
                _("People trained in 巾帼家政 courses this year"),
                women.people,
                _("people"),
                _(
                    "Distinct people who completed a course of the kind %(kind)s with a "
                    "completion date in the year."
                )
                % {"kind": women.name},
                link=_done(year, course__kind__id__exact=women.pk),
            )
        )
    figures.append(
        Figure(
            "training.hard_to_employ",
            _("就业困难人员 trained this year"),
            totals["hard_to_employ"],
            _("people"),
            _(
                "Distinct people counted in people trained whom the bureau records as persons "
                "with employment difficulties (就业困难人员)."
            ),
            link=_done(
                year, person__is_hard_to_employ__exact=1, course__kind__is_manager_training__exact=0
            ),
        )
    )
    return figures


def _tables(kinds: list, streets: list[dict]) -> list[Table]:
    counts = (
        Column(_("People trained"), _("people"), INTEGER),
        Column(_("Enrolments"), _("enrolments"), INTEGER),
        Column(_("Completed"), _("enrolments"), INTEGER),
        Column(_("Certificates"), _("certificates"), INTEGER),
    )
    unknown = _("Street not known")
    return [
        Table(
            "training.by_kind",
            _("Training by course kind"),
            (Column(_("Course kind")), *counts),
            [(k.name, k.people, k.enrolled, k.completions, k.certificates) for k in kinds],
            definition=_(
                "People trained: distinct people who completed a course of the kind in the year; "
                "a person trained in two kinds counts under each, so the total of that column "
                "counts people once per kind. Enrolments, completions and certificates as in the "
                "figures above; their totals equal those figures."
            ),
            total=True,
        ),
        Table(
            "training.by_street",
            _("Training by street"),
            (Column(_("Street or town")), *counts),
            [
                (
                    r["street_name"] or unknown,
                    r["people"],
                    r["enrolled"],
                    r["completions"],
                    r["certificates"],
                )
                for r in streets
            ],
            definition=_(
                "Courses other than manager training, by the trainee's street: the street the "
                "roster gives, else the course's, else the provider's. People trained: distinct "
                "people per street."
            ),
            total=True,
        ),
    ]


def compute(year: int) -> SectionData:
    totals = selectors.year_totals(year)
    kinds = _kind_rows(year)
    streets = selectors.year_by_street(year)
    street_labels = [r["street_name"] or _("Street not known") for r in streets]
    charts = [
        Chart(
            "training.by_kind",
            _("Training by course kind"),
            [k.name for k in kinds],
            [
                Series(_("People trained"), [k.people for k in kinds]),
                Series(_("Certificates"), [k.certificates for k in kinds]),
            ],
            unit=_("people"),
        ),
        Chart(
            "training.by_street",
            _("People trained by street"),
            street_labels,
            [Series(_("People trained"), [r["people"] for r in streets])],
            unit=_("people"),
            kind="hbar",
        ),
    ]
    return SectionData(
        figures=_figures(year, totals, kinds),
        tables=_tables(kinds, streets),
        charts=charts,
        notes=[
            _(
                "People are distinct persons (by ID number); enrolments count one person on one "
                "course. A course counts in the year of its completion date."
            )
        ],
    )


SECTION = Section(
    key="training",
    title=pgettext_lazy("report section", "Training"),
    order=30,
    compute=compute,
)
