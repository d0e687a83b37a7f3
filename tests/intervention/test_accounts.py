"""Local accounts: resetting and changing a password, invitations, deactivation, the account page and
its list of sessions. Emails go through the worker by task name: `run_enqueued` runs the enqueued task
in this process, as the worker would."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intervention import accounts
from intervention.celery import app
from intervention.enums import Organisation, Role
from intervention.models import AccountSession, Appointment, Invitation, Person
from tests.factories import authenticator_for, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"
NEW_PASSWORD = "correct horse battery staple"


@pytest.fixture
def run_enqueued(monkeypatch, django_capture_on_commit_callbacks):
    """Run what a request enqueued after commit, here and now, by task name (the real task)."""

    app.loader.import_default_modules()  # every app's tasks, as a worker has them, when run alone

    def send_task(name, kwargs=None, **options):
        return app.tasks[name].apply(kwargs=kwargs or {})

    monkeypatch.setattr(app, "send_task", send_task)
    return lambda: django_capture_on_commit_callbacks(execute=True)


def emailed_link(pattern):
    [message] = mail.outbox
    return re.search(pattern, message.body).group(0)


# Password reset ------------------------------------------------------------------------------------


def test_the_reset_page_answers_the_same_whether_or_not_the_account_exists(client, alice, run_enqueued):
    with run_enqueued():
        known = client.post(reverse("password_reset"), {"email": "Alice@Herefordshire.example"})
    with run_enqueued():
        unknown = client.post(reverse("password_reset"), {"email": "nobody@herefordshire.example"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("alice@herefordshire.example", "X") == unknown.text.replace(
        "nobody@herefordshire.example", "X"
    )
    assert [m.to for m in mail.outbox] == [["alice@herefordshire.example"]]


def test_a_reset_link_sets_a_new_password_once(client, alice, run_enqueued):
    with run_enqueued():
        client.post(reverse("password_reset"), {"email": "alice@herefordshire.example"})
    link = emailed_link(r"http://\S+/sign-in/reset/\S+/")
    path = link.split("127.0.0.1:8000", 1)[1]
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.text
    set_password_url = form.request["PATH_INFO"]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    # Used once: the same link no longer works.
    assert "This link does not work" in client.get(path, follow=True).text


def test_an_expired_reset_link_does_not_work(client, alice, run_enqueued, time_machine):
    with run_enqueued():
        client.post(reverse("password_reset"), {"email": "alice@herefordshire.example"})
    path = emailed_link(r"http://\S+/sign-in/reset/\S+/").split("127.0.0.1:8000", 1)[1]
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=61))
    assert "This link does not work" in client.get(path, follow=True).text


def test_changing_ones_password_signs_out_everywhere_else(client, alice):
    elsewhere = client.__class__()
    elsewhere.force_login(alice)
    client.force_login(alice)
    response = client.post(
        reverse("change_password"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("account")
    assert client.get(reverse("account")).status_code == 200
    assert elsewhere.get(reverse("account")).status_code == 302


def test_a_wrong_current_password_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("change_password"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Your current password is not right" in response.text
    assert 'href="#id_old_password"' in response.text


# Invitations ---------------------------------------------------------------------------------------


def invite_a_commissioner(client, case, run_enqueued):
    with run_enqueued():
        response = client.post(
            reverse("invite"),
            {
                "name": "Erin Okafor",
                "email": "Erin@Commissioner.example",
                "organisation": Organisation.INDEPENDENT,
                "intervention": case.pk,
                "role": Role.COMMISSIONER,
            },
        )
    assert response.status_code == 302, response.text
    return emailed_link(r"http://\S+/invitation/\S+/").split("127.0.0.1:8000", 1)[1]


def test_dfe_invite_a_commissioner_who_sets_their_password_and_their_app(client, dora, hereford_case, run_enqueued):
    client.force_login(dora)
    path = invite_a_commissioner(client, hereford_case, run_enqueued)
    invitation = Invitation.objects.get()
    assert invitation.history.get().history_user == dora

    invitee = client.__class__()
    page = invitee.get(path)
    assert "Create your account" in page.text and "Erin Okafor" in page.text
    response = invitee.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    # A commissioner must use an authenticator app: set it up before anything else.
    assert response.request["PATH_INFO"] == reverse("set_up_second_factor")
    person = Person.objects.get(email="erin@commissioner.example")
    assert person.user.check_password(NEW_PASSWORD)
    assert Appointment.objects.get(person=person).role == Role.COMMISSIONER
    # The link works once.
    assert "This invitation does not work" in client.__class__().get(path).text
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.person == person


def test_an_expired_invitation_does_not_work(client, dora, hereford_case, run_enqueued, time_machine):
    client.force_login(dora)
    path = invite_a_commissioner(client, hereford_case, run_enqueued)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8))
    assert "This invitation does not work" in client.__class__().get(path).text


def test_a_council_officer_is_invited_to_their_council(client, dora, herefordshire, run_enqueued):
    client.force_login(dora)
    with run_enqueued():
        client.post(reverse("invite"), {"name": "Fay", "email": "fay@herefordshire.example", "organisation": "council"})
    assert mail.outbox == []  # refused: no council chosen
    with run_enqueued():
        response = client.post(
            reverse("invite"),
            {
                "name": "Fay",
                "email": "fay@herefordshire.example",
                "organisation": "council",
                "local_authority": herefordshire.pk,
            },
        )
    assert response.status_code == 302
    assert Invitation.objects.get().local_authority == herefordshire


def test_only_dfe_staff_invite(client, alice, charlie):
    for user in (alice, charlie):
        client.force_login(user)
        assert client.get(reverse("invite")).status_code == 403
        assert client.post(reverse("invite"), {"name": "X", "email": "x@example.com"}).status_code == 403
    assert not Invitation.objects.exists()


def test_nobody_is_invited_twice(client, dora, alice):
    client.force_login(dora)
    response = client.post(reverse("invite"), {"name": "A", "email": alice.username, "organisation": "independent"})
    assert accounts.ALREADY_HAS_AN_ACCOUNT in response.text


# Deactivation, sessions and the account page ------------------------------------------------------


def test_deactivating_a_person_ends_their_open_sessions_at_once(client, administrator, alice):
    alices = client.__class__()
    alices.force_login(alice)
    assert alices.get(reverse("account")).status_code == 200
    key = alices.session.session_key
    client.force_login(administrator)
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate_accounts", "_selected_action": [alice.pk]},
    )
    alice.refresh_from_db()
    assert not alice.is_active
    assert not AccountSession.objects.filter(session_key=key).exists()
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert alices.get(reverse("account"))["Location"].startswith("/sign-in/")
    assert Person.history.filter(user=alice).latest("history_date").history_user == administrator


def test_no_administrator_sets_someone_elses_password(client, administrator, alice):
    client.force_login(administrator)
    page = client.get(reverse("admin:auth_user_change", args=[alice.pk]))
    assert page.status_code == 200
    assert "password" not in re.findall(r'name="([^"]+)"', page.text)
    assert client.get(reverse("admin:auth_user_password_change", args=[alice.pk])).status_code == 403
    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_the_account_page_shows_who_one_is_and_where_one_is_signed_in(client, charlie, hereford_case):
    elsewhere = client.__class__()
    elsewhere.force_login(charlie)
    client.force_login(charlie)
    page = client.get(reverse("account"))
    assert "Charlie Brazil" in page.text and "charlie@commissioner.example" in page.text
    assert "Commissioner" in page.text and "Herefordshire" in page.text
    assert reverse("calendar_settings") in page.text and "/account/api-tokens/" in page.text
    assert page.text.count('<tr class="govuk-table__row"><td class="govuk-table__cell">') >= 3
    client.post(reverse("sign_out_everywhere_else"))
    assert client.get(reverse("account")).status_code == 200
    assert elsewhere.get(reverse("account")).status_code == 302


def test_the_account_page_costs_a_fixed_number_of_queries(client, charlie, django_assert_max_num_queries):
    client.force_login(charlie)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("account")).status_code == 200


def test_signing_in_through_both_steps_lists_the_session(client, charlie):
    device = authenticator_for(charlie)
    client.post("/sign-in/", {"username": charlie.username, "password": PASSWORD}, HTTP_USER_AGENT="Firefox test")
    client.post(reverse("second_factor"), {"code": totp_code(device)})
    assert "Firefox test" in client.get(reverse("account")).text
    client.post(reverse("logout"))
    assert not AccountSession.objects.filter(user=charlie).exists()
