"""Helpers for tests of uploads that become import jobs (kunqu_jiafu.imports.jobs)."""

from __future__ import annotations

from django.test import TestCase

from kunqu_jiafu.imports.models import ImportJob


def post_and_run(client, url: str, data: dict):
    """POST an upload and run what it queues as the commit would (the task runs in-process:
    no broker in tests); then, if it made a job, the job's page. The response of the last
    request is returned, with ``.job`` (None when nothing was queued)."""
    before = set(ImportJob.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    made = ImportJob.objects.exclude(pk__in=before).first()
    if made is not None and response.status_code == 302:
        response = client.get(response["Location"])
        made.refresh_from_db()
    response.job = made
    return response


def confirm_and_run(client, job: ImportJob):
    """Confirm a checked job on its page and run the write it queues; the page after."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/", {"confirm": "1"})
    assert response.status_code == 302, response
    page = client.get(response["Location"])
    job.refresh_from_db()
    page.job = job
    return page
