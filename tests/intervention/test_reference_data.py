from collections import Counter

import pytest

from intervention import services
from intervention.models import LocalAuthority

pytestmark = pytest.mark.django_db


def test_every_english_authority_with_childrens_social_care_duties_is_loaded():
    assert LocalAuthority.objects.count() == 153


def test_codes_and_names_are_unique():
    rows = list(LocalAuthority.objects.values_list("name", "gss_code", "dfe_code"))
    for column in range(3):
        values = [row[column] for row in rows]
        assert len(set(values)) == len(values)


def test_kinds_match_the_published_counts():
    assert Counter(LocalAuthority.objects.values_list("kind", flat=True)) == {
        "unitary": 63,
        "metropolitan_borough": 36,
        "london_borough": 33,
        "county": 21,
    }


@pytest.mark.parametrize(
    ("name", "gss_code", "dfe_code", "council_name"),
    [
        ("Herefordshire", "E06000019", "884", "Herefordshire Council"),
        ("Worcestershire", "E10000034", "885", "Worcestershire County Council"),
        ("Birmingham", "E08000025", "330", "Birmingham Council"),
        ("Barnsley", "E08000038", "370", "Barnsley Council"),
    ],
)
def test_known_codes(name, gss_code, dfe_code, council_name):
    authority = LocalAuthority.objects.get(dfe_code=dfe_code)
    assert (authority.name, authority.gss_code, authority.council_name) == (name, gss_code, council_name)


def test_reference_data_has_a_history_of_where_it_came_from():
    first = LocalAuthority.objects.get(dfe_code="884").history.earliest()
    assert first.history_change_reason == "Loaded from the reference file"


def test_loading_the_reference_file_again_changes_nothing():
    history_before = LocalAuthority.history.count()
    assert services.load_local_authorities() == (0, 0)
    assert LocalAuthority.history.count() == history_before


def test_a_corrected_code_is_updated_with_history(dora):
    herefordshire = LocalAuthority.objects.get(dfe_code="884")
    herefordshire.gss_code = "E06999999"
    herefordshire.save()
    assert services.load_local_authorities(by=dora) == (0, 1)
    herefordshire.refresh_from_db()
    assert herefordshire.gss_code == "E06000019"
    assert herefordshire.history.latest().history_user == dora
