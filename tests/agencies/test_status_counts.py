import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import rules, selectors
from agencies.models import Agency, Worker
from tests import factories


def _mixed_workers(agency, today):
    old = today - dt.timedelta(days=400)
    factories.make_worker(agency)  # green
    factories.make_worker(agency, health_check_on=None)  # yellow: no check
    factories.make_worker(agency, health_check_on=old)  # yellow: expired check
    factories.make_worker(agency, accident_insurance_until=today - dt.timedelta(days=1))
    flagged = factories.make_person("赵六")
    flagged.identity_problem = "证件与本人不符"
    flagged.save()
    factories.make_worker(agency, person=flagged)  # red: identity problem recorded


def test_status_counts_agree_with_the_python_rule_for_every_worker(org_a):
    today = dt.date.today()
    _mixed_workers(org_a, today)
    workers = Worker.objects.select_related("person", "agency")
    expected = {colour: 0 for colour in rules.STATUS_LABELS}
    for worker in workers:
        expected[selectors.worker_status(worker, today=today).colour] += 1
    assert selectors.worker_status_counts(workers, today=today) == expected
    assert expected == {rules.GREEN: 1, rules.YELLOW: 3, rules.RED: 1}


def test_suspending_the_agency_turns_every_worker_red(org_a):
    today = dt.date.today()
    _mixed_workers(org_a, today)
    Agency.objects.filter(pk=org_a.pk).update(status=Agency.Status.SUSPENDED)
    counts = selectors.worker_status_counts(Worker.objects.all(), today=today)
    assert counts == {rules.GREEN: 0, rules.YELLOW: 0, rules.RED: 5}


def test_status_counts_take_one_query(org_a):
    _mixed_workers(org_a, dt.date.today())
    policy = selectors.policy_for_year()
    with CaptureQueriesContext(connection) as queries:
        selectors.worker_status_counts(Worker.objects.all(), policy=policy)
    assert len(queries) == 1
