"""Production settings come from the environment and pass Django's deploy checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


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
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "quizsite.settings",
            "DEBUG": "1",
            "DATABASE_URL": url,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == engine, result.stderr


@pytest.mark.parametrize(
    ("debug", "backend"),
    [
        ("", "django_tasks_db.DatabaseBackend"),
        ("1", "django.tasks.backends.immediate.ImmediateBackend"),
    ],
)
def test_production_derives_in_a_background_worker_and_a_laptop_in_the_request(debug, backend):
    code = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "TASKS_BACKEND", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "quizsite.settings",
            "DEBUG": debug,
            "SECRET_KEY": "k" * 50,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == backend, result.stderr


def test_with_production_defaults_a_plain_http_health_check_is_answered_not_redirected():
    # Load balancers check health over plain HTTP; everything else goes to HTTPS.
    code = (
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "print(c.get('/healthz').status_code, c.get('/').status_code)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "quizsite.settings",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    health, home = result.stdout.split()
    assert health in {"200", "503"}, result.stderr
    assert home == "301", result.stderr


def mailer_settings(**env):
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.MAILERS['default']))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_") and k != "DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "quizsite.settings", "SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


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


def database_options(argv: list[str], **env) -> str:
    """The PostgreSQL server options a process started as `argv` would connect with."""
    code = (
        f"import sys; sys.argv = {argv!r}; import django; django.setup(); "
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['options'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if "STATEMENT_TIMEOUT" not in k},
            "DJANGO_SETTINGS_MODULE": "quizsite.settings",
            "DEBUG": "1",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/quizsite",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


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
    assert database_options(argv, **env) == expected
