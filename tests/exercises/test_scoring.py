"""The scoring against hand-computed counts, and the row errors of bad files."""

import pytest

from exercises import generator, scoring
from exercises.scoring import PairsFileError

LEFT = ["L1", "L2", "L3", "L4"]
RIGHT = ["R1", "R2", "R3", "R4"]
TRUTH = [("L1", "R1"), ("L2", "R2"), ("L3", "R3")]


def score(text):
    return scoring.read_and_score(text, left_ids=LEFT, right_ids=RIGHT, true_pairs=TRUTH)


def errors(text):
    with pytest.raises(PairsFileError) as caught:
        score(text)
    return [str(error) for error in caught.value.errors]


def test_score_counts_true_and_false_positives_and_false_negatives():
    # L1-R1 true, L2-R2 true, L4-R4 false, L3-R1 false; L3-R3 missed
    result = score("left_id,right_id\nL1,R1\nL2,R2\nL4,R4\nL3,R1\n")
    assert (result.tp, result.fp, result.fn) == (2, 2, 1)
    assert result.as_json() == {"tp": 2, "fp": 2, "fn": 1, "precision": 0.5, "recall": 0.6667, "f1": 0.5714}


def test_score_turns_round_swapped_left_and_right_ids():
    result = score("left_id,right_id\nR1,L1\nL2,R2\n")
    assert (result.tp, result.fp, result.fn) == (2, 0, 1)


def test_score_of_an_empty_submission_has_undefined_precision_and_zero_recall():
    result = score("left_id,right_id\n")
    assert result.as_json() == {"tp": 0, "fp": 0, "fn": 3, "precision": None, "recall": 0.0, "f1": 0.0}


def test_score_pairs_counts_a_duplicate_pair_once():
    pairs = scoring.Pairs(
        frame=scoring.pd.DataFrame({"left_id": ["L1", "L1", "L4"], "right_id": ["R1", "R1", "R4"]}), has_scores=False
    )
    result = scoring.score_pairs(pairs, scoring.truth_frame(TRUTH))
    assert (result.tp, result.fp, result.fn) == (1, 1, 2)


def test_score_with_scores_gives_the_curve_and_the_best_threshold():
    result = score("left_id,right_id,score\nL1,R1,0.9\nR2,L2,0.8\nL4,R4,0.95\nL3,R1,0.1\n")
    # thresholds 0.95, 0.9, 0.8, 0.1 accept 1, 2, 3, 4 pairs of which 0, 1, 2, 2 are true
    assert result.curve == [(0.95, 1, 0), (0.9, 2, 1), (0.8, 3, 2), (0.1, 4, 2)]
    assert result.as_json()["best_threshold"] == 0.8
    assert result.as_json()["best_f1"] == 0.6667  # 2*2 / (2*2 + 1 + 1)
    assert result.false_positives == [("L4", "R4", 0.95), ("L3", "R1", 0.1)]
    assert result.false_negatives == [("L3", "R3")]


def test_read_pairs_accepts_a_utf8_byte_order_mark():
    assert score(b"\xef\xbb\xbfleft_id,right_id\r\nL1,R1\r\n").tp == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b\nL1,R1\n", ["Row 1: the columns must be left_id,right_id or left_id,right_id,score (found a,b)"]),
        ("", ["Row 1: the columns must be left_id,right_id or left_id,right_id,score (found nothing)"]),
        (
            "left_id,right_id\nL1,R1\nL1,R1\nR1,L1\nL9,R1\n,R2\n",
            [
                "Row 3: repeats the pair on row 2",
                "Row 4: repeats the pair on row 2",
                "Row 5: left_id L9 is not in the left file",
                "Row 6: left_id is blank",
            ],
        ),
        ("left_id,right_id\nL1,R1,5\n", ["Row 2: has more cells than the header"]),
        ("left_id,right_id\nL1\n", ["Row 2: has fewer cells than the header"]),
        (
            "left_id,right_id,score\nL1,R1,x\nL2,R2,\n",
            ["Row 2: score x is not a number", "Row 3: score (blank) is not a number"],
        ),
        (b"\xff\xfel\x00", ["The file is saved as UTF-16: save it as “CSV UTF-8” and upload it again"]),
    ],
)
def test_read_pairs_refuses_bad_files_with_row_errors(text, expected):
    assert errors(text) == expected


def test_read_pairs_refuses_more_than_100000_rows():
    text = "left_id,right_id\n" + "L1,R1\n" * (scoring.MAX_ROWS + 1)
    assert errors(text) == ["The file has more than 100,000 rows of pairs"]


def test_read_pairs_lists_twenty_errors_and_counts_the_rest():
    with pytest.raises(PairsFileError) as caught:
        score("left_id,right_id\n" + "".join(f"X{n},R1\n" for n in range(25)))
    assert (len(caught.value.errors), caught.value.more) == (20, 5)


def test_generator_is_repeatable_and_true_pairs_name_real_records():
    first = generator.generate(seed=5, people=50, difficulty="hard")
    again = generator.generate(seed=5, people=50, difficulty="hard")
    assert first == again
    left, right = {p.record_id for p in first.left}, {p.record_id for p in first.right}
    assert len(first.true_pairs) == 25  # half the residents are in both files when hard
    assert all(a in left and b in right for a, b in first.true_pairs)
    assert len(right) == 50
