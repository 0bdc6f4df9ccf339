"""Announcements: staff write one, preview it with its number of recipients, send it through the
outbox; recipients see it on their home page until they dismiss it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import staff_required

from . import selectors, services
from .announcement_forms import AnnouncementForm
from .services.announcements import audience_users


@staff_required
@require_GET
def announcement_list(request):
    return render(
        request,
        "cohorts/announcement_list.html",
        {"announcements": selectors.announcement_list()[:100], "title": "Announcements"},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def announcement_create(request):
    form = AnnouncementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        draft = form.draft()
        if "confirm" in request.POST:
            try:
                announcement = services.announcement_send(draft=draft, actor=request.user)
            except services.CohortError as exc:
                form.add_error(exc.field, str(exc))
            else:
                count = announcement.recipients.count()
                messages.success(
                    request, f"“{announcement.title}” has been sent to {count} {'person' if count == 1 else 'people'}."
                )
                return redirect("cohorts:announcement_list")
        else:
            return render(
                request,
                "cohorts/announcement_preview.html",
                {
                    "form": form,
                    "draft": draft,
                    "recipient_count": audience_users(draft).count(),
                    "title": "Check your announcement",
                },
            )
    return render(request, "cohorts/announcement_form.html", {"form": form, "title": "Write an announcement"})


@require_POST
def announcement_dismiss(request, pk: int):
    """Any signed-in person hides an announcement's banner for themselves; nobody else's changes."""
    services.announcement_dismiss(announcement_id=pk, user=request.user)
    return redirect("home")
