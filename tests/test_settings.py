"""Production settings come from the environment and pass Django's deploy checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Variables the settings read, so a test starts from production defaults and
# says which of them it sets. TESTING (and pytest being imported) would give
# the test defaults instead.
_SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "TESTING",
    "TASKS_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DB_STATEMENT_TIMEOUT_MS",
    "DB_WORKER_STATEMENT_TIMEOUT_MS",
)


def _production_environment(**env: str) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in _SETTINGS_VARIABLES and not name.startswith("EMAIL_")
    }
    return {**inherited, "DJANGO_SETTINGS_MODULE": "quizsite.settings", **env}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_production_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def in_fresh_process(expressions: dict[str, str], *, argv: list[str] | None = None, **env: str):
    """Evaluate each expression in a new Python process whose settings come
    from env (on top of production defaults), and return their values by name.

    The expressions see `settings` and a test `Client`. argv is what the
    process looks like it was started as, for settings that depend on it."""
    code = (
        "import json, sys\n"
        f"sys.argv = {argv or ['python']!r}\n"
        "import django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        f"expressions = {expressions!r}\n"
        "print(json.dumps({name: eval(expression) for name, expression in expressions.items()}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # Settings may log to stdout while loading; the values are the last line.
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_passes_with_production_values():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "production-secret-from-the-environment-0123456789",
        ALLOWED_HOSTS="quiz.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgres://postgres@127.0.0.1:5432/quizsite", "django.db.backends.postgresql"),
        ("", "django.db.backends.sqlite3"),
    ],
)
def test_the_database_is_chosen_by_database_url(url, engine):
    chosen = in_fresh_process(
        {"engine": "settings.DATABASES['default']['ENGINE']"}, DEBUG="1", DATABASE_URL=url
    )
    assert chosen["engine"] == engine


@pytest.mark.parametrize(
    ("debug", "backend"),
    [
        ("", "django_tasks_db.DatabaseBackend"),
        ("1", "django.tasks.backends.immediate.ImmediateBackend"),
    ],
)
def test_production_derives_in_a_background_worker_and_a_laptop_in_the_request(debug, backend):
    tasks = in_fresh_process(
        {"backend": "settings.TASKS['default']['BACKEND']"}, DEBUG=debug, SECRET_KEY="k" * 50
    )
    assert tasks["backend"] == backend


def test_with_production_defaults_a_plain_http_health_check_is_answered_not_redirected():
    # Load balancers check health over plain HTTP; everything else goes to HTTPS.
    answers = in_fresh_process(
        {
            "health": "Client().get('/healthz').status_code",
            "home": "Client().get('/').status_code",
            "home_location": "Client().get('/')['Location']",
        },
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="testserver",
    )
    # 503 is an answer too: the check reports a database the subprocess cannot reach.
    assert answers["health"] in {200, 503}
    assert answers["home"] == 301
    assert answers["home_location"] == "https://testserver/"


def mailer_settings(**env):
    return in_fresh_process({"mailer": "settings.MAILERS['default']"}, SECRET_KEY="k" * 50, **env)[
        "mailer"
    ]


def test_email_is_sent_through_the_smtp_server_the_environment_names():
    mailer = mailer_settings(
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="quiz",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="1",
    )
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.example.org",
        "port": 2525,
        "username": "quiz",
        "password": "secret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 10.0,
    }


def test_a_laptop_without_a_mail_server_prints_mail_and_production_uses_smtp():
    assert mailer_settings(DEBUG="1")["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    production = mailer_settings()
    assert production["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert production["OPTIONS"]["host"] == "localhost"


@pytest.mark.django_db
def test_postgresql_cancels_a_web_requests_statement_after_the_configured_time():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["gunicorn"], {}, "-c jit=off -c statement_timeout=30000"),
        (["gunicorn"], {"DB_STATEMENT_TIMEOUT_MS": "5000"}, "-c jit=off -c statement_timeout=5000"),
        (["manage.py", "runserver"], {}, "-c jit=off -c statement_timeout=30000"),
        # The task worker writes a whole derivation in one transaction.
        (["manage.py", "db_worker"], {}, "-c jit=off -c statement_timeout=600000"),
        (
            ["manage.py", "db_worker"],
            {"DB_WORKER_STATEMENT_TIMEOUT_MS": "900000"},
            "-c jit=off -c statement_timeout=900000",
        ),
        # An operator's migrate may build an index for minutes.
        (["manage.py", "migrate"], {}, "-c jit=off"),
        (["gunicorn"], {"DB_STATEMENT_TIMEOUT_MS": "0"}, "-c jit=off"),
    ],
)
def test_web_requests_and_the_task_worker_get_their_own_statement_timeout(argv, env, expected):
    connection_options = in_fresh_process(
        {"options": "settings.DATABASES['default']['OPTIONS']['options']"},
        argv=argv,
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/quizsite",
        **env,
    )
    assert connection_options["options"] == expected
