"""Information-governance pages: the officer's evidence, staff confirmation and queue, the approver's link."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Role, public, role_required, staff_required
from audit.access import private_record_viewed

from . import forms, presenters, selectors, services
from .models import IGCheck
from .views import _apply, _form_page, _officer_ids, _project


@role_required(Role.OFFICER, Role.STAFF)
@require_http_methods(["GET", "POST"])
def ig_check_edit(request, pk: int, kind: str):
    data = request.POST if request.method == "POST" else None
    project = _project(request, pk)
    check = get_object_or_404(IGCheck, project=project, kind=kind)
    if data is None:
        private_record_viewed(request, check, owner_ids=_officer_ids(project), what="IG check")
    form = forms.IGCheckForm(data, initial=forms.IGCheckForm.initial_for(check))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.ig_check_update(check=check, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            text = f"{check.get_kind_display()} has been saved."
            if saved.is_waiting and saved.approver_email:
                text += f" We have emailed {saved.approver_email} to confirm it."
            elif saved.is_waiting:
                text += " Programme staff will confirm it."
            messages.success(request, text)
            return redirect("projects:project_detail", pk=project.pk)
    intro = (
        "“Approved” and “not needed” count only once someone other than the project’s officers confirms them: "
        "the approver you name, by a link we email them, or programme staff."
    )
    return _form_page(request, form, title=check.get_kind_display(), project=project, intro=intro)


@staff_required
@require_http_methods(["GET", "POST"])
def ig_check_review(request, pk: int, kind: str):
    """Staff confirm or reject a waiting claim, or reopen a decided one."""
    data = request.POST if request.method == "POST" else None
    project = _project(request, pk)
    check = get_object_or_404(IGCheck.objects.select_related("recorded_by", "reviewed_by"), project=project, kind=kind)
    if data is None:
        private_record_viewed(request, check, owner_ids=_officer_ids(project), what="IG check")
    if check.is_waiting:
        if not services.can_confirm(request.user, check):
            raise PermissionDenied
        form = forms.IGDecisionForm(data)
    elif check.confirmation in (IGCheck.Confirmation.CONFIRMED, IGCheck.Confirmation.REJECTED):
        form = forms.IGReopenForm(data)
    else:
        return redirect("projects:project_detail", pk=project.pk)
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, forms.IGDecisionForm):
                confirm = form.cleaned_data["decision"] == "confirm"
                services.ig_check_confirm(
                    check=check, actor=request.user, confirm=confirm, note=form.cleaned_data["review_note"]
                )
                done = "confirmed" if confirm else "rejected"
            else:
                services.ig_check_reopen(check=check, actor=request.user, reason=form.cleaned_data["reason"])
                done = "reopened"
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"{check.get_kind_display()} for “{project.title}” has been {done}.")
            if request.GET.get("from") == "queue":
                return redirect("projects:ig_queue")
            return redirect("projects:project_detail", pk=project.pk)
    check.tag = presenters.ig_tag(check)
    context = {"project": project, "check": check, "form": form, "from_queue": request.GET.get("from") == "queue"}
    return render(request, "projects/ig_review.html", context)


@staff_required
@require_GET
def ig_queue(request):
    checks = list(selectors.ig_checks_waiting(request.user))
    for check in checks:
        check.tag = presenters.ig_tag(check)
    return render(request, "projects/ig_queue.html", {"checks": checks})


@public
@require_http_methods(["GET", "POST"])
def ig_approver_decision(request, token: str):
    """The named approver's page, reached from the emailed link: no account needed, one decision."""
    try:
        check = services.ig_link_check(token)
    except services.IGLinkInvalid as exc:
        context = {"reason": str(exc), "days": services.IG_LINK_MAX_AGE.days}
        return render(request, "projects/ig_link_invalid.html", context, status=400)
    form = forms.IGDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            check = services.ig_check_approver_decide(
                token=token, confirm=confirm, note=form.cleaned_data["review_note"]
            )
        except ValidationError as error:
            _apply(form, error)
        except services.IGLinkInvalid as exc:
            context = {"reason": str(exc), "days": services.IG_LINK_MAX_AGE.days}
            return render(request, "projects/ig_link_invalid.html", context, status=400)
        else:
            return render(request, "projects/ig_approver_done.html", {"check": check, "project": check.project})
    context = {"check": check, "project": check.project, "form": form}
    return render(request, "projects/ig_approver_decision.html", context)
