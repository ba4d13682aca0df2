"""Voucher core: issuing and redeeming through the services, and voucher lists at 10 and 1,000.

    .venv/bin/python bench/bench_vouchers.py [--n 495] [--repeat 9]

Runs on a throw-away test database (SQLite in memory by default; ``test_<name>`` on
PostgreSQL when DATABASE_URL points there). Each figure is a ratio against a baseline measured
in the same process:

- issue: ``services.voucher_issue`` for N approved applications, one call each (row locks on
  the application and the batch, a fresh code, counters, audit entry), against inserting the
  same N voucher rows with ``bulk_create`` and moving the counters in one UPDATE;
- redeem: ``services.voucher_redeem`` for N vouchers (code check, eligibility, row lock, service
  row, audit entry), against ``bulk_create`` of the same service rows and one status UPDATE;
- lists: ``selectors.vouchers_for_user`` rendered row by row (the fields a list shows), the
  agency portal list and the admin changelist, at 10 and at 1,000 vouchers: queries and time
  against ``/healthz``.

Not a test: timings are never asserted (tests assert the query counts are equal instead).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunqu_jiafu.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

from kunqu_jiafu.accounts.roles import REVIEWER  # noqa: E402
from tests import factories  # noqa: E402

PAGE_ROWS = 50


def approved_applications(batch, reviewer, start: int, n: int) -> list:
    """n approved applications of new households, written in bulk (setup, not timed)."""
    from kunqu_jiafu.people.models import Person
    from tests.vouchers import core_builders as b
    from vouchers.models import Application

    people = []
    for i in range(start, start + n):
        person = Person(name=f"基准户{i:05d}")
        person.set_id_number(b.household_id(i, seq=6))
        people.append(person)
    people = Person.objects.bulk_create(people)
    now = timezone.now()
    return Application.objects.bulk_create(
        [
            Application(
                batch=batch,
                number=f"BENCH-{start + i:05d}",
                person=person,
                phone="13900000000",
                address="昆都仑区",
                street=b.street(),
                target_group=b.group(),
                channel=Application.Channel.COUNTER,
                status=Application.Status.APPROVED,
                decided_by=reviewer,
                decided_at=now,
            )
            for i, person in enumerate(people)
        ]
    )


def baseline_issue(batch, reviewer, applications) -> float:
    from django.db.models import F

    from vouchers import codes
    from vouchers.models import Application, Voucher, VoucherBatch

    start = time.perf_counter()
    with transaction.atomic():
        locked = VoucherBatch.objects.select_for_update().get(pk=batch.pk)
        now = timezone.now()
        Voucher.objects.bulk_create(
            [
                Voucher(
                    batch=locked,
                    application=application,
                    person_id=application.person_id,
                    code=codes.generate(),
                    face_value=locked.face_value,
                    issued_at=now,
                    issued_by=reviewer,
                    valid_until=locked.valid_until,
                )
                for application in applications
            ]
        )
        Application.objects.filter(pk__in=[a.pk for a in applications]).update(
            status=Application.Status.ISSUED
        )
        n = len(applications)
        VoucherBatch.objects.filter(pk=batch.pk).update(
            issued_count=F("issued_count") + n,
            issued_amount=F("issued_amount") + locked.face_value * n,
        )
    return time.perf_counter() - start


def service_issue(reviewer, applications) -> tuple[float, int]:
    from vouchers.services.issue import voucher_issue

    with CaptureQueriesContext(connection) as queries:
        voucher_issue(actor=reviewer, application=applications[0])
    start = time.perf_counter()
    for application in applications[1:]:
        voucher_issue(actor=reviewer, application=application)
    per_call = (time.perf_counter() - start) / (len(applications) - 1)
    return per_call * len(applications), len(queries)


def choose(vouchers, agency) -> None:
    from vouchers.models import Voucher

    Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(
        agency=agency, agency_chosen_at=timezone.now()
    )


def baseline_redeem(vouchers, agency, agency_user, worker, kind) -> float:
    from vouchers.models import Service, Voucher

    start = time.perf_counter()
    with transaction.atomic():
        now = timezone.now()
        Service.objects.bulk_create(
            [
                Service(
                    voucher=voucher,
                    agency=agency,
                    service_date=timezone.localdate(),
                    kind=kind,
                    worker=worker,
                    hours=Decimal("2.0"),
                    redeemed_at=now,
                    redeemed_by=agency_user,
                    idempotency_key=f"base-{voucher.pk}",
                )
                for voucher in vouchers
            ]
        )
        Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(
            status=Voucher.Status.REDEEMED
        )
    return time.perf_counter() - start


def service_redeem(vouchers, agency_user, worker, kind) -> tuple[float, int]:
    from vouchers.services.redemption import voucher_redeem

    def redeem(voucher):
        voucher_redeem(
            actor=agency_user,
            code=voucher.code,
            service_date=timezone.localdate(),
            kind=kind,
            worker=worker,
            hours=Decimal("2"),
            idempotency_key=f"svc-{voucher.pk}",
        )

    with CaptureQueriesContext(connection) as queries:
        redeem(vouchers[0])
    start = time.perf_counter()
    for voucher in vouchers[1:]:
        redeem(voucher)
    per_call = (time.perf_counter() - start) / (len(vouchers) - 1)
    return per_call * len(vouchers), len(queries)


def render_rows(user) -> None:
    from vouchers import selectors

    for voucher in selectors.vouchers_for_user(user)[:PAGE_ROWS]:
        service = getattr(voucher, "service", None)
        (
            voucher.display_code,
            voucher.get_status_display(),
            str(voucher.batch),
            voucher.person.id_masked,
            voucher.agency.name if voucher.agency else "",
            voucher.application.street.name,
            voucher.application.target_group.name,
            service.worker.person.name if service else "",
            service.kind.name if service else "",
            voucher.settlement.number if voucher.settlement else "",
        )


def timed(call, repeat: int) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        call()
    count = len(queries)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), count


def get(client: Client, url: str):
    def call():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return call


def lists(reviewer, agency_user, repeat: int) -> dict[str, tuple[float, int]]:
    from django.urls import reverse

    reviewer_client, agency_client, bare = Client(), Client(), Client()
    reviewer_client.force_login(reviewer)
    agency_client.force_login(agency_user)
    out = {
        "baseline /healthz": timed(get(bare, "/healthz"), repeat),
        f"vouchers_for_user, {PAGE_ROWS} rows (reviewer)": timed(
            lambda: render_rows(reviewer), repeat
        ),
        f"vouchers_for_user, {PAGE_ROWS} rows (agency)": timed(
            lambda: render_rows(agency_user), repeat
        ),
        "portal /portal/vouchers/ (agency)": timed(
            get(agency_client, reverse("vouchers:list")), repeat
        ),
        "admin voucher list (reviewer)": timed(
            get(reviewer_client, reverse("admin:vouchers_voucher_changelist")), repeat
        ),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=495, help="vouchers per timed phase")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    logging.getLogger("celery").setLevel(logging.WARNING)  # eager notification tasks
    warnings.filterwarnings("ignore", message="No directory at")
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from kunqu_jiafu.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    try:
        from tests.vouchers import core_builders as b
        from vouchers.models import Voucher
        from vouchers.services.settlement import settlement_create
        from vouchers.services.verification import voucher_verify

        reviewer = factories.make_user("bench_reviewer", REVIEWER)
        agency = factories.make_agency("基准家政服务有限公司")
        agency_user = factories.make_agency_user("bench_agency", agency)
        worker = factories.make_worker(agency)
        kind = b.kind()
        batch = b.batch(count=5000, name="基准券")
        b.join(batch, agency, reviewer)

        # Ten vouchers at every step, through the services: the small list.
        for i in range(10):
            voucher = b.issued(batch, reviewer)
            if i < 8:
                b.redeem(voucher, agency_user, worker)
            if i < 6:
                voucher_verify(actor=reviewer, voucher=voucher, passed=True)
        settlement_create(actor=reviewer, batch=batch, agency=agency, month=timezone.localdate())
        at_10 = lists(reviewer, agency_user, args.repeat)

        n = args.n
        base_apps = approved_applications(batch, reviewer, 0, n)
        svc_apps = approved_applications(batch, reviewer, n, n)
        t_base_issue = baseline_issue(batch, reviewer, base_apps)
        t_svc_issue, q_issue = service_issue(reviewer, svc_apps)
        base_vouchers = list(Voucher.objects.filter(application__in=base_apps))
        svc_vouchers = list(Voucher.objects.filter(application__in=svc_apps))
        choose(base_vouchers + svc_vouchers, agency)
        t_base_redeem = baseline_redeem(base_vouchers, agency, agency_user, worker, kind)
        t_svc_redeem, q_redeem = service_redeem(svc_vouchers, agency_user, worker, kind)
        batch.refresh_from_db()
        total = Voucher.objects.count()
        assert batch.issued_count == total, (batch.issued_count, total)
        at_1000 = lists(reviewer, agency_user, args.repeat)

        print(f"database: {connection.vendor}; {n} vouchers per timed phase")
        print(
            f"{'step':44} {'baseline':>10} {'service':>10} {'ratio':>7} {'per call':>10} {'q/call':>7}"
        )
        for name, base, svc, queries in (
            ("issue (voucher_issue vs bulk_create)", t_base_issue, t_svc_issue, q_issue),
            ("redeem (voucher_redeem vs bulk_create)", t_base_redeem, t_svc_redeem, q_redeem),
        ):
            print(
                f"{name:44} {base:9.3f}s {svc:9.3f}s {svc / base:6.1f}x "
                f"{svc / n * 1000:8.2f}ms {queries:7d}"
            )
        print(
            f"issue throughput: {n / t_svc_issue:.0f}/s; redeem throughput: {n / t_svc_redeem:.0f}/s"
        )
        print(f"lists: median of {args.repeat}; {total} vouchers in the end")
        print(
            f"{'list':44} {'ratio@10':>9} {'ratio@1000':>11} {'queries@10':>11} {'queries@1000':>13}"
        )
        base10, base1000 = at_10["baseline /healthz"][0], at_1000["baseline /healthz"][0]
        for name in at_10:
            if name.startswith("baseline"):
                continue
            (t10, q10), (t1k, q1k) = at_10[name], at_1000[name]
            print(f"{name:44} {t10 / base10:9.1f} {t1k / base1000:11.1f} {q10:11d} {q1k:13d}")
        print(f"baseline /healthz: {base10 * 1000:.2f} ms (10), {base1000 * 1000:.2f} ms (1000)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
