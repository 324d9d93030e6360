from django.urls import path

from lessons import views, views_instructor, views_quiz

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<slug:slug>/quiz/", views_quiz.quiz_start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", views_quiz.attempt_detail, name="attempt_detail"),
    path(
        "attempts/<int:attempt_id>/questions/<int:question_id>/",
        views_quiz.attempt_question,
        name="attempt_question",
    ),
    path(
        "attempts/<int:attempt_id>/questions/<int:question_id>/answer",
        views_quiz.quiz_answer,
        name="quiz_answer",
    ),
    path("attempts/<int:attempt_id>/results/", views_quiz.attempt_results, name="attempt_results"),
    path("attempts/<int:attempt_id>/retry/", views_quiz.attempt_retry, name="attempt_retry"),
    path("progress/", views_quiz.progress, name="progress"),
    path("review/", views_quiz.review, name="review"),
    path("review/feedback/", views_quiz.review_feedback, name="review_feedback"),
    path("review/<int:question_id>/answer", views_quiz.review_answer, name="review_answer"),
    path("cohorts/join/", views.cohort_join, name="cohort_join"),
    path("instructor/", views_instructor.instructor_home, name="instructor_home"),
    path(
        "instructor/cohorts/<int:cohort_id>/",
        views_instructor.instructor_cohort,
        name="instructor_cohort",
    ),
    path(
        "instructor/cohorts/<int:cohort_id>/learners/<int:learner_id>/",
        views_instructor.instructor_learner,
        name="instructor_learner",
    ),
    path(
        "instructor/cohorts/<int:cohort_id>/lessons/<slug:slug>/",
        views_instructor.instructor_lesson,
        name="instructor_lesson",
    ),
    path(
        "instructor/cohorts/<int:cohort_id>/scores.csv",
        views_instructor.instructor_scores_csv,
        name="instructor_scores_csv",
    ),
    path(
        "instructor/cohorts/<int:cohort_id>/responses.csv",
        views_instructor.instructor_responses_csv,
        name="instructor_responses_csv",
    ),
]
