"""The Wilson score interval and F1 against values worked out by hand (and published ones), and the
rule for counts that cannot all be true."""

import pytest

from projects.quality import Z_95, f1, f1_score, impossible_counts, wilson


def test_wilson_8_of_10_matches_the_hand_computed_interval():
    # p = 0.8, z² / n = 0.38415: centre 0.71674, half-width 0.22658 (Newcombe 1998, method 3).
    estimate = wilson(8, 10)
    assert estimate.value == 0.8
    assert round(estimate.lower, 4) == 0.4902
    assert round(estimate.upper, 4) == 0.9433


@pytest.mark.parametrize(
    ("successes", "trials", "lower", "upper"),
    [
        (81, 263, 0.2553, 0.3662),  # Newcombe (1998), table I, example (a): 0.2553 to 0.3662
        (15, 148, 0.0624, 0.1605),  # Newcombe (1998), example (b)
        (1, 29, 0.0061, 0.1718),  # Newcombe (1998), example (e)
        (180, 200, 0.8506, 0.9343),  # a typical clerical review sample: centre 0.8925, half 0.0419
    ],
)
def test_wilson_matches_published_intervals(successes, trials, lower, upper):
    estimate = wilson(successes, trials)
    assert (round(estimate.lower, 4), round(estimate.upper, 4)) == (lower, upper)


def test_wilson_of_nothing_tried_is_not_measured():
    assert wilson(0, 0) is None


def test_wilson_at_zero_successes_starts_at_zero():
    # 0 of 10: upper bound z² / (n + z²) = 3.8415 / 13.8415 = 0.2775
    estimate = wilson(0, 10)
    assert (estimate.value, estimate.lower, round(estimate.upper, 4)) == (0.0, 0.0, 0.2775)


def test_wilson_at_all_successes_ends_at_one():
    # 10 of 10: lower bound n / (n + z²) = 10 / 13.8415 = 0.7225
    estimate = wilson(10, 10)
    assert (estimate.value, round(estimate.lower, 4), estimate.upper) == (1.0, 0.7225, 1.0)


def test_wilson_of_one_in_one_is_wide():
    estimate = wilson(1, 1)
    assert (round(estimate.lower, 4), estimate.upper) == (round(1 / (1 + Z_95**2), 4), 1.0)


@pytest.mark.parametrize(("successes", "trials"), [(11, 10), (-1, 10), (0, -1)])
def test_wilson_refuses_counts_that_are_not_a_share(successes, trials):
    with pytest.raises(ValueError):
        wilson(successes, trials)


def test_f1_is_the_harmonic_mean_with_a_range_from_the_bounds():
    precision, recall = wilson(8, 10), wilson(90, 100)
    score = f1(precision, recall)
    assert round(score.value, 4) == round(2 * 0.8 * 0.9 / 1.7, 4) == 0.8471
    assert score.lower == f1_score(precision.lower, recall.lower)
    assert score.upper == f1_score(precision.upper, recall.upper)
    assert score.lower < score.value < score.upper


def test_f1_needs_both_precision_and_recall():
    assert f1(wilson(8, 10), None) is None
    assert f1(None, wilson(8, 10)) is None
    assert f1_score(0, 0) == 0


IMPLAUSIBLE = {
    "records_left": 10,
    "records_right": 10,
    "candidate_pairs": 1_000_000,
    "matches_accepted": 900_000,
    "sample_size": 0,
    "sample_true_matches": 0,
    "truth_set_size": None,
    "truth_set_found": None,
}


def test_impossible_counts_catch_the_run_from_issue_14():
    assert impossible_counts(**IMPLAUSIBLE) == {
        "candidate_pairs": (
            "Candidate pairs cannot be more than 100, the records in the first dataset times the records in the second"
        ),
        "matches_accepted": "Matches accepted cannot be more than 100, the possible pairs",
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sample_size": 61}, "sample_size"),
        ({"sample_true_matches": 51}, "sample_true_matches"),
        ({"truth_set_size": 10, "truth_set_found": 11}, "truth_set_found"),
        ({"truth_set_size": 100, "truth_set_found": 61}, "truth_set_found"),
        ({"truth_set_size": 0, "truth_set_found": 0}, "truth_set_size"),
        ({"truth_set_found": 3}, "truth_set_size"),
        ({"matches_accepted": 101, "candidate_pairs": 100}, "matches_accepted"),
    ],
)
def test_impossible_counts_name_the_field(overrides, field):
    counts = {
        "records_left": 100,
        "records_right": 200,
        "candidate_pairs": 1000,
        "matches_accepted": 60,
        "sample_size": 50,
        "sample_true_matches": 40,
        "truth_set_size": None,
        "truth_set_found": None,
        **overrides,
    }
    assert list(impossible_counts(**counts)) == [field]


def test_possible_counts_pass():
    counts = dict(IMPLAUSIBLE, candidate_pairs=100, matches_accepted=9, sample_size=9, sample_true_matches=9)
    assert impossible_counts(**counts) == {}
