"""load_document: data, positions, and every way a file can be refused (one line each)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.errors import InputError
from checker.plan.documents import load_document, parse_text
from checker.plan.json_document import parse_json
from checker.plan.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER_DIGITS
from tests.work import counted

JSON_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "First",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "*"
    },
    {
      "Sid": "Second",
      "Effect": "Deny",
      "Action": ["s3:*"],
      "Resource": "*"
    }
  ]
}
"""

YAML_POLICY = """# a key policy, in YAML
Version: 2012-10-17
Statement:
  - Sid: First
    Effect: Allow
    Action: kms:*
    Resource: "*"

  - Sid: Second
    Effect: Deny
    Action: [kms:Decrypt]
    Resource: "*"
"""


def message(error: pytest.ExceptionInfo[InputError]) -> str:
    text = str(error.value)
    assert "\n" not in text, "an input error is one line"
    return text


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- data and positions ---------------------------------------------------------------------


def test_json_positions_point_at_each_value(tmp_path: Path) -> None:
    data, positions = load_document(write(tmp_path, "p.json", JSON_POLICY), source="p.json")
    assert data == json.loads(JSON_POLICY)
    assert positions[()] == (1, 1)
    assert positions[("Statement", 1)] == (10, 5)
    assert positions[("Statement", 1, "Effect")] == (12, 17)
    assert positions[("Statement", 1, "Action", 0)] == (13, 18)


def test_yaml_positions_point_at_each_value(tmp_path: Path) -> None:
    data, positions = load_document(write(tmp_path, "p.yaml", YAML_POLICY), source="p.yaml")
    assert positions[("Statement", 1)] == (9, 5)
    assert positions[("Statement", 1, "Effect")] == (10, 13)
    assert positions[("Statement", 1, "Action", 0)] == (11, 14)
    # A date-like version stays the text the policy means, as in JSON.
    assert data["Version"] == "2012-10-17"
    assert data["Statement"][1] == {
        "Sid": "Second",
        "Effect": "Deny",
        "Action": ["kms:Decrypt"],
        "Resource": "*",
    }


def test_yaml_builds_only_plain_types(tmp_path: Path) -> None:
    text = "a: 0x1F\nb: 1.5\nc: yes\nd: ~\ne: !!str 123\nf: '007'\ng: [1, {h: i}]\n"
    data, _ = load_document(write(tmp_path, "t.yml", text), source="t.yml")
    assert data == {
        "a": 31,
        "b": 1.5,
        "c": True,
        "d": None,
        "e": "123",
        "f": "007",
        "g": [1, {"h": "i"}],
    }


def test_yaml_aliases_are_copied_not_shared(tmp_path: Path) -> None:
    text = "a: &principals [arn:aws:iam::111111111111:root]\nb: *principals\n"
    data, positions = load_document(write(tmp_path, "t.yaml", text), source="t.yaml")
    assert data["a"] == data["b"] == ["arn:aws:iam::111111111111:root"]
    assert data["a"] is not data["b"]
    assert positions[("b",)] == (2, 4)
    assert positions[("b", 0)] == (1, 17)  # where the aliased value is written


def test_unknown_suffix_reads_json_then_yaml(tmp_path: Path) -> None:
    as_json, _ = load_document(write(tmp_path, "policy.txt", JSON_POLICY), source="policy.txt")
    as_yaml, _ = load_document(write(tmp_path, "policy", YAML_POLICY), source="policy")
    assert as_json == json.loads(JSON_POLICY)
    assert as_yaml["Statement"][0]["Sid"] == "First"


def test_unknown_suffix_does_not_let_yaml_reread_bad_json(tmp_path: Path) -> None:
    path = write(tmp_path, "policy.txt", '{"a": NaN}')
    with pytest.raises(InputError) as error:
        load_document(path, source="policy.txt")
    assert message(error) == (
        "policy.txt: a: NaN and Infinity are not JSON numbers (line 1, column 7)"
    )


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    data, positions = load_document(
        write(tmp_path, "p.json", "\ufeff" + JSON_POLICY), source="p.json"
    )
    assert data == json.loads(JSON_POLICY)
    assert positions[()] == (1, 1)


# --- refusals, one kind each ------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        load_document(tmp_path / "missing.json", source="missing.json")
    assert message(error) == "missing.json: $: file not found"


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    with pytest.raises(InputError) as error:
        load_document(tmp_path / "policies", source="policies")
    assert message(error) == "policies: $: is a directory, not a file"


def test_file_over_one_megabyte_is_refused_before_reading(tmp_path: Path) -> None:
    size = MAX_FILE_BYTES + 1
    path = tmp_path / "big.json"
    with path.open("wb") as stream:
        stream.truncate(size)  # sparse: the loader must refuse it from its size alone
    with pytest.raises(InputError) as error:
        load_document(path, source="big.json")
    assert message(error) == f"big.json: $: the file is larger than 1 MB ({size} bytes)"


def test_one_megabyte_exactly_is_read(tmp_path: Path) -> None:
    padding = MAX_FILE_BYTES - len('{"a": ""}')
    path = write(tmp_path, "full.json", '{"a": "' + "x" * padding + '"}')
    data, _ = load_document(path, source="full.json")
    assert len(data["a"]) == padding


def test_non_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.json", b'{\n  "Sid": "caf\xe9"\n}')
    with pytest.raises(InputError) as error:
        load_document(path, source="latin1.json")
    assert message(error) == "latin1.json: $: not UTF-8: byte 0xe9 at offset 15 (line 2)"


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "Statement": [\n    {"Effect": "Allow"\n     "Action": "*"}\n  ]\n}'
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "bad.json", text), source="bad.json")
    assert message(error) == (
        "bad.json: Statement[0]: malformed JSON at line 4, column 6: expected ',' or '}'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "e.json: $: the file is empty"),
        (
            '{"a": 1,}',
            "e.json: $: malformed JSON at line 1, column 9: expected a key in double quotes",
        ),
        (
            '{"a": 1} x',
            "e.json: $: malformed JSON at line 1, column 10: unexpected text after the document",
        ),
        (
            '{"a": tru}',
            "e.json: a: malformed JSON at line 1, column 7: expected a value, found 't'",
        ),
        (
            '{"a": "x\ty"}',
            "e.json: a: malformed JSON at line 1, column 9: invalid control character",
        ),
        ('{"a": "x', "e.json: a: malformed JSON at line 1, column 7: unterminated string starting"),
        ('{"a": 1e999}', "e.json: a: number out of range (line 1, column 7)"),
        ('{"a": -Infinity}', "e.json: a: NaN and Infinity are not JSON numbers (line 1, column 7)"),
        (
            "{'a': 1}",
            "e.json: $: malformed JSON at line 1, column 2: expected a key in double quotes",
        ),
    ],
)
def test_malformed_json_variants(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "e.json", text), source="e.json")
    assert message(error) == expected


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    text = "Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n    Action: [s3:GetObject\n"
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "bad.yaml", text), source="bad.yaml")
    # The parser's own words vary between libyaml and pure-Python PyYAML; the shape does not.
    assert re.fullmatch(
        r"bad\.yaml: Statement\[0\]\.Action: malformed YAML at line 5, column 1: .+",
        message(error),
    )


def test_unquoted_star_in_yaml_gets_a_hint(tmp_path: Path) -> None:
    text = "Statement:\n  - Effect: Allow\n    Resource: *\n"
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "star.yaml", text), source="star.yaml")
    assert message(error).startswith("star.yaml: Statement[0].Resource: malformed YAML at line 3")
    assert message(error).endswith('(a value starting with * must be quoted in YAML: "*")')


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_top_level_must_be_an_object(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, f"list.{suffix}", '["s3:GetObject"]')
    with pytest.raises(InputError) as error:
        load_document(path, source=f"list.{suffix}")
    assert (
        message(error)
        == f"list.{suffix}: $: the document must be an object ({{...}}), not an array"
    )


def test_empty_yaml_is_not_an_object(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "empty.yaml", "# nothing\n"), source="empty.yaml")
    assert message(error) == "empty.yaml: $: the document is empty; expected an object"


def test_json_nesting_10000_deep_is_refused_without_recursion_error(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.json", "[" * 10_000)
    with pytest.raises(InputError) as error:
        load_document(path, source="deep.json")
    path_text = "[0]" * MAX_DEPTH
    assert message(error) == (
        f"deep.json: {path_text}: nesting deeper than {MAX_DEPTH} levels "
        f"(line 1, column {MAX_DEPTH + 1})"
    )


def test_json_nesting_at_the_limit_is_read(tmp_path: Path) -> None:
    text = '{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    data, _ = load_document(write(tmp_path, "ok.json", text), source="ok.json")
    assert data == json.loads(text)


def test_yaml_block_nesting_is_limited(tmp_path: Path) -> None:
    text = "".join(f"{'  ' * level}k{level}:\n" for level in range(40)) + "  " * 40 + "v\n"
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "deep.yaml", text), source="deep.yaml")
    # The mapping under k31 is the 33rd level: it starts where k32 is written.
    path_text = ".".join(f"k{level}" for level in range(MAX_DEPTH))
    assert message(error) == (
        f"deep.yaml: {path_text}: nesting deeper than {MAX_DEPTH} levels "
        f"(line {MAX_DEPTH + 1}, column {2 * MAX_DEPTH + 1})"
    )


def test_yaml_flow_nesting_10000_deep_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.yaml", "a: " + "[" * 10_000 + "]" * 10_000)
    with pytest.raises(InputError) as error:
        load_document(path, source="deep.yaml")
    assert re.fullmatch(r"deep\.yaml: a(\[0\])*: .*nesting.*", message(error))


def alias_bomb() -> str:
    """Nine levels of nine aliases each: 9**9 (387 million) values once expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    # The work is bounded, not timed (benchmarks/bench_documents.py times it): the loader
    # copies at most MAX_ALIAS_NODES values before refusing. Without the bound, the copying
    # would run past the line limit and fail with WorkExceeded instead of hanging.
    path = write(tmp_path, "bomb.yaml", alias_bomb())
    with counted(limit=2_000_000) as work, pytest.raises(InputError) as error:
        load_document(path, source="bomb.yaml")
    assert 0 < work["_copy"] <= MAX_ALIAS_NODES
    assert message(error) == (
        "bomb.yaml: e[0]: aliases expand to more than 10000 values (an alias bomb?) (line 5, "
        "column 8)"
    )


def test_yaml_recursive_alias_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "loop.yaml", "a: &x [b, *x]\n"), source="loop.yaml")
    assert message(error) == "loop.yaml: a[1]: the alias *x refers to itself (line 1, column 11)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: !!python/object/apply:os.system [ls]\n",
            "t.yaml: a: the YAML tag tag:yaml.org,2002:python/object/apply:os.system is not "
            "supported (line 1, column 4)",
        ),
        (
            "a: !!binary aGk=\n",
            "t.yaml: a: the YAML tag tag:yaml.org,2002:binary is not supported (line 1, column 4)",
        ),
        (
            "a: !!set {x}\n",
            "t.yaml: a: the YAML tag tag:yaml.org,2002:set is not supported (line 1, column 4)",
        ),
        ("a: .nan\n", "t.yaml: a: .nan (NaN or infinity) is not allowed (line 1, column 4)"),
        ("a: -.inf\n", "t.yaml: a: -.inf (NaN or infinity) is not allowed (line 1, column 4)"),
        (
            "base: &b {x: 1}\nc:\n  <<: *b\n",
            "t.yaml: c: YAML merge keys (<<) are not supported (line 3, column 3)",
        ),
        ("a: 1\na: 2\n", "t.yaml: a: duplicate key 'a' at line 2, column 1 (first at line 1)"),
        (
            "222222222222: [x]\n",
            "t.yaml: $: the key 222222222222 is a number, keys must be strings: quote it (line 1, "
            "column 1)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "t.yaml: $: a file must hold one YAML document, not several (line 2, column 1)",
        ),
        ("a: *nowhere\n", "t.yaml: a: undefined alias *nowhere (line 1, column 4)"),
        ("? [a]\n: b\n", "t.yaml: $: keys must be strings (line 1, column 3)"),
    ],
)
def test_yaml_refusals(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "t.yaml", text), source="t.yaml")
    assert message(error) == expected


_LONG = "9" * 5000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Past Python's 4,300-digit limit on integer text, as the JSON reader says it.
        (f"version: {_LONG}\n", "t.yaml: version: number too long (line 1, column 10)"),
        (f"version: -{_LONG}\n", "t.yaml: version: number too long (line 1, column 10)"),
        (f"version: !!int {_LONG}\n", "t.yaml: version: number too long (line 1, column 10)"),
        (f"version: 1_{_LONG}\n", "t.yaml: version: number too long (line 1, column 10)"),
        # Bases PyYAML converts without that limit, then no message could print the number.
        ("a: 0x" + "f" * 4000 + "\n", "t.yaml: a: number too long (line 1, column 4)"),
        ("a: 0b" + "1" * 15000 + "\n", "t.yaml: a: number too long (line 1, column 4)"),
        ("a: 0" + "7" * 6000 + "\n", "t.yaml: a: number too long (line 1, column 4)"),
        ("a: 1" + ":59" * 3000 + "\n", "t.yaml: a: number too long (line 1, column 4)"),
        ("a: 1" + ":59" * 3000 + ".5\n", "t.yaml: a: number too long (line 1, column 4)"),
        (f"? {_LONG}\n: x\n", "t.yaml: $: number too long (line 1, column 3)"),
        ("a: 1" + "0" * 400 + ".5\n", "t.yaml: a: number out of range (line 1, column 4)"),
        # Explicit tags on text that is not of the type.
        ("a: !!int abc\n", "t.yaml: a: abc is not a valid integer (line 1, column 4)"),
        ("a: 0x_\n", "t.yaml: a: 0x_ is not a valid integer (line 1, column 4)"),
        ("a: !!float x\n", "t.yaml: a: x is not a valid number (line 1, column 4)"),
        ("a: !!bool maybe\n", "t.yaml: a: maybe is not a boolean (line 1, column 4)"),
        (
            "a: !!int " + "z" * 500 + "\n",
            "t.yaml: a: " + "z" * 119 + "… is not a valid integer (line 1, column 4)",
        ),
    ],
)
def test_yaml_scalars_yaml_cannot_build_are_refused(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "t.yaml", text), source="t.yaml")
    assert message(error) == expected


def test_yaml_and_json_read_integers_up_to_the_same_length(tmp_path: Path) -> None:
    longest = "9" * MAX_NUMBER_DIGITS
    for name in ("t.yaml", "t.json"):
        data, _ = load_document(write(tmp_path, name, f'{{"a": {longest}}}'), source=name)
        assert data == {"a": 10**MAX_NUMBER_DIGITS - 1}
        with pytest.raises(InputError, match="number too long"):
            load_document(write(tmp_path, name, f'{{"a": {longest}9}}'), source=name)


def test_nan_in_json_is_refused(tmp_path: Path) -> None:
    text = '{"Statement": [{"Condition": {"NumericLessThan": {"s3:max-keys": NaN}}}]}'
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "nan.json", text), source="nan.json")
    assert message(error) == (
        "nan.json: Statement[0].Condition.NumericLessThan.s3:max-keys: "
        "NaN and Infinity are not JSON numbers (line 1, column 66)"
    )


def test_duplicate_json_key_is_refused(tmp_path: Path) -> None:
    text = '{\n  "Statement": [{\n    "Effect": "Allow",\n    "Effect": "Deny"\n  }]\n}'
    with pytest.raises(InputError) as error:
        load_document(write(tmp_path, "dup.json", text), source="dup.json")
    assert message(error) == (
        "dup.json: Statement[0].Effect: duplicate key 'Effect' at line 4, column 5 "
        "(first at line 3, column 5)"
    )


# --- the JSON scanner agrees with json.loads --------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(value=_json_values, indent=st.sampled_from([None, 0, 2]))
def test_scanner_gives_the_data_json_loads_gives(value: Any, indent: int | None) -> None:
    text = json.dumps({"v": value}, indent=indent, ensure_ascii=False)
    data, positions = parse_json(text, source="x.json")
    expected = json.loads(text)
    assert data == expected
    assert json.dumps(data, sort_keys=True) == json.dumps(expected, sort_keys=True)
    assert positions[("v",)][0] >= 1


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet='{}[]",:0123456789.eE+-tfrunl aNI\n\\x', max_size=40))
def test_scanner_never_accepts_what_json_loads_rejects(text: str) -> None:
    try:
        data, _ = parse_json(text, source="x.json")
    except InputError as error:
        assert "\n" not in str(error)
        return
    expected = json.loads(text)  # must not raise: we accepted it
    assert data == expected or (
        isinstance(data, float) and math.isnan(data) is False and data == expected
    )


def test_scanner_work_is_linear_in_the_values() -> None:
    statement = {
        "Sid": "AllowCrossAccountRead",
        "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::333333333333:root"]},
        "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:GetBucketAcl"],
        "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    }
    # The scanner spends a few Python lines per value (strings and numbers go to C: _json's
    # scanstring, regexes), never a loop per character; benchmarks/bench_documents.py times it.
    work = []
    for copies in (4, 8):
        text = json.dumps({"Version": "2012-10-17", "Statement": [statement] * copies}, indent=2)
        with counted() as counts:
            parse_json(text, source="p.json")
        assert counts["lines"] <= 50 * counts["value"]
        work.append(counts["lines"])
    assert work[1] <= 2 * work[0]


def test_parse_text_auto_prefers_json_errors_for_json_looking_text() -> None:
    with pytest.raises(InputError) as error:
        parse_text("[1, 2", source="x", format="auto")
    assert message(error) == "x: $: malformed JSON at line 1, column 6: expected ',' or ']'"


def test_pure_python_yaml_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from checker.plan.yaml_document import parse_yaml

    with_libyaml = parse_yaml(YAML_POLICY, source="p.yaml")
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert parse_yaml(YAML_POLICY, source="p.yaml") == with_libyaml
    with pytest.raises(InputError) as error:
        parse_yaml("a: " + "[" * 10_000, source="deep.yaml")
    assert message(error) == (
        f"deep.yaml: a{'[0]' * (MAX_DEPTH - 1)}: nesting deeper than {MAX_DEPTH} levels "
        f"(line 1, column {MAX_DEPTH + 3})"
    )
