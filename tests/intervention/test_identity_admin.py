"""The admin of single sign-on identities (issue 17): DfE and administrators see which identities a
person has and unlink one made in error; unlinking ends the link, with history, and deletes nothing."""

import pytest
from django.urls import reverse

from intervention.models import ExternalIdentity

pytestmark = pytest.mark.django_db

ISSUER = "https://sign-in.education.example"


@pytest.fixture
def alices_identity(alice):
    return ExternalIdentity.objects.create(user=alice, issuer=ISSUER, subject="alice-1", provider="dfe")


def test_dfe_see_a_persons_identities_and_an_administrator_sees_them_on_the_account(
    client, dora, administrator, alice, alices_identity
):
    client.force_login(dora)
    listing = client.get(reverse("admin:intervention_externalidentity_changelist"))
    client.force_login(administrator)
    account = client.get(reverse("admin:auth_user_change", args=[alice.pk]))

    assert listing.status_code == 200
    assert "alice-1" in listing.text
    assert "alice-1" in account.text


def test_dfe_unlink_an_identity_which_is_ended_with_history_not_deleted(client, dora, alices_identity):
    client.force_login(dora)

    response = client.post(
        reverse("admin:intervention_externalidentity_changelist"),
        {"action": "unlink", "_selected_action": [alices_identity.pk]},
    )

    assert response.status_code == 302
    alices_identity.refresh_from_db()
    assert alices_identity.ended_at is not None
    latest = alices_identity.history.latest()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == ("~", dora, "Unlinked")


def test_after_unlinking_the_same_identity_can_be_linked_again(alice, dora, alices_identity):
    from intervention import sso

    sso.unlink_identity(identity=alices_identity, by=dora)
    again = ExternalIdentity.objects.create(user=alice, issuer=ISSUER, subject="alice-1", provider="dfe")

    assert ExternalIdentity.objects.filter(user=alice).count() == 2
    assert again.is_linked


@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_nobody_else_sees_or_unlinks_identities(client, request, who, alices_identity):
    client.force_login(request.getfixturevalue(who))

    listing = client.get(reverse("admin:intervention_externalidentity_changelist"))
    client.post(
        reverse("admin:intervention_externalidentity_changelist"),
        {"action": "unlink", "_selected_action": [alices_identity.pk]},
    )

    assert listing.status_code in (302, 403)
    alices_identity.refresh_from_db()
    assert alices_identity.ended_at is None


def test_the_list_reads_a_fixed_number_of_queries(client, dora, alice, django_assert_max_num_queries):
    for n in range(3):
        ExternalIdentity.objects.create(user=alice, issuer=f"{ISSUER}/{n}", subject=f"s{n}", provider=f"p{n}")
    client.force_login(dora)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:intervention_externalidentity_changelist"))

    assert response.status_code == 200
