"""How a check run uses lint: the engine's hooks, filled from a lint configuration.

The core engine does not import lint; commands (``check``, ``baseline``, ``audit``) build their
``CheckOptions`` here so that lint findings, the baseline and the AWS-owned image registries
are wired the same way everywhere.
"""

from __future__ import annotations

from checker.catalog import is_aws_owned_image_account
from checker.engine.decide import CheckOptions
from checker.engine.policies import PolicyIndex
from checker.lint import lint_plan
from checker.lint.config import LintConfig
from checker.lint.registry import configured_rules
from checker.plan.model import Plan
from checker.results.model import Finding, RequirementResult


def check_options(
    config: LintConfig,
    *,
    strict: bool = False,
    lint: bool = True,
    use_baseline: bool = True,
    fix_documented: bool = False,
) -> CheckOptions:
    """``CheckOptions`` that lint with ``config`` and apply its baseline (when it has one)."""

    def extra_findings(plan: Plan, index: PolicyIndex) -> list[Finding]:
        return lint_plan(plan, index.by_source, config)

    postprocess = None
    accept = None
    if use_baseline and config.baseline is not None:
        from checker.lint.baseline import accept_requirements, apply_baseline, load_baseline

        baseline = load_baseline(config.baseline)

        def postprocess(findings: list[Finding]) -> list[Finding]:
            return apply_baseline(findings, baseline)

        def accept(rows: list[RequirementResult]) -> list[RequirementResult]:
            return accept_requirements(rows, baseline)

    return CheckOptions(
        rules_checked=tuple(rule.id for rule in configured_rules(config) if rule.enabled),
        strict=strict,
        fail_on=config.fail_on,
        lint=lint,
        extra_findings=extra_findings,
        postprocess_findings=postprocess,
        postprocess_requirements=accept,
        is_aws_owned_image=is_aws_owned_image_account,
        fix_documented=fix_documented or config.fix_documented,
    )
