"""``xreg dry-run PLAN``: replay the registration end to end on emulated AWS (moto).

boto3 and moto are imported inside ``run`` only: registering the command costs nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.aws.session import AccountAccess
    from checker.plan.model import Plan

from checker.commands.outputs import add_output_arguments, requested_formats, write_outputs


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dry-run",
        help="replay the registration end to end on emulated AWS (moto)",
        description=(
            "Build both accounts of the plan in moto, replay the registrar's "
            "create_model_package request and each consumer's deployment reads, and show "
            "step by step what went through and what AWS would refuse. xreg's own evaluator "
            "authorizes every call: moto evaluates no resource policy or cross-account access."
        ),
    )
    parser.add_argument("plan", help="the registration plan (YAML or JSON)")
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="a running moto server to build the sandbox in (default: moto in-process)",
    )
    parser.add_argument(
        "--with-fixes",
        action="store_true",
        help="apply xreg's own fix suggestions to the sandbox first, then replay",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="a step whose identity policies the plan does not give is unknown, and stops",
    )
    add_output_arguments(parser, fail_on=False, detail=False)
    probe = parser.add_argument_group("live probes (read-only, real credentials)")
    probe.add_argument(
        "--probe",
        action="store_true",
        help="also read the live accounts: each image manifest and artifact (as a consumer), "
        "the group (as the registrar)",
    )
    for side, who in (("registrar", "the registrar"), ("consumer", "a consumer")):
        probe.add_argument(f"--{side}-profile", metavar="PROFILE", help=f"profile of {who}")
        probe.add_argument(f"--{side}-role-arn", metavar="ARN", help=f"role to assume as {who}")
        probe.add_argument(f"--{side}-external-id", metavar="ID", help="external id for it")
    probe.add_argument(
        "--probe-endpoint-url", metavar="URL", help="send the probes here instead of AWS"
    )
    probe.add_argument(
        "--session-name", default="xreg-readonly", help="role session name (default xreg-readonly)"
    )
    parser.set_defaults(run=run)


def _probe_access(args: argparse.Namespace, side: str, region: str) -> AccountAccess:
    from checker.aws.session import AccountAccess

    return AccountAccess(
        label=f"--{side}-profile",
        profile=getattr(args, f"{side}_profile"),
        role_arn=getattr(args, f"{side}_role_arn"),
        external_id=getattr(args, f"{side}_external_id"),
        session_name=args.session_name,
        region=region,
        endpoint_url=args.probe_endpoint_url,
    )


def _prober(args: argparse.Namespace) -> Callable[[Plan], tuple[dict[str, Any], ...]]:
    def probe(plan: Plan) -> tuple[dict[str, Any], ...]:
        from checker.dryrun.probe import run_probes

        return run_probes(
            plan,
            _probe_access(args, "registrar", plan.region),
            _probe_access(args, "consumer", plan.region),
        )

    return probe


def run(args: argparse.Namespace) -> int:
    from checker.dryrun.console import print_dry_run
    from checker.dryrun.run import DryRunOptions, dry_run
    from checker.plan.loader import load_plan

    requested_formats(args)  # refuse an unknown format before doing any work
    plan = load_plan(args.plan)
    options = DryRunOptions(
        endpoint_url=args.endpoint_url, with_fixes=args.with_fixes, strict=args.strict
    )
    report = dry_run(plan, options, _prober(args) if args.probe else None)
    write_outputs(report, args, print_dry_run)
    return 0 if report.verdict == "pass" else 1
