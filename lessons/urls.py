from django.urls import path

from lessons import views, views_quiz

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
]
