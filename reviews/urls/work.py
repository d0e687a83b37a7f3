"""Each person's work: what is waiting for them, and their notices."""

from django.urls import path

from reviews.views import work as views

urlpatterns = [
    path("your-work/", views.your_work, name="your_work"),
    path("your-work/notices/<int:pk>/read/", views.notice_read, name="notice_read"),
]
