"""checker.refs: ARNs, principals, ECR images, S3 URIs; checker.matrix.references: what a
request references."""

from __future__ import annotations

import pytest

from checker.matrix.references import find_images, find_s3_uris
from checker.refs import (
    Arn,
    EcrImage,
    NotInEcr,
    S3Location,
    parse_account_id,
    parse_arn,
    parse_ecr_image,
    parse_ecr_repository_arn,
    parse_kms_key_arn,
    parse_model_package_group_arn,
    parse_principal_arn,
    parse_region,
    parse_s3_uri,
    principal_account,
)

DIGEST = "sha256:" + "0123456789abcdef" * 4

# --- ARNs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "arn:aws:s3:::my-bucket/key/with:colon",
            Arn("aws", "s3", "", "", "my-bucket/key/with:colon"),
        ),
        (
            "arn:aws-cn:kms:cn-north-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            Arn(
                "aws-cn",
                "kms",
                "cn-north-1",
                "222222222222",
                "key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
        ),
        (
            "arn:aws-us-gov:iam::111111111111:role/path/Deploy",
            Arn("aws-us-gov", "iam", "", "111111111111", "role/path/Deploy"),
        ),
        (
            "arn:aws:iam::aws:policy/AdministratorAccess",
            Arn("aws", "iam", "", "aws", "policy/AdministratorAccess"),
        ),
    ],
)
def test_parse_arn_round_trips(text: str, expected: Arn) -> None:
    arn = parse_arn(text)
    assert arn == expected
    assert str(arn) == text


def test_arn_resource_type_and_id() -> None:
    arn = parse_arn("arn:aws:iam::111111111111:role/service-role/Deploy")
    assert (arn.resource_type, arn.resource_id) == ("role", "service-role/Deploy")
    assert parse_arn("arn:aws:iam::111111111111:root").resource_id == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("arn:aws:s3", "is not an ARN"),
        ("urn:aws:s3:::bucket", "is not an ARN"),
        ("arn:azure:s3:::bucket", "unknown partition 'azure'"),
        ("arn:aws:S3:::bucket", "'S3' is not a service name"),
        ("arn:aws:kms:moon-1:222222222222:key/x", "'moon-1' is not a region name"),
        ("arn:aws:kms:cn-north-1:222222222222:key/x", "region cn-north-1 is not in partition aws"),
        ("arn:aws:iam::2222:root", "'2222' is not an account id"),
        ("arn:aws:iam::222222222222:", "the resource part is empty"),
        ("arn:aws:iam::222222222222:role/a b", "contains blanks"),
    ],
)
def test_parse_arn_refuses_malformed(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_arn(text)


def test_typed_arn_parsers() -> None:
    assert (
        parse_ecr_repository_arn("arn:aws:ecr:us-east-2:222222222222:repository/team/model").account
        == "222222222222"
    )
    assert (
        parse_kms_key_arn("arn:aws:kms:us-east-2:222222222222:alias/aws/s3").resource
        == "alias/aws/s3"
    )
    assert (
        parse_kms_key_arn("arn:aws:kms:us-east-2:222222222222:key/mrk-" + "a" * 32).region
        == "us-east-2"
    )
    group = parse_model_package_group_arn(
        "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/iris"
    )
    assert group.resource_id == "iris"
    with pytest.raises(ValueError, match="not an ECR repository ARN"):
        parse_ecr_repository_arn("arn:aws:ecr:us-east-2:222222222222:repository/Upper")
    with pytest.raises(ValueError, match="not a KMS key ARN"):
        parse_kms_key_arn("arn:aws:kms:us-east-2:222222222222:key/not-a-key-id")
    with pytest.raises(ValueError, match="not a KMS key ARN"):
        parse_kms_key_arn("arn:aws:s3:::bucket")
    with pytest.raises(ValueError, match="not a model package group ARN"):
        parse_model_package_group_arn(
            "arn:aws:sagemaker:us-east-2:111111111111:model-package/iris/1"
        )


def test_account_ids_and_regions() -> None:
    assert parse_account_id("012345678901") == "012345678901"
    for bad in (
        12345678901,
        "12345678901",
        "1234567890123",
        "22222222222a",
        "222222222222\n",
        True,
    ):
        with pytest.raises(ValueError):
            parse_account_id(bad)
    for region in (
        "us-east-2",
        "cn-northwest-1",
        "us-gov-west-1",
        "ap-southeast-4",
        "il-central-1",
    ):
        assert parse_region(region) == region
    for bad in ("us-east", "US-EAST-1", "useast1", "us-east-2 "):
        with pytest.raises(ValueError):
            parse_region(bad)


# --- principals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "account", "name", "path", "session"),
    [
        ("arn:aws:iam::111111111111:root", "root", "111111111111", None, "/", None),
        ("arn:aws:iam::111111111111:role/Deploy", "role", "111111111111", "Deploy", "/", None),
        (
            "arn:aws:iam::111111111111:role/service-role/team/Deploy",
            "role",
            "111111111111",
            "Deploy",
            "/service-role/team/",
            None,
        ),
        (
            "arn:aws:iam::222222222222:user/alice@example.com",
            "user",
            "222222222222",
            "alice@example.com",
            "/",
            None,
        ),
        (
            "arn:aws:sts::222222222222:assumed-role/Pipeline/run-42",
            "assumed-role",
            "222222222222",
            "Pipeline",
            "/",
            "run-42",
        ),
        ("arn:aws-cn:iam::333333333333:role/Deploy", "role", "333333333333", "Deploy", "/", None),
        ("arn:aws-us-gov:iam::444444444444:root", "root", "444444444444", None, "/", None),
    ],
)
def test_parse_principal_arn(
    text: str, kind: str, account: str, name: str | None, path: str, session: str | None
) -> None:
    principal = parse_principal_arn(text)
    assert (
        principal.kind,
        principal.account,
        principal.name,
        principal.path,
        principal.session,
    ) == (
        kind,
        account,
        name,
        path,
        session,
    )
    assert principal_account(text) == account


@pytest.mark.parametrize(
    "text",
    [
        "arn:aws:iam::111111111111:group/Admins",
        "arn:aws:iam::111111111111:role/",
        "arn:aws:iam::111111111111:role/bad!name",
        "arn:aws:iam::111111111111:role//Deploy",
        "arn:aws:iam:us-east-1:111111111111:role/Deploy",
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:sts::111111111111:assumed-role/OnlyRole",
        "arn:aws:s3:::bucket",
        "111111111111",
    ],
)
def test_parse_principal_arn_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_principal_arn(text)


# --- ECR images -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            "222222222222.dkr.ecr.us-east-2.amazonaws.com/decision-trees-sample:latest",
            ("aws", "222222222222", "us-east-2", "decision-trees-sample", "latest", None),
        ),
        (
            "222222222222.dkr.ecr.us-east-2.amazonaws.com/decision-trees-sample",
            ("aws", "222222222222", "us-east-2", "decision-trees-sample", "latest", None),
        ),
        (
            f"222222222222.dkr.ecr.eu-west-1.amazonaws.com/team/sub/model@{DIGEST}",
            ("aws", "222222222222", "eu-west-1", "team/sub/model", None, DIGEST),
        ),
        (
            f"222222222222.dkr.ecr.eu-west-1.amazonaws.com/model:v1.2@{DIGEST}",
            ("aws", "222222222222", "eu-west-1", "model", "v1.2", DIGEST),
        ),
        (
            "333333333333.dkr.ecr.cn-north-1.amazonaws.com.cn/model:1",
            ("aws-cn", "333333333333", "cn-north-1", "model", "1", None),
        ),
        (
            "444444444444.dkr.ecr.us-gov-west-1.amazonaws.com/model:prod",
            ("aws-us-gov", "444444444444", "us-gov-west-1", "model", "prod", None),
        ),
        (
            "444444444444.dkr.ecr-fips.us-gov-east-1.amazonaws.com/model:prod",
            ("aws-us-gov", "444444444444", "us-gov-east-1", "model", "prod", None),
        ),
        (
            "222222222222.dkr-ecr.us-east-2.on.aws/model:2",
            ("aws", "222222222222", "us-east-2", "model", "2", None),
        ),
        (
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-gpu-py310",
            ("aws", "763104351884", "us-east-1", "pytorch-inference", "2.1.0-gpu-py310", None),
        ),
    ],
)
def test_parse_ecr_image(uri: str, expected: tuple[str, ...]) -> None:
    image = parse_ecr_image(uri)
    assert isinstance(image, EcrImage)
    assert image.uri == uri
    assert (
        image.partition,
        image.account,
        image.region,
        image.repository,
        image.tag,
        image.digest,
    ) == expected
    assert image.repository_arn == (
        f"arn:{expected[0]}:ecr:{expected[2]}:{expected[1]}:repository/{expected[3]}"
    )


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("python:3.11", "Docker Hub"),
        ("library/python", "Docker Hub"),
        ("docker.io/library/python:3.11", "registry docker.io"),
        ("ghcr.io/org/model:1", "registry ghcr.io"),
        ("public.ecr.aws/sagemaker/model:1", "ECR Public"),
        ("localhost:5000/model", "registry localhost:5000"),
        ("myregistry.azurecr.io/model@" + DIGEST, "registry myregistry.azurecr.io"),
    ],
)
def test_images_outside_ecr_are_not_in_ecr(uri: str, reason: str) -> None:
    with pytest.raises(NotInEcr, match=reason):
        parse_ecr_image(uri)


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("", "is not an image URI"),
        ("222222222222.dkr.ecr.us-east-2.amazonaws.com/model name", "is not an image URI"),
        ("https://222222222222.dkr.ecr.us-east-2.amazonaws.com/model", "has no scheme"),
        ("2222.dkr.ecr.us-east-2.amazonaws.com/model", "is not an ECR registry host"),
        ("222222222222.dkr.ecr.amazonaws.com/model", "is not an ECR registry host"),
        ("222222222222.dkr.ecr.cn-north-1.amazonaws.com/model", "served by amazonaws.com.cn"),
        ("222222222222.dkr.ecr.us-east-2.amazonaws.com.cn/model", "served by amazonaws.com"),
        ("222222222222.dkr.ecr.us-east-2.amazonaws.com/Model", "not a valid ECR repository name"),
        ("222222222222.dkr.ecr.us-east-2.amazonaws.com/model:", "not a valid image tag"),
        ("222222222222.dkr.ecr.us-east-2.amazonaws.com/model@sha256:abc", "digest must be sha256"),
        ("222222222222.dkr.ecr.us-east-2.amazonaws.com/", "not a valid ECR repository name"),
        ("Python:3", "not a valid image reference"),
    ],
)
def test_malformed_images(uri: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as error:
        parse_ecr_image(uri)
    assert not isinstance(error.value, NotInEcr)


# --- S3 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "bucket", "key"),
    [
        ("s3://my-bucket/model.tar.gz", "my-bucket", "model.tar.gz"),
        ("s3://my-bucket/path/to/model.tar.gz", "my-bucket", "path/to/model.tar.gz"),
        ("s3://my-bucket", "my-bucket", ""),
        ("s3://my-bucket/a%20b", "my-bucket", "a%20b"),  # s3:// keys are literal
        ("https://my-bucket.s3.amazonaws.com/model.tar.gz", "my-bucket", "model.tar.gz"),
        (
            "https://my-bucket.s3.us-east-2.amazonaws.com/a/model.tar.gz",
            "my-bucket",
            "a/model.tar.gz",
        ),
        ("https://my.dotted.bucket.s3.us-east-2.amazonaws.com/k", "my.dotted.bucket", "k"),
        ("https://my-bucket.s3-us-west-2.amazonaws.com/k", "my-bucket", "k"),
        (
            "https://s3.us-east-2.amazonaws.com/my-bucket/a/model.tar.gz",
            "my-bucket",
            "a/model.tar.gz",
        ),
        ("https://s3.amazonaws.com/my-bucket/model.tar.gz", "my-bucket", "model.tar.gz"),
        ("https://s3-eu-west-1.amazonaws.com/my-bucket/k", "my-bucket", "k"),
        ("https://my-bucket.s3.dualstack.us-east-2.amazonaws.com/k", "my-bucket", "k"),
        ("https://s3.dualstack.us-east-2.amazonaws.com/my-bucket/k", "my-bucket", "k"),
        ("https://my-bucket.s3-fips.us-gov-west-1.amazonaws.com/k", "my-bucket", "k"),
        ("https://my-bucket.s3.cn-north-1.amazonaws.com.cn/k", "my-bucket", "k"),
        ("https://s3.cn-north-1.amazonaws.com.cn/my-bucket/k", "my-bucket", "k"),
        (
            "https://my-bucket.s3.amazonaws.com/model%20v1/a%2Bb.tar.gz",
            "my-bucket",
            "model v1/a+b.tar.gz",
        ),
    ],
)
def test_parse_s3_uri(uri: str, bucket: str, key: str) -> None:
    location = parse_s3_uri(uri)
    assert isinstance(location, S3Location)
    assert (location.bucket, location.key, location.uri) == (bucket, key, uri)
    assert location.bucket_arn() == f"arn:aws:s3:::{bucket}"
    assert location.object_arn("aws-cn") == f"arn:aws-cn:s3:::{bucket}/{key}"


def test_s3_region_is_kept_when_the_url_names_one() -> None:
    assert parse_s3_uri("https://b-1.s3.eu-west-1.amazonaws.com/k").region == "eu-west-1"
    assert parse_s3_uri("https://s3.amazonaws.com/b-1/k").region is None


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("http://my-bucket.s3.amazonaws.com/k", "is not an S3 URI"),
        ("s3:/my-bucket/k", "is not an S3 URI"),
        ("my-bucket/k", "is not an S3 URI"),
        ("https://example.com/model.tar.gz", "not an S3 endpoint"),
        ("https://my-bucket.s3.amazonaws.com/k?versionId=1", "query strings"),
        ("https://s3.amazonaws.com/", "names no bucket"),
        ("s3://My-Bucket/k", "lowercase letters"),
        ("s3://ab/k", "3 to 63 characters"),
        ("s3://" + "a" * 64 + "/k", "3 to 63 characters"),
        ("s3://my..bucket/k", "two adjacent dots"),
        ("s3://192.168.1.1/k", "IP address"),
        ("s3://xn--bucket/k", "reserved prefix"),
        ("s3://bucket-s3alias/k", "reserved prefix or suffix"),
        ("s3://-bucket/k", "must begin and end"),
        ("s3://my_bucket/k", "lowercase letters"),
        ("s3://arn:aws:s3:us-east-1:111111111111:accesspoint/ap/k", "access point"),
        ("s3://my-bucket/a b", "contains blanks"),
        ("https://ap-111111111111.s3-accesspoint.us-east-1.amazonaws.com/k", "not an S3 endpoint"),
    ],
)
def test_malformed_s3_uris(uri: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_s3_uri(uri)


# --- what a request references ----------------------------------------------------------------

REQUEST = {
    "ModelPackageGroupName": "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/iris",
    "InferenceSpecification": {
        "Containers": [
            {
                "Image": "222222222222.dkr.ecr.us-east-2.amazonaws.com/pre:1",
                "ModelDataUrl": "s3://b-1/pre.tar.gz",
            },
            {
                "Image": "222222222222.dkr.ecr.us-east-2.amazonaws.com/model:1",
                "ModelDataSource": {
                    "S3DataSource": {
                        "S3Uri": "s3://b-1/model/",
                        "S3DataType": "S3Prefix",
                        "CompressionType": "None",
                        "ManifestS3Uri": "s3://b-1/manifest.json",
                    }
                },
                "AdditionalModelDataSources": [
                    {
                        "ChannelName": "draft",
                        "S3DataSource": {
                            "S3Uri": "s3://b-1/draft.bin",
                            "S3DataType": "S3Object",
                            "CompressionType": "None",
                        },
                    }
                ],
                "Environment": {"WEIGHTS_Url": "s3://b-1/not-an-artifact"},
            },
        ]
    },
    "AdditionalInferenceSpecifications": [
        {
            "Name": "gpu",
            "Containers": [
                {
                    "Image": "222222222222.dkr.ecr.us-east-2.amazonaws.com/model:gpu",
                    "ModelDataUrl": "https://b-2.s3.us-east-2.amazonaws.com/gpu.tar.gz",
                }
            ],
        }
    ],
    "ModelMetrics": {
        "ModelQuality": {
            "Statistics": {"ContentType": "application/json", "S3Uri": "s3://metrics/stats.json"}
        }
    },
    "DriftCheckBaselines": {
        "Bias": {
            "ConfigFile": {"ContentType": "application/json", "S3Uri": "s3://metrics/bias.json"}
        }
    },
    "SamplePayloadUrl": "s3://payloads/sample.tar.gz",
    "SourceUri": "arn:aws:sagemaker:us-east-2:222222222222:model/source",
    "CustomerMetadataProperties": {"DatasetUri": "s3://training-data/"},
}


def test_find_s3_uris_finds_every_artifact_with_its_field() -> None:
    assert find_s3_uris(REQUEST) == [
        (
            "s3://b-1/pre.tar.gz",
            "registration.InferenceSpecification.Containers[0].ModelDataUrl",
            False,
        ),
        (
            "s3://b-1/model/",
            "registration.InferenceSpecification.Containers[1].ModelDataSource.S3DataSource.S3Uri",
            True,
        ),
        (
            "s3://b-1/manifest.json",
            "registration.InferenceSpecification.Containers[1].ModelDataSource.S3DataSource.ManifestS3Uri",
            False,
        ),
        (
            "s3://b-1/draft.bin",
            "registration.InferenceSpecification.Containers[1].AdditionalModelDataSources[0].S3DataSource.S3Uri",
            False,
        ),
        (
            "https://b-2.s3.us-east-2.amazonaws.com/gpu.tar.gz",
            "registration.AdditionalInferenceSpecifications[0].Containers[0].ModelDataUrl",
            False,
        ),
        (
            "s3://metrics/stats.json",
            "registration.ModelMetrics.ModelQuality.Statistics.S3Uri",
            False,
        ),
        ("s3://metrics/bias.json", "registration.DriftCheckBaselines.Bias.ConfigFile.S3Uri", False),
        ("s3://payloads/sample.tar.gz", "registration.SamplePayloadUrl", False),
    ]


def test_find_s3_uris_keeps_malformed_values_for_the_caller_to_report() -> None:
    request = {
        "InferenceSpecification": {
            "Containers": [{"Image": "x", "ModelDataUrl": "https://example.com/m.tar.gz"}]
        },
        "SourceUri": "s3://src/model",
    }
    found = find_s3_uris(request, root="")
    assert found == [
        (
            "https://example.com/m.tar.gz",
            "InferenceSpecification.Containers[0].ModelDataUrl",
            False,
        ),
        ("s3://src/model", "SourceUri", False),
    ]
    with pytest.raises(ValueError):
        parse_s3_uri(found[0][0])


def test_find_images_covers_pipelines_and_additional_specifications() -> None:
    assert find_images(REQUEST) == [
        (
            "222222222222.dkr.ecr.us-east-2.amazonaws.com/pre:1",
            "registration.InferenceSpecification.Containers[0].Image",
        ),
        (
            "222222222222.dkr.ecr.us-east-2.amazonaws.com/model:1",
            "registration.InferenceSpecification.Containers[1].Image",
        ),
        (
            "222222222222.dkr.ecr.us-east-2.amazonaws.com/model:gpu",
            "registration.AdditionalInferenceSpecifications[0].Containers[0].Image",
        ),
    ]


def test_find_images_ignores_shapes_it_cannot_read() -> None:
    assert find_images({"InferenceSpecification": {"Containers": "oops"}}) == []
    assert (
        find_images({"AdditionalInferenceSpecifications": [None, {"Containers": [{"Image": 3}]}]})
        == []
    )
