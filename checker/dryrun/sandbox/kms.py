"""The plan's KMS keys, with their policies, aliases and grants.

moto chooses key ids itself, so each sandbox key is tagged with the plan's key ARN and the
sandbox keeps the mapping; the trace always shows the plan's ARN.
"""

from __future__ import annotations

from checker.dryrun.emulator import Emulator
from checker.dryrun.sandbox.common import attempt, policy_text
from checker.dryrun.sandbox.model import Sandbox
from checker.plan.model import KmsKey, Plan
from checker.refs import is_account_id

PLAN_ARN_TAG = "xreg:plan-arn"


def build_keys(plan: Plan, emulator: Emulator, sandbox: Sandbox) -> None:
    for key in plan.kms_keys:
        _build_key(plan, emulator, sandbox, key)


def _build_key(plan: Plan, emulator: Emulator, sandbox: Sandbox, key: KmsKey) -> None:
    account = key.account
    kms = emulator.account_client("kms", account, key.region)
    arguments: dict[str, object] = {
        "Description": f"sandbox of {key.arn}",
        "Tags": [{"TagKey": PLAN_ARN_TAG, "TagValue": key.arn}],
    }
    if key.policy is not None:
        arguments["Policy"] = policy_text(key.policy.document)
    created = attempt(sandbox, f"the key {key.arn}", kms.create_key, **arguments)
    if created is None:
        return
    sandbox_arn: str = created["KeyMetadata"]["Arn"]
    sandbox.sandbox_keys[key.arn] = sandbox_arn
    sandbox.plan_keys[sandbox_arn] = key.arn
    if key.manager == "AWS":
        sandbox.note(
            f"{key.arn} is AWS managed: moto cannot mark a key so, and xreg decides its use "
            "with the policy AWS gives such keys"
        )
    for alias in key.aliases:
        parsed = plan.key_arn(alias)
        name = parsed.resource if parsed else alias
        attempt(
            sandbox,
            f"the alias {alias}",
            kms.create_alias,
            AliasName=name,
            TargetKeyId=sandbox_arn,
        )
    for grant in key.grants:
        if is_account_id(grant.grantee_principal):
            sandbox.note(
                f"grant {grant.plan_field} names the bare account id {grant.grantee_principal}: "
                "moto accepts it; AWS documents an ARN for GranteePrincipal"
            )
        parameters: dict[str, object] = {
            "KeyId": sandbox_arn,
            "GranteePrincipal": grant.grantee_principal,
            "Operations": list(grant.operations),
        }
        if grant.constraints:
            parameters["Constraints"] = {k: dict(v) for k, v in grant.constraints.items()}
        attempt(sandbox, f"grant {grant.plan_field}", kms.create_grant, **parameters)


def data_key(
    emulator: Emulator, sandbox: Sandbox, sandbox_key: str, account: str, region: str
) -> bytes | None:
    """A data key encrypted under ``sandbox_key`` (in ``account``, as the plan's key it stands
    for), as the training job's write left it."""
    kms = emulator.account_client("kms", account, region)
    answer = attempt(
        sandbox,
        f"a data key under {sandbox.plan_keys.get(sandbox_key, sandbox_key)}",
        kms.generate_data_key,
        KeyId=sandbox_key,
        KeySpec="AES_256",
    )
    if answer is None:
        return None
    blob: bytes = answer["CiphertextBlob"]
    return blob


def aws_managed_key(
    emulator: Emulator, sandbox: Sandbox, plan_arn: str, account: str, region: str
) -> tuple[str, bytes] | None:
    """moto's own ``alias/aws/s3`` (created on first use) in ``account`` for an artifact that
    uses it, with a data key under it."""
    alias = "alias/" + plan_arn.split(":alias/", 1)[-1] if ":alias/" in plan_arn else plan_arn
    kms = emulator.account_client("kms", account, region)
    answer = attempt(
        sandbox,
        f"a data key under {plan_arn}",
        kms.generate_data_key,
        KeyId=alias,
        KeySpec="AES_256",
    )
    if answer is None:
        return None
    sandbox_arn: str = answer["KeyId"]
    sandbox.sandbox_keys.setdefault(plan_arn, sandbox_arn)
    sandbox.plan_keys.setdefault(sandbox_arn, plan_arn)
    blob: bytes = answer["CiphertextBlob"]
    return sandbox_arn, blob
