"""Lint configuration: ``.xreg.yaml`` or ``[tool.xreg]`` in ``pyproject.toml``.

Where it is looked for: from the folder of the plan upwards, the first folder that has an
``.xreg.yaml`` (or ``.xreg.yml``), or a ``pyproject.toml`` with a ``[tool.xreg]`` table, wins;
the search stops at the root of a git checkout (a folder with ``.git``) or of the file system.
The plan's folder, not the working directory, so that a plan checked from anywhere (CI, a
pre-commit hook, a colleague's shell) gets the same rules.

Keys (the same in both files)::

    fail-on: error            # error | warning | never (the command line's --fail-on wins)
    disable: [ACTION-WILDCARD]
    severity: {MISSING-ORG-CONDITION: error}
    baseline: .xreg-baseline.yaml     # relative to the config file
    organization-rules: [...]         # or a path to a YAML file holding the list
    fix-documented: false             # also fix what only the AWS documentation asks for
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError
from checker.lint.yaml_input import one_line, read_yaml_input
from checker.records import field, record
from checker.results.gate import FAIL_ON_VALUES
from checker.results.model import Finding, Severity
from checker.results.outcome import finding_fails

if TYPE_CHECKING:
    from checker.lint.org_rules import OrgRule

CONFIG_NAMES = (".xreg.yaml", ".xreg.yml")
KEYS = ("fail-on", "disable", "severity", "baseline", "organization-rules", "fix-documented")


@record
class LintConfig:
    disabled: frozenset[str] = frozenset()
    severities: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: str = "error"
    baseline: Path | None = None
    organization_rules: tuple[OrgRule, ...] = ()
    source: str | None = None  # the file the configuration came from
    fix_documented: bool = False

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        return self.severities.get(rule_id, default)

    def fails(self, finding: Finding) -> bool:
        """Whether ``finding`` reaches the failing severity (suppressed ones never do)."""
        return finding_fails(finding, self.fail_on)


def find_config_file(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """The configuration file that applies to ``start`` (a plan file or a folder) and its
    xreg table, or None."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file():
                return path, _read_yaml_config(path)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _read_pyproject(pyproject)
            if table is not None:
                return pyproject, table
        if (candidate / ".git").exists():
            break
    return None


def _read_yaml_config(path: Path) -> Mapping[str, Any]:
    cannot_read = "cannot read the configuration: "
    data = read_yaml_input(
        path,
        unreadable=lambda error: InputError(str(path), "$", f"{cannot_read}{one_line(error)}"),
        malformed_prefix=cannot_read,
    )
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InputError(str(path), "$", "the configuration must be a mapping of keys")
    return data


def _read_pyproject(path: Path) -> Mapping[str, Any] | None:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), "$", f"cannot read pyproject.toml: {error.strerror}") from None
    if b"xreg" not in raw:
        return None  # no [tool.xreg] table: spare importing tomllib and parsing the file
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(str(path), "$", f"cannot read pyproject.toml: {one_line(error)}") from None
    table = data.get("tool", {}).get("xreg")
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise InputError(str(path), "tool.xreg", "must be a table")
    return table


def load_config(start: Path, cli_fail_on: str | None = None) -> LintConfig:
    """The configuration for a plan at (or folder) ``start``; ``cli_fail_on`` overrides the
    file's ``fail-on``. No file: the defaults."""
    found = find_config_file(start)
    if found is None:
        config = LintConfig()
    else:
        path, table = found
        prefix = "tool.xreg." if path.name == "pyproject.toml" else ""
        config = parse_config(table, source=path, prefix=prefix)
    if cli_fail_on is not None:
        if cli_fail_on not in FAIL_ON_VALUES:
            raise InputError(
                "--fail-on", "$", f"must be one of {', '.join(FAIL_ON_VALUES)}, not {cli_fail_on!r}"
            )
        config = LintConfig(
            disabled=config.disabled,
            severities=config.severities,
            fail_on=cli_fail_on,
            baseline=config.baseline,
            organization_rules=config.organization_rules,
            source=config.source,
        )
    return config


def parse_config(table: Mapping[str, Any], *, source: Path, prefix: str = "") -> LintConfig:
    """Check and read one configuration table; every error names its key."""
    from checker.lint.org_rules import load_org_rules
    from checker.lint.spec import rule_ids

    where = str(source)

    def fail(key: str, reason: str) -> InputError:
        return InputError(where, f"{prefix}{key}", reason)

    from difflib import get_close_matches

    for key in table:
        if key not in KEYS:
            close = get_close_matches(str(key), KEYS, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise fail(str(key), f"unknown key (known: {', '.join(KEYS)}){hint}")

    fail_on = table.get("fail-on", "error")
    if fail_on not in FAIL_ON_VALUES:
        raise fail("fail-on", f"must be one of {', '.join(FAIL_ON_VALUES)}, not {fail_on!r}")

    organization_rules = load_org_rules(
        table.get("organization-rules", []), source=source, prefix=f"{prefix}organization-rules"
    )
    known = set(rule_ids()) | {rule.id for rule in organization_rules}

    def rule_id(value: object, key: str) -> str:
        if not isinstance(value, str):
            raise fail(key, f"a rule id is a string, not {value!r}")
        wanted = value.upper()
        if wanted not in known:
            close = get_close_matches(wanted, sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise fail(key, f"no rule {value!r}{hint} (xreg rules lists them)")
        return wanted

    disable = table.get("disable", [])
    if not isinstance(disable, list):
        raise fail("disable", "must be a list of rule ids")
    disabled = frozenset(rule_id(item, f"disable[{index}]") for index, item in enumerate(disable))

    severity = table.get("severity", {})
    if not isinstance(severity, Mapping):
        raise fail("severity", "must map rule ids to error, warning or info")
    severities: dict[str, Severity] = {}
    for key, value in severity.items():
        name = rule_id(key, f"severity.{key}")
        if value not in ("error", "warning", "info"):
            raise fail(f"severity.{key}", f"must be error, warning or info, not {value!r}")
        severities[name] = Severity(value)

    fix_documented = table.get("fix-documented", False)
    if not isinstance(fix_documented, bool):
        raise fail("fix-documented", f"must be true or false, not {fix_documented!r}")
    baseline = table.get("baseline")
    if baseline is not None and (not isinstance(baseline, str) or not baseline):
        raise fail("baseline", "must be the path of a baseline file")
    return LintConfig(
        disabled=disabled,
        severities=severities,
        fail_on=fail_on,
        baseline=(source.parent / baseline) if baseline else None,
        organization_rules=tuple(organization_rules),
        source=where,
        fix_documented=fix_documented,
    )
