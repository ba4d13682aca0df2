"""Enterprise size (大/中/小/微型): recorded basis, bureau thresholds, the derived size.

DOMAIN.md: "Enterprise size (大/中/小/微型), recorded with its basis (staff, revenue) against
thresholds the bureau keeps as data (the national statistical classification of enterprise
sizes for 居民服务业 is the default); 援企稳岗 is for 中小微 only." The classification's note
decides the and/or: "大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业只须
满足所列指标中的一项即可"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agencies import rules, selectors, services
from agencies.models import Agency, EnterpriseSizeThreshold
from kunqu_jiafu.audit.models import AuditEntry
from tests.agencies.test_admin_agencies import change_form_data

pytestmark = pytest.mark.django_db

D = Decimal
DEFAULT = [
    rules.SizeThreshold("large", 300, D("10000")),
    rules.SizeThreshold("medium", 100, D("1000")),
    rules.SizeThreshold("small", 10, D("100")),
]


@pytest.mark.parametrize(
    ("staff", "revenue", "size"),
    [
        (300, D("10000"), "large"),  # both lower bounds of 大型, just inside
        (299, D("10000"), "medium"),  # staff just outside 大型
        (300, D("9999.99"), "medium"),  # revenue just outside 大型: one size down
        (5000, D("500"), "small"),  # 大型 staff but 小型 revenue: the lower of the two
        (100, D("1000"), "medium"),
        (99, D("1000"), "small"),
        (100, D("999.99"), "small"),
        (10, D("100"), "small"),
        (9, D("100000"), "micro"),  # 人员<10: micro whatever the revenue ("或")
        (400, D("99.99"), "micro"),  # 收入<100万元: micro whatever the staff ("或")
        (0, D("0"), "micro"),
    ],
)
def test_size_needs_both_lower_bounds_and_falls_one_size_down_otherwise(staff, revenue, size):
    assert rules.enterprise_size(staff, revenue, DEFAULT) == size


def test_size_is_unknown_until_both_figures_are_recorded():
    assert rules.enterprise_size(None, D("1"), DEFAULT) is None
    assert rules.enterprise_size(50, None, DEFAULT) is None


def test_seeded_thresholds_are_the_national_classification():
    rows = {t.size: (t.min_staff, t.min_revenue) for t in EnterpriseSizeThreshold.objects.all()}
    assert rows == {
        "large": (300, D("10000")),
        "medium": (100, D("1000")),
        "small": (10, D("100")),
    }


def test_selector_reads_the_bureau_thresholds_as_edited(org_a, reviewer):
    org_a = services.agency_size_set(
        actor=reviewer, agency=org_a, staff=400, revenue=D("20000"), year=2025
    )
    assert selectors.agency_enterprise_size(org_a) == "large"
    # The case of issue 9: a 400-staff agency is not 中小微 and may not claim 援企稳岗 ...
    EnterpriseSizeThreshold.objects.filter(size="large").update(min_staff=500)
    # ... unless the bureau's thresholds say otherwise.
    assert selectors.agency_enterprise_size(org_a) == "medium"


def test_agency_user_records_the_basis_in_the_portal_with_an_audit_entry(
    client_for, agency_a, org_a
):
    client = client_for(agency_a)
    url = reverse("portal:agency_size")
    page = client.get(url)
    assert page.status_code == 200
    assert "未填报" in page.content.decode() or page.context["size"] is None
    response = client.post(
        url, {"size_staff": "120", "size_revenue": "1500.5", "size_year": "2025"}
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.size_staff, org_a.size_revenue, org_a.size_year) == (120, D("1500.50"), 2025)
    assert selectors.agency_enterprise_size(org_a) == "medium"
    entry = AuditEntry.objects.for_object(org_a).get(action="agencies.agency.size_recorded")
    assert entry.after["enterprise_size"] == "medium"
    page = client.get(url)
    assert page.context["size"] == "medium"
    dashboard = client.get(reverse("portal:dashboard"))
    assert dashboard.context["size"] == "medium"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("size_staff", "-1"),
        ("size_staff", "abc"),
        ("size_revenue", "-0.01"),
        ("size_revenue", "1.234"),
        ("size_revenue", "1e16"),
        ("size_year", str(timezone.localdate().year + 1)),
        ("size_year", "0"),
    ],
)
def test_bad_figures_are_refused_naming_the_field_and_nothing_is_saved(
    client_for, agency_a, org_a, field, value
):
    data = {"size_staff": "20", "size_revenue": "300", "size_year": "2025", field: value}
    response = client_for(agency_a).post(reverse("portal:agency_size"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    org_a.refresh_from_db()
    assert org_a.size_staff is None and org_a.size_revenue is None


def test_year_before_the_agency_was_founded_is_refused(org_a, reviewer):
    year = org_a.founded_on.year - 1
    with pytest.raises(ValidationError) as exc:
        services.agency_size_set(actor=reviewer, agency=org_a, staff=1, revenue=D("1"), year=year)
    assert "size_year" in exc.value.message_dict


def test_another_agency_and_officials_cannot_record_the_basis(agency_b, official, org_a):
    for actor in (agency_b, official):
        with pytest.raises(PermissionDenied):
            services.agency_size_set(actor=actor, agency=org_a, staff=1, revenue=D("1"), year=2025)


def test_database_refuses_a_partial_basis(org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=org_a.pk).update(size_staff=10)


def test_reviewer_records_the_basis_in_the_admin_and_sees_the_size(reviewer, org_a, client_for):
    client = client_for(reviewer)
    url = reverse("admin:agencies_agency_change", args=[org_a.pk])
    partial = change_form_data(client, url, size_staff="50", size_revenue="", size_year="2025")
    response = client.post(url, partial)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["size_revenue"]
    data = change_form_data(client, url, size_staff="50", size_revenue="800", size_year="2025")
    assert client.post(url, data).status_code == 302
    org_a.refresh_from_db()
    assert selectors.agency_enterprise_size(org_a) == "small"
    page = client.get(url)
    assert "小型企业" in page.content.decode()


def test_api_exposes_the_basis_and_the_derived_size(client_for, agency_a, org_a):
    services.agency_size_set(actor=agency_a, agency=org_a, staff=8, revenue=D("5000"), year=2025)
    body = client_for(agency_a).get(f"/api/agencies/{org_a.pk}/").json()
    assert body["size_staff"] == 8
    assert body["size_year"] == 2025
    assert body["enterprise_size"] == "micro"
    assert body["enterprise_size_display"] == "微型企业"


def test_api_list_reads_the_thresholds_once(client_for, reviewer, org_a, org_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for agency in (org_a, org_b):
        services.agency_size_set(
            actor=reviewer, agency=agency, staff=20, revenue=D("200"), year=2025
        )
    client = client_for(reviewer)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/agencies/").json()
    assert {a["enterprise_size"] for a in body["results"]} == {"small"}
    reads = [q for q in queries.captured_queries if "enterprisesizethreshold" in q["sql"]]
    assert len(reads) == 1


def test_threshold_admin_is_reference_data_reviewers_edit(reviewer, official, client_for):
    threshold = EnterpriseSizeThreshold.objects.get(size="small")
    url = reverse("admin:agencies_enterprisesizethreshold_change", args=[threshold.pk])
    assert client_for(official).get(url).status_code == 200
    data = {"size": "small", "min_staff": "20", "min_revenue": "100", "note": "局调整"}
    assert client_for(reviewer).post(url, data).status_code == 302
    threshold.refresh_from_db()
    assert threshold.min_staff == 20
    assert AuditEntry.objects.for_object(threshold).exists()
