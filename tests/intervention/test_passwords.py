"""The password policy (DfE Secure by Design): long, not common, not like the person, not a pattern."""

import random
import string
import time

import pytest
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.password_validation import CommonPasswordValidator, password_validators_help_texts
from django.contrib.auth.password_validation import validate_password as django_validate_password
from django.core.exceptions import ValidationError

from intervention.passwords import PredictablePasswordValidator

pytestmark = pytest.mark.django_db


def refusals(password, user=None):
    try:
        django_validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaaaa", "mostly a repeated character or pattern"),
        ("abcabcabcabc1", "mostly a repeated character or pattern"),
        ("Password123!", "a common password with numbers or symbols added"),
        ("P@ssw0rd2026!", "a common password with numbers or symbols added"),
        ("qwertyuiopasdf", "mostly a keyboard or alphabet sequence"),
        ("1234567890123", "mostly a keyboard or alphabet sequence"),
        ("1qaz2wsx3edc4rfv", "mostly a keyboard or alphabet sequence"),
        ("zyxwvutsrqponm", "mostly a keyboard or alphabet sequence"),
    ],
)
def test_patterns_are_refused_with_the_reason(password, reason):
    assert any(reason in message for message in refusals(password)), refusals(password)


def test_password123_passes_djangos_common_list_so_our_own_check_refuses_it():
    CommonPasswordValidator().validate("Password123!")
    with pytest.raises(ValidationError, match="common password with numbers or symbols added"):
        PredictablePasswordValidator().validate("Password123!")


def test_the_persons_own_email_address_is_refused(alice):
    for password in ["alice@herefordshire.example", "Alice@Herefordshire2026"]:
        assert any(message.startswith("The password is too similar to the") for message in refusals(password, alice))


def test_the_persons_name_is_refused(alice):
    assert "The password is too similar to the name." in refusals("Alice Hughes 2026", alice)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "lowercase words only",
        "we were here today",
        "Tr0ub4dor&3 horse",
        "demo-casework-2026",
    ],
)
def test_a_good_passphrase_is_accepted(password, alice):
    assert refusals(password, alice) == []


def test_a_very_long_password_is_checked_quickly():
    started = time.perf_counter()
    assert refusals("a" * 100_000)
    letters = random.Random(11).choices(string.ascii_lowercase + " ", k=100_000)  # noqa: S311 - test data
    assert refusals("".join(letters)) == []
    assert time.perf_counter() - started < 2


def test_the_admin_refuses_a_weak_password_when_setting_one(alice):
    form = AdminPasswordChangeForm(alice, {"password1": "Password123!", "password2": "Password123!"})
    assert not form.is_valid()
    assert "common password with numbers or symbols added" in str(form.errors)


def test_the_rules_are_explained_where_a_password_is_set():
    help_texts = " ".join(password_validators_help_texts())
    assert "at least 12 characters" in help_texts
    assert "too like your name" in help_texts
    assert "keyboard pattern" in help_texts
