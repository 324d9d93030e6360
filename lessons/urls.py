from django.urls import path

from lessons.views import instructor, pages, quiz

# Reversed as "lessons:<name>"; the project-level names (login, signup, the auth views) stay bare.
app_name = "lessons"

urlpatterns = [
    path("", pages.home, name="home"),
    path("courses/<slug:slug>/", pages.course_detail, name="course_detail"),
    path("lessons/<slug:slug>/", pages.lesson_detail, name="lesson_detail"),
    path("lessons/<slug:slug>/quiz/", quiz.quiz_start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", quiz.attempt_detail, name="attempt_detail"),
    path(
        "attempts/<int:attempt_id>/questions/<int:question_id>/",
        quiz.attempt_question,
        name="attempt_question",
    ),
    path(
        "attempts/<int:attempt_id>/questions/<int:question_id>/answer",
        quiz.quiz_answer,
        name="quiz_answer",
    ),
    path("attempts/<int:attempt_id>/results/", quiz.attempt_results, name="attempt_results"),
    path("attempts/<int:attempt_id>/retry/", quiz.attempt_retry, name="attempt_retry"),
    path("progress/", quiz.progress, name="progress"),
    path("review/", quiz.review, name="review"),
    path("review/feedback/", quiz.review_feedback, name="review_feedback"),
    path("review/<int:question_id>/answer", quiz.review_answer, name="review_answer"),
    path("cohorts/join/", pages.cohort_join, name="cohort_join"),
    path("instructor/", instructor.instructor_home, name="instructor_home"),
    path(
        "instructor/cohorts/<int:cohort_id>/",
        instructor.instructor_cohort,
        name="instructor_cohort",
    ),
    path(
        "instructor/cohorts/<int:cohort_id>/learners/<int:learner_id>/",
        instructor.instructor_learner,
        name="instructor_learner",
    ),
    path(
        "instructor/cohorts/<int:cohort_id>/lessons/<slug:slug>/",
        instructor.instructor_lesson,
        name="instructor_lesson",
    ),
    path(
        "instructor/cohorts/<int:cohort_id>/scores.csv",
        instructor.instructor_scores_csv,
        name="instructor_scores_csv",
    ),
    path(
        "instructor/cohorts/<int:cohort_id>/responses.csv",
        instructor.instructor_responses_csv,
        name="instructor_responses_csv",
    ),
]
