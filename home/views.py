"""Each role's home page, assembled from panels the apps lend (template tags such as
`officer_cohort_panel` in cohorts, `graduate_panel` in trainers): this app sits at the top of the
dependency order so that no other app needs to know about the others."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import Role, has_role, public, staff_required
from cohorts.selectors import next_session_start
from common.fresh import fresh

from . import selectors


@public
def home(request):
    """Each role lands on its own home page; anonymous visitors go to sign-in."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if has_role(user, Role.STAFF):
        # The panels are kept until the data or the clock changes them: the next training session
        # can put officers at risk.
        boundary = next_session_start(after=timezone.now())
        return render(request, "home/home_staff.html", {"fresh": fresh(until=[boundary])})
    if has_role(user, Role.MENTOR):
        until = selectors.mentor_home_until(user, now=timezone.now())
        return render(request, "home/home_mentor.html", {"fresh": fresh(until=until)})
    if has_role(user, Role.OFFICER):
        until = selectors.officer_home_until(user, now=timezone.now())
        return render(request, "home/home_officer.html", {"fresh": fresh(until=until)})
    return render(request, "home/home_no_role.html")


@staff_required
@require_GET
def attention(request):
    """Everything that needs programme staff's attention, 50 lines a page, in the dashboard's order."""
    page = Paginator(selectors.staff_attention_kept(), 50).get_page(request.GET.get("page"))
    return render(request, "home/attention.html", {"page": page, "attention": page.object_list})
