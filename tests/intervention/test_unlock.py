"""Unlocking: a locked account by a link emailed to it, and accounts or addresses by an administrator."""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from intervention import lockout
from intervention.account_views import UNLOCKED
from tests.intervention.test_sign_in import ADDRESS_LIMIT, ELSEWHERE, OFFICE, main_content, sign_in
from tests.outbox import run_promises

pytestmark = pytest.mark.django_db

ALICE = "alice@herefordshire.example"


@pytest.fixture(autouse=True)
def no_emails_sent_recently():
    cache.clear()
    yield
    cache.clear()


def lock(client, username=ALICE, address=ELSEWHERE):
    for _ in range(5):
        sign_in(client, username, "wrong password here", address=address)
    assert sign_in(client, username, address=address).status_code == 429


def emailed_link():
    [message] = mail.outbox
    return re.search(r"http://\S+/sign-in/unlock/\S+/", message.body).group(0)


def ask_for_a_link(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("unlock_request"), {"email": email})
    assert response.status_code == 200
    assert len(callbacks) == 1  # the worker decides whether to send
    return response


def test_the_unlock_request_page_is_a_gov_uk_form(client):
    response = client.get(reverse("unlock_request"))
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Unlock your account</h1>' in response.text
    response = client.post(reverse("unlock_request"), {"email": "not an address"})
    assert "There is a problem" in response.text
    assert "Enter an email address in the correct format" in response.text


def test_asking_for_a_link_reads_the_same_whether_or_not_the_account_exists_or_is_locked(
    client, alice, bob, django_capture_on_commit_callbacks
):
    lock(client)
    answers = [
        main_content(ask_for_a_link(client, email, django_capture_on_commit_callbacks)).replace(email, "EMAIL")
        for email in [ALICE, "bob@worcestershire.example", "nobody@herefordshire.example"]
    ]
    assert answers[0] == answers[1] == answers[2]
    assert "Check your email" in answers[0]


def test_the_worker_is_promised_an_email_to_the_address_given(client, alice):
    lock(client)
    client.post(reverse("unlock_request"), {"email": " Alice@Herefordshire.example"})
    [promised] = run_promises()
    assert (promised.task_name, promised.kwargs, promised.queue) == (
        "intervention.email_unlock_link",
        {"email": ALICE},
        "emails",
    )
    assert len(mail.outbox) == 1


def test_a_link_goes_only_to_a_locked_account_that_exists(client, alice, bob):
    lock(client)
    assert not lockout.email_unlock_link(email="nobody@herefordshire.example")
    assert not lockout.email_unlock_link(email="bob@worcestershire.example")
    assert lockout.email_unlock_link(email="Alice@Herefordshire.example ")
    [message] = mail.outbox
    assert message.to == [ALICE]
    assert "unlock your account" in message.body


def test_a_closed_account_gets_no_link(client, alice):
    lock(client)
    alice.is_active = False
    alice.save()
    assert not lockout.email_unlock_link(email=ALICE)
    assert mail.outbox == []


def test_the_form_cannot_flood_an_inbox(client, alice, time_machine):
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    lock(client)
    assert lockout.email_unlock_link(email=ALICE)
    assert not lockout.email_unlock_link(email=ALICE)
    assert len(mail.outbox) == 1
    time_machine.move_to(start + datetime.timedelta(minutes=6), tick=False)
    assert lockout.email_unlock_link(email=ALICE)
    assert len(mail.outbox) == 2


def test_the_link_unlocks_the_account_after_a_click(client, alice):
    lock(client)
    lockout.email_unlock_link(email=ALICE)
    link = emailed_link()

    page = client.get(link)
    assert page.status_code == 200
    assert "Unlock my account" in page.text
    # Opening the link (as an email scanner might) unlocks nothing.
    assert sign_in(client, ALICE, address=ELSEWHERE).status_code == 429

    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert UNLOCKED in response.text
    assert sign_in(client, ALICE, address=ELSEWHERE).status_code == 302


def test_the_link_works_once(client, alice):
    lock(client)
    lockout.email_unlock_link(email=ALICE)
    link = emailed_link()
    client.post(link)
    lock(client)  # locked again: the old link does not unlock the new lock
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 200
        assert "This link does not work" in response.text
    assert sign_in(client, ALICE, address=ELSEWHERE).status_code == 429


def test_the_link_expires(client, alice, time_machine):
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    lock(client)
    lockout.email_unlock_link(email=ALICE)
    link = emailed_link()
    time_machine.move_to(start + datetime.timedelta(minutes=59), tick=False)
    assert "Unlock my account" in client.get(link).text
    time_machine.move_to(start + datetime.timedelta(minutes=61), tick=False)
    assert "This link does not work" in client.post(link).text
    assert AccessAttempt.objects.filter(username=ALICE).exists()


def test_a_forged_or_altered_link_does_nothing(client, alice):
    lock(client)
    lockout.email_unlock_link(email=ALICE)
    link = emailed_link()
    assert "This link does not work" in client.post(link[:-3] + "xx/").text
    assert "This link does not work" in client.post(reverse("unlock_account", kwargs={"token": "nonsense"})).text
    assert sign_in(client, ALICE, address=ELSEWHERE).status_code == 429


def test_the_link_unlocks_the_account_but_not_a_locked_address(client, alice):
    lock(client, address=OFFICE)
    for n in range(ADDRESS_LIMIT):
        sign_in(client, f"person{n}@herefordshire.example", "wrong password here", address=OFFICE)
    lockout.email_unlock_link(email=ALICE)
    client.post(emailed_link())
    assert sign_in(client, ALICE, address=OFFICE).status_code == 429
    assert sign_in(client, ALICE, address=ELSEWHERE).status_code == 302


# The administrator's side.


def test_only_superusers_see_the_sign_in_records(client, dora, administrator):
    lock(client)
    # Even a member of staff given every one of axes's permissions sees nothing.
    dora.user_permissions.set(Permission.objects.filter(content_type__app_label="axes"))
    client.force_login(dora)
    assert "Access attempts" not in client.get("/admin/").text
    for model in ["accessattempt", "accesslog", "accessfailurelog"]:
        assert client.get(f"/admin/axes/{model}/").status_code == 403, model

    client.force_login(administrator)
    assert "Access attempts" in client.get("/admin/").text
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert "Locked" in response.text
    assert "Unlock the accounts of the selected attempts" in response.text
    assert client.get("/admin/axes/accessfailurelog/").status_code == 200
    assert AccessFailureLog.objects.filter(username=ALICE).count() == 6


def test_an_administrator_unlocks_an_account(client, alice, administrator):
    lock(client)
    client.force_login(administrator)
    attempt = AccessAttempt.objects.get(username=ALICE)
    response = client.post(
        "/admin/axes/accessattempt/", {"action": "unlock_accounts", "_selected_action": [attempt.pk]}, follow=True
    )
    assert "Unlocked 1 account" in response.text
    client.logout()
    assert sign_in(client, ALICE, address=ELSEWHERE).status_code == 302


def test_an_administrator_unlocks_an_address(client, alice, administrator):
    for n in range(ADDRESS_LIMIT):
        sign_in(client, f"person{n}@herefordshire.example", "wrong password here", address=OFFICE)
    assert sign_in(client, ALICE, address=OFFICE).status_code == 429
    client.force_login(administrator)
    attempt = AccessAttempt.objects.filter(ip_address=OFFICE).first()
    response = client.post(
        "/admin/axes/accessattempt/", {"action": "unlock_addresses", "_selected_action": [attempt.pk]}, follow=True
    )
    assert "Unlocked 1 network address" in response.text
    assert not AccessAttempt.objects.filter(ip_address=OFFICE).exists()
    client.logout()
    assert sign_in(client, ALICE, address=OFFICE).status_code == 302


def test_sign_in_records_cannot_be_changed_or_deleted_in_the_admin(client, alice, administrator):
    lock(client)
    sign_in(client, "bob@worcestershire.example", address=ELSEWHERE)
    client.force_login(administrator)
    attempt = AccessAttempt.objects.get(username=ALICE)
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    log = AccessLog.objects.first()
    assert client.post(f"/admin/axes/accesslog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists() and AccessLog.objects.filter(pk=log.pk).exists()


def test_a_failed_send_can_be_tried_again_at_once(client, alice, settings):
    lock(client)
    settings.EMAIL_BACKEND = "tests.reviews.failing_backend.FailingBackend"
    with pytest.raises(ConnectionError):
        lockout.email_unlock_link(email=ALICE)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert lockout.email_unlock_link(email=ALICE)
    assert len(mail.outbox) == 1
