"""Pages, and what a person sees when they reach for something that is not theirs."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_intervention_list_shows_authority_and_stage(client, dora, hereford_case, worcester_case):
    client.force_login(dora)
    response = client.get("/interventions/")
    assert [row.local_authority.name for row in response.context["page"]] == ["Herefordshire", "Worcestershire"]
    assert "No instrument in force" in response.text


def test_a_case_page_names_the_council_and_the_people_on_it(client, alice, charlie, hereford_case):
    client.force_login(alice)
    response = client.get(f"/interventions/{hereford_case.pk}/")
    assert '<h1 class="govuk-heading-l">Herefordshire Council</h1>' in response.text
    assert "Charlie Brazil" in response.text


def test_someone_elses_case_is_not_found(client, bob, hereford_case):
    client.force_login(bob)
    response = client.get(f"/interventions/{hereford_case.pk}/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Herefordshire" not in response.text


def test_a_case_that_does_not_exist_is_not_found_in_the_same_words(client, bob):
    client.force_login(bob)
    response = client.get("/interventions/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.parametrize("path", ["/", "/interventions/"])
def test_pages_ask_a_visitor_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


def test_every_case_url_is_closed_to_the_wrong_person(client, bob, hereford_case):
    from django.urls import get_resolver

    client.force_login(bob)
    case_urls = [
        reverse(name, kwargs={"pk": hereford_case.pk})
        for name, patterns in get_resolver().reverse_dict.items()
        if isinstance(name, str) and patterns[0][0][1] == ["pk"] and name.startswith("intervention")
    ]
    assert case_urls
    for url in case_urls:
        assert client.get(url).status_code == 404, url


def test_the_error_page_for_a_server_error_is_plain_english(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_a_council_officer_is_not_offered_the_admin(client, alice, hereford_case):
    client.force_login(alice)
    assert "/admin/" not in client.get(f"/interventions/{hereford_case.pk}/").text
    assert client.get("/admin/").status_code == 302


def test_the_health_page_reports_the_database_and_reveals_no_case(client, hereford_case):
    from intervention.services import record_heartbeat

    record_heartbeat(name="beat")
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert "Herefordshire" not in response.text


def test_case_pages_run_a_fixed_number_of_queries(client, dora, django_assert_max_num_queries):
    from tests.factories import InterventionFactory, authority

    client.force_login(dora)
    InterventionFactory(local_authority=authority("884"))
    client.get("/interventions/")  # warm the session
    with django_assert_max_num_queries(10) as small:
        client.get("/interventions/")
    for code in ["885", "330", "370", "201"]:
        InterventionFactory(local_authority=authority(code))
    with django_assert_max_num_queries(10) as large:
        client.get("/interventions/")
    assert len(large.captured_queries) == len(small.captured_queries)
