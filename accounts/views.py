from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from . import forms, selectors, services, signin
from .models import User
from .permissions import public, staff_required


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        return signin.first_factor_passed(self.request, form.get_user(), redirect_to=self.get_success_url())


sign_in = public(SignInView.as_view())
sign_out = auth_views.LogoutView.as_view()  # POST only in Django 5

password_reset = public(
    auth_views.PasswordResetView.as_view(
        form_class=forms.OutboxPasswordResetForm,
        template_name="accounts/password_reset.html",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        form_class=forms.SetPasswordForm,
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)
password_change = auth_views.PasswordChangeView.as_view(
    form_class=forms.PasswordChangeForm,
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")


@staff_required
def people_list(request):
    role = request.GET.get("role", "")
    people = selectors.people_list(role=role)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/people_list.html", {"page": page, "role": role})


@staff_required
@require_http_methods(["GET", "POST"])
def person_add(request):
    form = forms.PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.user_create(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            job_title=form.cleaned_data["job_title"],
            organisation=form.cleaned_data["organisation"],
            created_by=request.user,
            **form.role_flags(),
        )
        messages.success(request, f"{person.full_name} has been added and sent a welcome email.")
        return redirect("accounts:people_list")
    return render(request, "accounts/person_form.html", {"form": form, "title": "Add a person"})


@staff_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    form = forms.PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.user_update(
            user=person,
            full_name=form.cleaned_data["full_name"],
            job_title=form.cleaned_data["job_title"],
            organisation=form.cleaned_data["organisation"],
            is_active=form.cleaned_data["is_active"],
            actor=request.user,
            **form.role_flags(),
        )
        messages.success(request, f"{person.full_name}’s details have been saved.")
        return redirect("accounts:people_list")
    return render(request, "accounts/person_form.html", {"form": form, "title": f"Edit {person.full_name}"})
