"""The statistical survey's XLSX files: the ledger of a year's returns (one row per agency,
one column per indicator, units in the headers) and the list of agencies not filed. Written
through kunqu_jiafu.documents.xlsx (typed cells, formula-safe text)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kunqu_jiafu.documents.xlsx import LocalTime, table_xlsx

from .. import survey_selectors


def _columns(indicators, formats) -> list[tuple[int, int | None, str]]:
    """(indicator id, business format id or None, header) for each column of figures: a
    broken-down indicator gets one column per business format and one for its total."""
    columns = []
    for indicator in indicators:
        if indicator.by_format:
            for f in formats:
                columns.append(
                    (indicator.pk, f.pk, f"{indicator.label}·{f.name}（{indicator.unit}）")
                )
            total = _("%(indicator)s total") % {"indicator": indicator.label}
            columns.append((indicator.pk, "total", f"{total}（{indicator.unit}）"))
        else:
            columns.append((indicator.pk, None, f"{indicator.label}（{indicator.unit}）"))
    return columns


def ledger_xlsx(form) -> bytes:
    indicators, formats, returns = survey_selectors.survey_ledger(form)
    columns = _columns(indicators, formats)
    labels = {i.pk: i.label for i in indicators}
    headers = [
        _("agency name"),
        _("unified social credit code"),
        _("street or town"),
        _("status"),
        _("submitted at"),
        *[header for _i, _f, header in columns],
        _("explanations of differences"),
    ]
    rows = []
    for survey_return in returns:
        values = {(v.indicator_id, v.business_format_id): v for v in survey_return.values.all()}
        totals: dict[int, object] = {}
        for v in values.values():
            if v.business_format_id and v.value is not None:
                totals[v.indicator_id] = totals.get(v.indicator_id, 0) + v.value
        figures = []
        for indicator_id, format_id, _header in columns:
            if format_id == "total":
                figures.append(totals.get(indicator_id))
            else:
                value = values.get((indicator_id, format_id))
                figures.append(value.value if value is not None else None)
        explained = "；".join(
            f"{labels.get(v.indicator_id, '')}：{v.explanation}"
            for v in values.values()
            if v.explanation
        )
        rows.append(
            [
                survey_return.agency.name,
                survey_return.agency.uscc,
                survey_return.agency.street.name,
                survey_return.get_status_display(),
                LocalTime(survey_return.submitted_at) if survey_return.submitted_at else None,
                *figures,
                explained,
            ]
        )
    return table_xlsx(_("Survey ledger %(year)s") % {"year": form.year}, headers, rows)


def not_filed_xlsx(form) -> bytes:
    headers = [
        _("agency name"),
        _("unified social credit code"),
        _("street or town"),
        _("contact person"),
        _("contact phone"),
        _("return status"),
        _("last reminded at"),
    ]
    status_names = dict(survey_selectors.SurveyReturn.Status.choices)
    rows = [
        [
            agency.name,
            agency.uscc,
            agency.street.name,
            agency.contact_name,
            agency.phone,
            str(status_names.get(agency.return_status, _("not started"))),
            LocalTime(agency.last_reminded) if agency.last_reminded else None,
        ]
        for agency in survey_selectors.survey_not_filed(form)
    ]
    return table_xlsx(_("Not filed %(year)s") % {"year": form.year}, headers, rows)
