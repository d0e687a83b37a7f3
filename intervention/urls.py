from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from intervention import account_views, service_pages, views
from reviews.views import progress as progress_views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", account_views.SignInView.as_view(), name="login"),
    # Single sign-on (intervention.sso): off to the provider, and back.
    path("sign-in/with/<slug:provider>/", account_views.sso_start, name="sso_start"),
    path("sign-in/with/<slug:provider>/callback/", account_views.sso_callback, name="sso_callback"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/stay/", account_views.stay_signed_in, name="stay_signed_in"),
    # Public: for a person locked out after too many wrong passwords (intervention.lockout).
    path("sign-in/unlock/", account_views.unlock_request, name="unlock_request"),
    path("sign-in/unlock/<str:token>/", account_views.unlock_account, name="unlock_account"),
    path("account/api-tokens/", account_views.api_tokens, name="api_tokens"),
    path("account/api-tokens/<int:pk>/revoke/", account_views.api_token_revoke, name="api_token_revoke"),
    # The second step of signing in (intervention.two_factor), and setting it up.
    path("sign-in/code/", account_views.second_factor, name="second_factor"),
    path("account/two-factor/set-up/", account_views.set_up_second_factor, name="set_up_second_factor"),
    path("account/two-factor/recovery-codes/", account_views.recovery_codes, name="recovery_codes"),
    path("account/", account_views.account, name="account"),
    path("account/sign-out-everywhere-else/", account_views.sign_out_everywhere_else, name="sign_out_everywhere_else"),
    path("account/password/", account_views.ChangePasswordView.as_view(), name="change_password"),
    # Public: resetting a forgotten password by email (the same answer whether or not the account exists).
    path("sign-in/forgotten-password/", account_views.password_reset, name="password_reset"),
    path(
        "sign-in/reset/<uidb64>/<token>/",
        account_views.ResetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path("sign-in/reset/done/", account_views.password_reset_complete, name="password_reset_complete"),
    # DfE invites people; the invitation's link is public (its single-use, expiring token is the key).
    path("invitations/", account_views.invitation_list, name="invitation_list"),
    path("invitations/new/", account_views.invite, name="invite"),
    path("people/<int:pk>/access/", account_views.account_access, name="account_access"),
    path("invitation/<str:token>/", account_views.accept_invitation, name="accept_invitation"),
    path("interventions/", views.intervention_list, name="intervention_list"),
    # The case page shows the case record and the work of the case, so the reviews app draws it.
    path("interventions/<int:pk>/", progress_views.case_overview, name="intervention_detail"),
    path("interventions/<int:pk>/notes/", views.case_notes, name="case_notes"),
    path("interventions/<int:pk>/notes/new/", views.case_note_new, name="case_note_new"),
    path("interventions/<int:pk>/notes/<int:note_pk>/", views.case_note_edit, name="case_note_edit"),
    path("", include("directions.urls")),
    path("", include("reviews.urls")),
    path("health/", views.health, name="health"),
    path("health/live/", views.liveness, name="liveness"),
    path("help/", service_pages.help_page, name="help"),
    path("accessibility/", service_pages.accessibility, name="accessibility"),
    path("privacy/", service_pages.privacy, name="privacy"),
    path("cookies/", service_pages.cookies, name="cookies"),
    path("admin/login/", account_views.AdminSignInView.as_view()),
    path("admin/", admin.site.urls),
]
