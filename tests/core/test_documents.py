"""Private uploads: type sniffed from content, size-limited, served only after a permission check."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from agencies import services
from agencies.models import Agency, Street
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.documents.services import document_store, validate_upload
from kunqu_jiafu.documents.sniff import JPEG, PDF, PNG, XLSX, sniff
from tests import factories

PDF_BYTES = factories.PDF
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
LICENCE_TYPES = (PDF, JPEG, PNG)


def _xlsx_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "姓名"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a spreadsheet")
    return buffer.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF_BYTES, PDF), (JPEG_BYTES, JPEG), (PNG_BYTES, PNG), (_xlsx_bytes(), XLSX)],
)
def test_sniff_detects_the_type_from_content_whatever_the_name(content, kind):
    upload = _upload("whatever.txt", content)
    assert sniff(upload) == kind
    assert upload.tell() == 0  # the file is left where it was


@pytest.mark.parametrize("content", [b"hello, I am text", b"", _zip_bytes(), b"PK\x03\x04broken"])
def test_sniff_returns_none_for_other_content(content):
    assert sniff(_upload("x.pdf", content)) is None


def test_pdf_named_text_file_is_rejected_naming_the_field():
    upload = _upload("营业执照.pdf", b"this is plain text pretending to be a PDF")
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload, allowed=LICENCE_TYPES, field="license")
    assert list(excinfo.value.message_dict) == ["license"]
    assert "PDF" in excinfo.value.message_dict["license"][0]


def test_xlsx_is_not_accepted_where_only_licence_types_are(db):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(_upload("a.xlsx", _xlsx_bytes()), allowed=LICENCE_TYPES, field="license")
    assert "license" in excinfo.value.message_dict


def test_oversize_file_is_rejected(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    upload = _upload("big.pdf", PDF_BYTES + b"0" * 2048)
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload, allowed=LICENCE_TYPES, field="license")
    assert "license" in excinfo.value.message_dict
    assert "MB" in excinfo.value.message_dict["license"][0]


def test_empty_file_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(_upload("empty.pdf", b""), allowed=LICENCE_TYPES, field="license")
    assert "license" in excinfo.value.message_dict


def test_stored_path_hides_the_user_file_name_and_lives_under_media_root(org_a, agency_a):
    document = document_store(
        _upload("张三 身份证 secret-name.pdf", PDF_BYTES),
        allowed=LICENCE_TYPES,
        field="license",
        user=agency_a,
        owner=org_a,
    )
    stored = Path(document.file.path).resolve()
    assert "secret-name" not in document.file.name
    assert "张三" not in document.file.name
    assert document.file.name.endswith(".pdf")
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    for static_dir in settings.STATICFILES_DIRS:
        assert not stored.is_relative_to(Path(static_dir).resolve())
    assert stored.read_bytes() == PDF_BYTES
    assert document.original_name == "张三 身份证 secret-name.pdf"
    assert document.content_type == PDF
    assert len(document.sha256) == 64


def test_extension_follows_the_sniffed_type_not_the_name(org_a):
    document = document_store(
        _upload("photo.pdf", PNG_BYTES), allowed=LICENCE_TYPES, field="license", owner=org_a
    )
    assert document.file.name.endswith(".png")
    assert document.content_type == PNG


@pytest.fixture
def licence(org_a, agency_a):
    return document_store(
        _upload("营业执照.pdf", PDF_BYTES),
        allowed=LICENCE_TYPES,
        field="license",
        user=agency_a,
        owner=org_a,
        purpose="营业执照",
    )


def test_agency_user_downloads_own_licence(licence, agency_a, client_for):
    response = client_for(agency_a).get(f"/files/{licence.uuid}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("actor", ["reviewer", "approver"])
def test_staff_download_any_licence(licence, actor, request, client_for):
    user = request.getfixturevalue(actor)
    response = client_for(user).get(licence.get_absolute_url())
    assert response.status_code == 200


def test_officials_get_no_file(licence, official, client_for):
    """统计查询 sees figures and masked records only (issue 11, least privilege): no stored file."""
    assert client_for(official).get(licence.get_absolute_url()).status_code == 404


def test_other_agency_gets_404(licence, agency_b, client_for):
    assert client_for(agency_b).get(licence.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_login(licence, anonymous, client_for):
    response = client_for(anonymous).get(licence.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/files/")


def test_unknown_uuid_gives_404(db, reviewer, client_for):
    assert (
        client_for(reviewer).get("/files/00000000-0000-0000-0000-000000000000/").status_code == 404
    )


def test_ownerless_upload_is_visible_only_to_its_uploader(agency_a, agency_b, reviewer, client_for):
    document = document_store(
        _upload("draft.pdf", PDF_BYTES), allowed=LICENCE_TYPES, field="license", user=agency_a
    )
    assert client_for(agency_a).get(document.get_absolute_url()).status_code == 200
    assert client_for(agency_b).get(document.get_absolute_url()).status_code == 404
    assert client_for(reviewer).get(document.get_absolute_url()).status_code == 404


def test_application_with_a_fake_pdf_writes_nothing(db):
    applicant = factories.make_user("applicant")
    data = {
        "name": "丙家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王五",
        "contact_name": "赵六",
        "phone": "13900000000",
        "address": "昆都仑区钢铁大街88号",
        "street": Street.objects.order_by("code").first(),
        "founded_on": dt.date(2019, 6, 1),
        "employee_count": 12,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.agency_apply(
            user=applicant, data=data, formats=[], license_file=_upload("执照.pdf", b"not a pdf")
        )
    assert "license" in excinfo.value.message_dict
    assert not Agency.objects.exists()
    assert not Document.objects.exists()
    assert not applicant.groups.exists()


def test_application_licence_is_attached_and_served_to_the_applicant(db, client_for):
    applicant = factories.make_user("applicant")
    data = {
        "name": "丙家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王五",
        "contact_name": "赵六",
        "phone": "13900000000",
        "address": "昆都仑区钢铁大街88号",
        "street": Street.objects.order_by("code").first(),
        "founded_on": dt.date(2019, 6, 1),
        "employee_count": 12,
    }
    agency = services.agency_apply(
        user=applicant, data=data, formats=[], license_file=_upload("执照.jpg", JPEG_BYTES)
    )
    assert agency.license.owner == agency
    assert agency.license.content_type == JPEG
    applicant.refresh_from_db()
    assert client_for(applicant).get(agency.license.get_absolute_url()).status_code == 200
