from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from intervention import account_views, service_pages, views
from intervention.forms import SignInForm
from reviews.views import progress as progress_views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/stay/", account_views.stay_signed_in, name="stay_signed_in"),
    # Public: for a person locked out after too many wrong passwords (intervention.lockout).
    path("sign-in/unlock/", account_views.unlock_request, name="unlock_request"),
    path("sign-in/unlock/<str:token>/", account_views.unlock_account, name="unlock_account"),
    path("interventions/", views.intervention_list, name="intervention_list"),
    # The case page shows the case record and the work of the case, so the reviews app draws it.
    path("interventions/<int:pk>/", progress_views.case_overview, name="intervention_detail"),
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
