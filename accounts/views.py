from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from audit.actions import Action
from audit.log import record
from common.listing import listing

from . import forms, selectors, services, sessions, signin, sso, twofactor
from .filters import PEOPLE_COLUMNS, PeopleFilter
from .models import User
from .permissions import public, staff_required


class SignInView(auth_views.LoginView):
    """Sign-in asks for the work email first. An email whose domain has an organisation's own provider
    is sent there; any other goes on to the password step. A POST with a password is the password step
    (so a form that sends both at once still works)."""

    template_name = "accounts/login.html"
    authentication_form = forms.SignInForm
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        if self.request.method == "GET":
            return forms.SignInEmailForm()
        return super().get_form(form_class)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["step"] = "password" if isinstance(context.get("form"), forms.SignInForm) else "email"
        return context

    def post(self, request, *args, **kwargs):
        if "password" in request.POST:
            return super().post(request, *args, **kwargs)
        form = forms.SignInEmailForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        email = form.cleaned_data["username"]
        provider = sso.provider_for_email(email)
        if provider is not None:
            response = render(
                request,
                "accounts/sso_continue.html",
                {"provider": provider, "email": email, "next": self.get_redirect_url()},
            )
            # The button's form is answered with a redirect to the provider: CSP form-action must allow it.
            response._csp_update = {"form-action": [sso.origin(provider.issuer)]}
            return response
        return self.password_step(email)

    def password_step(self, email: str):
        form = forms.SignInForm(self.request, initial={"username": email})
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        return signin.first_factor_passed(self.request, form.get_user(), redirect_to=self.get_success_url())


sign_in = public(SignInView.as_view())


class SignOutView(auth_views.LogoutView):  # POST only in Django 5
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            reason = "idle_timeout" if request.POST.get("reason") == "idle" else ""
            record(Action.SIGN_OUT, request=request, obj=request.user, **({"reason": reason} if reason else {}))
            if reason:
                response = super().post(request, *args, **kwargs)
                messages.info(request, sessions.lapsed_message("idle"))
                return response
        return super().post(request, *args, **kwargs)


sign_out = SignOutView.as_view()

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


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        ended = sessions.sessions_end(user=form.user)  # whoever knew the old password is signed out
        record(Action.PASSWORD_RESET, request=self.request, actor=form.user, obj=form.user, sessions_ended=ended)
        return response


password_reset_confirm = public(PasswordResetConfirmView.as_view())
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        # Every other session of this person ends; this one continues under a new key
        # (update_session_auth_hash in super() cycles it) and is tracked again under that key.
        ended = sessions.sessions_end(user=form.user, keep_session_key=self.request.session.session_key)
        response = super().form_valid(form)
        sessions.session_track(self.request, form.user)
        record(Action.PASSWORD_CHANGED, request=self.request, obj=form.user, other_sessions_ended=ended)
        return response


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")


@staff_required
def people_list(request):
    people = listing(
        request, selectors.people_list(), filterset_class=PeopleFilter, columns=PEOPLE_COLUMNS, default_sort="name"
    )
    return render(request, "accounts/people_list.html", {"listing": people, "page": people.page})


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
    return render(
        request,
        "accounts/person_form.html",
        {
            "form": form,
            "title": f"Edit {person.full_name}",
            "person": person,
            "has_second_factor": twofactor.has_two_factor(person),
            "session_count": selectors.sessions_of(person).count(),
            "identities": person.linked_identities.select_related("provider"),
        },
    )


# --- Second factor, sessions and the account page ---------------------------------------------------

SET_UP_SECRET_KEY = "accounts_set_up_secret"  # noqa: S105 (a session key name)
NEW_RECOVERY_CODES_KEY = "accounts_new_recovery_codes"
WRONG_CODE = "The code is not correct. Enter the code your authenticator app shows now, or a recovery code"


def _locked(request):
    return render(request, "accounts/second_factor_locked.html", status=429)


@public
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """The code step: a code from the authenticator app or a recovery code, for a pending sign-in."""
    data = signin.pending(request)
    if data is None:
        return redirect("accounts:login")
    user = data["user"]
    if twofactor.is_locked(user):
        return _locked(request)
    form = forms.SecondFactorCodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        hint="For example, 123456. If you cannot use your app, enter one of your recovery codes.",
    )
    if request.method == "POST" and form.is_valid():
        result = twofactor.second_factor_verify(user=user, code=form.cleaned_data["code"], request=request)
        if result.outcome is twofactor.Outcome.LOCKED:
            return _locked(request)
        if result.outcome is twofactor.Outcome.ACCEPTED:
            return signin.pending_complete(request, data, device=result.device, second_factor=result.method)
        form.wrong(WRONG_CODE)
    return render(request, "accounts/sign_in_code.html", {"form": form})


@public
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request):
    """Set up an authenticator app: during a pending sign-in (staff and mentors without one), or from
    the account page (anyone, to add or replace one). The secret stays in the session until the
    person proves their app has it by entering a code."""
    data = None if request.user.is_authenticated else signin.pending(request)
    if not request.user.is_authenticated and data is None:
        return redirect("accounts:login")
    user = request.user if request.user.is_authenticated else data["user"]
    hex_key = request.session.get(SET_UP_SECRET_KEY)
    if not hex_key:
        hex_key = request.session[SET_UP_SECRET_KEY] = twofactor.new_secret()
    form = forms.SecondFactorCodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        hint="For example, 123456",
        submit="Set up and continue" if data else "Set up",
    )
    if request.method == "POST" and form.is_valid():
        confirmed = twofactor.authenticator_app_confirm(
            user=user, hex_key=hex_key, code=form.cleaned_data["code"], request=request
        )
        if confirmed is None:
            form.wrong(
                "The code is not correct. Check your app shows the bootcamp account and enter the code it shows now"
            )
        else:
            device, codes = confirmed
            del request.session[SET_UP_SECRET_KEY]
            if data is not None:
                response = signin.pending_complete(
                    request,
                    data,
                    device=device,
                    second_factor="authenticator_app",
                    redirect_to=reverse("accounts:recovery_codes"),
                )
                request.session["accounts_after_recovery_codes"] = data["redirect_to"]
            else:
                otp_login(request, device)  # the session stays verified with the new app
                response = redirect("accounts:recovery_codes")
            request.session[NEW_RECOVERY_CODES_KEY] = codes
            return response
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {
            "form": form,
            "pending": data is not None,
            "qr_code": twofactor.qr_code_data_uri(user=user, hex_key=hex_key),
            "secret": twofactor.secret_for_display(hex_key),
            "replacing": request.user.is_authenticated and twofactor.has_authenticator_app(user),
        },
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Shows a new set of recovery codes once (GET), or makes a new set (POST, from the account page)."""
    if request.method == "POST":
        request.session[NEW_RECOVERY_CODES_KEY] = twofactor.recovery_codes_make(user=request.user)
        record(Action.SECOND_FACTOR_SET_UP, request=request, obj=request.user, recovery_codes="renewed")
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(NEW_RECOVERY_CODES_KEY, None)
    if not codes:
        return redirect("accounts:account")
    next_url = request.session.pop("accounts_after_recovery_codes", "") or reverse("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})


def account(request):
    """Every person's own page: their second factor, their sessions, their password."""
    user = request.user
    context = {
        "has_app": twofactor.has_authenticator_app(user),
        "codes_left": twofactor.recovery_codes_left(user),
        "required": twofactor.requires_two_factor(user),
        "user_sessions": selectors.sessions_of(user),
        "current_session_key": request.session.session_key,
    }
    return render(request, "accounts/account.html", context)


@require_http_methods(["POST"])
def account_sign_out_everywhere(request):
    ended = sessions.sign_out_everywhere(request, user=request.user)
    messages.success(request, f"You have been signed out everywhere ({ended} session{'s' if ended != 1 else ''}).")
    return redirect("accounts:login")


@require_http_methods(["POST"])
def keep_alive(request):
    """The timeout warning's "Stay signed in": the session counts as used now."""
    sessions.session_touch(request)
    return JsonResponse({"signed_in": True, "remaining": sessions.idle_seconds()})


@staff_required
@require_http_methods(["GET", "POST"])
def person_second_factor_reset(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        twofactor.second_factor_reset(user=person, actor=request.user, request=request)
        messages.success(request, f"{person.full_name}’s second factor has been reset and they have been signed out.")
        if person.pk == request.user.pk:
            return redirect("accounts:login")
        return redirect("accounts:person_edit", pk=person.pk)
    return render(
        request,
        "accounts/person_confirm.html",
        {
            "person": person,
            "title": f"Reset {person.full_name}’s second factor",
            "explanation": "Their authenticator app and recovery codes will stop working and they will be signed out. "
            + (
                "They will be asked to set up a new authenticator app when they next sign in."
                if twofactor.requires_two_factor(person)
                else "They can set up a new one from their account page."
            ),
            "button": "Reset second factor",
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def person_sign_out_everywhere(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        ended = sessions.sign_out_everywhere(request, user=person)
        messages.success(
            request, f"{person.full_name} has been signed out everywhere ({ended} session{'s' if ended != 1 else ''})."
        )
        if person.pk == request.user.pk:
            return redirect("accounts:login")
        return redirect("accounts:person_edit", pk=person.pk)
    return render(
        request,
        "accounts/person_confirm.html",
        {
            "person": person,
            "title": f"Sign {person.full_name} out everywhere",
            "explanation": "Every session they have open, on any device, will end. They can sign in again.",
            "button": "Sign out everywhere",
        },
    )
