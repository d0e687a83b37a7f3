from django.urls import path

from reviews.views import search as views

urlpatterns = [
    path("search/", views.search, name="search"),
]
