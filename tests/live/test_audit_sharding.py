"""Sharding, the accounts file and work items, without a server: the hash assignment, the
engines' variables, and bad input as one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.aws.audit.accounts import load_accounts
from checker.aws.audit.items import parse_items
from checker.aws.audit.sharding import Shard, choose_shard, input_digest, item_key, jump_hash
from checker.cli import main
from checker.errors import InputError

ITEMS = [
    (account, region, f"group-{number}")
    for account in ("111111111111", "222222222222", "333333333333")
    for region in ("us-east-1", "eu-west-1")
    for number in range(40)
]


def assignment(items: list[tuple[str, str, str]], count: int) -> dict[tuple[str, str, str], int]:
    """Which shard holds each item, found by asking every shard (as N processes would)."""
    held = {}
    for index in range(1, count + 1):
        shard = Shard(index, count)
        for item in items:
            if shard.holds(*item):
                assert item not in held, "two shards hold one item"
                held[item] = index
    assert len(held) == len(items), "an item no shard holds"
    return held


def test_adding_an_account_moves_only_its_own_items() -> None:
    before = assignment(ITEMS, 4)
    added = [("444444444444", "us-east-1", f"group-{number}") for number in range(40)]
    after = assignment(ITEMS + added, 4)
    assert {item: after[item] for item in ITEMS} == before
    assert set(after[item] for item in added) == {1, 2, 3, 4}  # the new items spread too


def test_one_more_shard_moves_items_only_to_the_new_shard() -> None:
    before, after = assignment(ITEMS, 4), assignment(ITEMS, 5)
    moved = [item for item in ITEMS if before[item] != after[item]]
    assert moved and all(after[item] == 5 for item in moved)
    assert len(moved) < len(ITEMS) / 3  # about a fifth, where mod N would move four fifths


def test_the_hash_is_stable_across_processes_and_versions() -> None:
    # Pinned values: a change of the hash would move every item of every running audit.
    key = item_key("111111111111", "us-east-2", "iris")
    assert key == 0x02E33C6816E4D720
    assert [jump_hash(key, count) for count in (1, 2, 3, 4, 8, 100)] == [0, 0, 0, 0, 4, 78]
    assert all(jump_hash(key, 7) in range(7) for key in range(500))
    held = Shard(2, 3).holds_arn(
        "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/iris"
    )
    assert held == Shard(2, 3).holds("111111111111", "us-east-2", "iris")


@pytest.mark.parametrize(
    ("shard", "shards", "environ", "expected"),
    [
        ("2/4", None, {}, (2, 4, "--shard")),
        (None, "4", {"JOB_COMPLETION_INDEX": "0"}, (1, 4, "JOB_COMPLETION_INDEX=0")),
        (
            None,
            None,
            {"AWS_BATCH_JOB_ARRAY_INDEX": "2", "AWS_BATCH_JOB_ARRAY_SIZE": "3"},
            (3, 3, "AWS_BATCH_JOB_ARRAY_INDEX=2"),
        ),
        (None, "3", {"AWS_BATCH_JOB_ARRAY_INDEX": "1"}, (2, 3, "AWS_BATCH_JOB_ARRAY_INDEX=1")),
        ("1/2", "2", {"JOB_COMPLETION_INDEX": "0"}, (1, 2, "--shard")),
        (None, None, {"JOB_COMPLETION_INDEX": ""}, None),
    ],
)
def test_the_shard_comes_from_the_option_or_the_engine(
    shard: str | None, shards: str | None, environ: dict[str, str], expected: tuple | None
) -> None:
    chosen = choose_shard(shard, shards, environ)
    assert (None if chosen is None else (chosen.index, chosen.count, chosen.chosen_by)) == expected


@pytest.mark.parametrize(
    ("shard", "shards", "environ", "reason"),
    [
        (None, None, {"JOB_COMPLETION_INDEX": "1"}, "give --shards N"),
        (None, "3", {"JOB_COMPLETION_INDEX": "3"}, "out of range for 3 shards"),
        (None, "3", {"JOB_COMPLETION_INDEX": "-1"}, "not a 0-based shard index"),
        (None, None, {"AWS_BATCH_JOB_ARRAY_INDEX": "0"}, "AWS_BATCH_JOB_ARRAY_SIZE is not set"),
        (
            None,
            "4",
            {"AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "3"},
            "4 contradicts AWS_BATCH_JOB_ARRAY_SIZE=3",
        ),
        (
            None,
            "3",
            {"JOB_COMPLETION_INDEX": "0", "AWS_BATCH_JOB_ARRAY_INDEX": "0"},
            "both JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX",
        ),
        ("1/3", "3", {"JOB_COMPLETION_INDEX": "2"}, "contradicts JOB_COMPLETION_INDEX=2"),
        ("1/3", "4", {}, "4 contradicts --shard 1/3"),
        (None, "3", {}, "which of the 3 shards"),
        ("4/3", None, {}, "is not I/N"),
        (None, "0", {}, "not a whole number"),
    ],
)
def test_missing_out_of_range_and_contradicting_indices_are_refused(
    shard: str | None, shards: str | None, environ: dict[str, str], reason: str
) -> None:
    with pytest.raises(InputError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        choose_shard(shard, shards, environ)


def test_the_input_digest_covers_accounts_options_and_version() -> None:
    accounts = [{"account_id": "111111111111", "region": "us-east-2", "role": "r"}]
    digest = input_digest(accounts, {"strict": False}, "1.0")
    assert digest == input_digest(list(accounts), {"strict": False}, "1.0")
    assert digest != input_digest(accounts, {"strict": True}, "1.0")
    assert digest != input_digest(accounts, {"strict": False}, "1.1")
    assert digest != input_digest(
        [{**accounts[0], "region": "eu-west-1"}], {"strict": False}, "1.0"
    )


def write(tmp_path: Path, text: str, name: str = "accounts.yml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_accounts_file_in_c7n_orgs_shape(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """accounts:
- account_id: '222222222222'
  name: training
  role: arn:aws:iam::222222222222:role/xreg
  regions: [us-east-1, eu-west-1]
  tags: [env:prod, ml]
  external_id: secret
  vars: {owner: ml}
- account_id: 111111111111
  email: registry@example.com
""",
    )
    registry, training = load_accounts(path, role_pattern="audit/{account_id}")
    assert registry.account_id == "111111111111" and registry.role == "audit/111111111111"
    assert registry.role_arn("aws-cn") == "arn:aws-cn:iam::111111111111:role/audit/111111111111"
    assert training.role_arn("aws-cn") == "arn:aws:iam::222222222222:role/xreg"
    assert training.regions == ("us-east-1", "eu-west-1") and training.tags == ("env:prod", "ml")
    assert training.external_id == "secret" and training.name == "training"
    json_file = write(
        tmp_path, json.dumps({"accounts": [{"account_id": "333333333333", "role": "r"}]}), "a.json"
    )
    assert [entry.account_id for entry in load_accounts(json_file)] == ["333333333333"]


@pytest.mark.parametrize(
    ("text", "pattern", "where"),
    [
        ("accounts:\n- account_id: '111111111111'\n", None, "accounts[0].role: missing"),
        ("accounts:\n- account_id: 11111111111\n  role: r\n", None, "quote the account id"),
        ("accounts:\n- account_id: '111'\n  role: r\n", None, "accounts[0].account_id:"),
        (
            "accounts:\n- account_id: '111111111111'\n  role: r\n  region: x\n",
            None,
            "accounts[0].region: unknown field",
        ),
        (
            "accounts:\n- {account_id: '111111111111', role: r}\n"
            "- {account_id: '111111111111', role: r}\n",
            None,
            "accounts[1].account_id: 111111111111 is listed twice",
        ),
        (
            "accounts:\n- {account_id: '111111111111', role: 'arn:aws:iam::222222222222:role/r'}\n",
            None,
            "the role is in account 222222222222",
        ),
        (
            "accounts:\n- {account_id: '111111111111', regions: [Mars]}\n",
            "r",
            "accounts[0].regions[0]",
        ),
        ("accounts:\n- {account_id: '111111111111'}\n", "x-{name}", "has no name"),
        ("accounts:\n- {account_id: '111111111111'}\n", "x-{team}", "unknown placeholder {team}"),
        ("accounts: []\n", None, "accounts: must be a non-empty list"),
        ("- 111111111111\n", None, "must be an object with 'accounts'"),
        ("accounts: [\n", None, "not valid YAML"),
    ],
)
def test_a_bad_accounts_file_is_one_line_naming_the_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    isolated_aws_environment: None,
    text: str,
    pattern: str | None,
    where: str,
) -> None:
    path = write(tmp_path, text)
    argv = ["audit", "--accounts", path, "--list-items"]
    code = main([*argv, "--role-name", pattern] if pattern else argv)
    err = capsys.readouterr().err
    assert code == 2 and where in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--items", "i.json"], "--items: needs --accounts FILE or --org-ou OU_ID"),
        (["--org-ou", "r-abcd"], "--org-ou: give --role-name"),
        (
            ["--accounts", "a.yml", "--registry-profile", "p"],
            "--registry-profile: each account's role",
        ),
        (["--accounts", "a.yml", "--org-ou", "r-abcd"], "not both"),
        (
            ["--accounts", "a.yml", "--list-items", "--shard", "1/2"],
            "--list-items: lists every item",
        ),
    ],
)
def test_options_that_do_not_go_together_are_refused(
    capsys: pytest.CaptureFixture[str], isolated_aws_environment: None, argv: list[str], reason: str
) -> None:
    assert main(["audit", *argv]) == 2
    err = capsys.readouterr().err
    assert reason in err and len(err.strip().splitlines()) == 1


def test_items_as_an_array_json_lines_or_an_itembatcher_batch() -> None:
    one = {"account_id": "111111111111", "region": "us-east-2"}
    two = {"account_id": "222222222222", "region": "eu-west-1", "name": "t"}
    expected = [("111111111111/us-east-2"), ("222222222222/eu-west-1")]
    for text in (
        json.dumps([one, two]),
        json.dumps(one) + "\n\n" + json.dumps(two) + "\n",
        json.dumps({"Items": [one, two], "BatchInput": {"any": 1}}),
    ):
        assert [item.key for item in parse_items(text, "items")] == expected
    for text, reason in (
        (json.dumps([one, one]), r"\[1\]: 111111111111/us-east-2 is given twice"),
        (json.dumps([{**one, "acount": 1}]), r"\[0\].acount: unknown field"),
        (json.dumps([{"account_id": 111111111111, "region": "r"}]), "12-digit account id"),
        ('{"account_id": "111111111111", "region": "x"}\nnot json\n', "line 2: not valid JSON"),
        ("", "no items"),
    ):
        with pytest.raises(InputError, match=reason):
            parse_items(text, "items")
