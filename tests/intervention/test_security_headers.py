"""The Content-Security-Policy and Permissions-Policy on every response, and no-store for signed-in people
only; the admin has nothing inline for the policy to block. (The headers on case pages and downloads
under production settings: tests/reviews/test_security_headers.py.)"""

import re
from pathlib import Path

import pytest
import simple_history
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from tests.reviews.test_security_headers import INLINE, SITE_POLICY, cache_directives, policy

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_has_the_policies(client):
    response = client.get("/sign-in/")
    assert policy(response) == SITE_POLICY
    assert "camera=()" in response["Permissions-Policy"]
    assert not INLINE.findall(response.text)


def test_no_policy_allows_anything_inline_or_from_elsewhere():
    for sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].values():
        assert set(sources) <= {"'self'", "'none'"}


def test_a_static_file_is_cached_even_for_a_signed_in_person(client, dora):
    client.force_login(dora)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)
    assert "Content-Security-Policy" in response
    response.close()


def test_a_signed_in_persons_pages_are_never_stored(client, dora):
    client.force_login(dora)
    assert "no-store" in cache_directives(client.get("/interventions/"))
    assert "no-store" in cache_directives(client.get("/admin/"))


def admin_pages(case) -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    pages += [
        reverse("admin:intervention_intervention_change", args=[case.pk]),
        reverse("admin:intervention_intervention_history", args=[case.pk]),
    ]
    return pages


def test_the_admin_has_nothing_inline(client, dora, hereford_case):
    client.force_login(dora)
    checked = 0
    for url in admin_pages(hereford_case):
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (302, 403), url  # an admin DfE staff may not use
            continue
        checked += 1
        assert policy(response) == SITE_POLICY, url
        assert not INLINE.findall(response.text), (url, INLINE.findall(response.text))
    assert checked >= 20


def test_the_admin_history_list_is_the_packages_without_its_inline_style():
    """templates/simple_history/object_history_list.html is a copy: when the package changes its own,
    copy it again, keeping the one change."""
    package = Path(simple_history.__file__).parent / "templates" / "simple_history" / "object_history_list.html"
    ours = Path(settings.BASE_DIR) / "templates" / "simple_history" / "object_history_list.html"
    ours_without_note = re.sub(r"\A\{% comment %\}.*?\{% endcomment %\}\n", "", ours.read_text(), flags=re.DOTALL)
    expected = package.read_text().replace('<p class="paginator" style="border-top: 0">', '<p class="paginator">')
    assert ours_without_note == expected
