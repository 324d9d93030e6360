"""Writes: every change to learners' data goes through one of these functions,
each in one transaction."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, F, Max, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from lessons import catalogue, gift, item_tallies, scheduling, scoring, sequencing
from lessons.grading import (
    InvalidAnswer,
    QuestionData,
    Result,
    Submission,
    grade,
    parse_submission,
)
from lessons.models import (
    AcceptedAnswer,
    Attempt,
    Choice,
    Cohort,
    Course,
    Lesson,
    LessonScore,
    Question,
    QuestionVersion,
    Response,
    ResponseChoice,
    Review,
    ReviewCard,
    Sentence,
)
from lessons.selectors import (
    Feedback,
    answer_terms_remember,
    asked_question,
    feedback_on,
    questions_data,
)
from lessons.text import best_matching_sentence

ATTEMPT_FINISHED = "This attempt is already finished; its answers can no longer change."
NOT_IN_ATTEMPT = "That question is not part of this attempt."
QUESTION_WITHDRAWN = (
    "A question of this quiz was withdrawn by its educator; the quiz goes on without it."
)
# A page left open overnight says nothing about how hard a question was.
MAX_TIME_TAKEN = timedelta(minutes=30)


class QuizError(Exception):
    """A request the quiz cannot honour; the message is shown to the learner."""

    status = 400


class AttemptNotFound(QuizError):
    """No such attempt, or another learner's: the same 404 either way."""

    status = 404


class NotInAttempt(QuizError):
    status = 404


class QuestionWithdrawn(QuizError):
    """An educator deleted the question, or unpublished it before it was answered."""

    status = 409

    def __init__(self, message: str, *, attempt: Attempt) -> None:
        super().__init__(message)
        self.attempt = attempt


class AnswerRefused(QuizError):
    """An answer the attempt cannot take. It carries the attempt and the question
    so that the form can be shown again with the message."""

    status = 400

    def __init__(self, message: str, *, attempt: Attempt, question: QuestionData) -> None:
        super().__init__(message)
        self.attempt, self.question = attempt, question


class AttemptFinished(AnswerRefused):
    status = 409


class NothingToAsk(QuizError):
    status = 409


@dataclass(frozen=True)
class Recorded:
    """An answer as stored (this one, or the first one on a replay) and the
    attempt as it stands after it."""

    attempt: Attempt
    feedback: Feedback
    created: bool
    # The attempt's questions answered so far, this one included: what its
    # feedback may show (masking) depends on those still ahead.
    answered: frozenset[int] = frozenset()

    @property
    def question(self) -> QuestionData:
        return self.feedback.question

    @property
    def response(self) -> Response:
        answered = self.feedback.response
        assert isinstance(answered, Response)  # an attempt's answer, never a review
        return answered

    @property
    def result(self) -> Result:
        return self.feedback.result


def _clamp(time_taken: timedelta | None) -> timedelta | None:
    if time_taken is None:
        return None
    return max(timedelta(0), min(time_taken, MAX_TIME_TAKEN))


@transaction.atomic
def attempt_start(*, learner: User, lesson: Lesson) -> tuple[Attempt, bool]:
    """Resume the learner's unfinished attempt at the lesson, or start one with
    all its published questions. Returns the attempt and whether it is new."""
    existing = Attempt.objects.filter(learner=learner, lesson=lesson, finished_at=None).first()
    if existing:
        return existing, False
    question_ids = list(lesson.questions.published().values_list("pk", flat=True))
    return _attempt_create(learner=learner, lesson=lesson, question_ids=question_ids)


@transaction.atomic
def attempt_retry_missed(*, learner: User, attempt: Attempt) -> tuple[Attempt, bool]:
    """A short attempt of just the questions missed in a finished attempt (or
    the unfinished attempt at the same lesson, which must be finished first)."""
    existing = Attempt.objects.filter(
        learner=learner, lesson_id=attempt.lesson_id, finished_at=None
    ).first()
    if existing:
        return existing, False
    missed = set(
        attempt.responses.filter(
            is_correct=False, question__status=Question.Status.PUBLISHED
        ).values_list("question_id", flat=True)
    )
    question_ids = [qid for qid in attempt.question_ids if qid in missed]
    return _attempt_create(
        learner=learner, lesson=attempt.lesson, question_ids=question_ids, is_retry=True
    )


def _attempt_create(
    *, learner, lesson: Lesson, question_ids: list[int], is_retry: bool = False
) -> tuple[Attempt, bool]:
    """An attempt at the questions, in the order sequencing.attempt_order
    gives for a new seed: spread by sentence and shuffled, a retry as much
    as a first attempt."""
    if not question_ids:
        raise NothingToAsk("There are no questions to ask here.")
    seed = random.SystemRandom().randrange(2**31)
    questions = questions_data(question_ids)
    ordered = sequencing.attempt_order(questions, seed=seed)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                learner=learner,
                lesson=lesson,
                question_ids=ordered,
                seed=seed,
                is_retry=is_retry,
            )
    except IntegrityError:
        # Two tabs pressed "Start quiz" at once: the other one won; resume it.
        return Attempt.objects.get(learner=learner, lesson=lesson, finished_at=None), False
    # The row the answer service keeps current; made here so answers only update it.
    LessonScore.objects.get_or_create(learner=learner, lesson=lesson)
    # Read for the order just above, so the answer's feedback need not read them.
    answer_terms_remember(attempt, questions)
    return attempt, True


@transaction.atomic
def response_record(
    *,
    learner: User,
    attempt_id: int,
    question_id: int,
    choice_values: Sequence[str] = (),
    text: str | None = None,
    time_taken: timedelta | None,
) -> Recorded:
    """Check, grade and store a learner's answer (the form's raw values), once.

    A replay (double click, second tab, back button) returns the first answer
    unchanged, whatever this one says. Finishing the last question finishes
    the attempt. Raises AttemptNotFound, NotInAttempt, QuestionWithdrawn, or
    AnswerRefused (AttemptFinished) for an answer it cannot take."""
    # The one read of the attempt, locked so that concurrent submissions for it
    # run one at a time: the later one then finds the earlier one's response.
    # Only the attempt's row is locked, not its lesson's.
    try:
        attempt = (
            Attempt.objects.reachable()
            .select_for_update(of=("self",))
            .select_related("lesson__course")
            .get(pk=attempt_id, learner=learner)
        )
    except Attempt.DoesNotExist:
        raise AttemptNotFound("No such attempt.") from None
    if question_id not in attempt.question_ids:
        raise NotInAttempt(NOT_IN_ATTEMPT)
    asked = asked_question(attempt, question_id)
    if asked is None:
        raise QuestionWithdrawn(QUESTION_WITHDRAWN, attempt=attempt)
    if asked.feedback:
        return Recorded(attempt, asked.feedback, created=False, answered=asked.answered)
    question = asked.question
    try:
        submission = parse_submission(question, choice_values=list(choice_values), text=text)
    except InvalidAnswer as error:
        raise AnswerRefused(str(error), attempt=attempt, question=question) from None
    if attempt.is_finished:
        raise AttemptFinished(ATTEMPT_FINISHED, attempt=attempt, question=question)

    result = grade(question, submission)
    now = timezone.now()
    time_taken = _clamp(time_taken)
    response = Response.objects.create(
        attempt=attempt,
        question_id=question.id,
        answer=submission.as_json(),
        is_correct=result.is_correct,
        time_taken=time_taken,
        question_version=question_version_for(question_id=question.id, content=question.snapshot()),
    )
    if submission.choice_ids:
        ResponseChoice.objects.bulk_create(
            ResponseChoice(response=response, choice_id=choice_id, attempt_id=attempt.pk)
            for choice_id in sorted(submission.choice_ids)
        )
    # Under the lock the row read above is current, so the new counts are
    # computed once, here, and written as they are.
    attempt.answered_count += 1
    attempt.correct_count += int(result.is_correct)
    if attempt.answered_count >= attempt.question_count:
        attempt.finished_at = now
        attempt.score = attempt.correct_count / attempt.question_count
    attempt.save(update_fields=["answered_count", "correct_count", "finished_at", "score"])
    # The item analysis tallies change only when an attempt finishes: the rest
    # of its score, which discrimination needs, is known only then.
    finishing = item_tallies.AttemptFinishing(attempt) if attempt.is_finished else None
    _lesson_score_update(
        attempt=attempt,
        when=now,
        score=attempt.score
        if attempt.is_finished and scoring.counts_towards_scores(attempt)
        else None,
    )
    if finishing:
        finishing.record()
    _card_review(
        learner_id=attempt.learner_id,
        question_id=question.id,
        is_correct=result.is_correct,
        time_taken=time_taken,
        when=now,
    )
    return Recorded(
        attempt,
        Feedback(question, response, result),
        created=True,
        answered=asked.answered | {question.id},
    )


# (question id, content digest) -> QuestionVersion id, for this process: the
# answer path then finds an unedited question's version without a statement.
# Filled only once the transaction that read or made the row has committed, so
# it never holds the id of a row rolled back. Bounded: emptied when full.
_known_versions: dict[tuple[int, str], int] = {}
KNOWN_VERSIONS_MAX = 20_000


def question_version_for(*, question_id: int, content: dict) -> QuestionVersion:
    """The stored version of the question with this content (what
    QuestionData.snapshot() gives), made if none is stored yet: the first
    answer after an edit makes it, every later answer to the same content
    shares it. Call it inside the answer's transaction. No statement when this
    process has seen the version already, else one (a read) or two (the read
    and the insert)."""
    digest = QuestionVersion.digest_of(content)
    key = (question_id, digest)
    version_id = _known_versions.get(key)
    if version_id is not None:
        # The content is the caller's and equal to the stored one: no need to read it.
        return QuestionVersion(
            pk=version_id, question_id=question_id, digest=digest, content=content
        )
    version = QuestionVersion.objects.filter(question_id=question_id, digest=digest).first()
    if version is None:
        # INSERT ... ON CONFLICT: a concurrent answer that made the row first
        # gives this one its id, and the "update" rewrites the same content
        # (the digest is of it). get_or_create took a savepoint around the
        # insert instead, three statements where this takes one.
        (version,) = QuestionVersion.objects.bulk_create(
            [QuestionVersion(question_id=question_id, digest=digest, content=content)],
            update_conflicts=True,
            unique_fields=["question", "digest"],
            update_fields=["content"],
        )
    transaction.on_commit(lambda: _version_remember(key, version.pk))
    return version


def _version_remember(key: tuple[int, str], version_id: int) -> None:
    if len(_known_versions) >= KNOWN_VERSIONS_MAX:
        _known_versions.clear()
    _known_versions[key] = version_id


def question_versions_forget() -> None:
    """Forget the versions this process has seen (tests, whose rows and ids
    come and go between them)."""
    _known_versions.clear()


@transaction.atomic
def attempt_questions_withdraw(*, attempt: Attempt) -> Attempt | None:
    """Drop from an unfinished attempt the questions it has not answered that an
    educator has since deleted or unpublished, so the attempt goes on with
    what remains; its score counts what remains. An attempt left with every
    question answered is finished; one left with no question at all (nothing
    answered, so nothing is lost) is removed, and None is returned."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if locked.is_finished:
        return locked
    answered = set(locked.responses.values_list("question_id", flat=True))
    still_asked = set(
        Question.objects.published()
        .filter(pk__in=[qid for qid in locked.question_ids if qid not in answered])
        .values_list("pk", flat=True)
    )
    kept = [qid for qid in locked.question_ids if qid in answered or qid in still_asked]
    if not kept:
        locked.delete()
        return None
    locked.question_ids = kept
    update_fields = ["question_ids"]
    if answered.issuperset(kept):
        locked.finished_at = timezone.now()
        locked.score = locked.correct_count / len(kept)
        update_fields += ["finished_at", "score"]
        locked.save(update_fields=update_fields)
        finishing = item_tallies.AttemptFinishing(locked)
        _lesson_score_update(
            attempt=locked,
            when=locked.finished_at,
            score=locked.score if scoring.counts_towards_scores(locked) else None,
        )
        finishing.record()
        return locked
    locked.save(update_fields=update_fields)
    return locked


def _lesson_score_update(*, attempt: Attempt, when, score: float | None) -> None:
    """Note the activity and, when a full attempt finishes, its score (best,
    latest and attempts as lessons.scoring defines them): one UPDATE whose
    right-hand sides all read the row as it was."""
    scores = LessonScore.objects.filter(learner_id=attempt.learner_id, lesson_id=attempt.lesson_id)
    if score is None:
        scores.update(last_activity=when)
        return
    improves = Q(best_score__isnull=True) | Q(best_score__lt=score)
    attempt_id = Value(attempt.pk, output_field=BigIntegerField())
    scores.update(
        last_activity=when,
        attempts=F("attempts") + 1,
        latest_score=score,
        latest_attempt_id=attempt.pk,
        first_attempt_id=Coalesce(F("first_attempt_id"), attempt_id),
        best_attempt_id=Case(
            When(improves, then=attempt_id),
            default=F("best_attempt_id"),
            output_field=BigIntegerField(),
        ),
        best_score=Case(When(improves, then=Value(score)), default=F("best_score")),
    )


def _card_review(
    *, learner_id: int, question_id: int, is_correct: bool, time_taken: timedelta | None, when
) -> ReviewCard:
    card = (
        ReviewCard.objects.select_for_update()
        .filter(learner_id=learner_id, question_id=question_id)
        .first()
    )
    # A new card cannot race: it is only made here, under the lock of the one
    # unfinished attempt the learner can have at the question's lesson.
    is_new = card is None
    if card is None:
        card = ReviewCard(learner_id=learner_id, question_id=question_id, due=when)
    rating = scheduling.rating_for(is_correct=is_correct, time_taken=time_taken)
    scheduling.review(card, rating=rating, when=when, is_correct=is_correct)
    card.save(force_insert=is_new)
    return card


def lesson_content_changed(*, lesson_id: int) -> None:
    """Call after any change to a lesson's questions, choices or answers: the
    new content version retires every cached copy, on every app server."""
    Lesson.objects.filter(pk=lesson_id).update(content_version=F("content_version") + 1)
    catalogue.content_changed()  # the lesson's number of published questions may differ


class CourseNotReady(Exception):
    """A course that cannot go live yet; `problems` says what to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@transaction.atomic
def course_publish(*, course: Course) -> Course:
    """Publish a course whose published lessons are ready (see
    Course.publication_problems), so students see them; else raise CourseNotReady."""
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if problems := locked.publication_problems():
        raise CourseNotReady(problems)
    locked.status = Course.Status.PUBLISHED
    locked.save(update_fields=["status"])
    return locked


def course_unpublish(*, course: Course) -> None:
    """Take a course back to draft: its lessons leave the students' pages at once."""
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    catalogue.content_changed()


@dataclass(frozen=True)
class Reviewed:
    review: Review
    result: Result
    created: bool
    card: ReviewCard


@transaction.atomic
def review_record(
    *,
    learner: User,
    question: QuestionData,
    submission: Submission,
    card_review_number: int,
    time_taken: timedelta | None,
) -> Reviewed:
    """Grade an answer from the review queue and reschedule the card.

    `card_review_number` is the card's review count when the question was
    shown; a replay of the same form finds the review it already made."""
    card = (
        ReviewCard.objects.reachable()
        .select_for_update(of=("self",))
        .filter(learner=learner, question_id=question.id)
        .first()
    )
    if card is None:
        raise NotInAttempt("This question is not in your review queue.")
    stored = Review.objects.filter(
        learner=learner, question_id=question.id, card_review_number=card_review_number
    ).first()
    if stored:
        return Reviewed(stored, feedback_on(stored, question).result, False, card)
    if card_review_number != card.reviews:
        raise QuizError("This review is out of date: it was answered elsewhere.")

    result = grade(question, submission)
    now = timezone.now()
    time_taken = _clamp(time_taken)
    rating = scheduling.rating_for(is_correct=result.is_correct, time_taken=time_taken)
    review = Review.objects.create(
        learner=learner,
        question_id=question.id,
        answer=submission.as_json(),
        is_correct=result.is_correct,
        rating=int(rating),
        time_taken=time_taken,
        card_review_number=card_review_number,
    )
    scheduling.review(card, rating=rating, when=now, is_correct=result.is_correct)
    card.save()
    if question.lesson_id is not None:  # a question read from the database has its lesson
        LessonScore.objects.filter(learner=learner, lesson_id=question.lesson_id).update(
            last_activity=now
        )
    return Reviewed(review, result, True, card)


class UnknownCohortCode(QuizError):
    status = 400


def cohort_join(*, learner: User, code: str) -> tuple[Cohort, bool]:
    """Add the learner to the cohort with this join code, and whether they
    joined now (False: they were in it already; again is harmless)."""
    cohort = Cohort.objects.filter(code=code.strip().upper()).first()
    if cohort is None:
        raise UnknownCohortCode("No cohort has that code. Check it with your instructor.")
    already = cohort.learners.filter(pk=learner.pk).exists()
    cohort.learners.add(learner)
    return cohort, not already


def cohort_learners_change(*, cohort: Cohort, add: list, remove: list) -> None:
    """Add and remove learners of a cohort by hand (the admin's way in beside
    the join code); adding a member or removing a stranger is harmless."""
    with transaction.atomic():
        cohort.learners.add(*add)
        cohort.learners.remove(*remove)


# ------------------------------------------------------------ educators' content


def question_fingerprint(
    *, kind: str, prompt: str, explanation: str, choices: Iterable, accepted: Iterable[str]
) -> str:
    """A digest of what a learner sees of a question: equal digests mean unedited.
    Choices are (text, is_correct) pairs; their order and spacing do not count."""
    content = {
        "kind": kind,
        "prompt": prompt.strip(),
        "explanation": explanation.strip(),
        "choices": sorted((c[0].strip(), bool(c[1])) for c in choices),
        "accepted": sorted(a.strip() for a in accepted),
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


FINGERPRINT_BATCH = 500


def question_fingerprints_refresh(*, question_ids: Iterable[int]) -> None:
    """Call after any write to questions' kind, prompt, explanation, choices or
    accepted answers. Storing the digest at write time lets the derivation
    quality figures be one aggregate, instead of reading back every derived
    question with its answers on each admin page."""
    ids = list(question_ids)
    for start in range(0, len(ids), FINGERPRINT_BATCH):
        questions = (
            Question.objects.filter(pk__in=ids[start : start + FINGERPRINT_BATCH])
            .only("kind", "prompt", "explanation", "fingerprint")
            .prefetch_related("choices", "accepted_answers")
        )
        stale = []
        for question in questions:
            current = question_fingerprint(
                kind=question.kind,
                prompt=question.prompt,
                explanation=question.explanation,
                choices=[(c.text, c.is_correct) for c in question.choices.all()],
                accepted=[a.text for a in question.accepted_answers.all()],
            )
            if current != question.fingerprint:
                question.fingerprint = current
                stale.append(question)
        Question.objects.bulk_update(stale, ["fingerprint"])


@dataclass(frozen=True)
class BulkOutcome:
    changed: list[Question]
    refused: list[tuple[Question, str]]


def _lessons_changed(questions) -> None:
    for lesson_id in {q.lesson_id for q in questions}:
        lesson_content_changed(lesson_id=lesson_id)


@transaction.atomic
def questions_publish(*, questions) -> BulkOutcome:
    """Publish every question that passes validation; name the others and why."""
    changed, refused = [], []
    for question in questions:
        question.status = Question.Status.PUBLISHED
        try:
            question.full_clean_with_answers()
        except ValidationError as error:
            refused.append((question, _message(error)))
            continue
        question.save(update_fields=["status", "updated_at"])
        changed.append(question)
    _lessons_changed(changed)
    return BulkOutcome(changed, refused)


@transaction.atomic
def questions_unpublish(*, questions) -> BulkOutcome:
    changed = list(questions)
    Question.objects.filter(pk__in=[q.pk for q in changed]).update(
        status=Question.Status.DRAFT, updated_at=timezone.now()
    )
    _lessons_changed(changed)
    return BulkOutcome(changed, [])


@transaction.atomic
def question_duplicate(*, question: Question) -> Question:
    """A draft copy with the same choices or accepted answers, placed last."""
    choices = list(question.choices.all())
    accepted = list(question.accepted_answers.all())
    copy = Question.objects.get(pk=question.pk)
    copy.pk = None
    copy.status = Question.Status.DRAFT
    copy.origin = Question.Origin.AUTHORED
    copy.position = _next_position(question.lesson_id)
    # The copy keeps the original's fingerprint: it gets the same content below.
    copy.save()
    _answers_create(
        copy,
        choices=[(c.text, c.is_correct, c.feedback) for c in choices],
        accepted=[a.text for a in accepted],
    )
    lesson_content_changed(lesson_id=copy.lesson_id)
    return copy


@transaction.atomic
def questions_move(*, questions, lesson: Lesson) -> BulkOutcome:
    """Move questions to another lesson, after the ones it has. A question whose
    source sentence is from another text than the lesson's cannot follow it."""
    changed, refused = [], []
    position = _next_position(lesson.pk)
    old_lessons = {q.lesson_id for q in questions}
    for question in questions:
        if question.provenance_id and question.provenance.source_id != lesson.source_id:
            refused.append((question, "its source sentence is from another text than the lesson"))
            continue
        question.lesson = lesson
        question.position = position
        position += 1
        question.save(update_fields=["lesson", "position", "updated_at"])
        changed.append(question)
    for lesson_id in old_lessons | {lesson.pk}:
        lesson_content_changed(lesson_id=lesson_id)
    return BulkOutcome(changed, refused)


def _answers_create(question: Question, *, choices, accepted) -> None:
    """Choices as (text, is_correct, feedback) in order, and accepted answers."""
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=correct, feedback=feedback, position=i)
        for i, (text, correct, feedback) in enumerate(choices)
    )
    AcceptedAnswer.objects.bulk_create(AcceptedAnswer(question=question, text=a) for a in accepted)


def _next_position(lesson_id: int) -> int:
    last = Question.objects.filter(lesson_id=lesson_id).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


def _message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return " ".join(error.messages)


@dataclass(frozen=True)
class GiftImported:
    """What an import made, and how many of the file's questions the lesson
    already had (same kind, prompt and answers) and so were not made again."""

    created: list[Question]
    skipped: int


def _same_question_key(
    *, kind: str, prompt: str, choices: Iterable, accepted: Iterable[str]
) -> str:
    # The fingerprint without the explanation: a question whose explanation an
    # educator has since improved is still the one the file holds.
    return question_fingerprint(
        kind=kind, prompt=prompt, explanation="", choices=choices, accepted=accepted
    )


def _lesson_question_keys(lesson: Lesson) -> set[str]:
    questions = (
        Question.objects.filter(lesson=lesson)
        .only("kind", "prompt")
        .prefetch_related("choices", "accepted_answers")
    )
    return {
        _same_question_key(
            kind=q.kind,
            prompt=q.prompt,
            choices=[(c.text, c.is_correct) for c in q.choices.all()],
            accepted=[a.text for a in q.accepted_answers.all()],
        )
        for q in questions
    }


def _provenance_query(item: gift.ParsedQuestion) -> str:
    """What a question says of the text: its prompt with the blank filled, and
    its right answers (a true/false's "True" says nothing of the text)."""
    answers = list(item.accepted_answers)
    if item.kind != Question.Kind.TRUE_FALSE:
        answers += [c.text for c in item.choices if c.is_correct]
    # Words are compared as sets, so the answer filling the blank may repeat.
    return " ".join([item.prompt.replace(Question.BLANK, answers[0] if answers else ""), *answers])


@transaction.atomic
def gift_import(*, lesson: Lesson, text: str) -> GiftImported:
    """Import the questions of a GIFT file into the lesson as drafts, or none:
    a file with any bad question raises GiftSyntaxError naming each line.

    A question the lesson already has is skipped, so importing a file twice
    doubles nothing. Each new one gets the sentence of the lesson's text that
    best matches it as a suggested provenance, for an educator to confirm."""
    parsed = gift.parse_gift(text)
    known = _lesson_question_keys(lesson)
    sentences = dict(
        Sentence.objects.filter(source_id=lesson.source_id, is_noise=False).values_list(
            "pk", "text"
        )
    )
    position = _next_position(lesson.pk)
    created: list[Question] = []
    skipped = 0
    for item in parsed:
        choices = [(c.text, c.is_correct) for c in item.choices]
        key = _same_question_key(
            kind=item.kind, prompt=item.prompt, choices=choices, accepted=item.accepted_answers
        )
        if key in known:
            skipped += 1
            continue
        known.add(key)
        question = Question.objects.create(
            lesson=lesson,
            kind=item.kind,
            prompt=item.prompt,
            explanation=item.explanation,
            status=Question.Status.DRAFT,
            origin=Question.Origin.AUTHORED,
            position=position + len(created),
            suggested_provenance_id=best_matching_sentence(_provenance_query(item), sentences),
            fingerprint=question_fingerprint(
                kind=item.kind,
                prompt=item.prompt,
                explanation=item.explanation,
                choices=choices,
                accepted=item.accepted_answers,
            ),
        )
        _answers_create(
            question,
            choices=[(c.text, c.is_correct, c.feedback) for c in item.choices],
            accepted=item.accepted_answers,
        )
        created.append(question)
    if created:
        lesson_content_changed(lesson_id=lesson.pk)
    return GiftImported(created, skipped)


@transaction.atomic
def questions_confirm_suggestion(*, questions) -> BulkOutcome:
    """Make each question's suggested sentence its provenance, cited from the
    first passage it stands in. A question with no suggestion is left as it is."""
    changed, refused = [], []
    for question in questions:
        sentence = question.suggested_provenance
        if sentence is None:
            refused.append((question, "it has no suggested sentence"))
            continue
        if sentence.source_id != question.lesson.source_id:
            refused.append(
                (question, "the suggested sentence is from another text than the lesson")
            )
            continue
        question.provenance = sentence
        question.provenance_passage = sentence.passages.order_by("position").first()
        question.suggested_provenance = None
        question.save(
            update_fields=["provenance", "provenance_passage", "suggested_provenance", "updated_at"]
        )
        changed.append(question)
    _lessons_changed(changed)
    return BulkOutcome(changed, refused)
