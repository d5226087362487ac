"""Wrapping styled lines: within the width, nothing lost, every character keeps its style."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from checker.report.lines import Line, line, plain_text, wrap

WORDS = st.text(alphabet="abcXYZ:/*-", min_size=1, max_size=14)
SPANS = st.lists(
    st.tuples(
        st.lists(WORDS, min_size=1, max_size=5).map(" ".join),
        st.sampled_from(["", "bold", "red", "dim"]),
    ),
    min_size=1,
    max_size=5,
).map(lambda spans: tuple((text + " ", style) for text, style in spans))


def _styled_characters(lines: list[Line] | tuple[Line, ...]) -> list[tuple[str, str]]:
    return [(char, style) for one in lines for text, style in one for char in text if char != " "]


@given(SPANS, st.integers(min_value=4, max_value=40), st.integers(min_value=0, max_value=3))
def test_wrapped_lines_fit_and_keep_every_character_and_its_style(
    spans: Line, width: int, indent: int
) -> None:
    wrapped = wrap(spans, width, indent)
    assert all(len(plain_text(one)) <= max(width, indent + 1) for one in wrapped)
    assert all(plain_text(one).startswith(" " * indent) for one in wrapped)
    assert all(not plain_text(one).endswith(" ") or not plain_text(one).strip() for one in wrapped)
    assert _styled_characters(wrapped) == _styled_characters((spans,))


@given(st.lists(WORDS, min_size=1, max_size=12), st.integers(min_value=15, max_value=40))
def test_words_that_fit_are_never_split(words: list[str], width: int) -> None:
    wrapped = wrap(" ".join(words), width)
    assert " ".join(plain_text(one) for one in wrapped).split() == words


def test_a_word_longer_than_the_line_is_folded_at_the_column() -> None:
    arn = "arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    wrapped = [plain_text(one) for one in wrap(f"key {arn} denies", 30, 2)]
    assert wrapped[0] == "  key"
    assert "".join(text.strip() for text in wrapped[1:-1]) + wrapped[-1].strip().split()[0] == arn
    assert wrapped[-1].endswith("denies")
    assert all(len(text) <= 30 for text in wrapped)


def test_newlines_start_new_lines_and_styles_follow_the_cut() -> None:
    wrapped = wrap(line(("error RULE", "red"), (" file.json:3", "dim")), 12)
    assert wrapped == [(("error RULE", "red"),), (("file.json:3", "dim"),)]
    assert [plain_text(one) for one in wrap("one\ntwo", 80, 1)] == [" one", " two"]
