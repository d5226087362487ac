"""The gate: xreg's evaluator in front of moto, on every client of a replayed principal.

botocore announces each call twice before it is sent: ``before-parameter-build`` with the
parameters as the caller gave them, ``before-call`` just before sending. The gate keeps the
parameters from the first and, in the second, validates the request, authorizes it, and
answers in one of four ways:

* denied: a response shaped as AWS's (``AccessDenied``/``AccessDeniedException``, the
  service's status and message), from which botocore raises the error the caller would see;
* allowed, moto can route it: ``None``, so that botocore sends it to moto;
* allowed, moto cannot route it: xreg sends it as the resource's account and hands back
  moto's answer;
* undecidable (``unknown``), or an operation moto lacks: an exception of xreg's own, since
  AWS would not answer that way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checker.aws.boto import ClientError, xform_name
from checker.dryrun.authorize import Authorization, Authorizer
from checker.dryrun.denials import access_denied_response, denial_clause, error_response
from checker.dryrun.emulator import Emulator
from checker.dryrun.sandbox.model import Sandbox
from checker.dryrun.targets import CallSite, Target, resolve_target
from checker.dryrun.validation import validation_message
from checker.plan.model import Plan
from checker.plan.request_model import validate_request
from checker.policy.decision import Decision
from checker.records import field, record

_PARAMS = "xreg_params"
_VALIDATED = frozenset({("sagemaker", "CreateModelPackage")})


@record(frozen=False)
class GateRecord:
    """What the gate did with one call: the step reads it after the call returns or fails."""

    principal: str
    target: Target
    authorization: Authorization | None = None
    invalid: str | None = None  # the ValidationException message
    routed_to: str | None = None


class UndecidedCall(Exception):
    """xreg cannot decide the call (``unknown``): it was not sent, as AWS might refuse it."""

    def __init__(self, record: GateRecord) -> None:
        super().__init__(record.authorization.because if record.authorization else "undecided")
        self.record = record


class NotEmulated(Exception):
    """xreg allowed the call, but moto does not implement it: it was not sent."""

    def __init__(self, record: GateRecord) -> None:
        super().__init__(f"moto does not implement {record.target.action}")
        self.record = record


@record(frozen=False)
class Gate:
    plan: Plan
    authorizer: Authorizer
    sandbox: Sandbox
    emulator: Emulator
    next_version: Callable[[], int]
    records: list[GateRecord] = field(default_factory=list)

    def attach(self, client: Any, principal: str) -> Any:
        service_id = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register(f"before-parameter-build.{service_id}", _remember_params)

        def before_call(model: Any, context: Mapping[str, Any], **_: Any) -> Any:
            return self.decide_call(client, principal, model.name, context.get(_PARAMS, {}))

        client.meta.events.register(f"before-call.{service_id}", before_call)
        return client

    def decide_call(
        self, client: Any, principal: str, operation: str, params: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any]] | None:
        service = client.meta.service_model.service_name
        # Calls are made only as the plan's own principals.
        known = self.plan.principal(principal)
        account = known.account if known else ""
        site = CallSite(service, operation, params, account, client.meta.region_name)
        target = resolve_target(self.plan, site, self.sandbox, self.next_version)
        record = GateRecord(principal, target)
        self.records.append(record)

        if (service, operation) in _VALIDATED:
            problems = validate_request(params)
            if problems:
                record.invalid = validation_message(problems)
                return _answer(error_response("ValidationException", record.invalid, 400))

        authorization = self.authorizer.decide(
            principal, target.action, target.row, target.resource if target.concrete else None
        )
        record.authorization = authorization
        decision = authorization.decision.decision
        if decision.is_denied:
            clause = denial_clause(authorization.decision, authorization.question, target.action)
            response = access_denied_response(
                service, principal, target.action, target.resource, clause
            )
            return _answer(response)
        if decision is Decision.UNKNOWN:
            raise UndecidedCall(record)
        if not target.emulated:
            raise NotEmulated(record)
        if target.route and target.owner is not None:
            record.routed_to = target.owner
            return self._route(client, service, operation, target)
        return None

    def _route(
        self, client: Any, service: str, operation: str, target: Target
    ) -> tuple[Any, dict[str, Any]]:
        owner = self.emulator.account_client(service, target.owner or "", client.meta.region_name)
        try:
            parsed: dict[str, Any] = getattr(owner, xform_name(operation))(**target.routed_params)
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            return _answer(error.response, status)
        return _answer(parsed, 200)


def _remember_params(params: Mapping[str, Any], context: dict[str, Any], **_: Any) -> None:
    context[_PARAMS] = dict(params)


def _answer(parsed: dict[str, Any], status: int | None = None) -> tuple[Any, dict[str, Any]]:
    """(http response, parsed response) as botocore's ``before-call`` short-circuit wants."""
    from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]

    code = status or parsed.get("ResponseMetadata", {}).get("HTTPStatusCode", 200)
    return AWSResponse(url="", status_code=code, headers={}, raw=None), parsed
