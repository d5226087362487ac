from __future__ import annotations

import re

from checker.policy.decision import Decision
from checker.records import replace
from checker.report.markdown import (
    COMMENT_MARKER,
    GITHUB_COMMENT_LIMIT,
    comment_size,
    render_markdown,
    render_markdown_within,
)
from checker.results.model import Fix, Report
from report.factories import CONSUMER, make_report, passing_report, requirement


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The body rows of the table under ``heading``, split on unescaped pipes."""
    lines = text.split(heading, 1)[1].lstrip("\n").splitlines()
    table = []
    for line in lines:
        if not line.startswith("|"):
            break
        table.append(line)
    assert table[1].startswith("|---")
    return [
        [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]] for line in table[2:]
    ]


def test_verdict_counts_and_marker() -> None:
    text = render_markdown(make_report())
    assert text.startswith(
        COMMENT_MARKER + "\n## ❌ xreg: the cross-account registration will fail"
    )
    # an allowed access whose identity side the plan does not give counts as unverified
    assert "**Requirements** 5: 1 allowed, 2 denied, 1 unknown, 1 unverified" in text
    assert "**Findings** 1 error, 1 warning (1 suppressed)" in text
    passing = render_markdown(passing_report())
    assert "## ✅ xreg: the cross-account registration will work" in passing
    assert "Every requirement is allowed." in passing
    assert "### Fixes" not in passing


def test_denied_and_unknown_requirements_are_a_table_errors_first() -> None:
    rows = table_rows(render_markdown(make_report()), "### Requirements not allowed (3)")
    assert len(rows) == 3
    assert all(len(row) == 6 for row in rows)
    decisions = [row[0] for row in rows]
    assert decisions == ["🔴 implicit deny", "🟠 unknown", "🔴 implicit deny"]
    assert "documented" in rows[2][1]  # the warning comes after the errors
    assert rows[0][3] == "`ecr:GetDownloadUrlForLayer`"


def test_each_fix_is_one_collapsible_block_listing_what_it_fixes() -> None:
    text = render_markdown(make_report())
    assert text.count("<details>") == text.count("</details>") == 3  # 2 fixes + full list
    assert "### Fixes (2)" in text
    bucket = text.split("F2: <b>bucket policy of my-bucket</b>", 1)[1].split("</details>", 1)[0]
    # One fix that closes a requirement and a finding is shown once, naming both.
    assert "<code>consumer-reads-bucket-acl</code>, <code>S3-ACTION-RESOURCE-MISMATCH</code>" in (
        bucket
    )
    assert "```sh\naws s3api put-bucket-policy --bucket my-bucket" in bucket
    assert '"Action": "s3:GetBucketAcl"' in bucket


def test_hostile_text_cannot_break_the_table_inject_html_or_mention_people() -> None:
    hostile = "a | b <script>alert(1)</script> @octo-org/admins `tick` **bold**\nnext line"
    report = make_report(
        (
            requirement(
                decision=Decision.IMPLICIT_DENY,
                because=hostile,
                resource="arn:aws:s3:::b|`x`",
            ),
        ),
        (),
    )
    text = render_markdown(report)
    rows = table_rows(text, "### Requirements not allowed (1)")
    assert len(rows) == 1 and len(rows[0]) == 6
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "@octo-org" not in text
    assert "\\*\\*bold\\*\\*" in text
    # The code span survives a backtick and a pipe inside it.
    assert "``arn:aws:s3:::b\\|`x```" in rows[0][4] or "`` arn:aws:s3:::b\\|`x` ``" in rows[0][4]


def test_fences_outgrow_backticks_in_commands() -> None:
    fix = Fix(account="1", target="t", command="echo ```` done", id="F9")
    report = make_report((requirement(decision=Decision.EXPLICIT_DENY, fix=fix),), ())
    text = render_markdown(report)
    assert "`````sh\necho ```` done\n`````" in text


def big_report(rows: int) -> Report:
    policy = {"Statement": [{"Sid": f"S{index}", "Resource": "x" * 400} for index in range(12)]}
    requirements = tuple(
        requirement(
            id=f"consumer-reads-artifact-{index}",
            principal=CONSUMER,
            action="s3:GetObject",
            resource=f"arn:aws:s3:::bucket/key-{index}",
            decision=Decision.IMPLICIT_DENY,
            because="no statement allows it " * 5,
            fix=Fix(
                account="222222222222",
                target=f"bucket policy {index}",
                command=f"aws s3api put-bucket-policy --bucket b{index}",
                policy=policy,
                id=f"F{index}",
            ),
        )
        for index in range(rows)
    )
    return make_report(requirements)


def test_a_huge_report_is_cut_to_githubs_limit_with_a_note() -> None:
    report = big_report(400)
    text = render_markdown(report)
    assert comment_size(text) <= GITHUB_COMMENT_LIMIT
    assert "Cut to stay within GitHub's 65,536-character comment limit" in text
    note = text.rsplit("> ✂️", 1)[1]
    shown_fixes = text.count("<summary>🔧")
    assert shown_fixes < 400
    assert f"{400 - shown_fixes} fixes" in note
    assert "the full requirement list" in note
    assert text.count("<details>") == text.count("</details>")
    # The note is its own paragraph, never a row of the table above it.
    assert "\n\n> ✂️" in text


def test_cutting_keeps_order_and_counts_rows() -> None:
    report = big_report(60)
    text = render_markdown_within(report, 8_000)
    assert comment_size(text) <= 8_000
    shown_rows = len(table_rows(text, "### Requirements not allowed (60)"))
    assert 0 < shown_rows < 60
    note = text.rsplit("> ✂️", 1)[1]
    assert f"{60 - shown_rows} requirement rows" in note
    assert "60 fixes" in note
    assert "### Fixes" not in text  # nothing after the first cut


def test_size_counts_utf16_units() -> None:
    assert comment_size("🔴") == 2
    assert comment_size("a") == 1
    report = replace(big_report(30), plan="🔴" * 10)
    text = render_markdown_within(report, 6_000)
    assert comment_size(text) <= 6_000
