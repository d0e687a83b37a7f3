"""Password rules beyond Django's own (DfE Secure by Design: long passwords, no complexity rules, no
expiry). Django's validators refuse short passwords, the 20,000 most common ones and passwords like
the account's email address. These refuse the patterns people fall back on when a password must be
long: one character or chunk repeated, a walk along the keyboard or the alphabet, and a common
password with numbers or symbols added, such as `Password123!`.
"""

from __future__ import annotations

import functools
import itertools
import string

from django.contrib.auth.password_validation import CommonPasswordValidator, UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError

# Rows and columns of a UK keyboard, the alphabet and the digits. A walk is a run of characters each
# next to the one before in one of these, all in the same direction; the digits go round (…7890123…)
# and the letter rows run on into the next row, as people type them (qwertyuiopasdf).
KEYBOARD_SEQUENCES = (
    "`1234567890-=",
    '¬!"£$%^&*()_+',
    "qwertyuiop[]",
    "asdfghjkl;'#",
    "\\zxcvbnm,./",
    "1234567890qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "01234567890",
    "abcdefghijklmnopqrstuvwxyza",
)
FORWARD = frozenset((a, b) for sequence in KEYBOARD_SEQUENCES for a, b in itertools.pairwise(sequence))
BACKWARD = frozenset((b, a) for a, b in FORWARD)
SHORTEST_WALK = 4

# Only the start of a very long password is examined, which keeps the check quick whatever is typed.
EXAMINED_LENGTH = 128

LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "0": "o", "$": "s", "5": "s", "7": "t"})
PADDING = string.digits + string.punctuation + " "


def walk_positions(text: str) -> set[int]:
    """Positions in runs of at least SHORTEST_WALK characters that walk one way along a sequence."""
    positions: set[int] = set()
    start, directions = 0, {"forward", "backward"}
    for i in range(1, len(text) + 1):
        step = set()
        if i < len(text):
            pair = (text[i - 1], text[i])
            step = {"forward"} if pair in FORWARD else set()
            step |= {"backward"} if pair in BACKWARD else set()
        if i < len(text) and step & directions:
            directions &= step
            continue
        if i - start >= SHORTEST_WALK:
            positions.update(range(start, i))
        # The step that broke the run may start the next one.
        start, directions = (i - 1, step) if step else (i, {"forward", "backward"})
    return positions


def repeat_positions(text: str) -> set[int]:
    """Positions that repeat the chunk just before them: the second and later `a`s of `aaaa`, the
    second and later `abc`s of `abcabcabc`."""
    positions: set[int] = set()
    i = 0
    while i < len(text):
        best_length, best_end = 0, i
        for length in range(1, (len(text) - i) // 2 + 1):
            chunk, end = text[i : i + length], i + length
            while text[end : end + length] == chunk:
                end += length
            if end - i - length > best_end - i - best_length:
                best_length, best_end = length, end
        if best_length:
            positions.update(range(i + best_length, best_end))
            i = best_end
        else:
            i += 1
    return positions


@functools.cache
def common_passwords() -> frozenset[str]:
    """Django's list of common passwords, read once."""
    return frozenset(CommonPasswordValidator().passwords)


class PredictablePasswordValidator:
    """Refuses a password that is mostly a repeated character or chunk (`aaaaaaaaaaaa`,
    `abcabcabcabc`), mostly a keyboard or alphabet walk (`qwertyuiopasdf`, `1234567890123`), or a
    common password with numbers or symbols added (`Password123!`, `!!summer2025`)."""

    def __init__(self, most_patterned: float = 0.5) -> None:
        self.most_patterned = most_patterned

    def validate(self, password: str, user: object = None) -> None:
        text = password[:EXAMINED_LENGTH].lower()
        walks, repeats = walk_positions(text), repeat_positions(text)
        if text and len(walks | repeats) >= self.most_patterned * len(text):
            if len(repeats) > len(walks):
                raise ValidationError(
                    "This password is mostly a repeated character or pattern, like aaaa or abcabc. "
                    "Try a few unrelated words instead.",
                    code="password_repetitive",
                )
            raise ValidationError(
                "This password is mostly a keyboard or alphabet sequence, like qwerty or 12345. "
                "Try a few unrelated words instead.",
                code="password_keyboard_walk",
            )
        base = text.strip(PADDING)
        if base and base != text and self.is_common(base):
            raise ValidationError(
                "This password is a common password with numbers or symbols added. Try a few unrelated words instead.",
                code="password_common_with_additions",
            )

    @staticmethod
    def is_common(word: str) -> bool:
        common = common_passwords()
        return word in common or word.translate(LEET) in common

    def get_help_text(self) -> str:
        return (
            "Your password cannot be mostly a repeated or keyboard pattern, or a common password "
            "with numbers or symbols added."
        )


class PersonSimilarityValidator(UserAttributeSimilarityValidator):
    """Django's similarity check, against the account's person: their name and the email address on
    their record. Django's own validator checks the user account's username, names and email."""

    def __init__(self, user_attributes: tuple[str, ...] = ("name", "email"), max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def validate(self, password: str, user: object = None) -> None:
        try:
            person = getattr(user, "person", None) if user is not None else None
        except ValueError:  # an account not yet saved has no person
            person = None
        if person is not None:
            super().validate(password, person)

    def get_help_text(self) -> str:
        return "Your password cannot be too like your name."
