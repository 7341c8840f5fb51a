from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from .history import record_event
from .models import CaseEvent, Document
from .permissions import can_view_document


@login_required
def document_download(request, pk: int):
    """Download a stored document, only for users allowed to see it; personal data views are logged."""
    document = get_object_or_404(Document.objects.select_related("case"), pk=pk)
    if not can_view_document(request.user, document):
        raise PermissionDenied("K tomuto dokumentu nemáte přístup.")
    if document.personal_data:
        record_event(case=document.case, actor=request.user, action=CaseEvent.Action.DOCUMENT_VIEW,
                     summary=f"Zobrazen dokument s osobními údaji: {document.title}", document=document)
    filename = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=filename)


def not_found(request, exception=None):
    """404: JSON for the API (its clients read JSON), the usual page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Záznam neexistuje nebo k němu nemáte přístup."}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
