"""The risk-coverage table of bench/risk.py and the rule that picks the thresholds, on hand-worked cases."""

from __future__ import annotations

from bench.risk import NEI, REFUTED, SUPPORTED, Result, choose, rows, table


def _results() -> list[Result]:
    # Four SUPPORTED verdicts (0.9 right, 0.8 right, 0.6 wrong, 0.5 right), one REFUTED (0.7 wrong), one NEI.
    return [
        Result("1", SUPPORTED, SUPPORTED, 0.9),
        Result("2", SUPPORTED, SUPPORTED, 0.8),
        Result("3", NEI, SUPPORTED, 0.6),
        Result("4", SUPPORTED, SUPPORTED, 0.5),
        Result("5", SUPPORTED, REFUTED, 0.7),
        Result("6", REFUTED, NEI, 0.9),
    ]


def test_a_row_counts_the_verdicts_at_or_above_its_threshold() -> None:
    by = {(r.threshold, r.label): r for r in rows(_results(), (0.5, 0.7))}
    low = by[(0.5, SUPPORTED)]
    assert (low.verdicts, low.right, low.precision, low.coverage, low.recall) == (4, 3, 0.75, 4 / 6, 0.75)
    high = by[(0.7, SUPPORTED)]
    assert (high.verdicts, high.right, high.precision, high.recall) == (2, 2, 1.0, 0.5)
    refuted = by[(0.7, REFUTED)]
    assert (refuted.verdicts, refuted.right, refuted.recall) == (1, 0, 0.0)
    decided = by[(0.5, "decided")]
    assert (decided.verdicts, decided.right, decided.gold) == (5, 3, 5)


def test_a_label_without_verdicts_has_no_precision() -> None:
    (row,) = [r for r in rows(_results(), (0.95,)) if r.label == SUPPORTED]
    assert row.verdicts == 0 and row.precision != row.precision  # nan, shown as "-"
    assert "| 0.95 | 0 / - / 0.0 / 0.0 |" in "\n".join(table(_results(), (0.95,)))


def test_the_rule_takes_the_lowest_threshold_that_every_large_enough_set_passes() -> None:
    # Set a: SUPPORTED right above 0.6 only (10 right at 0.70, 10 wrong at 0.50). Set b: right from 0.40.
    a = [Result(f"a{i}", SUPPORTED, SUPPORTED, 0.7) for i in range(10)]
    a += [Result(f"w{i}", NEI, SUPPORTED, 0.5) for i in range(10)]
    b = [Result(f"b{i}", SUPPORTED, SUPPORTED, 0.4) for i in range(12)]
    assert choose({"a": a, "b": b})[SUPPORTED] == 0.55
    # A set with fewer than 10 verdicts of the label at a threshold does not count there.
    few = [Result(f"f{i}", NEI, SUPPORTED, 0.9) for i in range(3)]
    assert choose({"a": a, "few": few})[SUPPORTED] == 0.55
    # No REFUTED verdict anywhere: no threshold can be measured.
    assert choose({"a": a, "b": b})[REFUTED] is None
