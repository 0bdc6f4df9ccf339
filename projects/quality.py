"""Linkage quality from counts: precision, recall and F1 with their uncertainty. Pure functions, no Django.

- precision = true matches in the clerical review sample / pairs reviewed (the sample is drawn from the
  run's accepted matches);
- recall = truth-set matches the run found / size of the truth set (or known-match list);
- F1 = 2PR / (P + R).

Precision and recall get a 95% Wilson score interval (Wilson 1927; Newcombe 1998, method 3), which
stays inside 0 to 1 and behaves at 0 and at n, unlike the normal approximation. F1 gets a *range*
propagated from those bounds: F1 grows with both P and R, so [F1(P_low, R_low), F1(P_high, R_high)]
holds the true F1 whenever both intervals hold theirs, which happens at least 90% of the time
(1 - 0.05 - 0.05, Bonferroni). It is therefore shown as a range, not as a 95% interval.

A figure with no basis (nothing reviewed, no truth set) is None: "not measured", never 0 or 1.
"""

from dataclasses import dataclass
from math import sqrt

# The 97.5th percentile of the standard normal distribution: a two-sided 95% interval.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A share worked out from counts, with its interval."""

    value: float
    lower: float
    upper: float
    successes: int | None = None
    trials: int | None = None


def wilson(successes: int, trials: int, *, z: float = Z_95) -> Estimate | None:
    """The share successes/trials with its Wilson score interval; None when nothing was tried."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"{successes} of {trials} cannot be a share")
    if trials == 0:
        return None
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z / denominator * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # At 0 and at n the bound is exactly 0 or 1; rounding must not put it a hair outside.
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == trials else min(1.0, centre + half)
    return Estimate(value=p, lower=lower, upper=upper, successes=successes, trials=trials)


def f1_score(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def f1(precision: Estimate | None, recall: Estimate | None) -> Estimate | None:
    """F1 with the range propagated from the two intervals' bounds; None unless both are measured."""
    if precision is None or recall is None:
        return None
    return Estimate(
        value=f1_score(precision.value, recall.value),
        lower=f1_score(precision.lower, recall.lower),
        upper=f1_score(precision.upper, recall.upper),
    )


def impossible_counts(
    *,
    records_left: int | None,
    records_right: int | None,
    candidate_pairs: int | None,
    matches_accepted: int | None,
    sample_size: int | None,
    sample_true_matches: int | None,
    truth_set_size: int | None,
    truth_set_found: int | None,
) -> dict[str, str]:
    """Counts that cannot all be true, as {field: message}. A field left out (None) is not judged here;
    the form says it is missing. The one rule used by the form, the service and (as constraints) the
    database."""
    errors: dict[str, str] = {}
    possible = records_left * records_right if records_left is not None and records_right is not None else None
    if possible is not None and candidate_pairs is not None and candidate_pairs > possible:
        errors["candidate_pairs"] = (
            f"Candidate pairs cannot be more than {possible:,}, the records in the first dataset "
            f"times the records in the second"
        )
    if matches_accepted is not None:
        if candidate_pairs is not None and matches_accepted > candidate_pairs:
            errors["matches_accepted"] = "Matches accepted cannot be more than the number of candidate pairs"
        elif possible is not None and matches_accepted > possible:
            errors["matches_accepted"] = f"Matches accepted cannot be more than {possible:,}, the possible pairs"
    if sample_size is not None and matches_accepted is not None and sample_size > matches_accepted:
        errors["sample_size"] = "Pairs reviewed cannot be more than the matches accepted: the sample is drawn from them"
    if sample_true_matches is not None and sample_size is not None and sample_true_matches > sample_size:
        errors["sample_true_matches"] = "True matches in the sample cannot be more than the pairs reviewed"
    if (truth_set_size is None) != (truth_set_found is None):
        if truth_set_size is None:
            errors["truth_set_size"] = "Enter the number of matches in the truth set, or leave both boxes empty"
        else:
            errors["truth_set_found"] = "Enter how many truth-set matches the run found, or leave both boxes empty"
    elif truth_set_size is not None and truth_set_found is not None:
        if truth_set_size == 0:
            errors["truth_set_size"] = "A truth set must hold at least 1 match, or leave both truth-set boxes empty"
        elif truth_set_found > truth_set_size:
            errors["truth_set_found"] = "Matches found cannot be more than the matches in the truth set"
        elif matches_accepted is not None and truth_set_found > matches_accepted:
            errors["truth_set_found"] = "Matches found cannot be more than the matches the run accepted"
    return errors
