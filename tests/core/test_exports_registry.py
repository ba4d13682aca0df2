"""The exporter registry: every admin list export goes through it, and an export under the
threshold is answered at once with the same workbook as before the registry.

Issue 13 (Ledgers): "every area's XLSX exports go through the exporter registry"."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from agencies.models import Worker
from kunqu_jiafu.documents.xlsx import dataset_xlsx
from kunqu_jiafu.exports import registry
from kunqu_jiafu.exports.models import ExportJob
from kunqu_jiafu.web.admin_kit.common import ExportXlsxMixin
from kunqu_jiafu.web.admin_kit.exports import AdminExporter
from tests import factories


def _exporting_admins():
    return [m for m in admin.site._registry.values() if isinstance(m, ExportMixin)]


def test_every_admin_export_goes_through_the_registry():
    admins = _exporting_admins()
    assert len(admins) >= 14  # agencies, subsidies, training, vouchers, inspections
    for model_admin in admins:
        label = model_admin.opts.label
        # The mixin is the only way to export from the admin: its export_action asks the
        # registry's exporter; an admin overriding it would bypass the threshold and the jobs.
        assert isinstance(model_admin, ExportXlsxMixin), f"{label}: export not via the registry"
        assert type(model_admin).export_action is ExportXlsxMixin.export_action, label
        assert model_admin.export_resource is not None, label
        exporter = registry.exporter(f"{model_admin.opts.app_label}.{model_admin.opts.model_name}")
        assert isinstance(exporter, AdminExporter), label
        assert exporter.model_admin is model_admin, label
        assert exporter.label == str(model_admin.opts.verbose_name_plural)


def test_a_key_taken_by_another_export_is_refused():
    exporter = registry.exporter("agencies.worker")
    assert registry.register(AdminExporter(exporter.model_admin)) is exporter  # same admin: kept

    class Other(registry.Exporter):
        key = "agencies.worker"

    with pytest.raises(ImproperlyConfigured):
        registry.register(Other())


def _cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [
        [(c.value, c.data_type, c.number_format, bool(c.quotePrefix)) for c in row]
        for row in sheet.iter_rows()
    ]
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    return sheet.title, sheet.freeze_panes, cells, widths


def test_a_small_export_is_answered_at_once_with_the_same_workbook_as_before(
    reviewer, org_a, org_b, client_for, rf
):
    for n in range(3):
        factories.make_worker(org_a, job=f'=HYPERLINK("http://x","{n}")')
    factories.make_worker(org_b)
    query = f"agency__id__exact={org_a.pk}"
    response = client_for(reviewer).get(reverse("admin:agencies_worker_export") + "?" + query)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="worker-')
    assert not ExportJob.objects.exists()
    # What the admin wrote before the registry: import-export's dataset of the filtered list.
    model_admin = admin.site._registry[Worker]
    request = rf.get(reverse("admin:agencies_worker_changelist") + "?" + query)
    request.user = reviewer
    dataset = model_admin.get_data_for_export(
        request, model_admin.get_export_queryset(request), force_native_type=True
    )
    before = dataset_xlsx(dataset, "从业人员")
    assert len(dataset) == 3
    assert _cells(response.content) == _cells(before)
    title, _panes, cells, _widths = _cells(response.content)
    job = [c[0] for c in cells[0]].index("岗位")
    assert {row[job][:2] for row in cells[1:]} == {
        (f'=HYPERLINK("http://x","{n}")', "s") for n in range(3)
    }
