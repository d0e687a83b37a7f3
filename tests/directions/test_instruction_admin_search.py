"""Admin search on instructions finds an instruction by the words of its title or text, or by its
authority's or issuer's name, and nothing else; each part is asked of its own index, so that on
PostgreSQL the search does not read every instruction the service holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directions.models import Instruction
from intervention.enums import Organisation, Role
from tests.factories import AppointmentFactory, PersonFactory, UserFactory, issued_instruction

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructions(hereford_case, worcester_case, charlie):
    wendy = UserFactory(username="wendy@commissioner.example")
    PersonFactory(user=wendy, name="Wendy Brook", organisation=Organisation.INDEPENDENT)
    AppointmentFactory(person=wendy.person, intervention=worcester_case, role=Role.COMMISSIONER)
    return {
        "recruitment": issued_instruction(hereford_case, charlie, title="Recruitment", text="Hire social workers."),
        "audits": issued_instruction(hereford_case, charlie, title="Case audits", text="Audit fifty cases."),
        "worcester": issued_instruction(worcester_case, wendy, title="Front door", text="Review the front door."),
    }


def found(client, words):
    page = client.get("/admin/directions/instruction/", {"q": words})
    assert page.status_code == 200
    return {
        title
        for title in Instruction.objects.values_list("title", flat=True)
        if f">{title}<" in page.text or f'">{title}</a>' in page.text
    }


@pytest.mark.parametrize(
    "words, expected",
    [
        ("workers", {"Recruitment"}),  # a word of the text
        ("audits", {"Case audits"}),  # a word of the title
        ("Worcestershire", {"Front door"}),  # the authority's name
        ("Charlie Brazil", {"Recruitment", "Case audits"}),  # the issuer's name
        ("zygote", set()),
    ],
)
def test_dfe_finds_an_instruction_by_its_words_or_its_authority_or_issuer(client, dora, instructions, words, expected):
    client.force_login(dora)

    assert found(client, words) == expected


def test_a_commissioner_finds_only_their_own_cases_instructions(client, charlie, instructions):
    client.force_login(charlie)

    assert found(client, "Wendy") == set()  # another commissioner's, to another council
    assert found(client, "review") == set()
    assert found(client, "audit") == {"Case audits"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_on_postgresql_the_search_reads_the_indexes_not_every_instruction(client, dora, instructions):
    client.force_login(dora)
    with CaptureQueriesContext(connection) as captured:
        client.get("/admin/directions/instruction/", {"q": "workers"})
    search = next(q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT COUNT(*) AS "__count"'))

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be scanned whatever the query
        cursor.execute(f"EXPLAIN {search}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Seq Scan on directions_instruction" not in plan
    assert "BitmapOr" in plan
