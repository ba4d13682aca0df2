from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from .models import Document
from .services import can_view_document


@login_required
def download(request, uuid):
    document = get_object_or_404(Document, uuid=uuid)
    allowed, _reason = can_view_document(request.user, document)
    if not allowed:
        # 404, not 403: do not reveal that the file exists.
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=request.GET.get("inline") != "1",
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
