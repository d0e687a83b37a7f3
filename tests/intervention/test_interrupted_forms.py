"""A form sent after the idle timeout is kept for the person who typed it, on the page it came from,
once; and "Stay signed in" restarts the idle clock."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils.http import urlencode

pytestmark = pytest.mark.django_db
NINE = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
PASSWORD = "a long enough password"


def sign_in(client, user):
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def kept_fields(response) -> list[list[str]] | None:
    found = re.search(r'id="app-restored-form" data-fields="([^"]*)"', response.text)
    if not found:
        return None
    return json.loads(found.group(1).replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&"))


@pytest.fixture
def timed_out_form(client, alice, hereford_case, time_machine):
    """Alice opened the progress form at nine and sent it at ten, long after the idle timeout."""
    time_machine.move_to(NINE, tick=False)
    sign_in(client, alice)
    form_page = f"/interventions/{hereford_case.pk}/progress/new/"
    client.get(form_page)
    time_machine.move_to(NINE + datetime.timedelta(hours=1), tick=False)
    response = client.post(
        form_page,
        {"csrfmiddlewaretoken": "token", "narrative": "Agency use fell to 44%", "rag": "amber", "version": "3"},
        HTTP_REFERER=f"http://testserver{form_page}",
    )
    return form_page, response


def test_the_form_is_not_saved_and_the_person_is_told_it_will_be_put_back(client, timed_out_form):
    form_page, response = timed_out_form
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?" + urlencode({"next": form_page})
    text = client.get(response["Location"]).text
    assert "What you typed has not been saved: it will be put back in the form for you to check." in text


def test_signing_in_again_puts_back_what_was_typed_once_without_the_csrf_token(client, alice, timed_out_form):
    form_page, _ = timed_out_form
    sign_in(client, alice)
    response = client.get(form_page)
    assert "Your changes were not saved because you were signed out." in response.text
    # The version the person was editing comes back too, so a change made meanwhile is still refused as stale.
    assert kept_fields(response) == [["narrative", "Agency use fell to 44%"], ["rag", "amber"], ["version", "3"]]
    assert kept_fields(client.get(form_page)) is None


def test_another_page_does_not_get_it(client, alice, hereford_case, timed_out_form):
    form_page, _ = timed_out_form
    sign_in(client, alice)
    assert kept_fields(client.get(f"/interventions/{hereford_case.pk}/instructions/")) is None
    assert kept_fields(client.get(form_page)) is not None


def test_someone_else_signing_in_on_the_same_browser_gets_nothing(client, dora, timed_out_form):
    form_page, _ = timed_out_form
    sign_in(client, dora)
    response = client.get(form_page)
    assert kept_fields(response) is None
    assert "Your changes were not saved" not in response.text


def test_staying_signed_in_restarts_the_idle_clock(client, alice, hereford_case, time_machine):
    time_machine.move_to(NINE, tick=False)
    sign_in(client, alice)
    case_page = f"/interventions/{hereford_case.pk}/"
    assert client.get(case_page).status_code == 200
    time_machine.move_to(NINE + datetime.timedelta(minutes=28), tick=False)
    assert client.post("/sign-in/stay/").status_code == 204
    time_machine.move_to(NINE + datetime.timedelta(minutes=50), tick=False)
    assert client.get(case_page).status_code == 200


def test_staying_signed_in_needs_a_session(client):
    assert client.post("/sign-in/stay/").status_code == 401
    assert client.get("/sign-in/stay/").status_code == 405


def test_pages_carry_the_timeout_for_the_warning(client, alice, hereford_case):
    sign_in(client, alice)
    text = client.get(f"/interventions/{hereford_case.pk}/").text
    assert 'data-idle-timeout="1800" data-timeout-warning="120"' in text
    assert "you will be signed out in 2 minutes." in text


def test_a_post_from_another_site_is_not_kept(alice, hereford_case, time_machine):
    client = Client(enforce_csrf_checks=True)
    time_machine.move_to(NINE, tick=False)
    client.force_login(alice)
    form_page = f"/interventions/{hereford_case.pk}/progress/new/"
    client.get(form_page)
    time_machine.move_to(NINE + datetime.timedelta(hours=1), tick=False)
    response = client.post(form_page, {"narrative": "Planted by another site", "rag": "green"})
    assert response.status_code == 302
    client.force_login(alice)
    assert kept_fields(client.get(form_page)) is None
