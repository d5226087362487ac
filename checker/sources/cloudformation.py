"""CloudFormation templates (JSON or YAML) as plan resources, identities and a registration.

Read: ``AWS::ECR::Repository`` (RepositoryPolicyText), ``AWS::S3::Bucket`` (encryption,
ownership controls), ``AWS::S3::BucketPolicy``, ``AWS::KMS::Key`` (KeyPolicy; named by its
``AWS::KMS::Alias``), ``AWS::SageMaker::ModelPackageGroup`` (ModelPackageGroupPolicy),
``AWS::SageMaker::ModelPackage`` (the registration request), ``AWS::IAM::Role`` (inline
policies, managed policy ARNs, boundary) and the ``AWS::IAM::Policy`` / ``ManagedPolicy`` /
``RolePolicy`` attached to roles. Other resources are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker import refs
from checker.errors import InputError, field_path
from checker.plan.documents import format_of, read_text
from checker.plan.json_document import parse_json
from checker.plan.model import FieldPath, Positions, nearest_position
from checker.plan.source_facts import ResourceFact, SourceNote
from checker.sources.entries import SourceEntry, parameter_values
from checker.sources.intrinsics import Resolver
from checker.sources.model import Form, Located, SourceData, SourcePolicy
from checker.sources.symbolic import Symbolic, first_symbolic

_REQUEST_FIELDS = frozenset(
    {
        "AdditionalInferenceSpecifications",
        "CertifyForMarketplace",
        "ClientToken",
        "CustomerMetadataProperties",
        "Domain",
        "DriftCheckBaselines",
        "InferenceSpecification",
        "MetadataProperties",
        "ModelApprovalStatus",
        "ModelCard",
        "ModelMetrics",
        "ModelPackageDescription",
        "ModelPackageGroupName",
        "ModelPackageName",
        "SamplePayloadUrl",
        "SecurityConfig",
        "SkipModelValidation",
        "SourceAlgorithmSpecification",
        "SourceUri",
        "Task",
        "ValidationSpecification",
    }
)
_AWS_MANAGED_POLICY = "iam::aws:policy/"


def read_cloudformation(entry: SourceEntry) -> SourceData:
    account = entry.options["account"]
    parameters = {**parameter_values(entry.options.get("parameters"), entry)}
    data = SourceData(label=entry.label)
    read_template(
        entry.path,
        entry.label,
        account=account,
        region=entry.region,
        partition=entry.partition,
        parameters=parameters,
        data=data,
    )
    return data


def load_template(path: Path, label: str) -> tuple[dict[str, Any], Positions, Form]:
    text = read_text(path, source=label)
    form: Form = "json"
    if format_of(path) == "yaml" or (
        format_of(path) == "auto" and text.lstrip()[:1] not in ("{", "[")
    ):
        from checker.sources.cfn_yaml import parse_template_yaml

        document, positions = parse_template_yaml(text, source=label)
        form = "yaml"
    else:
        document, positions = parse_json(text, source=label)
    if not isinstance(document, dict):
        raise InputError(label, "$", "a template must be an object with Resources")
    resources = document.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise InputError(label, "Resources", "a template needs a non-empty Resources object")
    for logical, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise InputError(
                label, field_path(("Resources", logical)), "a resource needs a Type (a string)"
            )
        properties = resource.get("Properties", {})
        if not isinstance(properties, dict):
            raise InputError(
                label, field_path(("Resources", logical, "Properties")), "must be an object"
            )
    return document, positions, form


def read_template(
    path: Path,
    label: str,
    *,
    account: str,
    region: str,
    partition: str,
    parameters: Mapping[str, str],
    data: SourceData,
) -> None:
    document, positions, form = load_template(path, label)
    _TemplateReader(
        document, positions, form, path, label, account, region, partition, parameters, data
    ).read()


class _TemplateReader:
    def __init__(
        self,
        template: dict[str, Any],
        positions: Positions,
        form: Form,
        path: Path,
        label: str,
        account: str,
        region: str,
        partition: str,
        parameters: Mapping[str, str],
        data: SourceData,
    ) -> None:
        self.template = template
        self.positions = positions
        self.form = form
        self.path = path
        self.label = label
        self.account = account
        self.region = region
        self.partition = partition
        self.data = data
        self.resources: dict[str, dict[str, Any]] = template["Resources"]
        self.resolving: set[tuple[str, str]] = set()
        self.aliases: dict[str, str] = {}
        self.resolver = Resolver(
            template,
            source=label,
            positions=positions,
            parameters=parameters,
            account=account,
            region=region,
            partition=partition,
            resource_value=self.value_of,
        )
        self.aliases = self._aliases_by_key()

    # --- places -----------------------------------------------------------------------------

    def located(self, path: FieldPath) -> Located:
        position = nearest_position(path, self.positions)
        return Located(
            source=self.label,
            file=self.path,
            line=position[0] if position else None,
            column=position[1] if position else None,
            where=field_path(path),
        )

    def note(self, rule: str, severity: str, message: str, path: FieldPath) -> None:
        located = self.located(path)
        self.data.notes.append(
            SourceNote(
                rule=rule,
                severity=severity,
                message=message,
                source=self.label,
                file=self.path,
                line=located.line,
                column=located.column,
                field=located.where,
            )
        )

    def prop(self, logical: str, name: str) -> Any:
        properties = self.resources[logical].get("Properties", {})
        if name not in properties:
            return None
        return self.resolver.resolve(properties[name], ("Resources", logical, "Properties", name))

    def policy(
        self, logical: str, name: str, symbolic: Symbolic | None = None
    ) -> SourcePolicy | None:
        """A policy property (an object, or JSON text) as a ``SourcePolicy``."""
        properties = self.resources[logical].get("Properties", {})
        if name not in properties:
            return None
        at: FieldPath = ("Resources", logical, "Properties", name)
        document = self.prop(logical, name)
        inner_positions: dict[FieldPath, tuple[int, int]] = {}
        depth = len(at)
        for path, position in self.positions.items():
            if path[:depth] == at:
                inner_positions[path[depth:]] = position
        if isinstance(document, str):
            try:
                document = json.loads(document)
            except ValueError as error:
                raise self.resolver.refuse(at, f"the policy is not valid JSON: {error}") from None
            inner_positions = {(): inner_positions.get((), (0, 0))}
        if symbolic is not None:
            document = symbolic
        if not isinstance(document, dict | Symbolic):
            raise self.resolver.refuse(at, "a policy document must be an object")
        return SourcePolicy(
            document=document,
            label=f"{self.label}#{field_path(at)}",
            file=self.path,
            positions=inner_positions,
            where=self.located(at).text(),
            form=self.form,
            property=field_path(at),
        )

    # --- values of resources, for Ref and Fn::GetAtt -----------------------------------------

    def name_of(self, logical: str, prop: str) -> Any:
        key = (logical, prop)
        if key in self.resolving:
            raise self.resolver.refuse(
                ("Resources", logical), "the resource's name refers to itself"
            )
        self.resolving.add(key)
        try:
            value = self.prop(logical, prop)
        finally:
            self.resolving.discard(key)
        if value is None:
            kind = self.resources[logical]["Type"]
            return Symbolic(
                f"the name of {kind} {logical}, generated by CloudFormation (set {prop})",
                self.located(("Resources", logical)).text(),
            )
        return value

    def value_of(self, logical: str, attribute: str, where: str) -> Any:
        kind = self.resources[logical]["Type"]
        p, r, a = self.partition, self.region, self.account
        name: Any = None
        if kind == "AWS::S3::Bucket":
            name = self.name_of(logical, "BucketName")
            built = {"Ref": "{n}", "Arn": f"arn:{p}:s3:::{{n}}"}
        elif kind == "AWS::ECR::Repository":
            name = self.name_of(logical, "RepositoryName")
            suffix = "amazonaws.com.cn" if p == "aws-cn" else "amazonaws.com"
            built = {
                "Ref": "{n}",
                "Arn": f"arn:{p}:ecr:{r}:{a}:repository/{{n}}",
                "RepositoryUri": f"{a}.dkr.ecr.{r}.{suffix}/{{n}}",
            }
        elif kind == "AWS::SageMaker::ModelPackageGroup":
            name = self.name_of(logical, "ModelPackageGroupName")
            arn = f"arn:{p}:sagemaker:{r}:{a}:model-package-group/{{n}}"
            built = {"Ref": arn, "ModelPackageGroupArn": arn}
        elif kind == "AWS::IAM::Role":
            name = self.name_of(logical, "RoleName")
            path = self.prop(logical, "Path") or "/"
            if isinstance(path, Symbolic):
                return path
            built = {"Ref": "{n}", "Arn": f"arn:{p}:iam::{a}:role{path}{{n}}"}
        elif kind == "AWS::IAM::ManagedPolicy":
            name = self.name_of(logical, "ManagedPolicyName")
            path = self.prop(logical, "Path") or "/"
            if isinstance(path, Symbolic):
                return path
            arn = f"arn:{p}:iam::{a}:policy{path}{{n}}"
            built = {"Ref": arn, "PolicyArn": arn}
        elif kind == "AWS::KMS::Alias":
            name = self.prop(logical, "AliasName")
            built = {"Ref": "{n}"}
        elif kind == "AWS::KMS::Key" and attribute in ("Ref", "Arn", "KeyId"):
            alias = self.aliases.get(logical)
            return Symbolic(
                f"the id of AWS::KMS::Key {logical}, chosen at deploy",
                where,
                stands_for=f"arn:{p}:kms:{r}:{a}:{alias}" if alias else None,
            )
        else:
            built = {}
        if attribute not in built or name is None:
            shown = "Ref" if attribute == "Ref" else f"Fn::GetAtt {logical}.{attribute}"
            return Symbolic(f"{shown} {logical}" if attribute == "Ref" else shown, where)
        if isinstance(name, Symbolic):
            return name
        return built[attribute].replace("{n}", str(name))

    def _aliases_by_key(self) -> dict[str, str]:
        """Each key's alias (``alias/NAME``), from ``AWS::KMS::Alias`` resources whose
        TargetKeyId is the key's Ref or Arn."""
        found: dict[str, str] = {}
        for logical, resource in self.resources.items():
            if resource["Type"] != "AWS::KMS::Alias":
                continue
            properties = resource.get("Properties", {})
            target = properties.get("TargetKeyId")
            name = self.prop(logical, "AliasName")
            key = None
            if isinstance(target, dict) and "Ref" in target:
                key = target["Ref"]
            elif isinstance(target, dict) and "Fn::GetAtt" in target:
                attribute = target["Fn::GetAtt"]
                key = attribute.split(".")[0] if isinstance(attribute, str) else attribute[0]
            if isinstance(key, str) and isinstance(name, str) and key not in found:
                found[key] = name
        return found

    # --- the resources ----------------------------------------------------------------------

    def read(self) -> None:
        for logical, resource in self.resources.items():
            absent = self.absent(logical, resource)
            if absent is True:
                continue
            reader = getattr(self, "read_" + resource["Type"].replace("::", "_").lower(), None)
            if reader is not None:
                reader(logical, absent)

    def absent(self, logical: str, resource: Mapping[str, Any]) -> bool | Symbolic:
        """True when the resource's Condition is false; a Symbolic when it is unknown."""
        if "Condition" not in resource:
            return False
        truth = self.resolver.condition(resource["Condition"], ("Resources", logical, "Condition"))
        if isinstance(truth, Symbolic):
            return truth
        return not truth

    def named(self, logical: str, value: Any, what: str) -> str | None:
        """A resource's concrete name, else ``None`` with a note saying why it is not read."""
        if isinstance(value, Symbolic):
            self.note(
                "SOURCE-UNNAMED",
                "warning",
                f"{what} {logical} is named by {value.describe()}: xreg cannot tell which "
                "requests it serves, so its policy is not checked (give the resource under "
                "resources:)",
                ("Resources", logical),
            )
            return None
        if not isinstance(value, str):
            raise self.resolver.refuse(
                ("Resources", logical, "Properties"), f"the name of {what} must be a string"
            )
        return value

    def conditional(self, logical: str, absent: bool | Symbolic) -> Symbolic | None:
        return absent if isinstance(absent, Symbolic) else None

    def read_aws_ecr_repository(self, logical: str, absent: bool | Symbolic) -> None:
        name = self.named(logical, self.name_of(logical, "RepositoryName"), "the ECR repository")
        if name is None:
            return
        arn = f"arn:{self.partition}:ecr:{self.region}:{self.account}:repository/{name}"
        entry = self.data.resource("ecr_repositories", arn, self.located(("Resources", logical)))
        entry["arn"] = arn
        entry["policy"] = self.policy(
            logical, "RepositoryPolicyText", self.conditional(logical, absent)
        )

    def read_aws_s3_bucket(self, logical: str, absent: bool | Symbolic) -> None:
        name = self.named(logical, self.name_of(logical, "BucketName"), "the bucket")
        if name is None:
            return
        entry = self.data.resource("s3_buckets", name, self.located(("Resources", logical)))
        entry.update(name=name, account=self.account)
        entry.setdefault("policy", None)
        encryption = self.prop(logical, "BucketEncryption")
        rules = (
            (encryption or {}).get("ServerSideEncryptionConfiguration")
            if isinstance(encryption, dict)
            else None
        )
        if isinstance(rules, list) and rules and isinstance(rules[0], dict):
            default = rules[0].get("ServerSideEncryptionByDefault") or {}
            sse = default.get("SSEAlgorithm")
            key = default.get("KMSMasterKeyID")
            if isinstance(sse, str):
                described: dict[str, Any] = {"sse": sse}
                if key is not None:
                    described["kms_key"] = self.key_arn(key, logical)
                    if isinstance(described["kms_key"], Symbolic):
                        self.unknown_key(name, described["kms_key"])
                if not isinstance(described.get("kms_key", ""), Symbolic):
                    entry["encryption"] = described
        ownership = self.prop(logical, "OwnershipControls")
        if isinstance(ownership, dict):
            rules = ownership.get("Rules")
            if isinstance(rules, list) and rules and isinstance(rules[0], dict):
                value = rules[0].get("ObjectOwnership")
                if isinstance(value, str):
                    entry["object_ownership"] = value

    def key_arn(self, value: Any, logical: str) -> Any:
        """A KMS key as the plan names it (an ARN); a key of this template by its alias."""
        if isinstance(value, Symbolic):
            if value.stands_for:
                return value.stands_for
            self.note(
                "SOURCE-UNRESOLVED",
                "warning",
                f"the KMS key of {logical} is {value.describe()}: the bucket's default "
                "encryption is not checked",
                ("Resources", logical),
            )
            return value
        text = str(value)
        if text.startswith("arn:"):
            return text
        prefix = f"arn:{self.partition}:kms:{self.region}:{self.account}:"
        return prefix + (text if text.startswith("alias/") else f"key/{text}")

    def unknown_key(self, bucket: str, key: Symbolic) -> None:
        """Objects of the bucket are encrypted with a key the template does not name: reading
        them needs that key, so their accesses are unknown."""
        self.data.facts.append(
            ResourceFact(
                resource=f"arn:{self.partition}:s3:::{bucket}",
                reason=f"the bucket {bucket} encrypts with the KMS key {key.describe()}",
                unknown=True,
            )
        )

    def read_aws_s3_bucketpolicy(self, logical: str, absent: bool | Symbolic) -> None:
        bucket = self.prop(logical, "Bucket")
        name = self.named(logical, bucket, "the bucket policy")
        if name is None:
            return
        entry = self.data.resource("s3_buckets", name, self.located(("Resources", logical)))
        entry.setdefault("name", name)
        entry.setdefault("account", self.account)
        entry["policy"] = self.policy(logical, "PolicyDocument", self.conditional(logical, absent))

    def read_aws_kms_key(self, logical: str, absent: bool | Symbolic) -> None:
        alias = self.aliases.get(logical)
        if alias is None:
            self.note(
                "SOURCE-UNNAMED",
                "warning",
                f"the KMS key {logical} gets its id at deploy and has no AWS::KMS::Alias in "
                "the template: xreg cannot tell which requests use it, so its key policy is "
                "not checked (give it an alias, or give the key under resources:)",
                ("Resources", logical),
            )
            return
        arn = f"arn:{self.partition}:kms:{self.region}:{self.account}:{alias}"
        entry = self.data.resource("kms_keys", arn, self.located(("Resources", logical)))
        entry.update(arn=arn, manager="CUSTOMER", aliases=[arn])
        entry["policy"] = self.policy(logical, "KeyPolicy", self.conditional(logical, absent))
        self.data.facts.append(
            ResourceFact(
                resource=arn,
                reason=(
                    f"the grants of the key {logical} ({self.label}) are not known: "
                    "CloudFormation has no AWS::KMS::Grant resource, so grants made outside "
                    "the template are not checked"
                ),
                unknown=False,
            )
        )

    def read_aws_sagemaker_modelpackagegroup(self, logical: str, absent: bool | Symbolic) -> None:
        name = self.named(
            logical, self.name_of(logical, "ModelPackageGroupName"), "the model package group"
        )
        if name is None:
            return
        arn = (
            f"arn:{self.partition}:sagemaker:{self.region}:{self.account}:"
            f"model-package-group/{name}"
        )
        entry = self.data.resource(
            "model_package_groups", arn, self.located(("Resources", logical))
        )
        entry["arn"] = arn
        entry["policy"] = self.policy(
            logical, "ModelPackageGroupPolicy", self.conditional(logical, absent)
        )

    def read_aws_sagemaker_modelpackage(self, logical: str, absent: bool | Symbolic) -> None:
        at: FieldPath = ("Resources", logical)
        if self.data.registration is not None:
            raise self.resolver.refuse(
                at, "a second AWS::SageMaker::ModelPackage: xreg checks one registration"
            )
        properties = self.resources[logical].get("Properties", {})
        request = {
            key: self.resolver.resolve(value, (*at, "Properties", key))
            for key, value in properties.items()
            if key in _REQUEST_FIELDS
        }
        self.data.registration = request
        inside: FieldPath = (*at, "Properties")
        depth = len(inside)
        located = self.located(at)
        self.data.located["registration"] = Located(
            located.source,
            located.file,
            located.line,
            located.column,
            located.where,
            {
                path[depth:]: place
                for path, place in self.positions.items()
                if path[:depth] == inside
            },
        )

    # --- identities -------------------------------------------------------------------------

    def role_principal(self, logical: str) -> str | None:
        arn = self.value_of(logical, "Arn", self.located(("Resources", logical)).text())
        if isinstance(arn, Symbolic):
            self.named(logical, arn, "the role")
            return None
        return str(arn)

    def role_by_name(self, value: Any, logical: str) -> str | None:
        """The principal ARN of a role named in a ``Roles`` / ``RoleName`` property."""
        if isinstance(value, Symbolic):
            self.named(logical, value, "a role of the policy")
            return None
        name = str(value)
        for other, resource in self.resources.items():
            if resource["Type"] == "AWS::IAM::Role" and self.name_of(other, "RoleName") == name:
                return self.role_principal(other)
        return f"arn:{self.partition}:iam::{self.account}:role/{name}"

    def read_aws_iam_role(self, logical: str, absent: bool | Symbolic) -> None:
        principal = self.role_principal(logical)
        if principal is None:
            return
        identity = self.data.identity(principal, self.located(("Resources", logical)))
        properties = self.resources[logical].get("Properties", {})
        inline = properties.get("Policies") or []
        if not isinstance(inline, list):
            raise self.resolver.refuse(
                ("Resources", logical, "Properties", "Policies"), "must be a list of policies"
            )
        for index, _ in enumerate(inline):
            at: FieldPath = (
                "Resources",
                logical,
                "Properties",
                "Policies",
                index,
                "PolicyDocument",
            )
            identity["policies"].append(self.nested_policy(logical, at, absent))
        managed = self.prop(logical, "ManagedPolicyArns") or []
        managed_list = managed if isinstance(managed, list) else [managed]
        for index, arn in enumerate(managed_list):
            at = ("Resources", logical, "Properties", "ManagedPolicyArns", index)
            identity["policies"].append(self.managed_policy(arn, at))
        boundary = self.prop(logical, "PermissionsBoundary")
        if boundary is not None:
            at = ("Resources", logical, "Properties", "PermissionsBoundary")
            resolved = self.managed_policy(boundary, at)
            if isinstance(resolved, str):  # an AWS managed policy: its document is not bundled
                resolved = self.unknown_policy(
                    Symbolic(f"the document of the boundary {resolved}", self.located(at).text()),
                    at,
                )
            identity["permissions_boundary"] = resolved

    def nested_policy(self, logical: str, at: FieldPath, absent: bool | Symbolic) -> SourcePolicy:
        document = self.resolver.resolve(_get(self.template, at), at)
        if isinstance(absent, Symbolic):
            document = absent
        if not isinstance(document, dict | Symbolic):
            raise self.resolver.refuse(at, "a policy document must be an object")
        depth = len(at)
        return SourcePolicy(
            document=document,
            label=f"{self.label}#{field_path(at)}",
            file=self.path,
            positions={p[depth:]: v for p, v in self.positions.items() if p[:depth] == at},
            where=self.located(at).text(),
            form=self.form,
            property=field_path(at),
        )

    def unknown_policy(self, symbolic: Symbolic, at: FieldPath) -> SourcePolicy:
        return SourcePolicy(
            document=symbolic,
            label=f"{self.label}#{field_path(at)}",
            file=self.path,
            positions={},
            where=self.located(at).text(),
            form=self.form,
            property=field_path(at),
        )

    def managed_policy(self, arn: Any, at: FieldPath) -> SourcePolicy | str:
        """A managed policy ARN: an AWS managed one by its ARN, one of this template by its
        document, any other one as a policy whose document is unknown."""
        if isinstance(arn, Symbolic):
            return self.unknown_policy(arn, at)
        text = str(arn)
        if _AWS_MANAGED_POLICY in text:
            return text
        for other, resource in self.resources.items():
            if resource["Type"] == "AWS::IAM::ManagedPolicy":
                own = self.value_of(other, "Ref", self.located(at).text())
                if own == text:
                    return self.nested_policy(
                        other,
                        ("Resources", other, "Properties", "PolicyDocument"),
                        self.absent(other, resource),
                    )
        return self.unknown_policy(
            Symbolic(
                f"the document of the customer managed policy {text}", self.located(at).text()
            ),
            at,
        )

    def attach(self, logical: str, absent: bool | Symbolic, roles: list[Any]) -> None:
        at: FieldPath = ("Resources", logical, "Properties", "PolicyDocument")
        for role in roles:
            principal = self.role_by_name(role, logical)
            if principal is None:
                continue
            identity = self.data.identity(principal, self.located(("Resources", logical)))
            identity["policies"].append(self.nested_policy(logical, at, absent))

    def read_aws_iam_policy(self, logical: str, absent: bool | Symbolic) -> None:
        roles = self.prop(logical, "Roles") or []
        self.attach(logical, absent, roles if isinstance(roles, list) else [roles])

    def read_aws_iam_managedpolicy(self, logical: str, absent: bool | Symbolic) -> None:
        roles = self.prop(logical, "Roles") or []
        self.attach(logical, absent, roles if isinstance(roles, list) else [roles])

    def read_aws_iam_rolepolicy(self, logical: str, absent: bool | Symbolic) -> None:
        role = self.prop(logical, "RoleName")
        if role is not None:
            self.attach(logical, absent, [role])


def _get(document: Any, path: FieldPath) -> Any:
    for part in path:
        document = document[part]
    return document


def first_unresolved(value: Any) -> Symbolic | None:
    return first_symbolic(value)


def check_account(value: str, label: str) -> str:
    try:
        return refs.parse_account_id(value)
    except ValueError as error:
        raise InputError(label, "account", str(error)) from None
