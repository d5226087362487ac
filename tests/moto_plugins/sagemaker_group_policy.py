"""SageMaker ``Put/Get/DeleteModelPackageGroupPolicy`` for moto 5.2, which lacks them.

The policy is kept per group on the account's and region's SageMaker backend. Behaviour
follows the service: the group may be named by name or ARN; a group that does not exist
and a group without a policy are both answered with ``ValidationException``.
"""

from __future__ import annotations

import json
from typing import Any

import moto
from moto.core.responses import ActionResult
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

SUPPORTED_MOTO = "5.2."
MAX_POLICY_LENGTH = 20480


def _policies(backend: SageMakerModelBackend) -> dict[str, str]:
    store: dict[str, str] | None = getattr(backend, "xreg_group_policies", None)
    if store is None:
        store = {}
        backend.xreg_group_policies = store  # type: ignore[attr-defined]
    return store


def _group_name(backend: SageMakerModelBackend, name_or_arn: str) -> str:
    name = name_or_arn.rsplit("/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn
    backend.describe_model_package_group(model_package_group_name=name)  # raises if absent
    return name


def put_model_package_group_policy(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    name = _group_name(backend, self._get_param("ModelPackageGroupName"))
    policy = self._get_param("ResourcePolicy")
    if not policy or len(policy) > MAX_POLICY_LENGTH:
        raise ValidationError("ResourcePolicy must be 1 to 20480 characters long.")
    try:
        json.loads(policy)
    except ValueError as error:
        raise ValidationError(f"ResourcePolicy is not valid JSON: {error}") from error
    _policies(backend)[name] = policy
    arn = backend.model_package_groups[name].arn
    return ActionResult({"ModelPackageGroupArn": arn})


def get_model_package_group_policy(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    name = _group_name(backend, self._get_param("ModelPackageGroupName"))
    policy = _policies(backend).get(name)
    if policy is None:
        raise ValidationError(f"Cannot find resource policy for ModelPackageGroup {name}.")
    return ActionResult({"ResourcePolicy": policy})


def delete_model_package_group_policy(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    name = _group_name(backend, self._get_param("ModelPackageGroupName"))
    if _policies(backend).pop(name, None) is None:
        raise ValidationError(f"Cannot find resource policy for ModelPackageGroup {name}.")
    return ActionResult({})


def install() -> None:
    if not moto.__version__.startswith(SUPPORTED_MOTO):
        raise RuntimeError(
            f"tests/moto_plugins/sagemaker_group_policy.py targets moto {SUPPORTED_MOTO}x, "
            f"found {moto.__version__}: check whether moto now implements these operations"
        )
    handlers: dict[str, Any] = {
        "put_model_package_group_policy": put_model_package_group_policy,
        "get_model_package_group_policy": get_model_package_group_policy,
        "delete_model_package_group_policy": delete_model_package_group_policy,
    }
    for name, handler in handlers.items():
        setattr(SageMakerResponse, name, handler)
