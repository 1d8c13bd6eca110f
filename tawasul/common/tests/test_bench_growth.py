"""The benchmark's verdict on growth (scripts/bench.py summarize_rounds): the median of
the rounds' ratios, so that one unlucky run neither passes nor fails a measure."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[3] / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_script", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_script"] = module
    spec.loader.exec_module(module)
    return module


def _run(persons: int, p95: dict[str, float], rows: float | None = None) -> dict[str, Any]:
    measures: dict[str, dict[str, Any]] = {}
    for name, value in p95.items():
        measures[name] = {"real": {"p50": value / 2, "p95": value, "mean": value / 2, "n": 400},
                          "baseline": None}
        if rows is not None:
            measures[name]["rows_shown_mean"] = rows
    return {"persons": persons, "measures": measures}


def test_the_verdict_is_the_median_of_the_rounds(bench: Any) -> None:
    # One round's large run was unlucky (2.4x): the median of three is 1.2x.
    rounds = [
        (_run(10_037, {"person search": 20.0}), _run(1_000_037, {"person search": 24.0})),
        (_run(10_037, {"person search": 20.0}), _run(1_000_037, {"person search": 48.0})),
        (_run(10_037, {"person search": 25.0}), _run(1_000_037, {"person search": 25.0})),
    ]
    growth = bench.summarize_rounds(rounds)
    m = growth["measures"]["person search"]
    assert m["growth"] == [1.2, 2.4, 1.0]
    assert m["median_growth"] == 1.2
    assert m["verdict"] == "PASS"
    assert (growth["small_persons"], growth["large_persons"], growth["rounds"]) == (
        10_037, 1_000_037, 3)


def test_a_measure_that_grows_in_most_rounds_fails(bench: Any) -> None:
    rounds = [
        (_run(10_000, {"suggest": 10.0}, rows=1.2), _run(1_000_000, {"suggest": 16.0}, rows=4.3)),
        (_run(10_000, {"suggest": 10.0}, rows=1.2), _run(1_000_000, {"suggest": 14.0}, rows=4.3)),
        (_run(10_000, {"suggest": 10.0}, rows=1.2), _run(1_000_000, {"suggest": 19.0}, rows=4.3)),
    ]
    m = bench.summarize_rounds(rounds)["measures"]["suggest"]
    assert m["median_growth"] == 1.6
    assert m["verdict"] == "FAIL"
    assert (m["small_rows"], m["large_rows"]) == ([1.2] * 3, [4.3] * 3)


def test_only_measures_of_both_sizes_are_compared(bench: Any) -> None:
    rounds = [(_run(10_000, {"case list": 10.0}),
               _run(1_000_000, {"case list": 11.0, "person search": 30.0}))]
    assert list(bench.summarize_rounds(rounds)["measures"]) == ["case list"]


@pytest.mark.parametrize(("only", "name", "selected"), [
    (None, "case list", True),
    ("suggest", "suggest_duplicates()", True),
    ("suggest", "person search", False),
    ("person search,suggest", "person search", True),
    ("person search, suggest", "suggestions (htmx view)", True),
    ("person search,suggest", "case list", False),
])
def test_only_takes_prefixes_separated_by_commas(bench: Any, only: str | None, name: str,
                                                 selected: bool) -> None:
    assert bench._selected(name, only) is selected
