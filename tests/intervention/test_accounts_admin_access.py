"""The accounts admin answers to the permission module, as every other admin does: administrators
alone reach accounts, whatever Django model permissions someone was once given, and the account form
offers no model permissions or groups, which grant nothing in this service."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_member_of_staff_given_every_account_permission_still_cannot_reach_accounts(client, dora):
    dora.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    client.force_login(dora)

    index = client.get("/admin/")

    assert index.status_code == 200
    assert "/admin/auth/user/" not in index.text
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get(f"/admin/auth/user/{dora.pk}/change/").status_code == 403


def test_drawing_the_admin_menu_reads_nobodys_model_permissions(client, dora):
    client.force_login(dora)
    client.get("/admin/")  # the session and the access, once

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/admin/").status_code == 200

    assert not [q["sql"] for q in captured.captured_queries if "auth_permission" in q["sql"]]


def test_an_administrator_manages_accounts_without_permission_or_group_boxes(client, administrator, dora):
    client.force_login(administrator)

    index = client.get("/admin/")
    form = client.get(f"/admin/auth/user/{dora.pk}/change/")

    assert "/admin/auth/user/" in index.text
    assert "/admin/auth/group/" not in index.text
    assert form.status_code == 200
    assert 'name="is_active"' in form.text
    assert 'name="user_permissions"' not in form.text
    assert 'name="groups"' not in form.text
    assert client.get("/admin/auth/group/").status_code == 404
