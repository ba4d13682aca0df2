"""The performance evaluation (绩效考评). Issue 12: "A yearly evaluation with its own scored
criteria (data), giving 优秀 / 良好 / 合格 / 不合格; the share that may be rated 优秀 is a setting.
The excellence award reads it." Plan: "按照'五统一'等要求规范运作、绩效考评、优胜劣汰"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from agencies.models import Agency, AgencyStanding
from inspections.models import EvaluationScheme, PerformanceEvaluation
from inspections.services import evaluations as service
from kunqu_jiafu.audit.models import AuditEntry
from subsidies import selectors as subsidy_selectors
from subsidies.models import ClaimType
from tests import factories

pytestmark = pytest.mark.django_db

Rating = PerformanceEvaluation.Rating


def _scheme(reviewer, year=2031, **thresholds) -> EvaluationScheme:
    scheme = service.scheme_create(actor=reviewer, year=year)
    if thresholds:
        scheme = service.scheme_update(actor=reviewer, scheme=scheme, data=thresholds)
    return scheme


def _evaluation(reviewer, scheme, agency) -> PerformanceEvaluation:
    return PerformanceEvaluation.objects.create(scheme=scheme, agency=agency)


def _score_all(reviewer, evaluation, total: Decimal) -> PerformanceEvaluation:
    """Spread ``total`` points over the criteria, each within its points."""
    left, scores = Decimal(total), {}
    for criterion in evaluation.scheme.criteria.order_by("sort_order"):
        given = min(criterion.weight, left)
        scores[criterion.pk] = given
        left -= given
    return service.evaluation_score(actor=reviewer, evaluation=evaluation, scores=scores)


def test_the_2026_scheme_is_seeded_with_criteria_summing_to_100():
    scheme = EvaluationScheme.objects.get(year=2026)
    titles = list(scheme.criteria.values_list("title", flat=True))
    assert "服务质量与满意度" in titles and "员工制与社会保险" in titles
    assert sum(c.weight for c in scheme.criteria.all()) == 100
    assert (scheme.excellent_score, scheme.good_score, scheme.qualified_score) == (90, 80, 60)
    assert scheme.excellent_share == 20


def test_a_new_year_copies_the_latest_years_criteria_and_thresholds(reviewer):
    base = EvaluationScheme.objects.get(year=2026)
    service.scheme_update(actor=reviewer, scheme=base, data={"excellent_share": Decimal("15")})
    first = base.criteria.order_by("sort_order").first()
    first.title = "服务质量"
    first.save()
    scheme = service.scheme_create(actor=reviewer, year=2027)
    assert scheme.excellent_share == 15
    assert scheme.criteria.order_by("sort_order").first().title == "服务质量"
    assert scheme.criteria.count() == base.criteria.count()
    assert AuditEntry.objects.filter(action="inspections.evaluation_scheme.created").exists()


def test_a_year_is_created_once(reviewer):
    with pytest.raises(ValidationError) as caught:
        service.scheme_create(actor=reviewer, year=2026)
    assert "year" in caught.value.message_dict


@pytest.mark.parametrize(
    "data,field",
    [
        ({"good_score": Decimal("95")}, "good_score"),  # above excellent
        ({"excellent_share": Decimal("101")}, "excellent_share"),
        ({"qualified_score": Decimal("-1")}, "qualified_score"),
    ],
)
def test_thresholds_out_of_order_or_range_are_refused_naming_the_field(reviewer, data, field):
    scheme = _scheme(reviewer)
    with pytest.raises(ValidationError) as caught:
        service.scheme_update(actor=reviewer, scheme=scheme, data=data)
    assert field in caught.value.message_dict
    scheme.refresh_from_db()
    assert (scheme.good_score, scheme.excellent_share) == (80, 20)


@pytest.mark.parametrize(
    "total,rating",
    [
        ("100", Rating.EXCELLENT),
        ("90", Rating.EXCELLENT),
        ("89.99", Rating.GOOD),
        ("80", Rating.GOOD),
        ("79.99", Rating.QUALIFIED),
        ("60", Rating.QUALIFIED),
        ("59.99", Rating.UNQUALIFIED),
        ("0", Rating.UNQUALIFIED),
    ],
)
def test_ratings_at_the_edges_of_the_thresholds(reviewer, total, rating):
    """Each rating starts at its threshold: 90 优秀, 80 良好, 60 合格 (data on the scheme)."""
    scheme = _scheme(reviewer, excellent_share=Decimal("100"))
    evaluation = _score_all(reviewer, _evaluation(reviewer, scheme, factories.make_agency()), total)
    concluded, capped = service.evaluation_conclude(actor=reviewer, evaluation=evaluation)
    assert (concluded.score, concluded.rating, capped) == (Decimal(total), rating, False)
    standing = AgencyStanding.objects.get(agency=concluded.agency, year=2031)
    assert standing.rating == rating


def test_scores_outside_a_criterions_points_are_refused_with_its_name(reviewer):
    scheme = _scheme(reviewer)
    evaluation = _evaluation(reviewer, scheme, factories.make_agency())
    criterion = scheme.criteria.order_by("sort_order").first()
    for bad in ("26", "-1", "abc", "1.234"):
        with pytest.raises(ValidationError) as caught:
            service.evaluation_score(
                actor=reviewer, evaluation=evaluation, scores={criterion.pk: bad}
            )
        message = caught.value.message_dict[f"score_{criterion.pk}"][0]
        assert criterion.title in message
    assert not evaluation.scores.exists()


def test_concluding_needs_every_criterion_scored(reviewer):
    scheme = _scheme(reviewer)
    evaluation = _evaluation(reviewer, scheme, factories.make_agency())
    criterion = scheme.criteria.order_by("sort_order").first()
    service.evaluation_score(actor=reviewer, evaluation=evaluation, scores={criterion.pk: "20"})
    evaluation.refresh_from_db()
    assert evaluation.score is None  # the total waits for every criterion
    with pytest.raises(ValidationError):
        service.evaluation_conclude(actor=reviewer, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.concluded_at is None


def test_a_concluded_evaluation_can_no_longer_be_scored(reviewer):
    scheme = _scheme(reviewer)
    evaluation = _score_all(reviewer, _evaluation(reviewer, scheme, factories.make_agency()), 70)
    service.evaluation_conclude(actor=reviewer, evaluation=evaluation)
    criterion = scheme.criteria.first()
    with pytest.raises(ValidationError):
        service.evaluation_score(actor=reviewer, evaluation=evaluation, scores={criterion.pk: 0})
    assert not service.criteria_editable(scheme)


def test_only_reviewers_and_approvers_evaluate(official, agency_a):
    scheme = EvaluationScheme.objects.get(year=2026)
    for user in (official, agency_a):
        with pytest.raises(PermissionDenied):
            service.evaluations_create_for_year(actor=user, scheme=scheme)
    assert not scheme.evaluations.exists()


def test_the_years_evaluations_are_made_for_every_registered_agency_in_fixed_queries(reviewer):
    scheme = _scheme(reviewer)
    factories.make_agency("申请中家政", status=Agency.Status.APPLYING)

    def made_with(count):
        for _ in range(count):
            factories.make_agency()
        with CaptureQueriesContext(connection) as ctx:
            service.evaluations_create_for_year(actor=reviewer, scheme=scheme)
        return len(ctx.captured_queries)

    few = made_with(2)
    many = made_with(30)
    assert few == many
    registered = Agency.objects.filter(status=Agency.Status.REGISTERED).count()
    assert scheme.evaluations.count() == registered
    # again: nothing twice
    assert service.evaluations_create_for_year(actor=reviewer, scheme=scheme) == 0


def test_excellent_beyond_the_share_is_rated_good_and_the_reason_says_so(reviewer):
    """20 % of 5 evaluations: one 优秀; the next score of 95 is concluded 良好."""
    scheme = _scheme(reviewer)
    evaluations = [_evaluation(reviewer, scheme, factories.make_agency()) for _ in range(5)]
    first, capped = service.evaluation_conclude(
        actor=reviewer, evaluation=_score_all(reviewer, evaluations[0], 92)
    )
    second, capped2 = service.evaluation_conclude(
        actor=reviewer, evaluation=_score_all(reviewer, evaluations[1], 95)
    )
    assert (first.rating, capped) == (Rating.EXCELLENT, False)
    assert (second.rating, capped2) == (Rating.GOOD, True)
    entry = AuditEntry.objects.filter(action="inspections.evaluation.concluded").latest("id")
    assert "优秀" in entry.reason or "excellent" in entry.reason


def test_concluding_several_gives_the_places_to_the_highest_scores(reviewer):
    scheme = _scheme(reviewer)
    evaluations = [_evaluation(reviewer, scheme, factories.make_agency()) for _ in range(5)]
    for evaluation, total in zip(evaluations, (91, 99, 93, 50, 70), strict=True):
        _score_all(reviewer, evaluation, total)
    results = service.evaluations_conclude(
        actor=reviewer, evaluations=PerformanceEvaluation.objects.filter(scheme=scheme)
    )
    ratings = {e.score: e.rating for e, _ in results}
    assert ratings[Decimal(99)] == Rating.EXCELLENT
    assert ratings[Decimal(93)] == ratings[Decimal(91)] == Rating.GOOD
    assert ratings[Decimal(50)] == Rating.UNQUALIFIED


def test_criteria_not_summing_to_100_stop_the_year(reviewer):
    scheme = _scheme(reviewer)
    criterion = scheme.criteria.first()
    criterion.weight = criterion.weight + 5
    criterion.save()
    with pytest.raises(ValidationError) as caught:
        service.evaluations_create_for_year(actor=reviewer, scheme=scheme)
    assert "100" in " ".join(caught.value.messages)


def test_a_closed_year_keeps_its_thresholds(reviewer):
    scheme = _scheme(reviewer)
    service.scheme_close(actor=reviewer, scheme=scheme)
    with pytest.raises(ValidationError):
        service.scheme_update(actor=reviewer, scheme=scheme, data={"good_score": Decimal("75")})


def test_closing_a_year_with_open_evaluations_is_refused(reviewer):
    scheme = _scheme(reviewer)
    _evaluation(reviewer, scheme, factories.make_agency())
    with pytest.raises(ValidationError):
        service.scheme_close(actor=reviewer, scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.closed_at is None


def test_an_agency_concluded_excellent_may_claim_the_excellence_award_and_a_good_one_not(
    reviewer,
):
    """ "The excellence award reads it": the 2026 award needs 优秀 in the year's rating."""
    scheme = EvaluationScheme.objects.get(year=2026)
    award = ClaimType.objects.get(code="excellence_award", policy_year=2026)
    best, good = factories.make_agency("优秀家政"), factories.make_agency("良好家政")
    for agency in (best, good):
        assert subsidy_selectors.eligibility_for(agency, award)  # no rating yet: not eligible
    for _ in range(3):  # five evaluated: 20 % leaves one place for 优秀
        factories.make_agency()
    service.evaluations_create_for_year(actor=reviewer, scheme=scheme)
    total = {best.pk: 95, good.pk: 85}
    for evaluation in scheme.evaluations.filter(agency__in=[best, good]):
        _score_all(reviewer, evaluation, total[evaluation.agency_id])
        service.evaluation_conclude(actor=reviewer, evaluation=evaluation)
    assert subsidy_selectors.eligibility_for(best, award) == []
    reasons = subsidy_selectors.eligibility_for(good, award)
    assert gettext("Must be rated excellent in this year's performance rating") in reasons


def test_scoring_on_the_admin_page_then_concluding_writes_the_rating(client_for, reviewer):
    scheme = _scheme(reviewer)
    evaluation = _evaluation(reviewer, scheme, factories.make_agency())
    criteria = list(scheme.criteria.order_by("sort_order"))
    url = f"/admin/inspections/performanceevaluation/{evaluation.pk}/change/"
    client = client_for(reviewer)
    page = client.get(url)
    assert page.status_code == 200
    assert criteria[0].title in page.content.decode()
    form = {f"score_{c.pk}": str(c.weight) for c in criteria}
    form[f"score_{criteria[0].pk}"] = "99"  # above its points
    bad = client.post(url, {**form, "notes": ""})
    assert bad.status_code == 200
    assert f"score_{criteria[0].pk}" in bad.context["adminform"].form.errors
    assert not evaluation.scores.exists()
    form[f"score_{criteria[0].pk}"] = "5"
    done = client.post(url, {**form, "notes": "现场核查", "_conclude": "1"})
    assert done.status_code == 302
    evaluation.refresh_from_db()
    expected = sum(c.weight for c in criteria) - criteria[0].weight + 5
    assert (evaluation.score, evaluation.rating) == (expected, Rating.GOOD)
    assert evaluation.concluded_at is not None and evaluation.notes == "现场核查"
    again = client.get(url).content.decode()
    assert "_conclude" not in again


def test_the_changelist_shows_the_excellent_count_against_the_cap(client_for, reviewer):
    scheme = _scheme(reviewer)
    for _ in range(10):
        _evaluation(reviewer, scheme, factories.make_agency())
    body = client_for(reviewer).get("/admin/inspections/performanceevaluation/").content.decode()
    assert "kj-quota" in body and "2031" in body
    schemes = client_for(reviewer).get("/admin/inspections/evaluationscheme/").content.decode()
    assert "已评 0 个 / 上限 2 个" in schemes or "0 of 2" in schemes


def test_criteria_become_read_only_once_an_evaluation_is_concluded(client_for, reviewer):
    scheme = _scheme(reviewer)
    evaluation = _score_all(reviewer, _evaluation(reviewer, scheme, factories.make_agency()), 70)
    url = f"/admin/inspections/evaluationscheme/{scheme.pk}/change/"
    client = client_for(reviewer)
    assert "criteria-0-weight" in client.get(url).content.decode()
    service.evaluation_conclude(actor=reviewer, evaluation=evaluation)
    assert "criteria-0-weight" not in client.get(url).content.decode()


def test_the_evaluation_ledger_lists_score_and_rating(client_for, reviewer):
    scheme = _scheme(reviewer, excellent_share=Decimal("100"))
    evaluation = _score_all(reviewer, _evaluation(reviewer, scheme, factories.make_agency()), 91)
    service.evaluation_conclude(actor=reviewer, evaluation=evaluation)
    response = client_for(reviewer).get(
        "/admin/inspections/performanceevaluation/export/?scheme__year=2031"
    )
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2
    assert 2031 in rows[1] and 91 in rows[1]
    assert evaluation.agency.name in rows[1]
