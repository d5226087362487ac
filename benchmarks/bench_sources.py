"""Benchmark of the check of plans whose facts come from infrastructure as code.

Measures, on this machine, the whole-process wall time of ``xreg check`` (median of N runs,
output piped) on each bundled IaC fixture: a YAML CloudFormation template with short-form
tags and a parameter file, a CDK cloud assembly with a SageMaker pipeline definition, and a
Terraform plan with policies in nested modules, beside the AWS example plan (no sources) as
the baseline. The runs are interleaved, so a busy spell of the shared machine slows all alike.

Run: ``.venv/bin/python benchmarks/bench_sources.py [--runs 9]``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import sys

from _common import ROOT, time_processes, xreg_command

FIXTURES = ROOT / "fixtures"
PLANS = {
    "AWS example (no sources)": FIXTURES / "aws-doc-sample" / "plan.yaml",
    "CloudFormation YAML": FIXTURES / "iac" / "cfn-training-yaml" / "plan.yaml",
    "CDK + pipeline": FIXTURES / "iac" / "cdk-pipeline" / "plan.yaml",
    "Terraform plan": FIXTURES / "iac" / "terraform-registry" / "plan.yaml",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "checker"), quiet=1)
    command = xreg_command()
    commands = {"python startup floor": ([sys.executable, "-c", "pass"], False)}
    for name, plan in PLANS.items():
        commands[name] = ([*command, "check", str(plan)], False)
    times = time_processes(commands, args.runs)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print("                             median     best      cpu")
    for name, (median, best, cpu) in times.items():
        print(f"{name:<28}{median * 1000:7.1f} ms {best * 1000:6.1f} ms {cpu * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
