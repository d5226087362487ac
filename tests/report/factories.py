"""Reports built by hand: the renderers' input, shaped like the AWS-documentation example.

Renderer unit tests need exact control of every field (hostile strings, huge policies,
suppressed findings); end-to-end tests use real ``xreg check`` output instead. ``Elements``
reads an HTML report back.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from checker.engine.verdict import summarize
from checker.lint.rule_catalogue import rule_catalogue
from checker.policy.decision import Decision, Evidence
from checker.records import replace
from checker.results.model import (
    Finding,
    Fix,
    Level,
    Location,
    Report,
    RequirementResult,
    Severity,
    Sides,
)

TRAINING = "222222222222"
REGISTRY = "111111111111"
REGISTRAR = f"arn:aws:iam::{TRAINING}:role/TrainingPipelineRole"
CONSUMER = f"arn:aws:iam::{REGISTRY}:role/SageMakerDeployRole"
REPOSITORY = f"arn:aws:ecr:us-east-2:{TRAINING}:repository/decision-trees-sample"
KEY = f"arn:aws:kms:us-east-2:{TRAINING}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

ECR_FIX = Fix(
    account=TRAINING,
    target="repository policy of decision-trees-sample",
    command=(
        "aws ecr set-repository-policy --repository-name decision-trees-sample "
        "--policy-text file://fixed-ecr-repository-policy.json --region us-east-2"
    ),
    statement={
        "Sid": "AddPerm",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{REGISTRY}:root"},
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"],
    },
    policy={
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AddPerm",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{REGISTRY}:root"},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"],
            }
        ],
    },
    policy_file="fixed-ecr-repository-policy.json",
    id="F1",
)

BUCKET_FIX = Fix(
    account=TRAINING,
    target="bucket policy of my-bucket",
    command=(
        "aws s3api put-bucket-policy --bucket my-bucket --policy file://fixed-bucket-policy.json"
    ),
    statement={
        "Sid": "AddBucketAcl",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{REGISTRY}:root"},
        "Action": "s3:GetBucketAcl",
        "Resource": "arn:aws:s3:::my-bucket",
    },
    policy_file="fixed-bucket-policy.json",
    id="F2",
)


def sides(resource: Decision, identity: Decision, organization: Decision) -> Sides:
    return Sides(resource_policy=resource, identity_policy=identity, organization=organization)


def requirement(**changes: Any) -> RequirementResult:
    base = RequirementResult(
        id="registrar-creates-model-package",
        phase="register",
        level=Level.REQUIRED,
        principal=REGISTRAR,
        action="sagemaker:CreateModelPackage",
        resource=f"arn:aws:sagemaker:us-east-2:{REGISTRY}:model-package/iris/*",
        resource_owner=REGISTRY,
        decision=Decision.ALLOWED,
        sides=sides(Decision.ALLOWED, Decision.ALLOWED, Decision.NOT_APPLICABLE),
        because="statement AddPermModelPackageVersion of the group policy allows it",
        evidence=(Evidence("policies/model-package-group.json", "AddPermModelPackageVersion"),),
        title="The registrar may create versions in the registry's model package group",
    )
    return replace(base, **changes)


def unverified_requirement(**changes: Any) -> RequirementResult:
    """The consumer's ECR token: an identity-only action whose identity policy is not given."""
    unverified = requirement(
        id="consumer-gets-ecr-token",
        principal=CONSUMER,
        action="ecr:GetAuthorizationToken",
        resource="*",
        decision=Decision.UNVERIFIED,
        sides=sides(Decision.NOT_APPLICABLE, Decision.UNVERIFIED, Decision.NOT_APPLICABLE),
    )
    return replace(unverified, **changes)


def sample_requirements() -> tuple[RequirementResult, ...]:
    return (
        requirement(),
        requirement(
            id="consumer-pulls-image",
            phase="deploy",
            principal=CONSUMER,
            action="ecr:GetDownloadUrlForLayer",
            resource=REPOSITORY,
            resource_owner=TRAINING,
            decision=Decision.IMPLICIT_DENY,
            sides=sides(Decision.IMPLICIT_DENY, Decision.UNVERIFIED, Decision.NOT_APPLICABLE),
            because="no statement of the repository policy allows ecr:GetDownloadUrlForLayer",
            evidence=(Evidence("policies/ecr-repository.json", "AddPerm"),),
            title="Each consumer may pull each container image",
            fix=ECR_FIX,
            location=Location(
                source="policies/ecr-repository.json",
                statement="AddPerm",
                line=4,
                column=5,
                file="fixtures/aws-doc-sample/policies/ecr-repository.json",
            ),
        ),
        requirement(
            id="consumer-pulls-image",
            phase="deploy",
            principal=CONSUMER,
            action="ecr:BatchGetImage",
            resource=REPOSITORY,
            resource_owner=TRAINING,
            sides=sides(Decision.ALLOWED, Decision.UNVERIFIED, Decision.NOT_APPLICABLE),
            because="statement AddPerm of the repository policy allows it",
            evidence=(Evidence("policies/ecr-repository.json", "AddPerm"),),
            title="Each consumer may pull each container image",
        ),
        requirement(
            id="consumer-decrypts-artifact",
            phase="deploy",
            principal=CONSUMER,
            action="kms:Decrypt",
            resource=KEY,
            resource_owner=TRAINING,
            decision=Decision.UNKNOWN,
            sides=sides(Decision.UNKNOWN, Decision.UNVERIFIED, Decision.NOT_APPLICABLE),
            because="statement AllowUse allows it only when aws:SourceVpce matches",
            evidence=(Evidence("policies/key.json", "AllowUse"),),
            unknown_keys=("aws:SourceVpce",),
            title="Each consumer may decrypt each artifact",
        ),
        requirement(
            id="consumer-reads-bucket-acl",
            phase="deploy",
            level=Level.DOCUMENTED,
            principal=CONSUMER,
            action="s3:GetBucketAcl",
            resource="arn:aws:s3:::my-bucket",
            resource_owner=TRAINING,
            decision=Decision.IMPLICIT_DENY,
            sides=sides(Decision.IMPLICIT_DENY, Decision.UNVERIFIED, Decision.NOT_APPLICABLE),
            because="statement AddPerm lists only arn:aws:s3:::my-bucket/*",
            evidence=(Evidence("policies/bucket.json", "AddPerm"),),
            title="Each consumer may read the bucket's ACL",
            fix=BUCKET_FIX,
            location=Location(
                source="policies/bucket.json",
                statement="AddPerm",
                line=7,
                column=7,
                file="fixtures/aws-doc-sample/policies/bucket.json",
            ),
        ),
    )


def sample_findings() -> tuple[Finding, ...]:
    return (
        Finding(
            rule="S3-ACTION-RESOURCE-MISMATCH",
            severity=Severity.ERROR,
            message="s3:GetBucketAcl applies to the bucket, but statement AddPerm grants it "
            "only on objects",
            location=Location(
                source="policies/bucket.json",
                statement="AddPerm",
                line=7,
                column=7,
                file="fixtures/aws-doc-sample/policies/bucket.json",
            ),
            fingerprint="3f1c0ffee0ddba11",
            fix=BUCKET_FIX,
            title="An S3 action is granted on the wrong kind of resource",
        ),
        Finding(
            rule="ECR-WILDCARD-ACTION",
            severity=Severity.WARNING,
            message="ecr:Describe* also expands to registry-level actions",
            location=Location(
                source="policies/ecr-repository.json",
                statement="AddPerm",
                line=9,
                file="fixtures/aws-doc-sample/policies/ecr-repository.json",
            ),
            fingerprint="0badc0de5eed",
        ),
        Finding(
            rule="KMS-GRANTEE-NOT-ARN",
            severity=Severity.WARNING,
            message="the grantee is a bare account id",
            location=Location(source="plan.yaml", field="resources.kms_keys[0].grants[0]"),
            fingerprint="feedface",
            suppressed="accepted until the key is rotated",
        ),
    )


def make_report(
    requirements: tuple[RequirementResult, ...] | None = None,
    findings: tuple[Finding, ...] | None = None,
    **changes: Any,
) -> Report:
    requirements = sample_requirements() if requirements is None else requirements
    findings = sample_findings() if findings is None else findings
    report = Report(
        plan="fixtures/aws-doc-sample/plan.yaml",
        verdict="fail",
        requirements=requirements,
        findings=findings,
        summary=summarize(requirements, findings),
        rule_help=rule_catalogue(),  # as the command that writes SARIF attaches it
    )
    return replace(report, **changes)


def passing_report() -> Report:
    requirements = tuple(req for req in sample_requirements() if req.decision is Decision.ALLOWED)
    return make_report(requirements, (), verdict="pass")


# Text that would run as script if any renderer let it through unescaped.
HOSTILE = '"><script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def hostile_report() -> Report:
    """A report whose every free-text field is HOSTILE."""
    fix = Fix(
        account=HOSTILE,
        target=HOSTILE,
        command=f"echo '{HOSTILE}'",
        policy={"Statement": [{"Sid": HOSTILE, "Resource": "</script><script>alert(1)</script>"}]},
        description=HOSTILE,
        id=HOSTILE,
    )
    req = requirement(
        id=HOSTILE,
        principal=f"arn:aws:iam::111111111111:role/{HOSTILE}",
        resource=f"arn:aws:s3:::{HOSTILE}",
        action=HOSTILE,
        decision=Decision.EXPLICIT_DENY,
        because=HOSTILE,
        title=HOSTILE,
        fix=fix,
        location=Location(source=HOSTILE, statement=HOSTILE, line=1),
    )
    finding = Finding(
        rule=HOSTILE,
        severity=Severity.ERROR,
        message=HOSTILE,
        location=Location(source=HOSTILE, field=HOSTILE),
        fingerprint="x",
        fix=fix,
        title=HOSTILE,
        suppressed=HOSTILE,
    )
    return make_report((req,), (finding,), plan=HOSTILE)


class Elements(HTMLParser):
    """Every start tag of a rendered HTML report with its attributes, and the text inside
    <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._inside: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._inside = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.raw[self._inside][-1] += data
        else:
            self.text.append(data)
