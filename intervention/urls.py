from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from intervention import views
from intervention.forms import SignInForm
from reviews import progress_views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("interventions/", views.intervention_list, name="intervention_list"),
    # The case page shows the case record and the work of the case, so the reviews app draws it.
    path("interventions/<int:pk>/", progress_views.case_overview, name="intervention_detail"),
    path("", include("directions.urls")),
    path("", include("reviews.urls")),
    path("", include("reviews.report_urls")),
    path("health/", views.health, name="health"),
    path("admin/login/", auth_views.LoginView.as_view(authentication_form=SignInForm)),
    path("admin/", admin.site.urls),
]
