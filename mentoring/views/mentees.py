from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import Role, role_required

from .. import selectors


@role_required(Role.MENTOR)
@require_GET
def mentee_list(request):
    """Every officer the mentor leads, by name, with their last session: 50 a page (the home page shows 10)."""
    page = Paginator(selectors.mentees_of(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "mentoring/mentee_list.html", {"page": page, "mentees": page.object_list})
