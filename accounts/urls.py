from django.urls import path

from . import sso_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/code/", views.sign_in_code, name="sign_in_code"),
    path("logout/", views.sign_out, name="logout"),
    path("account/", views.account, name="account"),
    path("account/two-factor/set-up/", views.two_factor_set_up, name="two_factor_set_up"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/sign-out-everywhere/", views.account_sign_out_everywhere, name="sign_out_everywhere"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password-change/", views.password_change, name="password_change"),
    path("password-change/done/", views.password_change_done, name="password_change_done"),
    path("people/", views.people_list, name="people_list"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/sign-on/<int:identity_pk>/unlink/", sso_views.unlink, name="sso_unlink"),
    path("sign-on/<slug:slug>/start/", sso_views.start, name="sso_start"),
    path("sign-on/<slug:slug>/callback/", sso_views.callback, name="sso_callback"),
    path("people/<int:pk>/second-factor/reset/", views.person_second_factor_reset, name="person_second_factor_reset"),
    path("people/<int:pk>/sign-out-everywhere/", views.person_sign_out_everywhere, name="person_sign_out_everywhere"),
]
