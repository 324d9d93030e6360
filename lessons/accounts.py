"""Rules about accounts beyond one form field: usernames that cannot pass for
one another, one account per email, how often a password reset may be asked
for."""

from __future__ import annotations

import functools
import hashlib
import unicodedata

from confusable_homoglyphs import categories, utils
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

# Any fixed number: the key of the PostgreSQL advisory lock sign-ups share.
SIGNUP_LOCK_KEY = 7_301_000_001


USERNAME_TAKEN = "A user with that username already exists."
USERNAME_LOOKALIKE = (
    "That username looks the same as an existing one. Choose one that is plainly different."
)
USERNAME_MIXED_SCRIPTS = (
    "Write the username in one alphabet (all Latin, or all Cyrillic, say): "
    "mixed, it could pass for someone else's."
)

# Scripts that names mix by convention (Japanese, Korean, Chinese), as in
# Unicode TR39's "highly restrictive" level; digits and _ . @ + - are COMMON,
# combining accents INHERITED, and go with any script.
NEUTRAL_SCRIPTS = {"COMMON", "INHERITED"}
SCRIPT_MIXES = [
    {"HAN", "HIRAGANA", "KATAKANA"},
    {"HAN", "HANGUL"},
    {"HAN", "BOPOMOFO"},
]
# Marks that confusable_homoglyphs keeps around right-to-left characters, from
# the comments of Unicode's confusables.txt it parses.
DIRECTION_MARKS = str.maketrans("", "", "\u200e\u200f")


def username_mixes_scripts(username: str) -> bool:
    scripts = categories.unique_aliases(unicodedata.normalize("NFKC", username))
    scripts -= NEUTRAL_SCRIPTS
    return len(scripts) > 1 and not any(scripts <= mix for mix in SCRIPT_MIXES)


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character mapped to one stand-in for everything that
    looks like it: Unicode TR39's confusables map, from the data that ships
    with confusable_homoglyphs.

    That package keeps the map both ways (a character's look-alikes), so the
    direction is rebuilt here: a character listed with a sequence ("m" and
    "rn") maps to the sequence, as TR39 maps only single characters; single
    characters that look alike form one class, whose stand-in is its first
    ASCII member, or else its lowest code point."""
    data = utils.load("confusables.json")
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.setdefault(char, char) != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    sequences: dict[str, str] = {}
    for key, lookalikes in data.items():
        char = key.translate(DIRECTION_MARKS)
        if len(char) != 1:
            continue
        for lookalike in lookalikes:
            other = lookalike["c"].translate(DIRECTION_MARKS)
            if len(other) == 1:
                parent[root(other)] = root(char)
            elif other:
                sequences[char] = other
    members: dict[str, list[str]] = {}
    for char in parent:
        members.setdefault(root(char), []).append(char)
    stand_in = {}
    for group in members.values():
        chosen = min(group, key=lambda char: (not char.isascii(), ord(char)))
        stand_in.update(dict.fromkeys(group, chosen))
    for char, sequence in sequences.items():
        stand_in[char] = "".join(stand_in.get(part, part) for part in sequence)
    return stand_in


def _skeleton(text: str) -> str:
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    mapped = "".join(prototypes.get(char, char) for char in decomposed)
    return unicodedata.normalize("NFD", mapped)


@functools.lru_cache(maxsize=65_536)
def username_skeletons(username: str) -> tuple[str, str]:
    """What `username` looks like: two usernames with a skeleton in common can
    pass for each other ("admin" with a Cyrillic "а", "rnary" and "mary",
    "ＳＡＭ" and "sam", "educat0r" and "educator"). TR39's skeleton, after
    compatibility folding, and again after case folding, as the site's names
    are told apart without case: once from the lower case (where "rn" is
    "m") and once from the upper case (where "o" is "O", which is "0")."""
    folded = unicodedata.normalize("NFKC", username)
    lower = _skeleton(_skeleton(folded).casefold())
    upper = _skeleton(_skeleton(folded.upper()).casefold())
    return lower, upper


def look_alike(first: tuple[str, str], second: tuple[str, str]) -> bool:
    return first[0] == second[0] or first[1] == second[1]


def username_problem(username: str, *, exclude_pk: int | None = None) -> str | None:
    """Why `username` may not be used (a message), or None.

    Compared with every other account: sign-ups and renames are rare, and a
    skeleton cannot be indexed without a column of our own on auth's table."""
    if username_mixes_scripts(username):
        return USERNAME_MIXED_SCRIPTS
    folded = username.casefold()
    skeletons = username_skeletons(username)
    others = _other_accounts(exclude_pk).values_list("username", flat=True)
    for other in others.iterator(chunk_size=2000):
        if other.casefold() == folded:
            return USERNAME_TAKEN
        if look_alike(username_skeletons(other), skeletons):
            return USERNAME_LOOKALIKE
    return None


def email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    """Whether an account (other than `exclude_pk`) already has `email`, in any
    letter case: password resets go to every account with the address, so two
    would share a reset."""
    return _other_accounts(exclude_pk).filter(email__iexact=email.strip()).exists()


def _other_accounts(exclude_pk: int | None) -> QuerySet[User]:
    accounts = User.objects.all()
    return accounts if exclude_pk is None else accounts.exclude(pk=exclude_pk)


def lock_signups() -> None:
    """Serialize sign-ups until the current transaction ends, so a check made
    after this call still holds at the insert.

    On PostgreSQL, a transaction-scoped advisory lock (sign-ups are rare and
    short). SQLite needs none: the site opens its transactions IMMEDIATE,
    which already takes the database's single write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SIGNUP_LOCK_KEY])


def _counted(key: str) -> int:
    """One more request under `key` in the current window; the count so far."""
    window = int(settings.PASSWORD_RESET_WINDOW.total_seconds())
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The cache is unreachable (or the key expired between add and incr):
        # resets go on uncounted rather than stop for everyone.
        return 0


def password_reset_allowed(*, address: str | None, email: str) -> bool:
    """Count a reset request from `address` for `email`; False once either has
    asked more than PASSWORD_RESET_LIMIT times in the window.

    Per address, so one client cannot flood many inboxes; per email, so many
    clients cannot flood one. The email is hashed: cache keys need no address
    book, and any length and character fit."""
    email_key = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    counts = [_counted(f"password-reset:email:{email_key}")]
    if address:
        counts.append(_counted(f"password-reset:address:{address}"))
    return max(counts) <= settings.PASSWORD_RESET_LIMIT


# Staff who may edit teaching content: the admin is their workplace.
CONTENT_PERMISSIONS = ("lessons.change_course", "lessons.change_lesson", "lessons.change_question")


def landing_url_for(user) -> str:
    """Where signing in takes `user` when no page was asked for: educators
    (and superusers) to the admin, instructors to their learners' scores,
    everyone else to the catalogue of courses."""
    if user.is_staff and (user.is_superuser or any(map(user.has_perm, CONTENT_PERMISSIONS))):
        return reverse("admin:index")
    if user.is_staff and user.has_perm("lessons.view_cohort_reports"):
        return reverse("lessons:instructor_home")
    return reverse("lessons:home")
