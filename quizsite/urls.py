from django.contrib import admin
from django.urls import include, path

from lessons.views import pages

urlpatterns = [
    path("", include("lessons.urls")),
    path("accounts/signup/", pages.signup, name="signup"),
    path("accounts/login/", pages.SignInView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        pages.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", pages.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", pages.favicon),
]

# A database outage met outside a view (the session, say) gets the 503 page too.
handler500 = "quizsite.resilience.server_error"
