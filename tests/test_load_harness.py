"""The load harness's own arithmetic (tests/load/run.py), without servers."""

import importlib.util
from pathlib import Path

import pytest

HARNESS = Path(__file__).parent / "load" / "run.py"
# The columns of Locust's --csv *_stats.csv (locust.stats.StatsCSV).
HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("load_run", HARNESS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_whole_run_figures_are_read_from_locusts_stats_csv(run, tmp_path):
    stats = tmp_path / "smoke_stats.csv"
    stats.write_text(
        f"{HEADER}\n"
        "POST,sign in,40,0,310,320.5,250,600,0,0.9,0.0,"
        "310,330,350,360,420,480,560,590,600,600,600\n"
        "POST,answer submit,900,2,35,40.1,12,900,2000,20.0,0.04,35,38,41,44,52,71,120,180,"
        "850,900,900\n"
        "GET,[gave up],0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n"
        ",Aggregated,940,2,36,44.2,12,900,1900,20.9,0.04,36,40,44,48,60,90,300,450,850,900,900\n"
    )
    rows = run.locust_stats(stats)
    assert rows == {
        "sign in": {"requests": 40, "rps": 0.9, "p50": 310, "p95": 480, "p99": 590, "failures": 0},
        "answer submit": {
            "requests": 900,
            "rps": 20.0,
            "p50": 35,
            "p95": 71,
            "p99": 180,
            "failures": 2,
        },
    }
    assert run.errors({"stats": rows}) == 2


def test_figures_over_a_window_come_from_the_samples(run):
    samples = [(t, "answer submit", 10.0 * t, t != 5, 200 if t != 5 else 503) for t in range(1, 11)]
    window = run.table(samples, start=6, end=10)["answer submit"]
    assert (window["requests"], window["failures"], window["p50"], window["p99"]) == (5, 0, 80, 100)
    assert run.table(samples, end=5)["answer submit"]["failures"] == 1
