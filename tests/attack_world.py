"""The cast and the objects the security tests aim at.

Two cohorts: X (instructor ivan, learner alice) and Y (instructor olga,
learner bob). Both follow the open lesson's course; Y also follows a course
of its own, and X a draft course. Bob owns a finished attempt with a typed answer, review cards
and a sign-in log; the site has a draft lesson and a draft question. Each
holds a marker string that must never reach someone who may not see it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client

from lessons.models import Attempt, Cohort, Course, Derivation, Lesson, Question, Response
from tests.factories import CourseFactory, LessonFactory, QuestionFactory, SourceFactory

# Strings that identify data a role must never read.
BOB_ANSWER = "bobsecretanswer"
BOB_NAME = "bob_of_cohort_y"
DRAFT_LESSON = "DRAFTLESSONMARKER"
DRAFT_QUESTION = "DRAFTQUESTIONMARKER"

ROLES = ("anonymous", "other_student", "owner", "instructor", "educator", "superuser")


@dataclass
class World:
    alice: User
    bob: User
    ivan: User
    olga: User
    edna: User
    root: User
    lesson: Lesson
    draft_lesson: Lesson
    draft_course: Course  # followed by cohort X, not published
    question: Question
    fill_blank: Question
    draft_question: Question
    hidden_question: Question  # published, but in the draft lesson
    attempt: Attempt
    response: Response
    cohort_x: Cohort
    cohort_y: Cohort
    course_y: Course  # followed by cohort Y only
    lesson_y: Lesson  # of course_y
    derivation: Derivation
    sessions: dict[str, str] = field(default_factory=dict)  # role: session key

    def user_for(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "other_student": self.alice,
            "owner": self.bob,
            "instructor": self.ivan,
            "educator": self.edna,
            "superuser": self.root,
        }[role]


def _user(username: str, *, group: str | None = None, **fields) -> User:
    # No password: hashing one with the production hasher costs a third of a
    # second, and the tests sign in with force_login.
    user = User.objects.create(username=username, **fields)
    if group:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=group))
    return user


def build_world() -> World:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    source = SourceFactory()
    lesson = LessonFactory(source=source, title="Open lesson", slug="open-lesson")
    question = QuestionFactory(lesson=lesson, position=0)
    fill_blank = QuestionFactory(
        lesson=lesson, position=1, kind=Question.Kind.FILL_BLANK, prompt="Smooth muscle is ____."
    )
    draft_question = QuestionFactory(
        lesson=lesson,
        position=2,
        status=Question.Status.DRAFT,
        prompt=f"{DRAFT_QUESTION} which is it?",
        explanation=f"{DRAFT_QUESTION} explained.",
    )
    draft_lesson = LessonFactory(
        source=source, title=f"{DRAFT_LESSON} lesson", slug="draft-lesson", published=False
    )
    hidden_question = QuestionFactory(lesson=draft_lesson, prompt=f"{DRAFT_LESSON} question?")
    draft_course = CourseFactory(
        title=f"{DRAFT_LESSON} course", slug="draft-course", status=Course.Status.DRAFT
    )

    alice = _user("alice")
    bob = _user(BOB_NAME, email="bob@example.org")
    ivan = _user("ivan", group="Instructors")
    olga = _user("olga", group="Instructors")
    edna = _user("edna", group="Educators")
    root = _user("root", is_staff=True, is_superuser=True)

    cohort_x = Cohort.objects.create(name="Cohort X")
    cohort_x.instructors.add(ivan)
    cohort_x.learners.add(alice)
    cohort_y = Cohort.objects.create(name="Cohort Y")
    cohort_y.instructors.add(olga)
    cohort_y.learners.add(bob)
    course_y = CourseFactory(title="Course of Y", slug="course-of-y")
    lesson_y = LessonFactory(course=course_y, title="Y's lesson", slug="y-lesson")
    QuestionFactory(lesson=lesson_y)
    cohort_x.courses.add(lesson.course, draft_course)
    cohort_y.courses.add(lesson.course, course_y)

    attempt = _bob_takes_the_quiz(bob, lesson, question, fill_blank)
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
        model.objects.create(
            username=BOB_NAME,
            ip_address="127.0.0.9",
            user_agent="test",
            path_info="/accounts/login/",
            **(extra if model is AccessAttempt else {}),
        )
    derivation = Derivation.objects.create(title="A derivation", text="Text.", created_by=edna)
    return World(
        alice=alice,
        bob=bob,
        ivan=ivan,
        olga=olga,
        edna=edna,
        root=root,
        lesson=lesson,
        draft_lesson=draft_lesson,
        draft_course=draft_course,
        question=question,
        fill_blank=fill_blank,
        draft_question=draft_question,
        hidden_question=hidden_question,
        attempt=attempt,
        response=attempt.responses.get(question=fill_blank),
        cohort_x=cohort_x,
        cohort_y=cohort_y,
        course_y=course_y,
        lesson_y=lesson_y,
        derivation=derivation,
    )


def _bob_takes_the_quiz(bob, lesson, question, fill_blank) -> Attempt:
    from lessons import selectors, services

    attempt, _ = services.attempt_start(learner=bob, lesson=lesson)
    for qid in attempt.question_ids:
        data = selectors.question_data(qid)
        if qid == fill_blank.pk:
            given = {"text": BOB_ANSWER}
        else:
            right = next(c.id for c in data.choices if c.is_correct)
            given = {"choice_values": [str(right)]}
        services.response_record(
            learner=bob, attempt_id=attempt.pk, question_id=qid, time_taken=None, **given
        )
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


@contextmanager
def world_for_module(django_db_blocker) -> Iterator[World]:
    """The world built once for a test module, inside a transaction rolled back
    after the module; each test runs in a savepoint of its own within it. Each
    role signs in once here; a test reuses that session (World.sessions)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        for role in ROLES:
            if user := world.user_for(role):
                signed_in = Client()
                signed_in.force_login(user)
                world.sessions[role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)


def sign_in(client: Client, world: World, role: str) -> Client:
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client
