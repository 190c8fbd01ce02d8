import pytest

from drafter.text import from_chinese, marker_for, marker_ordinal, to_chinese


@pytest.mark.parametrize(
    "n,cn",
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (23, "二十三"),
        (100, "一百"),
        (105, "一百零五"),
        (230, "二百三十"),
    ],
)
def test_round_trip(n, cn):
    assert to_chinese(n) == cn
    assert from_chinese(cn) == n


def test_from_chinese_rejects_non_numerals():
    assert from_chinese("强化") is None
    assert from_chinese("") is None


@pytest.mark.parametrize(
    "marker,n",
    [
        ("一、", 1),
        ("（三）", 3),
        ("2.", 2),
        ("（5）", 5),
        ("四是", 4),
        ("二要", 2),
        ("第三，", 3),
        ("首先", 1),
        ("其次", 2),
    ],
)
def test_marker_ordinal(marker, n):
    assert marker_ordinal(marker) == n


def test_marker_for_each_kind():
    assert [marker_for("cn_dun", i) for i in (1, 2, 10)] == ["一、", "二、", "十、"]
    assert marker_for("cn_paren", 4) == "（四）"
    assert marker_for("shi", 3) == "三是"
    assert marker_for("di", 2) == "第二，"
    with pytest.raises(ValueError):
        marker_for("nope", 1)
