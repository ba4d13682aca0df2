"""The back office as a whole: who gets in, people, notifications and documents."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.notifications.services import notify
from kunqu_jiafu.people.idcard import mask
from tests import factories
from tests.id_search import search

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def test_anonymous_and_agency_users_are_sent_to_the_login(anonymous, agency_a, client_for):
    for user in (anonymous, agency_a):
        response = client_for(user).get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_flag_without_a_bureau_role_does_not_open_the_admin(db, client_for):
    stray = factories.make_user("stray", is_staff=True)
    response = client_for(stray).get(reverse("admin:index"))
    assert response.status_code == 302


def test_staff_home_shows_targets_and_the_work_queue(reviewer, client_for):
    factories.make_agency("申请中机构", status="applying")
    response = client_for(reviewer).get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="target-1"' in html and 'data-testid="target-2"' in html
    assert reverse("admin:agencies_agency_changelist") + "?status__exact=applying" in html
    links = next(p for p in response.context["dashboard_panels"] if "links" in p)["links"]
    assert links[0][1] == 1


def test_person_admin_masks_ids_for_official_and_never_shows_the_stored_columns(
    official, reviewer, client_for
):
    person = factories.make_person("王芳")
    number = person.id_number
    url = reverse("admin:people_person_change", args=[person.pk])
    official_list = client_for(official).get(reverse("admin:people_person_changelist"))
    official_page = client_for(official).get(url).content.decode()
    reviewer_page = client_for(reviewer).get(url).content.decode()
    assert mask(number) in official_list.content.decode()
    assert number not in official_list.content.decode() and number not in official_page
    assert number in reviewer_page
    for page in (official_page, reviewer_page):
        assert person.id_hash not in page and person.id_encrypted not in page


def test_person_admin_shows_no_birth_date_beside_a_masked_number(
    official, reviewer, approver, client_for
):
    # DOMAIN.md: "never a birth date beside a masked number: a mask plus a birth date gives
    # the whole number back." 统计查询 sees the mask, so no birth date (list, page, sort).
    person = factories.make_person("王芳")
    number = person.id_number
    birth = person.birth_date
    shapes = (birth.isoformat(), f"{birth.year}年{birth.month}月{birth.day}日", number[6:14])
    changelist = reverse("admin:people_person_changelist")
    url = reverse("admin:people_person_change", args=[person.pk])
    for page in (
        client_for(official).get(changelist).content.decode(),
        client_for(official).get(url).content.decode(),
    ):
        assert mask(number) in page
        assert not any(shape in page for shape in shapes), shapes
    official_list = client_for(official).get(changelist)
    assert "birth_date_display" not in official_list.context["cl"].list_display
    # Reviewers and approvers see the full number, and may see the birth date beside it.
    for user in (reviewer, approver):
        listed = client_for(user).get(changelist)
        assert "birth_date_display" in listed.context["cl"].list_display
        page = client_for(user).get(url)
        assert "birth_date_display" in page.context[
            "adminform"
        ].form.fields or "birth_date_display" in str(page.context["adminform"].readonly_fields)
        assert number in page.content.decode()


def test_person_admin_is_read_only_and_searchable_by_id_for_reviewers(
    reviewer, official, client_for
):
    person = factories.make_person("王芳")
    factories.make_person("李娜")
    changelist = reverse("admin:people_person_changelist")
    found = search(client_for(reviewer), changelist, person.id_number)
    assert [p.pk for p in found.context["cl"].result_list] == [person.pk]
    hidden = search(client_for(official), changelist, person.id_number)
    assert list(hidden.context["cl"].result_list) == []
    url = reverse("admin:people_person_change", args=[person.pk])
    # Only the identity problem is editable; the name and ID stay as registered.
    client_for(reviewer).post(url, {"name": "改名", "identity_problem": ""})
    person.refresh_from_db()
    assert person.name == "王芳"
    assert client_for(official).post(url, {"name": "改名"}).status_code == 403


def test_notification_and_document_admins_are_read_only(org_a, client_for):
    admin_user = factories.make_user("root", is_staff=True, is_superuser=True)
    notification = notify([admin_user], "测试通知")[0]
    upload = SimpleUploadedFile("执照.png", PNG, content_type="image/png")
    document = document_store(upload, allowed=("image/png",), field="license", owner=org_a)
    client = client_for(admin_user)
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert client.get(reverse("admin:documents_document_add")).status_code == 403
    page = client.get(reverse("admin:documents_document_change", args=[document.pk]))
    html = page.content.decode()
    assert document.get_absolute_url() in html
    assert document.file.name not in html
    url = reverse("admin:notifications_notification_change", args=[notification.pk])
    assert client.post(url, {"title": "改"}).status_code == 403
