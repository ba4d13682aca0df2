from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kunqu_jiafu.audit.context import mark_recorded
from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.ratelimit import client_address

from .models import Document
from .services import can_view_document, document_open
from .verification import format_code, verification_lookup


@login_required
def download(request, uuid):
    document = get_object_or_404(Document, uuid=uuid)
    allowed, _reason = can_view_document(request.user, document)
    if not allowed:
        # 404, not 403: do not reveal that the file exists.
        raise Http404
    handle = document_open(document, user=request.user)
    if handle is None:
        return file_missing(request, document)
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=request.GET.get("inline") != "1",
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Evidence and issued documents carry personal data: who fetched which one, from where.
    audit_log(
        request.user,
        document,
        "documents.document.downloaded",
        after={"file": document.original_name[:200], "inline": request.GET.get("inline") == "1"},
    )
    return mark_recorded(response)


def file_missing(request, document: Document):
    """404 with its own page: the record exists but storage lost its file (never a 500)."""
    return render(request, "documents/file_missing.html", {"document": document}, status=404)


# --- /verify/: is this document genuine? -------------------------------------------------------

# Failed checks tolerated per client address in VERIFY_WINDOW seconds (as the voucher lookup
# does): enough for a clerk checking a pile of documents with typos, far too few to scan 2^80.
VERIFY_FAILURE_LIMIT = 30
VERIFY_WINDOW = 15 * 60


def _verify_failures_key(request) -> str:
    # The address the deployment vouches for, not the proxy's (issue 11).
    return f"documents.verify-failures.{client_address(request)}"


@never_cache
@require_GET
def verify(request):
    """Public: the kind, number, agency, amount and date of the document a code belongs to;
    for any other code only that it was not found. Nothing personal is ever shown."""
    text = request.GET.get("code", "")[:64]
    context = {"code": text, "result": None, "not_found": False, "blocked": False}
    status = 200
    if text.strip():
        key = _verify_failures_key(request)
        if (cache.get(key) or 0) >= VERIFY_FAILURE_LIMIT:
            context["blocked"] = True
            status = 429
        else:
            found = verification_lookup(text)
            if found is None:
                if not cache.add(key, 1, VERIFY_WINDOW):
                    try:
                        cache.incr(key)
                    except ValueError:  # expired between add and incr
                        cache.add(key, 1, VERIFY_WINDOW)
                context["not_found"] = True
            else:
                context["result"] = found
                context["code"] = format_code(found.code)
    response = render(request, "documents/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response
