"""subsidies 0010-0012: the claim subjects' text keys become columns pointing at their records,
for every kind of key the code wrote, and a key naming no record stops the migration."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kunqu_jiafu.people import crypto
from subsidies.exemption_models import ExemptionServiceKind
from subsidies.models import ClaimSubject
from tests import factories
from training.models import Course, CourseKind, Enrolment

BEFORE = [("subsidies", "0010_subject_records")]
fill = import_module("subsidies.migrations.0011_subjects_from_keys").fill


def _migrate(targets=None):
    """Migrate to targets (None: the latest) and give the historical apps of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _enrolment(provider, person, certificate=""):
    course = Course.objects.create(
        name="家政服务员培训",
        kind=CourseKind.objects.order_by("pk").first()
        or CourseKind.objects.create(code="pre_job", name="岗前培训"),
        provider=provider,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 20),
        class_hours=40,
        capacity=10,
        policy_year=2026,
    )
    return Enrolment.objects.create(
        course=course,
        person=person,
        completed=True,
        completed_on=dt.date(2026, 3, 20),
        exam="passed" if certificate else "",
        certificate_number=certificate,
    )


@pytest.fixture
def records(transactional_db):
    """Records of the other areas (their tables do not change), made before going back."""
    org = factories.make_agency("迁移家政")
    worker = factories.make_worker(org)
    kind = ExemptionServiceKind.objects.order_by("pk").first() or (
        ExemptionServiceKind.objects.create(code="cleaning", name="家庭保洁")
    )
    return {
        "org": org,
        "worker": worker,
        "person": worker.person,
        "trained": _enrolment(org, factories.make_person("李娜")),
        "legacy": _enrolment(org, factories.make_person("张伟")),
        "certified": _enrolment(org, factories.make_person("赵敏"), certificate="JD2026-0001"),
        "service_kind": kind,
    }


def _claim(old, org, code, period, calculator="fixed_per_unit"):
    claim_type = old.get_model("subsidies", "ClaimType").objects.create(
        code=code,
        name=code,
        group="seven",
        policy_year=2099,
        calculator=calculator,
        eligibility="registered",
    )
    return old.get_model("subsidies", "Claim").objects.create(
        agency_id=org.pk, claim_type=claim_type, period=period
    )


def test_every_kind_of_key_becomes_its_record(records):
    old = _migrate(BEFORE)
    org, person = records["org"], records["person"]
    Subject = old.get_model("subsidies", "ClaimSubject")
    head = factories.id_number()
    health = _claim(old, org, "m_health", "2099")
    insured = _claim(old, org, "m_insured", "2099Q3", calculator="insured_months")
    training = _claim(old, org, "m_training", "2099-03")
    certification = _claim(old, org, "m_certification", "2099-03")
    exemption = _claim(old, org, "m_exemption", "2099-03")
    orders = _claim(old, org, "m_orders", "2099-03")
    row = old.get_model("subsidies", "FeeExemption").objects.create(
        claim=exemption,
        head_id_encrypted=crypto.encrypt(head),
        head_id_hash=crypto.blind_index(head),
        address_encrypted=crypto.encrypt("昆区友谊大街8号"),
        street_id=org.street_id,
        service_date=dt.date(2099, 3, 5),
        service_kind_id=records["service_kind"].pk,
        worker_id=records["worker"].pk,
    )
    made = {
        "health": (health, "person", f"{person.pk}@2099", True),
        "insured": (insured, "person", f"{person.pk}@2099-08", False),
        "trained": (training, "enrolment", str(records["trained"].pk), True),
        "legacy": (training, "enrolment", f"{org.pk}:{records['legacy'].pk}", True),
        "certified": (certification, "certificate", "JD2026-0001", True),
        "exempted": (
            exemption,
            "order",
            f"x:{row.head_id_hash[:32]}:2099-03-05:{records['service_kind'].pk}",
            True,
        ),
        "order": (orders, "order", f"{org.pk}:DD-0001", True),
    }
    ids = {
        name: Subject.objects.create(
            claim=claim,
            claim_type_id=claim.claim_type_id,
            kind=kind,
            key=key,
            label=name,
            live=live,
        ).pk
        for name, (claim, kind, key, live) in made.items()
    }

    _migrate()

    subjects = {name: ClaimSubject.objects.get(pk=pk) for name, pk in ids.items()}
    assert (subjects["health"].person, subjects["health"].month) == (person, dt.date(2099, 1, 1))
    assert (subjects["insured"].person, subjects["insured"].month) == (person, dt.date(2099, 8, 1))
    assert not subjects["insured"].live and subjects["insured"].label == "insured"
    assert subjects["trained"].enrolment == records["trained"]
    assert subjects["legacy"].enrolment == records["legacy"]
    assert subjects["certified"].certificate == records["certified"]
    assert subjects["exempted"].fee_exemption_id == row.pk
    assert (subjects["order"].agency, subjects["order"].order_number) == (org, "DD-0001")
    assert not hasattr(subjects["order"], "key")


def test_a_key_naming_no_record_stops_the_migration(records):
    old = _migrate(BEFORE)
    claim = _claim(old, records["org"], "m_lost", "2099-03")
    lost = old.get_model("subsidies", "ClaimSubject").objects.create(
        claim=claim, claim_type_id=claim.claim_type_id, kind="enrolment", key="999999999"
    )
    try:
        with pytest.raises(RuntimeError, match=f"{lost.pk} \\(enrolment '999999999'\\)"):
            fill(old, None)
    finally:
        lost.delete()
        _migrate()
    assert not ClaimSubject.objects.filter(pk=lost.pk).exists()


def test_two_old_keys_of_one_record_stop_the_migration_with_both_named(records):
    """The old rule compared text: "<agency>:<pk>" and "<pk>" of one enrolment could both be
    live under one claim type. 0012's rule would refuse them with a bare index error; the fill
    names them instead."""
    old = _migrate(BEFORE)
    org, enrolment = records["org"], records["trained"]
    claim = _claim(old, org, "m_twice", "2099-03")
    Subject = old.get_model("subsidies", "ClaimSubject")
    made = [
        Subject.objects.create(
            claim=claim, claim_type_id=claim.claim_type_id, kind="enrolment", key=key
        )
        for key in (str(enrolment.pk), f"{org.pk}:{enrolment.pk}")
    ]
    try:
        with pytest.raises(RuntimeError, match=f"'enrolment': {enrolment.pk}"):
            fill(old, None)
    finally:
        Subject.objects.filter(pk__in=[s.pk for s in made]).delete()
        _migrate()
