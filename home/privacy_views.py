"""A person's data: their own download, staff making one for them, and erasure."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import staff_required

from . import erasure, subject_access


def _zip_response(content: bytes, person: User) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{subject_access.subject_access_filename(person)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def your_data(request):
    """Anyone signed in: a page that explains the download, and the POST that makes it."""
    if request.method == "POST":
        content = subject_access.subject_access_export(
            person=request.user, requested_by=request.user, request=request, via="own download"
        )
        return _zip_response(content, request.user)
    return render(request, "home/your_data.html")


@staff_required
@require_POST
def person_data_export(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    content = subject_access.subject_access_export(
        person=person, requested_by=request.user, request=request, via="staff, from the person's page"
    )
    return _zip_response(content, person)


@staff_required
@require_http_methods(["GET", "POST"])
def person_erase(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    if erasure.is_erased(person):
        messages.info(request, "This person has already been erased.")
        return redirect("accounts:people_list")
    obstacles = erasure.erasure_obstacles(person)
    if request.method == "POST":
        try:
            erasure.person_erase(person=person, actor=request.user, request=request)
        except erasure.ErasureRefused as refused:  # recorded in the audit log by the service
            obstacles = refused.reasons
        else:
            messages.success(request, "The person has been erased. Programme figures keep their counts.")
            return redirect("accounts:people_list")
    context = {"person": person, "obstacles": obstacles, "consequences": erasure.erasure_consequences(person)}
    return render(request, "home/person_erase.html", context)
