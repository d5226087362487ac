"""The AWS CLI commands of xreg's fixes, carried out on a plan folder instead of accounts.

Each command changes what the plan says the account holds: ``put-bucket-policy`` makes the
bucket's policy the named file, ``create-grant`` adds a grant, and so on. Written from the
AWS CLI's documented options, not from xreg's code: a command xreg writes wrong (an option
missing, a file name the script does not write) fails here.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import yaml


class NotApplicable(AssertionError):
    """A command this harness cannot carry out on a plan."""


def _options(words: list[str]) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    current = ""
    for word in words:
        if word.startswith("--"):
            current = word[2:]
            options.setdefault(current, [])
        elif current:
            options[current].append(word)
    return options


def _commands(text: str) -> list[list[str]]:
    """Shell text as commands (continuation lines joined), each split as the shell would."""
    joined = text.replace("\\\n", " ")
    return [shlex.split(line) for line in joined.split("\n") if line.strip()]


class PlanAccounts:
    """A plan folder, changed command by command."""

    def __init__(self, plan_path: Path, documents: dict[str, dict[str, Any]]) -> None:
        self.plan_path = plan_path
        self.folder = plan_path.parent
        self.data = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
        self.documents = documents
        self.variables: dict[str, str] = {}

    def save(self) -> None:
        self.plan_path.write_text(yaml.safe_dump(self.data, sort_keys=False), encoding="utf-8")

    def _file(self, reference: str) -> str:
        """Write the document ``file://NAME`` names into the plan folder; its plan path."""
        assert reference.startswith("file://"), reference
        name = reference[len("file://") :]
        assert name in self.documents, f"the report gives no document {name}"
        target = self.folder / "applied" / name
        target.parent.mkdir(exist_ok=True)
        target.write_text(json.dumps(self.documents[name]), encoding="utf-8")
        return f"applied/{name}"

    def _resources(self, kind: str) -> list[dict[str, Any]]:
        resources = self.data.setdefault("resources", {})
        found: list[dict[str, Any]] = resources.setdefault(kind, [])
        return found

    def run(self, text: str) -> None:
        for words in _commands(text):
            self._run(words)

    def _run(self, words: list[str]) -> None:
        if "=$(" in words[0]:
            name, first = words[0].split("=$(", 1)
            inner = [first, *words[1:]]
            inner[-1] = inner[-1].removesuffix(")")
            self.variables[name] = self._lookup(inner)
            return
        assert words[0] == "aws", f"not an AWS CLI command: {words}"
        service, operation, options = words[1], words[2], _options(words[3:])
        handler = getattr(self, f"_{service}_{operation.replace('-', '_')}", None)
        if handler is None:
            raise NotApplicable(f"aws {service} {operation}")
        handler(options)

    def _lookup(self, words: list[str]) -> str:
        """``aws kms list-grants --query "Grants[?GranteePrincipal=='X'] | [0].GrantId"``."""
        options = _options(words)
        query = " ".join(options["query"])
        grantee = re.search(r"GranteePrincipal=='([^']+)'", query)
        assert grantee, query
        return f"grantee:{grantee.group(1)}"

    def _s3api_put_bucket_policy(self, options: dict[str, list[str]]) -> None:
        (name,) = options["bucket"]
        (bucket,) = [b for b in self._resources("s3_buckets") if b["name"] == name]
        bucket["policy"] = self._file(options["policy"][0])

    def _ecr_set_repository_policy(self, options: dict[str, list[str]]) -> None:
        (name,), (registry,), (region,) = (
            options["repository-name"],
            options["registry-id"],
            options["region"],
        )
        arn = f":ecr:{region}:{registry}:repository/{name}"
        (repository,) = [r for r in self._resources("ecr_repositories") if r["arn"].endswith(arn)]
        repository["policy"] = self._file(options["policy-text"][0])

    def _kms_put_key_policy(self, options: dict[str, list[str]]) -> None:
        assert options["policy-name"] == ["default"]
        (key,) = [k for k in self._resources("kms_keys") if k["arn"] == options["key-id"][0]]
        key["policy"] = self._file(options["policy"][0])

    def _kms_create_grant(self, options: dict[str, list[str]]) -> None:
        (key,) = [k for k in self._resources("kms_keys") if k["arn"] == options["key-id"][0]]
        key.setdefault("grants", []).append(
            {
                "grantee_principal": options["grantee-principal"][0],
                "operations": list(options["operations"]),
            }
        )

    def _kms_revoke_grant(self, options: dict[str, list[str]]) -> None:
        (key,) = [k for k in self._resources("kms_keys") if k["arn"] == options["key-id"][0]]
        (grant_id,) = options["grant-id"]
        if grant_id.startswith("$"):
            grant_id = self.variables[grant_id.strip("${}")]
        if grant_id.startswith("grantee:"):
            grantee = grant_id[len("grantee:") :]
            matching = [g for g in key["grants"] if g["grantee_principal"] == grantee]
        else:
            matching = [g for g in key["grants"] if g.get("grant_id") == grant_id]
        assert matching, f"no grant {grant_id} to revoke"
        key["grants"].remove(matching[0])

    def _sagemaker_put_model_package_group_policy(self, options: dict[str, list[str]]) -> None:
        (name,) = options["model-package-group-name"]
        (group,) = [
            g
            for g in self._resources("model_package_groups")
            if g["arn"].endswith(f":model-package-group/{name}")
        ]
        group["policy"] = self._file(options["resource-policy"][0])

    def _iam_put_role_policy(self, options: dict[str, list[str]]) -> None:
        self._put_identity_policy("role", options["role-name"][0], options)

    def _iam_put_user_policy(self, options: dict[str, list[str]]) -> None:
        self._put_identity_policy("user", options["user-name"][0], options)

    def _put_identity_policy(self, kind: str, name: str, options: dict[str, list[str]]) -> None:
        """An inline policy of that name replaces the one of the same name (the file whose
        stem it is), else it is added."""
        (policy_name,) = options["policy-name"]
        path = self._file(options["policy-document"][0])
        identities = self.data.setdefault("identities", [])
        matching = [
            i for i in identities if re.search(f":{kind}/(.*/)?{re.escape(name)}$", i["principal"])
        ]
        assert matching, f"no {kind} {name} in the plan's identities"
        policies = matching[0].setdefault("policies", [])
        for position, item in enumerate(policies):
            if isinstance(item, str) and Path(item).stem.lower() == policy_name.lower():
                policies[position] = path
                return
        policies.append(path)

    def _organizations_update_policy(self, options: dict[str, list[str]]) -> None:
        (policy_id,) = options["policy-id"]
        path = self._file(options["content"][0])
        stem = policy_id.removeprefix("POLICY_ID_OF_").lower()
        for key in ("service_control_policies", "resource_control_policies"):
            for _account, items in (self.data.get("organization", {}).get(key) or {}).items():
                for position, item in enumerate(items):
                    if isinstance(item, str) and Path(item).stem.lower() == stem:
                        items[position] = path
                        return
        raise NotApplicable(f"no organization policy {policy_id}")
