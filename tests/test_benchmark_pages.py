"""benchmark_pages prints each learner page's CPU cost and queries (issue 16.6)."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UserFactory


def test_it_prints_cpu_and_queries_for_every_page(course, db):
    UserFactory(username="benchmarked")
    out = StringIO()
    call_command("benchmark_pages", learner="benchmarked", requests=2, rounds=1, stdout=out)
    for page in ("home", "course", "lesson", "progress"):
        line = rf"^{page}\s+[\d.]+ ms CPU per request .* \d+ queries$"
        assert re.search(line, out.getvalue(), re.M)


def test_an_unknown_learner_is_a_clear_error(course, db):
    with pytest.raises(CommandError, match="needs a learner"):
        call_command("benchmark_pages", learner="nobody", requests=1, rounds=1)
