from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import public, staff_required
from common.fresh import kept_part
from common.listing import listing

from . import digests, forms, presenters, registry, selectors, services
from .filters import OUTBOX_COLUMNS, OutboxFilter
from .models import Message
from .tokens import unsubscribe_token_read


@require_http_methods(["GET", "POST"])
def preferences(request):
    """Any signed-in person chooses which optional emails they get; only their own."""
    if request.method == "POST":
        form = forms.PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_set(user=request.user, receive=set(form.cleaned_data["receive"]))
            messages.success(request, "Your email preferences have been saved.")
            return redirect("notifications:preferences")
    else:
        receiving = [kind.name for kind, on in selectors.preferences_for(request.user) if on]
        form = forms.PreferencesForm(initial={"receive": receiving})
    return render(request, "notifications/preferences.html", {"form": form, "title": "Email preferences"})


# One-click unsubscribe (RFC 8058): mail clients POST here without a session or a CSRF token, so the
# signed token in the URL is the only authority, and it can do one thing: switch one kind off.
@public
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    found = unsubscribe_token_read(token)
    user = User.objects.filter(pk=found[0]).first() if found else None
    kind = registry.KINDS.get(found[1]) if found else None
    if user is None or kind is None or not kind.optional:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        services.unsubscription_create(user=user, kind=kind.name)
        return render(request, "notifications/unsubscribe_done.html", {"kind": kind})
    return render(request, "notifications/unsubscribe_confirm.html", {"kind": kind, "email": user.email})


@staff_required
def outbox(request):
    """Counts, filters and the page of messages asked for, kept until the data or the date changes them
    (common/fresh.py: kept_part); the page holds no form that posts."""
    return render(
        request,
        "notifications/outbox.html",
        {"body": kept_part(request, "outbox", "notifications/_outbox_body.html", lambda: _outbox_context(request))},
    )


def _outbox_context(request) -> dict:
    messages_found = listing(
        request,
        selectors.outbox_list(),
        filterset_class=OutboxFilter,
        columns=OUTBOX_COLUMNS,
        default_sort="-created",
        present=presenters.with_kind_labels,
    )
    counts = selectors.outbox_counts()
    return {
        "listing": messages_found,
        "page": messages_found.page,
        "counts": [(value, label, counts.get(value, 0)) for value, label in Message.Status.choices],
    }


@staff_required
def message_detail(request, pk: int):
    try:
        message = selectors.message_detail(pk=pk)
    except Message.DoesNotExist as exc:
        raise Http404 from exc
    context = {"message": message, "kind_label": presenters.kind_label(message.kind)}
    return render(request, "notifications/message_detail.html", context)


@staff_required
@require_POST
def message_resend(request, pk: int):
    message = get_object_or_404(Message, pk=pk)
    if message.status != Message.Status.FAILED:
        messages.error(request, "Only a failed message can be sent again.")
    else:
        services.message_resend(message=message)
        messages.success(request, f"The message to {message.to_email} has been queued again.")
    return redirect("notifications:message_detail", pk=message.pk)


@staff_required
def digest_preview(request):
    week, previews = digests.digest_preview_for(now=timezone.now())
    page = Paginator(previews, 20).get_page(request.GET.get("page"))
    return render(request, "notifications/digest_preview.html", {"week": week, "page": page})
