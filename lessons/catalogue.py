"""The published lessons every learner's catalogue, course and progress pages
list, kept per content version instead of queried per request (issue 16.6).

The list (each lesson with its course and its number of published questions)
is the same for everyone and changes only when an educator changes a course,
a lesson or a question, yet building its query was a third of the home page's
CPU. So each process keeps the list it last read, under a content token kept
in Django's cache (Redis in production, shared by every app server): any
change of a course, lesson or question gives the token a new value, and the
next request on any server reads the list afresh.

The same token keeps each lesson's reading page (its sentences and their
passages), as lesson_for_reading below.

What changes the token: saving or deleting a Course, Lesson, Question, Source,
Sentence, Passage or LessonSentence (the signals below, the admin and the
services), services.lesson_content_changed
(every bulk publish or unpublish of questions calls it) and
services.course_unpublish. Code that writes those rows around save() (a
bulk_create or a queryset update of published content) must call
content_changed() itself. The token changes at once and again when the
transaction commits, so a request that read the old rows inside the writer's
transaction cannot keep them under the new token.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

if TYPE_CHECKING:
    from lessons.models import CountedLesson, Lesson

TOKEN_KEY = "catalogue:token"
TOKEN_SECONDS = 30 * 24 * 3600

READINGS_KEPT = 256  # lessons' reading pages per process, the most recently read

_lock = Lock()
_kept: tuple[str, list[CountedLesson]] | None = None  # (token, lessons) of this process
# (token, slug -> the lesson with its reading), most recently read last
_readings: tuple[str, OrderedDict[str, Lesson]] | None = None


def _new_token() -> None:
    cache.set(TOKEN_KEY, uuid.uuid4().hex, TOKEN_SECONDS)


def content_changed() -> None:
    """Retire every process's list: now, and when the transaction commits."""
    _new_token()
    transaction.on_commit(_new_token)


def _token() -> str | None:
    token = cache.get(TOKEN_KEY)
    if token is None:  # evicted, or never set: start a version of our own
        cache.add(TOKEN_KEY, uuid.uuid4().hex, TOKEN_SECONDS)
        token = cache.get(TOKEN_KEY)
    return token  # None from a cache that keeps nothing (or is down): keep nothing


def published_lessons() -> list[CountedLesson]:
    """selectors.lesson_list_published() as a list, read once per content token.
    The lessons are shared between requests: read them, never change them."""
    global _kept
    from lessons.selectors import lesson_list_published

    token = _token()
    kept = _kept
    if token is not None and kept is not None and kept[0] == token:
        return kept[1]
    lessons = list(lesson_list_published())
    if token is not None:
        with _lock:
            _kept = (token, lessons)
    return lessons


def lesson_for_reading(slug: str, read: Callable[[str], Lesson]) -> Lesson:
    """read(slug) (a lesson with its reading sentences and their passages, or
    Http404), kept per content token like the list: the reading changes only
    with its lesson, course, source text or questions (see connect_signals)."""
    global _readings
    token = _token()
    if token is None:
        return read(slug)
    with _lock:
        if _readings is None or _readings[0] != token:
            _readings = (token, OrderedDict())
        kept = _readings[1]
        lesson = kept.get(slug)
        if lesson is not None:
            kept.move_to_end(slug)
            return lesson
    lesson = read(slug)  # outside the lock: a query; Http404 keeps nothing
    with _lock:
        if _readings[0] == token:
            kept[slug] = lesson
            while len(kept) > READINGS_KEPT:
                kept.popitem(last=False)
    return lesson


def forget() -> None:
    """Drop this process's lists (tests clear the cache between them)."""
    global _kept, _readings
    with _lock:
        _kept = _readings = None


def _changed(**kwargs) -> None:
    content_changed()


def connect_signals() -> None:
    from lessons.models import Course, Lesson, LessonSentence, Passage, Question, Sentence, Source

    # Sentences and passages (bulk-created by a derivation, for a draft course
    # that no student sees until it is published, a save) change a reading.
    for model in (Course, Lesson, Question, LessonSentence, Sentence, Passage, Source):
        name = model.__name__.lower()
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalogue-saved-{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"catalogue-deleted-{name}")
    m2m_changed.connect(
        _changed, sender=Sentence.passages.through, dispatch_uid="catalogue-sentence-passages"
    )
