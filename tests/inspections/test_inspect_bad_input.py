"""Text PostgreSQL cannot store, and drafts that are not JSON of the expected shape, on the
scoring form (/inspect/): a 400 with a Chinese message naming the field, never a 500, and
nothing written."""

import json

import pytest
from django.core.exceptions import ValidationError

from inspections.models import Inspection, InspectionScore
from inspections.services import scoring
from tests.inspections.factories_scoring import items_of, make_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(org_a, reviewer, approver):
    return make_inspection(org_a, reviewer, approver)


@pytest.mark.parametrize("text", ["整改\x00完成", "\x00", "坏字符\ud800"])
def test_the_text_cleaner_refuses_what_postgresql_cannot_store(text):
    with pytest.raises(ValidationError) as refused:
        scoring._text(text, field="notes", limit=100, label="检查意见")
    message = refused.value.message_dict["notes"][0]
    assert "检查意见" in message and "无法保存" in message


def test_a_nul_in_the_sheet_is_a_form_error_naming_the_field_and_nothing_is_stored(
    client_for, inspection, reviewer
):
    sign = items_of(inspection)["sign"]
    client = client_for(reviewer)
    for data, named in (
        ({"notes": "整体\x00规范"}, "检查意见"),
        ({f"note_{sign.pk}": "标识\x00缺失"}, f"“{sign.title}”"),
    ):
        response = client.post(
            f"/inspect/{inspection.pk}/",
            {f"score_{sign.pk}": "18", "action": "save", **data},
        )
        assert response.status_code == 400
        errors = response.context["error_list"]
        assert any(named in m and "无法保存" in m for m in errors), errors
    assert not InspectionScore.objects.filter(inspection=inspection).exists()
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.PLANNED and inspection.notes == ""


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"notes": "进行\x00中"}),
        '{"notes": "\\ud800"}',
        "[" * 50_000 + "]" * 50_000,
        '{"scores": ' * 5_000 + "{}" + "}" * 5_000,
        "[" * 200_000,
    ],
    ids=["nul", "lone-surrogate", "deep-list", "deep-object", "huge"],
)
def test_a_bad_draft_is_a_400_with_a_chinese_message_and_nothing_is_stored(
    client_for, inspection, approver, body
):
    answer = client_for(approver).post(
        f"/inspect/{inspection.pk}/draft/", body, content_type="application/json"
    )
    assert answer.status_code == 400
    assert "草稿" in answer.json()["error"]
    inspection.refresh_from_db()
    assert inspection.draft_saved_at is None and not inspection.draft


def test_a_nul_in_a_draft_note_names_the_draft_note(client_for, inspection, approver):
    sign = items_of(inspection)["sign"]
    draft = {"scores": {str(sign.pk): {"score": "17", "note": "缺\x00失"}}}
    answer = client_for(approver).post(
        f"/inspect/{inspection.pk}/draft/", json.dumps(draft), content_type="application/json"
    )
    assert answer.status_code == 400
    assert "草稿" in answer.json()["error"] and "备注" in answer.json()["error"]


def test_the_service_refuses_a_draft_nested_too_deep_for_json(inspection, approver):
    nested: dict = {}
    for _ in range(5_000):
        nested = {"scores": nested}
    with pytest.raises(ValidationError):
        scoring.inspection_draft_save(actor=approver, inspection=inspection, draft=nested)
    inspection.refresh_from_db()
    assert inspection.draft_saved_at is None
