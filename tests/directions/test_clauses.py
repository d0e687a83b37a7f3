"""Numbered paragraphs nest to any depth, are cited as the documents cite them, and lock once issued."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from directions import services
from directions.enums import Part
from directions.models import Clause, Instrument
from tests.factories import issued_direction

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(hereford_case):
    return Instrument.objects.create(
        intervention=hereford_case,
        kind="statutory_direction",
        legal_basis="497A(4B)",
        title="Statutory direction",
        addressed_to="Herefordshire Council",
        issued_on=datetime.date(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )


def clause(instrument, label, text="text", parent=None, part=Part.OPERATIVE, position=0, **fields):
    new = Clause(instrument=instrument, label=label, text=text, parent=parent, part=part, position=position, **fields)
    new.full_clean()
    new.save()
    return new


def test_paragraphs_are_cited_as_the_documents_cite_them(draft):
    seven = clause(draft, "7")
    b = clause(draft, "b", parent=seven)
    i = clause(draft, "i", parent=b)
    capital_a = clause(draft, "A", parent=i)
    assert [seven.reference, b.reference, i.reference, capital_a.reference] == ["7", "7b", "7b(i)", "7b(i)(A)"]


def test_the_tree_comes_back_in_printed_order(draft):
    seven = clause(draft, "7", position=7)
    clause(draft, "b", parent=seven, position=2)
    clause(draft, "a", parent=seven, position=1)
    clause(draft, "8", position=8)
    tree = draft.paragraphs(Part.OPERATIVE)
    assert [p.label for p in tree] == ["7", "8"]
    assert [p.label for p in tree[0].subparagraphs] == ["a", "b"]


def test_the_tree_is_built_from_one_query(draft, django_assert_num_queries):
    seven = clause(draft, "7")
    b = clause(draft, "b", parent=seven)
    clause(draft, "i", parent=b)
    fresh = Instrument.objects.get(pk=draft.pk)
    with django_assert_num_queries(1):
        fresh.paragraphs(Part.OPERATIVE)


def test_a_number_clash_says_which_number(draft):
    seven = clause(draft, "7")
    clause(draft, "b", parent=seven)
    with pytest.raises(ValidationError) as error:
        clause(draft, "b", parent=seven)
    assert error.value.message_dict["label"] == [
        "There is already a paragraph numbered 7b in this part of the instrument"
    ]
    with pytest.raises(ValidationError) as error:
        clause(draft, "7")
    assert error.value.message_dict["label"] == [
        "There is already a paragraph numbered 7 in this part of the instrument"
    ]


def test_the_same_number_may_appear_in_the_recitals_and_the_annex(draft):
    clause(draft, "1", part=Part.RECITAL)
    clause(draft, "1", part=Part.TERMS_OF_REFERENCE)
    assert draft.clauses.filter(label="1").count() == 2


def test_a_sub_paragraph_must_sit_under_the_same_instrument(draft, hereford_case):
    other = issued_direction(hereford_case, datetime.date(2022, 9, 21))
    with pytest.raises(ValidationError) as error:
        clause(draft, "a", parent=other.clauses.first())
    assert error.value.message_dict["parent"] == [
        "A paragraph can only sit under a paragraph of the same instrument and part"
    ]


def test_a_deliverable_cannot_be_due_before_the_direction_was_issued(draft):
    with pytest.raises(ValidationError) as error:
        clause(draft, "7", due_on=datetime.date(2023, 2, 1))
    assert error.value.message_dict["due_on"] == [
        "The due date must be on or after the date it was issued (1 March 2023)"
    ]


def test_an_issued_texts_paragraph_cannot_be_rewritten(hereford_case):
    direction = issued_direction(hereford_case, datetime.date(2023, 3, 1), clauses=("To comply with any instructions",))
    paragraph = direction.clauses.get()
    paragraph.text = "To do something else"
    with pytest.raises(ValidationError, match="was issued on 1 March 2023, so its text cannot be changed"):
        paragraph.full_clean()
    with pytest.raises(ValidationError):
        paragraph.save()  # not even by code that skips validation
    assert Clause.objects.get(pk=paragraph.pk).text == "To comply with any instructions"


def test_no_paragraph_can_be_added_to_an_issued_text(hereford_case):
    direction = issued_direction(hereford_case)
    with pytest.raises(ValidationError, match="a new paragraph"):
        clause(direction, "9")


def test_an_issued_instruments_own_text_is_locked(hereford_case):
    direction = issued_direction(hereford_case)
    direction.title = "Something else"
    direction.issued_on = datetime.date(2022, 1, 1)
    with pytest.raises(ValidationError, match=r"\(title, issued on\)"):
        direction.full_clean()


def test_compliance_with_a_paragraph_can_still_be_recorded(hereford_case):
    direction = issued_direction(hereford_case)
    paragraph = direction.clauses.get()
    paragraph.compliance = "complied"
    paragraph.full_clean()
    paragraph.save()
    assert Clause.objects.get(pk=paragraph.pk).compliance == "complied"


def test_an_amendment_changes_the_text_and_is_recorded(dora, hereford_case):
    direction = issued_direction(hereford_case, clauses=("To co-operate with the Commissioner",))
    paragraph = direction.clauses.get()
    amendment = services.amend_issued_text(
        target=paragraph,
        changes={"text": "To co-operate with the Commissioner and the Improvement Adviser"},
        reason="Adviser added by the Secretary of State",
        by=dora,
        made_on=datetime.date(2023, 4, 1),
    )
    paragraph.refresh_from_db()
    assert paragraph.text == "To co-operate with the Commissioner and the Improvement Adviser"
    assert (
        "“To co-operate with the Commissioner” → “To co-operate with the Commissioner and the Improvement Adviser”"
        in amendment.changes
    )
    latest = paragraph.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        dora,
        "Amended: Adviser added by the Secretary of State",
    )


def test_an_amendment_needs_a_reason_and_a_change(dora, hereford_case):
    paragraph = issued_direction(hereford_case).clauses.get()
    with pytest.raises(ValidationError, match="Give a reason"):
        services.amend_issued_text(target=paragraph, changes={"text": "New"}, reason=" ", by=dora)
    with pytest.raises(ValidationError, match="The amendment changes nothing"):
        services.amend_issued_text(target=paragraph, changes={"text": paragraph.text}, reason="Why", by=dora)
