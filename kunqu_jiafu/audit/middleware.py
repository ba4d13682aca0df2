"""Keeps the request for the audit (see kunqu_jiafu/audit/context.py) and logs every file
the portal answers with as a download."""

from __future__ import annotations

import re
from urllib.parse import unquote

from .context import _request, current_actor
from .services import audit_log

_FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", re.IGNORECASE)


def _filename(disposition: str) -> str:
    found = _FILENAME.findall(disposition)
    return unquote(found[-1])[:200] if found else ""


class AuditRequestContext:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self.get_response(request)
            disposition = response.get("Content-Disposition", "") if response else ""
            if (
                disposition
                and 200 <= response.status_code < 300
                and not getattr(response, "audit_recorded", False)
            ):
                audit_log(
                    current_actor(),
                    None,
                    "audit.file.downloaded",
                    after={
                        "path": request.path[:300],
                        "file": _filename(disposition),
                        "type": response.get("Content-Type", "")[:100],
                    },
                )
            return response
        finally:
            _request.reset(token)
