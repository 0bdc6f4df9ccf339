"""The private calendar subscription: its page, its reset and the feed itself."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Role, public, role_required

from .. import calendar, selectors, services

ANY_ROLE = (Role.STAFF, Role.MENTOR, Role.OFFICER)


@role_required(*ANY_ROLE)
@require_GET
def calendar_page(request):
    feed = selectors.calendar_feed_for(request.user)
    url = request.build_absolute_uri(reverse("mentoring:calendar_feed", args=[feed.token])) if feed else ""
    return render(request, "mentoring/calendar.html", {"feed_url": url})


@role_required(*ANY_ROLE)
@require_POST
def calendar_reset(request):
    """Makes the user's private link, or replaces it: the old link stops working at once."""
    had_one = selectors.calendar_feed_for(request.user) is not None
    services.calendar_feed_reset(user=request.user)
    if had_one:
        messages.success(request, "Your calendar link has been reset. The old link no longer works.")
    else:
        messages.success(request, "Your private calendar link is ready.")
    return redirect("mentoring:calendar")


@public
@require_GET
def calendar_feed(request, token: str):
    """The subscription feed: the token is the credential. Unknown or reset tokens get a 404."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    body = calendar.feed_ics(
        user=feed.user,
        bookings=selectors.feed_bookings(feed.user),
        sessions=selectors.feed_training_sessions(feed.user),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
