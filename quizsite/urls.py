from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lessons import views as lesson_views
from lessons.forms import SignInForm

urlpatterns = [
    path("", include("lessons.urls")),
    path("accounts/signup/", lesson_views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        lesson_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", lesson_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", lesson_views.favicon),
]

# A database outage met outside a view (the session, say) gets the 503 page too.
handler500 = "quizsite.resilience.server_error"
