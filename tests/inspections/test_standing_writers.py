"""The yearly standing is written by inspections through two agencies services (issue 12:
"The year's inspection result and rating are recorded on the agency through an agencies
service"), each audited and refusing values outside the lists."""

import pytest
from django.core.exceptions import ValidationError

from agencies.models import AgencyStanding
from agencies.services import standing_record_inspection, standing_record_rating
from kunqu_jiafu.accounts.roles import REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_inspection_result_and_rating_are_recorded_separately_and_audited():
    agency = factories.make_agency()
    staff = factories.make_user("inspector", REVIEWER)
    standing_record_inspection(
        actor=staff, agency=agency, year=2026, result="failed", reason="年检 #1"
    )
    standing = standing_record_rating(
        actor=staff, agency=agency, year=2026, rating="excellent", reason="绩效考评 #1"
    )
    standing.refresh_from_db()
    assert (standing.inspection, standing.rating) == ("failed", "excellent")
    entries = AuditEntry.objects.filter(action="agencies.standing.recorded").order_by("pk")
    assert [e.after for e in entries] == [{"inspection": "failed"}, {"rating": "excellent"}]
    assert entries[1].before == {"rating": "none"}


@pytest.mark.parametrize("field,value", [("inspection", "great"), ("rating", "")])
def test_values_outside_the_lists_are_refused_and_nothing_is_written(field, value):
    agency = factories.make_agency()
    staff = factories.make_user("inspector", REVIEWER)
    writer = standing_record_inspection if field == "inspection" else standing_record_rating
    kwargs = {"result": value} if field == "inspection" else {"rating": value}
    with pytest.raises(ValidationError) as caught:
        writer(actor=staff, agency=agency, year=2026, reason="x", **kwargs)
    assert field in caught.value.message_dict
    assert not AgencyStanding.objects.filter(agency=agency).exists()
