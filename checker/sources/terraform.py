"""Terraform plans (``terraform show -json``) as plan resources and identities.

Every module is read: ``planned_values.root_module`` and its ``child_modules`` at any
depth, and from ``prior_state`` what the plan leaves as it is (a resource the plan deletes
is not read). A value listed in the resource's ``after_unknown`` is known only after apply:
it is symbolic. Resources refer to each other by values the plan may not know yet (a new
key's id); the ``configuration`` section's references link them then. Fields and sections
newer Terraform versions add are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from checker import refs
from checker.errors import InputError, field_path
from checker.plan.documents import read_text
from checker.plan.json_document import parse_json
from checker.plan.source_facts import ResourceFact, SourceNote
from checker.sources.entries import SourceEntry
from checker.sources.model import Located, SourceData, SourcePolicy
from checker.sources.symbolic import Symbolic

_AWS_MANAGED_POLICY = "iam::aws:policy/"
_INDEX = re.compile(r"\[[^\]]*\]$")
_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):")


class _Resource:
    def __init__(
        self,
        address: str,
        kind: str,
        values: Mapping[str, Any],
        unknown: Any,
        module: str,
        label: str,
    ) -> None:
        self.label = label
        self.address = address
        self.type = kind
        self.values = values
        self.unknown = unknown if isinstance(unknown, dict) else {}
        self.module = module  # "" for the root module, else "module.a.module.b"

    def get(self, name: str) -> Any:
        """An attribute's value; a ``Symbolic`` when it is known only after apply."""
        if self.unknown.get(name) is True or (name not in self.values and name in self.unknown):
            return Symbolic(f"{self.address}.{name}", f"{self.label}: known after apply")
        return self.values.get(name)

    def block(self, name: str) -> dict[str, Any] | None:
        """The first element of a nested block (``rule[0]``), if it is known."""
        value = self.values.get(name)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value[0]
        return None


def read_terraform_plan(entry: SourceEntry) -> SourceData:
    text = read_text(entry.path, source=entry.label)
    document, _ = parse_json(text, source=entry.label)
    if not isinstance(document, dict) or not (
        "planned_values" in document or "prior_state" in document
    ):
        raise InputError(
            entry.label,
            "$",
            "not a Terraform plan: expected the output of terraform show -json "
            "(an object with planned_values)",
        )
    return _PlanReader(entry, document).read()


class _PlanReader:
    def __init__(self, entry: SourceEntry, document: dict[str, Any]) -> None:
        self.entry = entry
        self.label = entry.label
        self.document = document
        self.partition = entry.partition
        self.region = entry.region
        self.data = SourceData(label=entry.label)
        self.resources = list(self._resources())
        self.by_address = {resource.address: resource for resource in self.resources}
        self.references = self._references()
        self.account = entry.options.get("account") or self._account_from_arns()

    # --- reading the plan -------------------------------------------------------------------

    def refuse(self, path: tuple[str | int, ...], reason: str) -> InputError:
        return InputError(self.label, field_path(path), reason)

    def _resources(self) -> Iterator[_Resource]:
        changes: dict[str, dict[str, Any]] = {}
        for index, change in enumerate(self.document.get("resource_changes") or []):
            if not isinstance(change, dict) or not isinstance(change.get("address"), str):
                raise self.refuse(("resource_changes", index), "a change needs an address")
            changes[change["address"]] = change.get("change") or {}
        seen: set[str] = set()
        planned = (self.document.get("planned_values") or {}).get("root_module")
        for resource in self._module(planned, ("planned_values", "root_module"), ""):
            unknown = changes.get(resource["address"], {}).get("after_unknown")
            seen.add(resource["address"])
            yield self._resource(resource, unknown)
        prior = ((self.document.get("prior_state") or {}).get("values") or {}).get("root_module")
        for resource in self._module(prior, ("prior_state", "values", "root_module"), ""):
            actions = changes.get(resource["address"], {}).get("actions") or []
            if resource["address"] in seen or "delete" in actions:
                continue
            yield self._resource(resource, None)

    def _module(
        self, module: Any, path: tuple[str | int, ...], name: str
    ) -> Iterator[dict[str, Any]]:
        if module is None:
            return
        if not isinstance(module, dict):
            raise self.refuse(path, "a module must be an object")
        for index, resource in enumerate(module.get("resources") or []):
            at = (*path, "resources", index)
            if not isinstance(resource, dict):
                raise self.refuse(at, "a resource must be an object")
            for key in ("address", "type"):
                if not isinstance(resource.get(key), str):
                    raise self.refuse((*at, key), f"a resource needs its {key} (a string)")
            if resource.get("mode", "managed") != "managed":
                continue  # data sources describe, they do not deploy
            if not isinstance(resource.get("values", {}), dict):
                raise self.refuse((*at, "values"), "must be an object")
            resource = {**resource, "x-module": name}
            yield resource
        for index, child in enumerate(module.get("child_modules") or []):
            child_name = child.get("address", "") if isinstance(child, dict) else ""
            yield from self._module(child, (*path, "child_modules", index), child_name)

    def _resource(self, resource: dict[str, Any], unknown: Any) -> _Resource:
        return _Resource(
            resource["address"],
            resource["type"],
            resource.get("values") or {},
            unknown,
            resource["x-module"],
            self.label,
        )

    def _references(self) -> dict[tuple[str, str], list[str]]:
        """(resource address without index, attribute) → the addresses it refers to, from
        the ``configuration`` section (module addresses made absolute)."""
        found: dict[tuple[str, str], list[str]] = {}

        def walk(module: Any, prefix: str) -> None:
            if not isinstance(module, dict):
                return
            for resource in module.get("resources") or []:
                if not isinstance(resource, dict) or not isinstance(resource.get("address"), str):
                    continue
                address = prefix + resource["address"]
                for attribute, expression in (resource.get("expressions") or {}).items():
                    found[(address, attribute)] = [
                        prefix + text for text in _references_in(expression)
                    ]
            for name, call in (module.get("module_calls") or {}).items():
                if isinstance(call, dict):
                    walk(call.get("module"), f"{prefix}module.{name}.")

        walk((self.document.get("configuration") or {}).get("root_module"), "")
        return found

    def referenced(self, resource: _Resource, attribute: str, kind: str) -> _Resource | None:
        """The resource of type ``kind`` that ``resource.attribute`` refers to, if one."""
        base = _INDEX.sub("", resource.address)
        for target in self.references.get((base, attribute), []):
            for other in self.resources:
                if other.type == kind and _INDEX.sub("", other.address) == target:
                    return other
        return None

    def _account_from_arns(self) -> str | None:
        for resource in self.resources:
            arn = resource.values.get("arn")
            if isinstance(arn, str):
                match = _ARN_ACCOUNT.match(arn)
                if match:
                    return match[1]
        return None

    def need_account(self, resource: _Resource) -> str:
        if self.account is None:
            raise InputError(
                self.entry.plan_source,
                field_path(self.entry.field),
                f"{self.label}: {resource.address} needs the account it deploys to: give "
                "account: (no ARN in the plan names it)",
            )
        return str(self.account)

    # --- places and notes -------------------------------------------------------------------

    def located(self, resource: _Resource) -> Located:
        return Located(self.label, self.entry.path, None, None, resource.address)

    def note(self, resource: _Resource, rule: str, message: str) -> None:
        self.data.notes.append(
            SourceNote(
                rule=rule,
                severity="warning",
                message=message,
                source=self.label,
                file=self.entry.path,
                field=resource.address,
            )
        )

    def name_via(self, resource: _Resource, attribute: str, kind: str, name: str) -> Any:
        """``resource.attribute``; when it is known only after apply (``aws_s3_bucket.x.id``
        of a new bucket), the ``name`` the referenced ``kind`` resource is given."""
        value = resource.get(attribute)
        if isinstance(value, Symbolic):
            target = self.referenced(resource, attribute, kind)
            if target is not None and isinstance(target.values.get(name), str):
                return target.values[name]
        return value

    def named(self, resource: _Resource, value: Any, what: str) -> str | None:
        if isinstance(value, Symbolic) or not isinstance(value, str) or not value:
            shown = value.describe() if isinstance(value, Symbolic) else "not given"
            self.note(
                resource,
                "SOURCE-UNNAMED",
                f"the {what} of {resource.address} is {shown}: xreg cannot tell which "
                "requests it serves, so it is not checked (give it under resources:)",
            )
            return None
        return value

    def policy(self, resource: _Resource, attribute: str, value: Any = None) -> SourcePolicy:
        raw = resource.get(attribute) if value is None else value
        document: Any
        if isinstance(raw, Symbolic):
            document = raw
        elif isinstance(raw, str):
            try:
                document = json.loads(raw)
            except ValueError as error:
                raise InputError(
                    self.label, f"{resource.address}.{attribute}", f"not a JSON policy: {error}"
                ) from None
        elif isinstance(raw, dict):
            document = raw
        else:
            raise InputError(
                self.label, f"{resource.address}.{attribute}", "expected a JSON policy document"
            )
        if not isinstance(document, dict | Symbolic):
            raise InputError(
                self.label, f"{resource.address}.{attribute}", "a policy must be a JSON object"
            )
        return SourcePolicy(
            document=document,
            label=f"{self.label}#{resource.address}.{attribute}",
            file=self.entry.path,
            positions={},
            where=resource.address,
            form="terraform",
            property=f"{resource.address}.{attribute}",
        )

    # --- the resources ----------------------------------------------------------------------

    def read(self) -> SourceData:
        for resource in self.resources:
            reader = getattr(self, "read_" + resource.type, None)
            if reader is not None:
                reader(resource)
        return self.data

    def repository_arn(self, resource: _Resource, name: str) -> str:
        account = self.need_account(resource)
        return f"arn:{self.partition}:ecr:{self.region}:{account}:repository/{name}"

    def read_aws_ecr_repository(self, resource: _Resource) -> None:
        name = self.named(resource, resource.get("name"), "name")
        if name is not None:
            arn = self.repository_arn(resource, name)
            entry = self.data.resource("ecr_repositories", arn, self.located(resource))
            entry["arn"] = arn
            entry.setdefault("policy", None)

    def read_aws_ecr_repository_policy(self, resource: _Resource) -> None:
        repository = self.name_via(resource, "repository", "aws_ecr_repository", "name")
        name = self.named(resource, repository, "repository")
        if name is not None:
            arn = self.repository_arn(resource, name)
            entry = self.data.resource("ecr_repositories", arn, self.located(resource))
            entry.update(arn=arn, policy=self.policy(resource, "policy"))

    def bucket(self, resource: _Resource, attribute: str = "bucket") -> dict[str, Any] | None:
        value = (
            resource.get(attribute)
            if resource.type == "aws_s3_bucket"
            else self.name_via(resource, attribute, "aws_s3_bucket", "bucket")
        )
        name = self.named(resource, value, "bucket")
        if name is None:
            return None
        entry = self.data.resource("s3_buckets", name, self.located(resource))
        entry.setdefault("name", name)
        entry.setdefault("account", self.need_account(resource))
        entry.setdefault("policy", None)
        return entry

    def read_aws_s3_bucket(self, resource: _Resource) -> None:
        self.bucket(resource)

    def read_aws_s3_bucket_policy(self, resource: _Resource) -> None:
        entry = self.bucket(resource)
        if entry is not None:
            entry["policy"] = self.policy(resource, "policy")

    def read_aws_s3_bucket_server_side_encryption_configuration(self, resource: _Resource) -> None:
        entry = self.bucket(resource)
        rule = resource.block("rule")
        default = None
        if rule is not None:
            blocks = rule.get("apply_server_side_encryption_by_default")
            default = blocks[0] if isinstance(blocks, list) and blocks else None
        if entry is None or not isinstance(default, dict):
            return
        sse = default.get("sse_algorithm")
        if not isinstance(sse, str):
            return
        encryption: dict[str, Any] = {"sse": sse}
        key = default.get("kms_master_key_id")
        if isinstance(key, str) and key:
            encryption["kms_key"] = self.key_arn(resource, key)
        elif key is None and _unknown_in_block(resource, "rule", "kms_master_key_id"):
            target = self.referenced(resource, "rule", "aws_kms_key")
            alias = self.alias_of(target) if target is not None else None
            if alias is None:
                self.note(
                    resource,
                    "SOURCE-UNRESOLVED",
                    f"the KMS key of {resource.address} is known only after apply: the "
                    "bucket's default encryption is not checked",
                )
                # Reading the bucket's objects needs that key: their accesses are unknown.
                self.data.facts.append(
                    ResourceFact(
                        resource=f"arn:{self.partition}:s3:::{entry['name']}",
                        reason=(
                            f"the bucket {entry['name']} encrypts with a KMS key known only "
                            f"after apply ({resource.address})"
                        ),
                        unknown=True,
                    )
                )
                return
            encryption["kms_key"] = alias
        entry["encryption"] = encryption

    def read_aws_s3_bucket_ownership_controls(self, resource: _Resource) -> None:
        entry = self.bucket(resource)
        rule = resource.block("rule")
        if entry is not None and rule is not None and isinstance(rule.get("object_ownership"), str):
            entry["object_ownership"] = rule["object_ownership"]

    def key_arn(self, resource: _Resource, key: str) -> str:
        if key.startswith("arn:"):
            return key
        prefix = f"arn:{self.partition}:kms:{self.region}:{self.need_account(resource)}:"
        return prefix + (key if key.startswith("alias/") else f"key/{key}")

    def alias_of(self, key: _Resource) -> str | None:
        for other in self.resources:
            if other.type != "aws_kms_alias":
                continue
            target = other.values.get("target_key_id")
            linked = self.referenced(other, "target_key_id", "aws_kms_key")
            if linked is key or (
                isinstance(target, str)
                and target in (key.values.get("key_id"), key.values.get("arn"))
            ):
                name = other.values.get("name")
                if isinstance(name, str):
                    return self.key_arn(other, name)
        return None

    def key_entry_arn(self, key: _Resource) -> str | None:
        arn = key.get("arn")
        if isinstance(arn, str):
            return arn
        return self.alias_of(key)

    def read_aws_kms_key(self, resource: _Resource) -> None:
        arn = self.key_entry_arn(resource)
        if arn is None:
            self.note(
                resource,
                "SOURCE-UNNAMED",
                f"the key {resource.address} gets its id at apply and has no aws_kms_alias: "
                "xreg cannot tell which requests use it, so its key policy is not checked",
            )
            return
        entry = self.data.resource("kms_keys", arn, self.located(resource))
        entry.update(arn=arn, manager="CUSTOMER")
        entry.setdefault("grants", [])
        parsed = refs.arn_or_none(arn)
        if parsed is not None and parsed.resource.startswith("alias/"):
            entry["aliases"] = [arn]
        if "policy" in resource.values or "policy" in resource.unknown:
            entry["policy"] = self.policy(resource, "policy")
        else:
            entry.setdefault("policy", None)

    def read_aws_kms_grant(self, resource: _Resource) -> None:
        key = resource.get("key_id")
        arn: str | None = None
        if isinstance(key, str):
            arn = self.key_arn(resource, key)
            arn = next(
                (
                    self.key_entry_arn(other) or arn
                    for other in self.resources
                    if other.type == "aws_kms_key"
                    and key in (other.values.get("key_id"), other.values.get("arn"))
                ),
                arn,
            )
        else:
            target = self.referenced(resource, "key_id", "aws_kms_key")
            arn = self.key_entry_arn(target) if target is not None else None
        grantee = resource.get("grantee_principal")
        operations = resource.get("operations")
        if arn is None or not isinstance(grantee, str) or not isinstance(operations, list):
            what = "its key" if arn is None else "its grantee or operations"
            self.note(
                resource,
                "SOURCE-UNRESOLVED",
                f"the grant {resource.address}: {what} is known only after apply, so the "
                "grant is not checked",
            )
            return
        entry = self.data.resource("kms_keys", arn, self.located(resource))
        entry.setdefault("arn", arn)
        entry.setdefault("policy", None)
        grant: dict[str, Any] = {"grantee_principal": grantee, "operations": sorted(operations)}
        constraints = resource.block("constraints")
        if constraints:
            grant["constraints"] = {
                key: value
                for key, value in (
                    ("EncryptionContextEquals", constraints.get("encryption_context_equals")),
                    ("EncryptionContextSubset", constraints.get("encryption_context_subset")),
                )
                if value
            }
        entry.setdefault("grants", []).append(grant)

    def group_arn(self, resource: _Resource, name: str) -> str:
        account = self.need_account(resource)
        return f"arn:{self.partition}:sagemaker:{self.region}:{account}:model-package-group/{name}"

    def read_aws_sagemaker_model_package_group(self, resource: _Resource) -> None:
        name = self.named(resource, resource.get("model_package_group_name"), "name")
        if name is not None:
            arn = self.group_arn(resource, name)
            entry = self.data.resource("model_package_groups", arn, self.located(resource))
            entry["arn"] = arn
            entry.setdefault("policy", None)

    def read_aws_sagemaker_model_package_group_policy(self, resource: _Resource) -> None:
        group = self.name_via(
            resource,
            "model_package_group_name",
            "aws_sagemaker_model_package_group",
            "model_package_group_name",
        )
        name = self.named(resource, group, "group")
        if name is not None:
            arn = self.group_arn(resource, name)
            entry = self.data.resource("model_package_groups", arn, self.located(resource))
            entry.update(arn=arn, policy=self.policy(resource, "resource_policy"))

    # --- identities -------------------------------------------------------------------------

    def role_principal(self, resource: _Resource, name: Any) -> str | None:
        name = self.named(resource, name, "role")
        if name is None:
            return None
        for other in self.resources:
            if other.type == "aws_iam_role" and other.values.get("name") == name:
                path = other.values.get("path") or "/"
                return f"arn:{self.partition}:iam::{self.need_account(other)}:role{path}{name}"
        return f"arn:{self.partition}:iam::{self.need_account(resource)}:role/{name}"

    def read_aws_iam_role(self, resource: _Resource) -> None:
        principal = self.role_principal(resource, resource.get("name"))
        if principal is None:
            return
        identity = self.data.identity(principal, self.located(resource))
        for index, block in enumerate(resource.values.get("inline_policy") or []):
            if isinstance(block, dict) and block.get("policy"):
                identity["policies"].append(
                    self.policy(resource, f"inline_policy[{index}].policy", block["policy"])
                )
        if _unknown_in_block(resource, "inline_policy", "policy"):
            identity["policies"].append(
                self.policy(
                    resource,
                    "inline_policy",
                    Symbolic(
                        f"{resource.address}.inline_policy (known after apply)", resource.address
                    ),
                )
            )
        for arn in resource.values.get("managed_policy_arns") or []:
            identity["policies"].append(self.managed(resource, arn))
        boundary = resource.get("permissions_boundary")
        if boundary:
            resolved = self.managed(resource, boundary)
            if isinstance(resolved, str):
                resolved = self.policy(
                    resource,
                    "permissions_boundary",
                    Symbolic(f"the document of the boundary {resolved}", resource.address),
                )
            identity["permissions_boundary"] = resolved

    def managed(self, resource: _Resource, arn: Any, attribute: str = "") -> SourcePolicy | str:
        if isinstance(arn, Symbolic):
            target = self.referenced(resource, attribute, "aws_iam_policy") if attribute else None
            if target is not None:
                return self.policy(target, "policy")
            return self.policy(resource, attribute or "managed_policy_arns", arn)
        text = str(arn)
        if _AWS_MANAGED_POLICY in text:
            return text
        for other in self.resources:
            if other.type == "aws_iam_policy" and other.values.get("arn") == text:
                return self.policy(other, "policy")
        return self.policy(
            resource,
            attribute or "managed_policy_arns",
            Symbolic(f"the document of the customer managed policy {text}", resource.address),
        )

    def read_aws_iam_role_policy(self, resource: _Resource) -> None:
        role = self.name_via(resource, "role", "aws_iam_role", "name")
        principal = self.role_principal(resource, role)
        if principal is not None:
            identity = self.data.identity(principal, self.located(resource))
            identity["policies"].append(self.policy(resource, "policy"))

    def read_aws_iam_role_policy_attachment(self, resource: _Resource) -> None:
        role = self.name_via(resource, "role", "aws_iam_role", "name")
        principal = self.role_principal(resource, role)
        if principal is not None:
            identity = self.data.identity(principal, self.located(resource))
            identity["policies"].append(
                self.managed(resource, resource.get("policy_arn"), "policy_arn")
            )


def _references_in(expression: Any) -> list[str]:
    """Every reference in an attribute's expression, nested blocks included."""
    found: list[str] = []
    stack = [expression]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.extend(text for text in item.get("references") or [] if isinstance(text, str))
            stack.extend(value for key, value in item.items() if key != "references")
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _unknown_in_block(resource: _Resource, block: str, attribute: str) -> bool:
    """Whether ``block[*].attribute`` (nested at any depth) is known only after apply."""
    stack = [resource.unknown.get(block)]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get(attribute) is True:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
