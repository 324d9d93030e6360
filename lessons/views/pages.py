import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from lessons import accounts, selectors, services
from lessons.forms import (
    CohortJoinForm,
    PasswordResetRequestForm,
    ResetMailNotSent,
    SignInForm,
    SignUpForm,
)
from lessons.views.http import HtmxHttpRequest, SignedInRequest
from quizsite.client_address import client_address
from quizsite.sign_in_admission import SIGN_INS_BUSY_CODE

logger = logging.getLogger(__name__)

RESET_NOT_SENT = "We could not send the email just now; try again later or ask your instructor."


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The catalogue: the published courses; for a signed-in learner, each with their progress."""
    catalogue = selectors.course_catalogue(learner=request.user, now=timezone.now())
    due = selectors.due_in_courses(catalogue)
    # The catalogue counted what is due, so the navigation needs no query of its own.
    context = {"catalogue": catalogue, "due_total": due, "nav_review_due": due}
    return render(request, "lessons/home.html", context)


@require_GET
def course_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A published course's lessons in order, each with the learner's progress."""
    course = selectors.course_for_learner(slug=slug, learner=request.user, now=timezone.now())
    context: dict = {"progress": course}
    if course.due_everywhere is not None:  # the navigation's count: no query of its own
        context["nav_review_due"] = course.due_everywhere
    return render(request, "lessons/course_detail.html", context)


@require_GET
def lesson_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    lesson = selectors.lesson_for_reading(slug=slug)
    unfinished = selectors.unfinished_attempt(learner=request.user, lesson=lesson)
    return render(
        request, "lessons/lesson_detail.html", {"lesson": lesson, "unfinished": unfinished}
    )


@require_http_methods(["GET", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("lessons:home")
    form = SignUpForm(request.POST or None)
    user = form.save_unless_taken() if request.method == "POST" and form.is_valid() else None
    if user is not None:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_username()}! Pick a lesson to start.")
        return redirect("lessons:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


class SignInView(auth_views.LoginView):
    """Django's sign-in page, landing each role on its own home unless a
    `next` page was asked for; the session outlasts the browser only when the
    student ticks "Keep me signed in on this device"."""

    authentication_form = SignInForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, SIGN_INS_BUSY_CODE):
            # Turned away for load, not refused: the page says to try again
            # shortly, and Retry-After says when.
            response.status_code = 503
            response["Retry-After"] = str(settings.SIGN_IN_RETRY_AFTER_SECONDS)
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # Ticked: the session lasts SESSION_COOKIE_AGE (None is that default);
        # unticked: the cookie ends with the browser (0).
        self.request.session.set_expiry(None if form.cleaned_data["remember"] else 0)
        return response

    def get_default_redirect_url(self) -> str:
        return accounts.landing_url_for(self.request.user)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request page, counted per address and email, and honest
    when the mail server fails: the form again with a plain message (503),
    never a "sent" page for an email that was not sent."""

    form_class = PasswordResetRequestForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        allowed = accounts.password_reset_allowed(
            address=client_address(self.request), email=form.cleaned_data["email"]
        )
        if not allowed:
            minutes = int(settings.PASSWORD_RESET_WINDOW.total_seconds() // 60)
            return self.refused(
                form,
                f"Too many password reset requests. Wait {minutes} minutes and try again, "
                "or ask your instructor.",
                status=429,
            )
        try:
            return super().form_valid(form)
        except ResetMailNotSent as error:
            logger.warning("password reset email not sent: %r", error.__cause__)
            return self.refused(form, RESET_NOT_SENT, status=503)

    def form_invalid(self, form: PasswordResetForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def refused(self, form: PasswordResetForm, message: str, status: int) -> HttpResponse:
        form.add_error(None, message)
        return self.render_to_response(self.get_context_data(form=form), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_join(request: SignedInRequest) -> HttpResponse:
    """A learner joins a cohort with the code their instructor gave them."""
    form = CohortJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort, joined = services.cohort_join(
                learner=request.user, code=form.cleaned_data["code"]
            )
        except services.UnknownCohortCode as error:
            form.add_error("code", str(error))
        else:
            if joined:
                messages.success(
                    request, f"You joined {cohort}. Your instructors can now see your scores."
                )
            else:
                messages.info(request, f"You are already in {cohort}: nothing has changed.")
            return redirect("lessons:progress")
    status = 400 if request.method == "POST" else 200
    return render(request, "lessons/cohort_join.html", {"form": form}, status=status)


@never_cache
@require_safe  # load balancers probe with GET or HEAD
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_GET
def favicon(request: HtmxHttpRequest) -> HttpResponse:
    # Resolved per request: the hashed static name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))
