"""Each role's home page, assembled from panels the apps lend (template tags such as
`officer_cohort_panel` in cohorts, `graduate_panel` in trainers): this app sits at the top of the
dependency order so that no other app needs to know about the others."""

from django.shortcuts import redirect, render

from accounts.permissions import Role, has_role, public

from . import selectors


@public
def home(request):
    """Each role lands on its own home page; anonymous visitors go to sign-in."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if has_role(user, Role.STAFF):
        return render(request, "home/home_staff.html", {"attention": selectors.staff_attention()})
    if has_role(user, Role.MENTOR):
        return render(request, "home/home_mentor.html")
    if has_role(user, Role.OFFICER):
        return render(request, "home/home_officer.html")
    return render(request, "home/home_no_role.html")
