"""Credentials and clients for one account, the way AWS users expect to give them.

Named profiles (SSO included: run ``aws sso login`` first), the environment, and
assume-role (role ARN, external id, session name) on top of either. Every client carries the
read-only guard, timeouts, and retries within the account's retry budget
(``retry_budget``); ``endpoint_url`` points them elsewhere (tests
use a moto server).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from checker import __version__
from checker.aws.boto import (
    BotoCoreError,
    ClientError,
    Config,
    CredentialProvider,
    DeferredRefreshableCredentials,
    NoCredentialsError,
    ResponseParserError,
    boto3,
    botocore,
)
from checker.aws.error_text import parser_message
from checker.aws.readonly import READ_OPERATIONS, guard_client
from checker.aws.retry_budget import DEFAULT_RETRY_BUDGET, RetryBudget, install
from checker.errors import InputError
from checker.records import record
from checker.refs import Arn, arn_or_none

DEFAULT_SESSION_NAME = "xreg-readonly"


@record
class AccountAccess:
    """How to reach one account. ``label`` names it in error messages (``--training-profile``)."""

    label: str
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    session_name: str = DEFAULT_SESSION_NAME
    region: str | None = None
    endpoint_url: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 8
    max_pool_connections: int = 16
    # Retries in all, over every client and thread of the account.
    retry_budget: int = DEFAULT_RETRY_BUDGET
    # Known beforehand (an accounts file names each account and its role's partition): the
    # account is then reached only when something is read in it, not to ask who it is.
    account_id: str | None = None
    partition: str | None = None


class _AssumeRoleProvider(CredentialProvider):  # type: ignore[misc]
    """Credentials of ``role_arn``, refreshed before they expire (long audits outlive them)."""

    METHOD = "xreg-assume-role"
    CANONICAL_NAME = "xreg-assume-role"

    def __init__(self, sts: Any, access: AccountAccess) -> None:
        super().__init__()
        self._sts = sts
        self._access = access

    def _fetch(self) -> dict[str, str]:
        params: dict[str, str] = {
            "RoleArn": self._access.role_arn or "",
            "RoleSessionName": self._access.session_name,
        }
        if self._access.external_id:
            params["ExternalId"] = self._access.external_id
        credentials = self._sts.assume_role(**params)["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    def load(self) -> DeferredRefreshableCredentials:
        return DeferredRefreshableCredentials(refresh_using=self._fetch, method=self.METHOD)


_LOADER_LOCK = threading.Lock()
_LOADER: list[Any] = []


def _shared_loader(core: Any) -> Any:
    """One botocore data loader for every account: the service models it reads (tens of MB
    for SageMaker) are then held once, however many accounts an audit connects to."""
    with _LOADER_LOCK:
        if not _LOADER:
            _LOADER.append(core.get_component("data_loader"))
        return _LOADER[0]


def client_config(access: AccountAccess) -> Config:
    return Config(
        # The retry handler is replaced by the account's budget (retry_budget.install).
        retries={"mode": "standard", "max_attempts": access.max_attempts},
        connect_timeout=access.connect_timeout,
        read_timeout=access.read_timeout,
        max_pool_connections=access.max_pool_connections,
        user_agent_extra=f"xreg/{__version__}",
    )


class AwsAccount:
    """One connected account: its boto3 session, its guarded clients, its id and partition.

    ``reads``: the operations its clients may send, by service (default: a snapshot's).
    ``retries``: the budget every client of the account retries within (default: a new one
    of ``access.retry_budget``).
    """

    def __init__(
        self,
        access: AccountAccess,
        reads: Mapping[str, frozenset[str]] = READ_OPERATIONS,
        retries: RetryBudget | None = None,
    ) -> None:
        self.access = access
        self.reads = reads
        self.retries = retries if retries is not None else RetryBudget(access.retry_budget)
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        try:
            base_core = botocore.session.Session(profile=access.profile)
            base_core.register_component("data_loader", _shared_loader(base_core))
            base_core.get_scoped_config()  # an unknown profile fails here, not mid-run
            base = boto3.Session(botocore_session=base_core, region_name=access.region)
        except BotoCoreError as error:
            raise InputError(access.label, "$", str(error)) from error
        self.region: str = access.region or base.region_name or "us-east-1"
        if access.role_arn:
            sts = self._guarded(base, "sts")
            core = botocore.session.Session()
            core.register_component("data_loader", _shared_loader(base_core))
            resolver = core.get_component("credential_provider")
            resolver.insert_before("env", _AssumeRoleProvider(sts, access))
            self.session = boto3.Session(botocore_session=core, region_name=self.region)
        else:
            self.session = base

    def _guarded(self, session: Any, service: str, region: str | None = None) -> Any:
        client = session.client(
            service,
            region_name=region or self.region,
            endpoint_url=self.access.endpoint_url,
            config=client_config(self.access),
        )
        install(client, self.retries, self.access.max_attempts)
        return guard_client(client, self.reads)

    def client(self, service: str, region: str | None = None) -> Any:
        """A guarded client for ``region`` (default: the account's), created once and shared
        by threads (botocore clients are thread-safe; creating them is not)."""
        key = f"{service}@{region or self.region}"
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._guarded(self.session, service, region)
            return self._clients[key]

    @cached_property
    def caller_arn(self) -> str:
        try:
            identity = self.client("sts").get_caller_identity()
        except (BotoCoreError, ClientError, ResponseParserError) as error:
            # One line: an error page in the answer is cut to what it says.
            reason = f"cannot reach the account: {parser_message(str(error))}"
            if isinstance(error, NoCredentialsError):
                reason += f"; {credentials_hint(self.access.label)}"
            raise InputError(self.access.label, "$", reason) from error
        arn: str = identity["Arn"]
        return arn

    @cached_property
    def caller(self) -> Arn:
        """The caller's ARN, parsed: an answer that is not one is refused in one line."""
        parsed = arn_or_none(self.caller_arn)
        if parsed is None or not parsed.account:
            reason = f"the caller identity {self.caller_arn!r} is not an ARN with an account"
            raise InputError(self.access.label, "$", reason)
        return parsed

    @property
    def account_id(self) -> str:
        return self.access.account_id or self.caller.account

    @property
    def partition(self) -> str:
        return self.access.partition or self.caller.partition


def credentials_hint(label: str) -> str:
    """How to give an account's credentials, for the side an option ``label`` names
    (``--registry-profile``: the registry side)."""
    side = label.removeprefix("--").split("-", 1)[0]
    if side not in ("registry", "training"):
        return "give credentials with AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    return (
        f"give them with --{side}-profile PROFILE (a profile of ~/.aws/config), "
        f"--{side}-role-arn ARN (a role to assume with the environment's credentials), or "
        "the environment (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
    )
