"""benchmark_hashers prints sign-ins a second for both hashers (issue 16.4)."""

import re
from io import StringIO

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher
from django.core.management import call_command

from quizsite import settings as project_settings


def test_benchmark_hashers_times_pbkdf2_and_argon2_at_django_s_parameters(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    out = StringIO()
    call_command("benchmark_hashers", rounds=1, repeat=1, processes=1, stdout=out)
    text = out.getvalue()
    # Django's own parameters, whatever this Django's are.
    assert f"pbkdf2_sha256 iterations={PBKDF2PasswordHasher.iterations:,}" in text
    argon2 = Argon2PasswordHasher
    assert (
        f"argon2id time_cost={argon2.time_cost} memory_cost={argon2.memory_cost} KiB "
        f"parallelism={argon2.parallelism}"
    ) in text
    rates = re.findall(r"(verify|hash)\s+1 process\s*:\s+([\d.]+)/s", text)
    assert [kind for kind, _ in rates] == ["verify", "hash", "verify", "hash"]
    assert all(float(per_second) > 0 for _, per_second in rates)
