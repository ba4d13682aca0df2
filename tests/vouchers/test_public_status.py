"""The public status page /vouchers/status/: the application number and the ID number together
unlock one application in this browser; the voucher PDF and the choice of agency are allowed only
for the application so unlocked; the ID number is always masked."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from agencies.models import Agency, AgencyStanding
from tests import factories
from tests.vouchers import core_builders as b
from vouchers import public_views
from vouchers.models import Application, Participation, Voucher
from vouchers.services.applications import application_decide

pytestmark = pytest.mark.django_db

STATUS = "/vouchers/status/"
PDF = "/vouchers/status/voucher.pdf"
CHOOSE = "/vouchers/status/agency/"
LEAVE = "/vouchers/status/leave/"
NO_MATCH = (
    "No application matches this number and ID number. Check both against the page you saw "
    "when you applied."
)


@pytest.fixture
def batch(reviewer, org_a, org_b):
    the_batch = b.batch(count=10)
    b.join(the_batch, org_a, reviewer)
    b.join(the_batch, org_b, reviewer)
    return the_batch


@pytest.fixture
def household():
    return b.household_id()


@pytest.fixture
def voucher(batch, reviewer, household) -> Voucher:
    return b.issued(batch, reviewer, id_number=household, name="刘志强")


def look_up(client: Client, application: Application, id_number: str):
    return client.post(STATUS, {"number": application.number, "id_number": id_number})


def unlocked(client: Client, application: Application, id_number: str) -> str:
    response = look_up(client, application, id_number)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_urls_are_where_the_plan_says():
    assert reverse("vouchers_public:status") == STATUS
    assert reverse("vouchers_public:status_pdf") == PDF
    assert reverse("vouchers_public:choose_agency") == CHOOSE
    assert reverse("vouchers_public:apply_done") == "/vouchers/apply/done/"


def test_the_right_pair_shows_the_status_with_the_id_masked(client, voucher, household):
    application = voucher.application
    location = unlocked(client, application, household)
    assert application.number not in location  # the session, not the URL, holds the access
    response = client.get(location)
    html = response.content.decode()
    assert response.status_code == 200
    assert application.number in html and voucher.display_code in html
    assert application.person.id_masked in html
    assert household not in html
    assert response.context["state"] == "issued"
    steps = {s["key"]: s["state"] for s in response.context["steps"]}
    assert steps == {
        "apply": "done",
        "review": "done",
        "issue": "done",
        "choose": "current",
        "service": "todo",
        "check": "todo",
        "settle": "todo",
    }


def test_a_lowercase_number_with_spaces_and_a_lowercase_x_still_match(client, batch, reviewer):
    number = factories.id_number(seq=3, birth="19700101")
    if not number.endswith("X"):
        number = next(
            n
            for seq in range(1, 999)
            if (n := factories.id_number(seq=seq, birth="19700101")).endswith("X")
        )
    application = b.apply(batch, reviewer, id_number=number)
    response = client.post(
        STATUS,
        {"number": " " + application.number.lower() + " ", "id_number": number.lower()},
    )
    assert response.status_code == 302


def test_a_wrong_pair_does_not_say_which_is_wrong(client, voucher, household, batch, reviewer):
    application = voucher.application
    other = b.apply(batch, reviewer)
    wrong_id = look_up(client, application, other.person.id_number)
    wrong_number = client.post(STATUS, {"number": "JQ2026-99999", "id_number": household})
    for response in (wrong_id, wrong_number):
        assert response.status_code == 200
        form = response.context["form"]
        assert form.non_field_errors() == [gettext(NO_MATCH)]
        assert not form.errors.get("number") and not form.errors.get("id_number")
    assert wrong_id.content.decode().count(gettext(NO_MATCH)) == 1
    # Nothing was unlocked.
    assert client.get(f"{STATUS}?a={application.pk}").status_code == 302
    assert client.get(f"{PDF}?a={application.pk}").status_code == 404


def test_a_malformed_number_or_id_is_reported_on_its_field(client, voucher):
    response = client.post(STATUS, {"number": "12345", "id_number": "1502031985"})
    errors = response.context["form"].errors
    assert set(errors) == {"number", "id_number"}


@pytest.fixture
def no_failures():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_many_failed_lookups_for_one_id_number_are_stopped(
    client, voucher, household, batch, reviewer, no_failures, settings
):
    # Each failure from another address: the limit is the ID number's, not an address's.
    for n in range(settings.PUBLIC_FORM_LIMITS["vouchers.lookup"]["per_id"]):
        address = f"10.0.1.{n}"
        client.post(
            STATUS, {"number": f"JQ2026-9{n:04d}", "id_number": household}, REMOTE_ADDR=address
        )
    # Even the right pair waits now: guessing the numbers of a known ID number stops here.
    assert look_up(client, voucher.application, household).status_code == 429
    # Another household is not affected.
    other_id = b.household_id()
    other = b.issued(batch, reviewer, id_number=other_id)
    assert look_up(client, other.application, other_id).status_code == 302


def test_many_failed_lookups_from_one_address_are_stopped(
    client, voucher, household, settings, no_failures
):
    limits = {scope: dict(rule) for scope, rule in settings.PUBLIC_FORM_LIMITS.items()}
    limits["vouchers.lookup"] |= {"per_address": 3}
    settings.PUBLIC_FORM_LIMITS = limits
    for _ in range(3):
        client.post(STATUS, {"number": "JQ2026-99999", "id_number": b.household_id()})
    assert look_up(client, voucher.application, household).status_code == 429


def test_a_submitted_application_shows_the_review_step(client, batch, reviewer, household):
    application = b.apply(batch, reviewer, id_number=household)
    response = client.get(unlocked(client, application, household))
    assert response.context["state"] == "submitted"
    assert response.context["voucher"] is None
    assert "choosing" not in response.context


def test_a_rejected_application_shows_the_reason(client, batch, reviewer, household):
    application = b.apply(batch, reviewer, id_number=household)
    application_decide(
        actor=reviewer, application=application, approve=False, reason="证明材料看不清"
    )
    response = client.get(unlocked(client, application, household))
    assert response.context["state"] == "rejected"
    assert "证明材料看不清" in response.content.decode()
    steps = {s["key"]: s["state"] for s in response.context["steps"]}
    assert steps["review"] == "failed"


def test_the_voucher_pdf_downloads_only_for_the_application_looked_up(
    client, voucher, household, batch, reviewer
):
    application = voucher.application
    other_number = b.household_id()
    other = b.issued(batch, reviewer, id_number=other_number)
    assert client.get(f"{PDF}?a={application.pk}").status_code == 404  # not looked up yet
    unlocked(client, application, household)
    response = client.get(f"{PDF}?a={application.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    # Another household's voucher, even with its pk guessed, is not served.
    assert client.get(f"{PDF}?a={other.application.pk}").status_code == 404
    assert client.get(f"{PDF}?a=nonsense").status_code == 404
    # Nor to another browser.
    assert Client().get(f"{PDF}?a={application.pk}").status_code == 404


def test_the_status_page_of_another_application_is_not_shown_by_guessing_its_pk(
    client, voucher, household, batch, reviewer
):
    other = b.issued(batch, reviewer)
    unlocked(client, voucher.application, household)
    response = client.get(f"{STATUS}?a={other.application.pk}")
    assert response.status_code == 302
    assert response["Location"] == STATUS


def test_the_lookup_expires(client, voucher, household, monkeypatch):
    location = unlocked(client, voucher.application, household)
    later = time.time() + public_views.ACCESS_SECONDS + 1
    monkeypatch.setattr(public_views.time, "time", lambda: later)
    assert client.get(location).status_code == 302
    assert client.get(f"{PDF}?a={voucher.application.pk}").status_code == 404


def test_leaving_forgets_the_application(client, voucher, household):
    location = unlocked(client, voucher.application, household)
    response = client.post(LEAVE, {"application": voucher.application.pk})
    assert response.status_code == 302 and response["Location"] == STATUS
    assert client.get(location).status_code == 302
    assert client.get(f"{PDF}?a={voucher.application.pk}").status_code == 404


def test_the_household_chooses_an_eligible_agency_and_may_change_it(
    client, voucher, household, org_a, org_b
):
    location = unlocked(client, voucher.application, household)
    page = client.get(location)
    listed = {a.pk for a in page.context["page"].object_list}
    assert listed == {org_a.pk, org_b.pk}
    html = page.content.decode()
    assert org_a.phone in html and org_a.address in html and org_a.street.name in html

    response = client.post(CHOOSE, {"application": voucher.application.pk, "agency": org_a.pk})
    assert response.status_code == 302
    voucher.refresh_from_db()
    assert voucher.agency == org_a
    shown = client.get(location)
    assert shown.context["state"] == "chosen"
    assert 'data-testid="chosen-agency"' in shown.content.decode()

    client.post(CHOOSE, {"application": voucher.application.pk, "agency": org_b.pk})
    voucher.refresh_from_db()
    assert voucher.agency == org_b


@pytest.mark.parametrize("why", ["suspended", "not_participating", "failed_inspection"])
def test_an_ineligible_agency_is_refused_with_its_reason(client, voucher, household, org_b, why):
    if why == "suspended":
        Agency.objects.filter(pk=org_b.pk).update(status=Agency.Status.SUSPENDED)
        org_b.refresh_from_db()
        expected = gettext("%(agency)s is %(status)s and cannot serve voucher holders.") % {
            "agency": org_b.name,
            "status": org_b.get_status_display(),
        }
    elif why == "not_participating":
        Participation.objects.filter(agency=org_b).update(active=False)
        expected = gettext("%(agency)s does not take part in the voucher programme.") % {
            "agency": org_b.name
        }
    else:
        year = timezone.localdate().year - 1
        AgencyStanding.objects.create(
            agency=org_b, year=year, inspection=AgencyStanding.Inspection.FAILED
        )
        expected = gettext("%(agency)s failed its %(year)s annual inspection.") % {
            "agency": org_b.name,
            "year": year,
        }
    location = unlocked(client, voucher.application, household)
    listed = {a.pk for a in client.get(location).context["page"].object_list}
    assert org_b.pk not in listed
    response = client.post(
        CHOOSE, {"application": voucher.application.pk, "agency": org_b.pk}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert expected in messages
    voucher.refresh_from_db()
    assert voucher.agency is None


def test_choosing_needs_the_lookup(client, voucher, org_a):
    response = client.post(CHOOSE, {"application": voucher.application.pk, "agency": org_a.pk})
    assert response.status_code == 302 and response["Location"] == STATUS
    voucher.refresh_from_db()
    assert voucher.agency is None


def test_the_agency_list_filters_by_street_and_service_and_pages(
    client, voucher, household, batch, reviewer, org_a, org_b
):
    from agencies.models import BusinessFormat

    other_street = b.street(3)
    for n in range(12):
        extra = factories.make_agency(f"丙{n:02d}家政服务有限公司", street=other_street)
        b.join(batch, extra, reviewer)
    location = unlocked(client, voucher.application, household)
    first = client.get(location)
    assert first.context["page"].paginator.count == 14
    assert len(first.context["page"].object_list) == public_views.AGENCIES_PER_PAGE
    by_street = client.get(location + f"&street={other_street.pk}")
    assert {a.street_id for a in by_street.context["page"].object_list} == {other_street.pk}
    assert by_street.context["page"].paginator.count == 12
    eldercare = BusinessFormat.objects.get(code="eldercare")
    org_b.formats.set([BusinessFormat.objects.get(code="housekeeping")])
    by_format = client.get(location + f"&format={eldercare.pk}")
    assert org_b.pk not in {a.pk for a in by_format.context["page"].object_list}
    page2 = client.get(location + "&page=2")
    assert page2.status_code == 200 and len(page2.context["page"].object_list) == 4


def test_once_used_the_page_shows_the_service_date_and_agency_but_no_worker(
    client, voucher, household, agency_a, org_a
):
    worker = factories.make_worker(org_a)
    service = b.redeem(voucher, agency_a, worker)
    response = client.get(unlocked(client, voucher.application, household))
    html = response.content.decode()
    assert response.context["state"] == "redeemed"
    assert f"{service.service_date:%Y-%m-%d}" in html and org_a.name in html
    assert worker.person.name not in html
    assert worker.person.id_masked not in html
    assert "choosing" not in response.context  # no more changing the agency
    refused = client.post(
        CHOOSE, {"application": voucher.application.pk, "agency": org_a.pk}, follow=True
    )
    expected = gettext(
        "The agency can only be chosen for an unused voucher; this one is %(status)s."
    ) % {"status": Voucher.Status.REDEEMED.label}
    assert expected in [str(m) for m in refused.context["messages"]]


def test_an_expired_unused_voucher_says_so_and_offers_no_agencies(client, voucher, household):
    Voucher.objects.filter(pk=voucher.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    response = client.get(unlocked(client, voucher.application, household))
    assert response.context["state"] == "expired"
    assert "choosing" not in response.context


def test_the_application_just_made_can_be_followed_from_the_done_page(client, batch):
    from tests.vouchers.test_public_apply import post_data

    data = post_data()
    client.post("/vouchers/apply/", data)
    application = Application.objects.get()
    done = client.get("/vouchers/apply/done/")
    assert done.context["status_url"].endswith(f"?a={application.pk}")
    assert client.get(done.context["status_url"]).status_code == 200
