from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse

from common.forms import EMAIL_INVALID, GovukForm, GovukFormMixin, gds_helper
from common.site import absolute_url

from .mail import account_email_queue
from .models import Organisation, User

ROLE_CHOICES = [
    ("programme_staff", "Programme staff (LOTI or ONS)"),
    ("mentor", "Mentor"),
    ("officer", "Officer (bootcamp participant)"),
]


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been closed. Contact the programme team.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = gds_helper(
            Field.text("username"),
            Field.text("password"),
            submit="Sign in",
        )


class SignInEmailForm(GovukForm):
    """The first step of sign-in: the work email decides whether the organisation's own sign-in is used."""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address", "invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("username"), submit="Continue")


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = EMAIL_INVALID
        self.helper = gds_helper(Field.text("email"), submit="Send reset link")


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
        self.helper = gds_helper(Field.text("new_password1"), Field.text("new_password2"), submit="Save password")


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
        self.helper = gds_helper(
            Field.text("old_password"),
            Field.text("new_password1"),
            Field.text("new_password2"),
            submit="Change password",
        )


class PersonForm(GovukForm):
    """Staff add or edit a person and their roles."""

    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": EMAIL_INVALID,
        },
    )
    full_name = forms.CharField(label="Full name", max_length=150, error_messages={"required": "Enter a full name"})
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Choose an organisation",
        help_text="Officers and mentors must belong to an organisation.",
    )
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
    )
    is_active = forms.BooleanField(label="Account is active", required=False, initial=True)

    def __init__(self, *args, instance: User | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "email": instance.email,
                    "full_name": instance.full_name,
                    "job_title": instance.job_title,
                    "organisation": instance.organisation_id,
                    "roles": [
                        name
                        for name, held in (
                            ("programme_staff", instance.is_programme_staff),
                            ("mentor", instance.is_mentor),
                            ("officer", instance.is_officer),
                        )
                        if held
                    ],
                    "is_active": instance.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        fields = [
            Field.text("email"),
            Field.text("full_name"),
            Field.text("job_title"),
            Field.select("organisation"),
            Field.checkboxes("roles", legend_size=Size.SMALL),
        ]
        if instance is None:
            del self.fields["is_active"]
        else:
            self.fields["email"].disabled = True
            fields.append(Fieldset(Field.checkbox("is_active"), legend="Access", legend_size=Size.SMALL))
        self.helper = gds_helper(*fields, submit="Save")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if self.instance is None and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A person with this email address already exists")
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        roles = set(cleaned.get("roles") or [])
        if roles & {"mentor", "officer"} and not cleaned.get("organisation"):
            self.add_error("organisation", "Choose the organisation this person works for")
        return cleaned

    def role_flags(self) -> dict[str, bool]:
        roles = set(self.cleaned_data["roles"])
        return {
            "is_programme_staff": "programme_staff" in roles,
            "is_mentor": "mentor" in roles,
            "is_officer": "officer" in roles,
        }


def _reset_url(context: dict) -> str:
    return absolute_url(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset mail goes through the outbox like every other email."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        account_email_queue(
            user=context["user"],
            kind="password_reset",
            dedup_key=f"password_reset:{context['uid']}:{context['token']}",
            template="password_reset",
            context={"user": context["user"], "reset_url": _reset_url(context)},
        )


class SecondFactorCodeForm(GovukForm):
    """The one input of the code step: a code from the authenticator app, or a recovery code. The
    view checks the code itself (accounts.twofactor), and adds "wrong code" to this field."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )

    def __init__(self, *args, label: str = "Code", hint: str = "", submit: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label
        self.fields["code"].help_text = hint
        self.helper = gds_helper(Field.text("code", label_size=Size.SMALL, field_width=10), submit=submit)

    def wrong(self, message: str) -> None:
        self.add_error("code", message)
