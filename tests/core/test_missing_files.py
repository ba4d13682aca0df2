"""A database restored without its media (or a file lost from storage) never answers 500:
the download answers a Chinese 404 page naming the missing file, and the loss is logged and
recorded in the audit log."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents import sniff
from kunqu_jiafu.documents.services import document_store
from tests import factories

pytestmark = pytest.mark.django_db


def _stored(user):
    upload = SimpleUploadedFile("劳动合同.pdf", factories.PDF, content_type="application/pdf")
    return document_store(upload, allowed=(sniff.PDF,), field="file", user=user)


def test_a_document_whose_file_is_gone_answers_a_chinese_404_not_a_500(client, caplog):
    user = factories.make_user("uploader")
    document = _stored(user)
    client.force_login(user)
    url = f"/files/{document.uuid}/"
    assert client.get(url).status_code == 200  # the file is there: served

    document.file.storage.delete(document.file.name)  # restored without media
    client.raise_request_exception = True  # a 500 would raise here
    with caplog.at_level(logging.WARNING, logger="kunqu_jiafu.documents.services"):
        response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert "文件缺失" in page and "劳动合同.pdf" in page
    assert 'data-testid="file-missing"' in page
    entry = AuditEntry.objects.get(action="documents.document.file_missing")
    assert entry.object_id == str(document.pk) and entry.actor_id == user.pk
    assert document.file.name in caplog.text
    assert "劳动合同" not in caplog.text  # the log names the storage file, not the user's name


def test_a_stranger_still_gets_the_plain_404_for_a_missing_file(client):
    owner = factories.make_user("uploader")
    document = _stored(owner)
    document.file.storage.delete(document.file.name)
    client.force_login(factories.make_user("stranger"))
    response = client.get(f"/files/{document.uuid}/")
    assert response.status_code == 404
    assert "文件缺失" not in response.content.decode()  # existence is not revealed
    assert not AuditEntry.objects.filter(action="documents.document.file_missing").exists()
