"""CloudFormation templates as plan sources: intrinsics, unresolved values, locations, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checker.errors import InputError
from checker.plan.loader import load_plan
from checker.sources.cfn_yaml import TemplateLoader, parse_template_yaml
from tests.sources.helpers import (
    GROUP_ARN,
    REGISTRY,
    TRAINING,
    check,
    decisions,
    row,
    write_json,
    write_plan,
)

ROOT = Path(__file__).resolve().parents[2]


def _repository_template(statements: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "Parameters": {"Name": {"Type": "String", "Default": "sample"}},
        **extra,
        "Resources": {
            "Repo": {
                "Type": "AWS::ECR::Repository",
                "Properties": {
                    "RepositoryName": {"Ref": "Name"},
                    "RepositoryPolicyText": {"Version": "2012-10-17", "Statement": statements},
                },
            }
        },
    }


def _pull(principal: Any, sid: str = "Pull") -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"],
    }


def _plan(tmp_path: Path, template: dict[str, Any], **fields: Any) -> Path:
    write_json(tmp_path / "infra" / "template.json", template)
    source = {"cloudformation": "infra/template.json", "account": TRAINING}
    source.update(fields.pop("source", {}))
    return write_plan(tmp_path, [source], **fields)


def test_a_plan_without_sources_does_not_import_the_readers() -> None:
    code = (
        "import sys\n"
        "from checker.cli import main\n"
        "main(['check', 'fixtures/aws-doc-sample/plan.yaml', '--no-lint', '-f', 'json', "
        "'-o', '/dev/null'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('checker.sources')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_the_repository_policy_is_read_with_sub_and_pseudo_parameters(tmp_path: Path) -> None:
    principal = {"Fn::Sub": "arn:${AWS::Partition}:iam::" + REGISTRY + ":root"}
    report = check(_plan(tmp_path, _repository_template([_pull(principal)])))
    assert decisions(report)["ecr:GetDownloadUrlForLayer"] == "allowed"
    location = row(report, "ecr:BatchGetImage").location
    assert location.source == "infra/template.json#Resources.Repo.Properties.RepositoryPolicyText"
    assert location.file.endswith("infra/template.json")
    assert location.line is not None and location.line > 1


def test_a_principal_from_another_account_is_not_taken_for_the_registry(tmp_path: Path) -> None:
    principal = {
        "Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "iam", "", "333333333333", "root"]]
    }
    report = check(_plan(tmp_path, _repository_template([_pull(principal)])))
    assert decisions(report)["ecr:BatchGetImage"] == "implicit_deny"


def test_an_imported_value_in_a_deny_makes_the_access_unknown(tmp_path: Path) -> None:
    deny = {
        "Sid": "OnlyFromVpce",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "ecr:*",
        "Condition": {"StringNotEquals": {"aws:SourceVpce": {"Fn::ImportValue": "SharedVpce"}}},
    }
    report = check(
        _plan(
            tmp_path,
            _repository_template([_pull(f"arn:aws:iam::{REGISTRY}:root"), deny]),
            context={"aws:SourceVpce": "vpce-1"},
        )
    )
    pulled = row(report, "ecr:BatchGetImage")
    assert pulled.decision.value == "unknown"
    assert "Fn::ImportValue SharedVpce (infra/template.json:" in pulled.because
    assert pulled.sides.resource_policy.value == "unknown"


def test_an_imported_principal_in_an_allow_cannot_deny(tmp_path: Path) -> None:
    statements = [
        _pull(f"arn:aws:iam::{REGISTRY}:root"),
        _pull({"Fn::ImportValue": "DeployRoleArn"}, sid="Deployer"),
    ]
    report = check(_plan(tmp_path, _repository_template(statements)))
    assert decisions(report)["ecr:BatchGetImage"] == "allowed"


def test_an_imported_principal_is_never_taken_to_allow(tmp_path: Path) -> None:
    report = check(_plan(tmp_path, _repository_template([_pull({"Fn::ImportValue": "Who"})])))
    pulled = row(report, "ecr:BatchGetImage")
    assert pulled.decision.value == "unknown"
    assert "Fn::ImportValue Who" in pulled.because


def test_an_ssm_dynamic_reference_is_unresolved(tmp_path: Path) -> None:
    principal = "{{resolve:ssm:/registry/account-root}}"
    report = check(_plan(tmp_path, _repository_template([_pull(principal)])))
    assert (
        "dynamic reference {{resolve:ssm:/registry/account-root}}"
        in row(report, "ecr:BatchGetImage").because
    )


def test_if_select_split_and_find_in_map(tmp_path: Path) -> None:
    template = _repository_template(
        [
            {
                "Fn::If": [
                    "Shared",
                    _pull(
                        {
                            "Fn::Select": [
                                1,
                                {"Fn::Split": [",", {"Fn::FindInMap": ["Roots", "all", "list"]}]},
                            ]
                        }
                    ),
                    {"Ref": "AWS::NoValue"},
                ]
            },
            {
                "Sid": "Noop",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{TRAINING}:root"},
                "Action": "ecr:ListImages",
            },
        ],
        Conditions={"Shared": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        Mappings={"Roots": {"all": {"list": f"x,arn:aws:iam::{REGISTRY}:root"}}},
    )
    template["Parameters"]["Env"] = {"Type": "String", "Default": "dev"}
    assert decisions(check(_plan(tmp_path, template)))["ecr:BatchGetImage"] == "implicit_deny"
    params = tmp_path / "params.txt"
    params.write_text("Env=prod\n")
    plan = _plan(tmp_path, template, source={"parameters": "params.txt"})
    assert decisions(check(plan))["ecr:BatchGetImage"] == "allowed"


def test_parameter_files_and_key_value_lists(tmp_path: Path) -> None:
    template = _repository_template([_pull({"Fn::Sub": "arn:aws:iam::${Registry}:root"})])
    template["Parameters"]["Registry"] = {"Type": "String"}
    write_json(tmp_path / "p.json", [{"ParameterKey": "Registry", "ParameterValue": REGISTRY}])
    plan = _plan(tmp_path, template, source={"parameters": "p.json"})
    assert decisions(check(plan))["ecr:BatchGetImage"] == "allowed"
    plan = _plan(tmp_path, template, source={"parameters": [f"Registry={REGISTRY}"]})
    assert decisions(check(plan))["ecr:BatchGetImage"] == "allowed"
    # no value: the parameter is unresolved, never guessed
    report = check(_plan(tmp_path, template))
    assert "parameter Registry (no value given)" in row(report, "ecr:BatchGetImage").because


def test_yaml_short_forms_are_read_as_long_forms() -> None:
    text = (
        "Resources:\n"
        "  A:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: !Sub '${AWS::AccountId}-x'\n"
        "      Tags: [!GetAtt B.Arn, !Join ['', [a, !Ref"
        " C]], !If [D, !ImportValue E, !Select [0, [f]]]]\n"
    )
    data, positions = parse_template_yaml(text, source="t.yaml")
    properties = data["Resources"]["A"]["Properties"]
    assert properties["BucketName"] == {"Fn::Sub": "${AWS::AccountId}-x"}
    assert properties["Tags"] == [
        {"Fn::GetAtt": ["B", "Arn"]},
        {"Fn::Join": ["", ["a", {"Ref": "C"}]]},
        {"Fn::If": ["D", {"Fn::ImportValue": "E"}, {"Fn::Select": [0, ["f"]]}]},
    ]
    assert positions[("Resources", "A", "Properties", "BucketName")] == (5, 19)
    import yaml

    assert yaml.load(text, Loader=TemplateLoader)["Resources"]["A"]["Properties"] == properties


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Resources: [", "t.yaml: $: malformed YAML at line 1"),
        (
            "Resources:\n  A: !Bogus x\n",
            "t.yaml: Resources.A: the YAML tag !Bogus is not a CloudFormation function",
        ),
        ("Resources:\n  A: {Type: x}\n  A: {Type: y}\n", "t.yaml: Resources.A: duplicate key 'A'"),
    ],
)
def test_malformed_yaml_is_one_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as error:
        parse_template_yaml(text, source="t.yaml")
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            {"Resources": {}},
            "infra/template.json: Resources: a template needs a non-empty Resources object",
        ),
        (
            {"Resources": {"A": {"Properties": {}}}},
            "infra/template.json: Resources.A: a resource needs a Type",
        ),
        (
            _repository_template([_pull({"Ref": "Missing"})]),
            "infra/template.json: Resources.Repo.Properties.RepositoryPolicyText.Statement[0]"
            ".Principal.AWS.Ref: Ref Missing: no parameter or resource of that name",
        ),
        (
            _repository_template([_pull({"Fn::Select": [5, ["a"]]})]),
            "infra/template.json: Resources.Repo.Properties.RepositoryPolicyText.Statement[0]"
            ".Principal.AWS.Fn::Select: Fn::Select: index 5 is out of range",
        ),
    ],
)
def test_malformed_templates_are_one_line(tmp_path: Path, template: Any, message: str) -> None:
    with pytest.raises(InputError) as error:
        load_plan(_plan(tmp_path, template))
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"cloudformation": "t.json"}, "sources[0]: missing required field 'account'"),
        (
            {"cloudformation": "t.json", "account": TRAINING, "step": "x"},
            "sources[0].step: is not an option of a cloudformation source",
        ),
        (
            {"cloudformation": "t.json", "terraform_plan": "t.json", "account": TRAINING},
            "sources[0]: names cloudformation and terraform_plan",
        ),
        (
            {"cloudformation": "../t.json", "account": TRAINING},
            "sources[0].cloudformation: ../t.json leads outside the plan's folder",
        ),
        (
            {"cloudformation": "nope.json", "account": TRAINING},
            "sources[0].cloudformation: source not found",
        ),
    ],
)
def test_malformed_entries_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: dict[str, Any], message: str
) -> None:
    write_json(tmp_path / "t.json", _repository_template([]))
    write_plan(tmp_path, [source])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value).startswith("plan.yaml: " + message)


def test_registration_stays_required_without_a_pipeline(tmp_path: Path) -> None:
    write_json(tmp_path / "t.json", _repository_template([_pull("*")]))
    plan = write_plan(
        tmp_path, [{"cloudformation": "t.json", "account": TRAINING}], registration=None
    )
    text = plan.read_text().replace("registration:", "x-registration:")
    plan.write_text(text)
    with pytest.raises(InputError) as error:
        load_plan(plan)
    assert "missing required field 'registration'" in str(error.value)


def test_a_plan_entry_overrides_the_source_and_the_report_says_so(tmp_path: Path) -> None:
    template = _repository_template([_pull(f"arn:aws:iam::{REGISTRY}:root")])
    repository = f"arn:aws:ecr:us-east-2:{TRAINING}:repository/sample"
    plan = _plan(tmp_path, template, resources={"ecr_repositories": [{"arn": repository}]})
    report = check(plan)
    assert decisions(report)["ecr:BatchGetImage"] == "implicit_deny"  # the plan's: no policy
    notes = [f for f in report.findings if f.rule == "SOURCE-OVERRIDDEN"]
    assert len(notes) == 1
    assert "resources.ecr_repositories[0] overrides what infra/template.json" in notes[0].message
    assert notes[0].location.line is not None


def test_a_generated_name_is_reported_and_its_policy_not_used(tmp_path: Path) -> None:
    template = _repository_template([_pull("*")])
    del template["Resources"]["Repo"]["Properties"]["RepositoryName"]
    report = check(_plan(tmp_path, template))
    assert decisions(report)["ecr:BatchGetImage"] == "unknown"  # not in the plan's resources
    (note,) = [f for f in report.findings if f.rule == "SOURCE-UNNAMED"]
    assert "generated by CloudFormation" in note.message


def test_roles_policies_attachments_and_keys(tmp_path: Path) -> None:
    role = f"arn:aws:iam::{TRAINING}:role/ops/Registrar"
    template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "Registrar",
                    "Path": "/ops/",
                    "ManagedPolicyArns": [{"Ref": "Managed"}],
                },
            },
            "Managed": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "ManagedPolicyName": "register",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "sagemaker:CreateModelPackage",
                                "Resource": "*",
                            }
                        ],
                    },
                },
            },
            "Extra": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "deny",
                    "Roles": [{"Ref": "Role"}],
                    "PolicyDocument": {
                        "Statement": {
                            "Effect": "Deny",
                            "Action": "sagemaker:CreateModelPackage",
                            "Resource": "*",
                        }
                    },
                },
            },
        }
    }
    group_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": role},
                "Action": "sagemaker:CreateModelPackage",
                "Resource": f"arn:aws:sagemaker:us-east-2:{REGISTRY}:model-package/iris/*",
            }
        ],
    }
    plan = _plan(
        tmp_path,
        template,
        principals={"registrar": role},
        resources={
            "model_package_groups": [
                {
                    "arn": f"arn:aws:sagemaker:us-east-2:{REGISTRY}:model-package-group/iris",
                    "policy": group_policy,
                }
            ]
        },
    )
    created = row(check(plan), "sagemaker:CreateModelPackage")
    assert created.decision.value == "explicit_deny"
    assert (
        created.location.source == "infra/template.json#Resources.Extra.Properties.PolicyDocument"
    )
    del template["Resources"]["Extra"]
    plan = _plan(
        tmp_path,
        template,
        principals={"registrar": role},
        resources={
            "model_package_groups": [
                {
                    "arn": f"arn:aws:sagemaker:us-east-2:{REGISTRY}:model-package-group/iris",
                    "policy": group_policy,
                }
            ]
        },
    )
    assert row(check(plan), "sagemaker:CreateModelPackage").decision.value == "allowed"


def test_a_key_without_an_alias_is_reported_and_grants_are_said_unknown(tmp_path: Path) -> None:
    key_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{REGISTRY}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    template = {
        "Resources": {
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": key_policy}},
            "Alias": {
                "Type": "AWS::KMS::Alias",
                "Properties": {"AliasName": "alias/art", "TargetKeyId": {"Ref": "Key"}},
            },
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": "my-bucket",
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {
                                "ServerSideEncryptionByDefault": {
                                    "SSEAlgorithm": "aws:kms",
                                    "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]},
                                }
                            }
                        ]
                    },
                },
            },
        }
    }
    plan = load_plan(_plan(tmp_path, template))
    (bucket,) = plan.s3_buckets
    assert bucket.encryption is not None
    assert bucket.encryption.kms_key == f"arn:aws:kms:us-east-2:{TRAINING}:alias/art"
    report = check(_plan(tmp_path, template))
    decrypt = row(report, "kms:Decrypt")
    assert decrypt.decision.value == "allowed"
    assert "AWS::KMS::Grant" in decrypt.because
    del template["Resources"]["Alias"]
    report = check(_plan(tmp_path, template))
    assert any(f.rule == "SOURCE-UNNAMED" for f in report.findings)


def test_a_bucket_key_the_template_cannot_name_makes_reading_its_objects_unknown(
    tmp_path: Path,
) -> None:
    read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{REGISTRY}:root"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::my-bucket/*",
            }
        ],
    }
    encryption = {
        "ServerSideEncryptionConfiguration": [
            {
                "ServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": {"Fn::ImportValue": "SharedKey"},
                }
            }
        ]
    }
    template = {
        "Resources": {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": "my-bucket", "BucketEncryption": encryption},
            },
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": read},
            },
        }
    }
    report = check(_plan(tmp_path, template))
    got = row(report, "s3:GetObject")
    assert got.decision.value == "unknown"
    assert "encrypts with the KMS key Fn::ImportValue SharedKey" in got.because
    del encryption["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"][
        "KMSMasterKeyID"
    ]
    # Who owns the object is a fact of its own: with ownership enforced, the bucket owner.
    bucket_properties = template["Resources"]["Bucket"]["Properties"]
    assert isinstance(bucket_properties, dict)
    bucket_properties["OwnershipControls"] = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert decisions(check(_plan(tmp_path, template)))["s3:GetObject"] == "allowed"


def test_a_shape_no_reader_foresaw_is_still_one_line(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": "R", "Policies": ["not a policy"]},
            }
        }
    }
    with pytest.raises(InputError) as error:
        load_plan(_plan(tmp_path, template))
    assert str(error.value).startswith("infra/template.json: $: cannot read this cloudformation")


def test_inline_policies_must_be_a_list(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "R", "Policies": "x"}}
        }
    }
    with pytest.raises(InputError) as error:
        load_plan(_plan(tmp_path, template))
    assert str(error.value).startswith(
        "infra/template.json: Resources.Role.Properties.Policies: must be a list of policies"
    )


def test_a_model_package_in_the_template_is_the_request(tmp_path: Path) -> None:
    image = {
        "Fn::Join": [
            "",
            [
                {"Ref": "AWS::AccountId"},
                ".dkr.ecr.",
                {"Ref": "AWS::Region"},
                ".",
                {"Ref": "AWS::URLSuffix"},
                "/sample:1",
            ],
        ]
    }
    template = _repository_template([_pull(f"arn:aws:iam::{REGISTRY}:root")])
    template["Resources"]["Package"] = {
        "Type": "AWS::SageMaker::ModelPackage",
        "Properties": {
            "ModelPackageGroupName": GROUP_ARN,
            "InferenceSpecification": {
                "Containers": [{"Image": image, "ModelDataUrl": "s3://my-bucket/m.tar.gz"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
            "Tags": [{"Key": "team", "Value": "ml"}],
        },
    }
    path = _plan(tmp_path, template)
    text = path.read_text().split("registration:")[0]
    path.write_text(text)
    plan = load_plan(path)
    (container,) = plan.registration["InferenceSpecification"]["Containers"]
    assert container["Image"] == f"{TRAINING}.dkr.ecr.us-east-2.amazonaws.com/sample:1"
    assert "Tags" not in plan.registration
    assert decisions(check(path))["ecr:BatchGetImage"] == "allowed"


def test_an_allow_that_decides_and_holds_an_unresolved_condition_is_unknown(
    tmp_path: Path,
) -> None:
    pull = _pull(f"arn:aws:iam::{REGISTRY}:root")
    # The placeholder differs from any real value, so the condition holds and the statement
    # allows; the real imported value might make it not hold.
    pull["Condition"] = {
        "StringNotEquals": {"aws:PrincipalOrgID": {"Fn::ImportValue": "ExcludedOrg"}}
    }
    report = check(_plan(tmp_path, _repository_template([pull]), organization_id="o-a1b2c3d4e5"))
    pulled = row(report, "ecr:BatchGetImage")
    assert pulled.decision.value == "unknown"
    assert "Fn::ImportValue ExcludedOrg" in pulled.because
