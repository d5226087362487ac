"""The connection to moto: in-process (``mock_aws``) or a running moto server.

moto keeps separate state per account. A request names its account in the
``x-moto-account-id`` header (moto's documented multi-account switch, honoured in-process and
by a server alike), so one set of static credentials serves every account and no STS round
trip is needed. Every account gets clients for building its resources; every principal of
the plan gets clients of its own, acting in its account.

One boto3 session serves every client, so each service model is read from disk once;
that, and creating clients only when first used, keeps a dry-run near one second.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

from checker.errors import InputError
from checker.refs import parse_principal_arn

ACCOUNT_HEADER = "x-moto-account-id"
# moto accepts any credentials; the header, not the key, picks the account.
_CREDENTIALS = {"aws_access_key_id": "xreg-dry-run", "aws_secret_access_key": "xreg-dry-run"}


class Emulator:
    """moto for one dry-run: a context manager that starts and stops the in-process mock."""

    def __init__(self, *, region: str, endpoint_url: str | None = None) -> None:
        self.region = region
        self.endpoint_url = endpoint_url
        self._mock: Any = None
        self._session: Any = None
        self._config: Any = None
        self._clients: dict[tuple[str, str, str], Any] = {}

    @property
    def description(self) -> str:
        if self.endpoint_url:
            return f"moto server at {self.endpoint_url}"
        return "moto in-process"

    @property
    def in_process(self) -> bool:
        return self.endpoint_url is None

    def __enter__(self) -> Emulator:
        if self.in_process:
            if "MOTO_ACCOUNT_ID" in os.environ:
                # moto would then put every account's resources in that one account.
                raise InputError(
                    "MOTO_ACCOUNT_ID", "$", "unset it: a dry-run needs one moto account per account"
                )
            from moto import mock_aws

            self._mock = mock_aws()
            self._mock.start()
        from checker.aws.boto import Config, boto3

        self._session = (self.in_process and _moto_session()) or boto3.Session()
        # One attempt: an emulator that fails once fails the same way again, and retrying a
        # missing operation on a server only adds back-off delays.
        self._config = Config(
            retries={"total_max_attempts": 1},
            s3={"addressing_style": "path"},
            connect_timeout=5,
            read_timeout=60,
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    # -- clients -----------------------------------------------------------------------------
    def _new_client(self, service: str, account: str, region: str) -> Any:
        assert self._session is not None, "use the emulator as a context manager"
        client = self._session.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            config=self._config,
            **_CREDENTIALS,
        )

        def in_account(request: Any, **_: Any) -> None:
            request.headers[ACCOUNT_HEADER] = account

        client.meta.events.register("before-sign", in_account)
        return client

    def account_client(self, service: str, account: str, region: str | None = None) -> Any:
        """A client acting in ``account`` (not gated: it builds the sandbox and answers the
        calls xreg routes to the resource's account)."""
        key = (service, account, region or self.region)
        if key not in self._clients:
            self._clients[key] = self._new_client(service, account, key[2])
        return self._clients[key]

    def principal_client(self, service: str, principal: str, region: str | None = None) -> Any:
        """A new client of its own for ``principal``, acting in its account; the replay
        attaches the gate to it and keeps it. An account root stands for "a principal of that
        account"."""
        account = parse_principal_arn(principal).account
        return self._new_client(service, account, region or self.region)


def _moto_session() -> Any:
    """The boto3 session moto itself reads service models with, if it exposes one.

    Sharing it means each service model (sagemaker's is several megabytes of JSON) is read
    once for moto and xreg's clients together instead of once each: a third of a dry-run's
    time. Credentials and region are passed to every client, so nothing of the session's
    own configuration is used.
    """
    try:
        from moto.core.base_backend import AccountSpecificBackend

        return AccountSpecificBackend.get_session()
    except (ImportError, AttributeError):
        return None
