"""``xreg init``: a commented plan for two accounts, to fill in and check."""

from __future__ import annotations

import argparse
import re
from typing import Any

_ACCOUNT = re.compile(r"^[0-9]{12}$")

TEMPLATE = """\
# A registration plan for xreg (docs/plan-format.md). Fill in what is marked, then run
#   xreg check {output}
# Every resource below is described without a policy, so the check shows what each one needs
# and the fixes that give it; replace `policy:` with the real policy (a file next to this
# plan, or inline), or let `xreg snapshot` collect all of it read-only.
version: 1
partition: {partition}
region: {region}                     # the registry's region
accounts:
  training: "{training}"        # owns the image, the artifacts and the key; registers
  registry: "{registry}"        # owns the model package group

# principals:                      # default: each account itself (its root ARN)
#   registrar: arn:{partition}:iam::{training}:role/TRAINING-PIPELINE-ROLE
#   consumers:
#     - arn:{partition}:iam::{registry}:role/DEPLOY-ROLE

registration:                      # the create_model_package input, exactly as passed to boto3
  ModelPackageGroupName: arn:{partition}:sagemaker:{region}:{registry}:model-package-group/{group}
  ModelApprovalStatus: PendingManualApproval
  InferenceSpecification:
    Containers:
      - Image: {training}.dkr.ecr.{region}.amazonaws.com/{repository}:latest
        ModelDataUrl: s3://{bucket}/model.tar.gz
    SupportedContentTypes: [text/csv]
    SupportedResponseMIMETypes: [text/csv]

# training_job:                    # how the artifacts were encrypted (OutputDataConfig.KmsKeyId)
#   output_kms_key: arn:{partition}:kms:{region}:{training}:key/KEY-ID

resources:                         # each resource as it is today; no `policy`: it has none
  ecr_repositories:
    - arn: arn:{partition}:ecr:{region}:{training}:repository/{repository}
      # policy: policies/ecr-repository.json
  s3_buckets:
    - name: {bucket}
      account: "{training}"
      # policy: policies/bucket.json
  model_package_groups:
    - arn: arn:{partition}:sagemaker:{region}:{registry}:model-package-group/{group}
      # policy: policies/model-package-group.json

# identities:                      # the identity policies of the principals above
#   - principal: arn:{partition}:iam::{registry}:role/DEPLOY-ROLE
#     policies: [policies/deploy-role.json]
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "init",
        help="write a commented plan for a training and a registry account",
        description="Write a commented registration plan for two accounts, ready to fill in.",
    )
    parser.add_argument("--training", required=True, metavar="ACCOUNT", help="training account")
    parser.add_argument("--registry", required=True, metavar="ACCOUNT", help="registry account")
    parser.add_argument("--region", default="us-east-1", help="the registry's region")
    parser.add_argument("--partition", default="aws", choices=("aws", "aws-cn", "aws-us-gov"))
    parser.add_argument("--group", default="my-model-group", help="the model package group")
    parser.add_argument("--repository", default="my-model", help="the ECR repository")
    parser.add_argument("--bucket", default="my-model-artifacts", help="the artifact bucket")
    parser.add_argument(
        "-o", "--output", default="plan.yaml", metavar="FILE", help="where (default plan.yaml)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from checker.commands.outputs import write_text_output
    from checker.errors import InputError

    for option, account in (("--training", args.training), ("--registry", args.registry)):
        if not _ACCOUNT.match(account):
            raise InputError(option, "$", f"an account id is 12 digits, not {account!r}")
    output = Path(args.output)
    if output.exists() and not args.force:
        raise InputError(str(output), "$", "exists already (--force overwrites it)")
    text = TEMPLATE.format(
        output=output,
        partition=args.partition,
        region=args.region,
        training=args.training,
        registry=args.registry,
        group=args.group,
        repository=args.repository,
        bucket=args.bucket,
    )
    write_text_output(text, str(output), cannot="cannot write the plan")
    print(f"xreg: wrote {output}; fill it in, then run: xreg check {output}", file=sys.stderr)
    return 0
