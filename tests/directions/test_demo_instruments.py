"""The demo instruments, checked the way a reader of the seed documents would check them."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from directions import demo as demo_data
from directions.enums import InstrumentKind, InstrumentStatus, Part
from directions.models import Clause, Instrument, ReportingObligation, ServicePriority, TermsOfReference
from intervention.demo import demo_administrator

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "docs" / "seeds"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("setup_demo")


def instrument(dfe_code: str, issued_on: str) -> Instrument:
    return Instrument.objects.get(
        intervention__local_authority__dfe_code=dfe_code, issued_on=datetime.date.fromisoformat(issued_on)
    )


def clause(instrument: Instrument, reference: str, part: str = Part.OPERATIVE) -> Clause:
    matches = [c for c in instrument.clauses.filter(part=part) if c.reference == reference]
    assert len(matches) == 1, f"{reference}: {len(matches)} paragraphs"
    return matches[0]


def references(instrument: Instrument, part: str) -> list[str]:
    """Every paragraph's reference, in reading order."""

    def walk(paragraphs):
        for paragraph in paragraphs:
            yield paragraph.reference
            yield from walk(paragraph.subparagraphs)

    return list(walk(instrument.paragraphs(part)))


def describe(instrument: Instrument) -> list[str]:
    return [o.describe() for o in instrument.reporting_obligations.all()]


def test_the_demo_issues_five_instruments(demo):
    assert list(Instrument.objects.values_list("intervention__local_authority__dfe_code", "issued_on", "kind")) == [
        ("884", datetime.date(2021, 5, 18), InstrumentKind.IMPROVEMENT_NOTICE),
        ("884", datetime.date(2022, 9, 21), InstrumentKind.STATUTORY_DIRECTION),
        ("884", datetime.date(2023, 3, 1), InstrumentKind.STATUTORY_DIRECTION),
        ("885", datetime.date(2017, 3, 8), InstrumentKind.STATUTORY_DIRECTION),
        ("885", datetime.date(2017, 9, 19), InstrumentKind.STATUTORY_DIRECTION),
    ]
    assert set(Instrument.objects.values_list("status", flat=True)) == {InstrumentStatus.ISSUED}


def test_the_2023_direction_revokes_the_2022_one(demo):
    earlier, later = instrument("884", "2022-09-21"), instrument("884", "2023-03-01")
    assert later.revokes == earlier
    assert earlier.revoked_on == datetime.date(2023, 3, 1)
    assert earlier.revocation_note == "Revoked by the statutory direction of 1 March 2023"
    assert clause(later, "8").text.startswith("In consequence of this revised direction, the Secretary of State")


def test_the_september_2017_direction_revokes_the_first(demo):
    first, september = instrument("885", "2017-03-08"), instrument("885", "2017-09-19")
    assert september.revokes == first
    assert first.revoked_on == datetime.date(2017, 9, 19)
    assert clause(september, "8").text == (
        "In consequence of this direction, the Secretary of State for Education revokes the first direction."
    )


def test_what_is_in_force_today(demo):
    in_force = Instrument.objects.in_force_on(timezone.localdate())
    assert [str(i) for i in in_force.filter(intervention__local_authority__dfe_code="884")] == [
        "Improvement notice to Herefordshire, 18 May 2021",
        "Statutory direction to Herefordshire, 1 March 2023",
    ]
    assert [str(i) for i in in_force.filter(intervention__local_authority__dfe_code="885")] == [
        "Statutory direction to Worcestershire, 19 September 2017",
    ]
    assert instrument("884", "2022-09-21").in_force_on(datetime.date(2023, 2, 28))
    assert not instrument("884", "2022-09-21").in_force_on(datetime.date(2023, 3, 1))


def test_the_improvement_notice(demo):
    notice = instrument("884", "2021-05-18")
    assert (notice.legal_basis, notice.addressed_to, notice.address) == (
        "non_statutory",
        "Herefordshire Council",
        "Plough Lane Herefordshire HR4 0LE",
    )
    assert (notice.signed_by_name, notice.signed_by_title) == (
        "Emily Whitehead",
        "A senior civil servant in the Department for Education",
    )
    assert notice.preamble.startswith("This Improvement Notice is issued to Herefordshire Council on 18 May 2021")
    assert [p.label for p in notice.paragraphs(Part.OPERATIVE)] == [str(n) for n in range(1, 15)]
    assert [p.label for p in notice.paragraphs(Part.OPERATIVE)[4].subparagraphs] == ["a", "b", "c", "d", "e"]
    assert clause(notice, "10d").text.startswith("access to case files")
    assert clause(notice, "3").text.startswith("Adviser arrangements\n\nAs you are aware")
    assert [a.person.name for a in notice.appointments.all()] == ["Gladys Rhodes White"]
    assert describe(notice) == ["every 6 weeks from 18 May 2021", "every 6 months from 18 May 2021", "by 30 April 2022"]
    assert [o.clause.reference for o in notice.reporting_obligations.all()] == ["13", "6", "12"]


def test_the_september_2022_direction(demo):
    direction = instrument("884", "2022-09-21")
    assert direction.addressed_to == "Herefordshire County Council"
    assert (direction.legal_basis, direction.signed_by_name) == ("497A(4B)", "Dawn Dandy")
    assert direction.closing == "This direction will remain in force until it is revoked by the Secretary of State."
    assert [p.label for p in direction.paragraphs(Part.RECITAL)] == ["1", "2", "3", "4"]
    # Printed as paragraph 5, after four recitals.
    assert references(direction, Part.OPERATIVE) == [
        "5", "5a", "5b", "5b(i)", "5b(ii)", "5b(iii)", "5c", "5c(i)", "5c(ii)", "5d",
    ]  # fmt: skip
    assert clause(direction, "5d").text.startswith("To co-operate with a Commissioner-led review")
    assert direction.terms_of_reference.heading == "Non-Executive Commissioner for Children's Services"
    assert clause(direction, "5", Part.TERMS_OF_REFERENCE).due_on == datetime.date(2022, 12, 12)
    assert [a.person.name for a in direction.appointments.all()] == ["Eleanor Brazil"]
    assert describe(direction) == ["by 12 December 2022"]


def test_the_march_2023_direction(demo):
    direction = instrument("884", "2023-03-01")
    assert (direction.addressed_to, direction.signed_by_name) == ("Herefordshire Council", "Dawn Dandy")
    assert [p.label for p in direction.paragraphs(Part.RECITAL)] == ["1", "2", "3", "4", "5", "6"]
    assert [p.label for p in direction.paragraphs(Part.OPERATIVE)] == ["7", "8"]
    assert [p.label for p in direction.paragraphs(Part.OPERATIVE)[0].subparagraphs] == ["a", "b", "c", "d"]
    assert clause(direction, "7b(i)").text == "to any premises of the Council;"
    assert clause(direction, "7b(iii)").text == (
        "to any employee or member of the Council,\n\nwhich appears to them to be necessary for achieving the "
        "purposes of, and carrying out the responsibilities set out in, the Terms of Reference."
    )
    assert sorted(a.person.name for a in direction.appointments.all()) == ["Eleanor Brazil", "Gladys Rhodes White"]

    terms = direction.terms_of_reference
    assert terms.heading == "Non-Executive Commissioner for Children's Services, supported by the Improvement Adviser"
    assert terms.introduction.endswith("is expected to take the following steps:")
    steps = direction.paragraphs(Part.TERMS_OF_REFERENCE)
    assert [s.label for s in steps] == ["1", "2", "3", "4", "5"]
    assert [s.label for s in steps[1].subparagraphs] == ["a", "b", "c", "d", "e"]
    assert len(steps[1].subparagraphs[1].subparagraphs) == 7


def test_the_seven_service_priorities(demo):
    direction = instrument("884", "2023-03-01")
    priorities = list(direction.service_priorities.all())
    assert [p.label for p in priorities] == ["i", "ii", "iii", "iv", "v", "vi", "vii"]
    assert priorities[0].title == (
        "Reducing the number of agency social workers and increasing the numbers of permanent social workers"
    )
    assert priorities[-1].title == (
        "Finalising the SEND strategy underpinned by an up-to-date self-evaluation and acting on agreed immediate "
        "priorities as described in the strategy action plan"
    )
    assert [p.clause.reference for p in priorities] == [f"2b({p.label})" for p in priorities]
    assert all(p.clause.part == Part.TERMS_OF_REFERENCE for p in priorities)
    assert all(p.short_name for p in priorities)


def test_the_march_2023_direction_reporting(demo):
    direction = instrument("884", "2023-03-01")
    assert describe(direction) == [
        "every 3 months from 1 March 2023",
        "by 1 September 2023",
        "6 months after publication of the commissioner's progress report (13 December 2023)",
    ]
    assert [o.clause.reference for o in direction.reporting_obligations.all()] == ["2", "5", "5"]


def test_the_first_worcestershire_direction_says_its_text_is_not_held(demo):
    first = instrument("885", "2017-03-08")
    assert "The full text of this direction is not held in this service" in first.preamble
    assert references(first, Part.OPERATIVE) == ["1"]
    assert not first.clauses.exclude(part=Part.OPERATIVE).exists()
    assert "to work with Trevor Doughty" in clause(first, "1").text
    assert [a.person.name for a in first.appointments.all()] == ["Trevor Doughty"]
    assert first.legal_basis == "497A(4B)"


def test_the_september_2017_direction(demo):
    direction = instrument("885", "2017-09-19")
    assert (direction.signed_by_name, direction.signed_by_title) == (
        "Suzanne Lunn",
        "A Senior Civil Servant in the Department for Education",
    )
    assert [p.label for p in direction.paragraphs(Part.RECITAL)] == ["1", "2", "3", "4", "5", "6"]
    assert [p.label for p in direction.paragraphs(Part.OPERATIVE)] == ["7", "8", "9"]
    assert [p.label for p in direction.paragraphs(Part.OPERATIVE)[0].subparagraphs] == ["a", "b", "c", "d", "e"]
    assert clause(direction, "7d(i)").due_on == datetime.date(2017, 12, 31)
    assert clause(direction, "7d(ii)").due_on == datetime.date(2018, 3, 31)
    assert "the first of which by no later than 30 November 2017" in clause(direction, "7d(ii)").text
    assert clause(direction, "7e(iii)").text.startswith("Reporting to the Secretary of State")
    assert [a.person.name for a in direction.appointments.all()] == ["Trevor Doughty"]

    terms = TermsOfReference.objects.get(instrument=direction)
    assert terms.heading == "Non-Executive Commissioner for Children's Services - Worcestershire County Council"
    assert terms.introduction.endswith("Specifically, the Commissioner shall:")
    assert [s.label for s in direction.paragraphs(Part.TERMS_OF_REFERENCE)] == [str(n) for n in range(1, 12)]


def test_the_september_2017_direction_reporting(demo):
    direction = instrument("885", "2017-09-19")
    obligations = list(direction.reporting_obligations.all())
    assert [(o.clause.reference, o.describe()) for o in obligations] == [
        ("7d(ii)", "by 30 November 2017"),
        ("1", "by 31 December 2017"),
        ("8", "by 31 December 2017"),
        ("7d(ii)", "by 31 March 2018"),
        ("9", "6 months after 19 September 2017, then every 6 months"),
        ("10", "every 6 weeks from 19 September 2017"),
        ("11", "every 3 months from 19 September 2017"),
    ]
    assert [o.get_recipient_display() for o in obligations[-3:]] == [
        "the Department for Education",
        "the DfE contract manager",
        "the Minister",
    ]


def test_running_the_demo_twice_changes_nothing(demo):
    models = (Instrument, Clause, TermsOfReference, ServicePriority, ReportingObligation)
    counts = [model.history.count() for model in models] + [model.objects.count() for model in models]
    call_command("setup_demo")
    assert [model.history.count() for model in models] + [model.objects.count() for model in models] == counts


def test_the_demo_instruments_history_names_the_administrator(demo):
    administrator = demo_administrator()
    for model in (Instrument, Clause, TermsOfReference, ServicePriority, ReportingObligation):
        assert set(model.history.values_list("history_user", flat=True)) == {administrator.pk}, model.__name__
    issued = Instrument.history.filter(history_change_reason__startswith="Issued on")
    assert issued.count() == 5


@pytest.mark.parametrize(
    ("transcription", "seed", "starts_at"),
    [
        (demo_data.HEREFORDSHIRE_NOTICE, "herefordshire-improvement-notice-2021.txt", ""),
        (
            demo_data.HEREFORDSHIRE_DIRECTION_2022,
            "herefordshire-cabinet-ofsted-inspection-2022-09.txt",  # its Appendix B
            "STATUTORY DIRECTION TO",
        ),
        (demo_data.HEREFORDSHIRE_DIRECTION_2023, "herefordshire-statutory-direction-2023.txt", ""),
        (demo_data.WORCESTERSHIRE_DIRECTION, "worcestershire-statutory-direction-2017.txt", ""),
    ],
)
def test_the_transcriptions_are_word_for_word(transcription, seed, starts_at):
    def words(text):
        # Whitespace and a comma run into the next word (",which") are the text extraction's, not the document's.
        return re.sub(r"\s+", " ", re.sub(r",(?=\w)", ", ", text)).strip()

    def paragraphs(tree):
        for _label, text, children, *_due in tree:
            yield text
            yield from paragraphs(children)

    document = (SEEDS / seed).read_text()
    document = words(document[document.index(starts_at) :])
    texts = [transcription.preamble, transcription.closing, transcription.address]
    texts += [*paragraphs(transcription.recitals), *paragraphs(transcription.operative)]
    if transcription.annex:
        texts += [transcription.annex.heading, transcription.annex.introduction, *paragraphs(transcription.annex.steps)]
    # Headings without numbers are kept as a paragraph's first line, so each block is checked on its own.
    missing = [block for text in texts for block in text.split("\n\n") if words(block) not in document]
    assert missing == []
    for printed_in_capitals in (transcription.title, transcription.signed_by_name):
        assert words(printed_in_capitals).upper() in document.upper()
