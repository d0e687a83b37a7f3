"""Issue 13 items 6 and 11: the obligation's admin form shows the dates a cadence gives before it is
saved, offers every cadence the engine knows, lists the obligation's deadlines on its page, and asks
why a cadence changed, keeping the answer in its history."""

import datetime

import pytest

from tests.directions.test_admin import form_values

pytestmark = pytest.mark.django_db
D = datetime.date


def save_checked(client, url, values):
    """Post the form as DfE would: if the page asks to check the dates, check them and save again."""
    response = client.post(url, values)
    if response.status_code == 200:
        assert "Check the dates" in response.text, response.context["adminform"].form.errors
        response = client.post(url, {**values, **form_values(response.text)})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response
