"""A real moto server for tests and benchmarks, in a process of its own.

Run as a script it serves moto (with the plugins under ``tests/moto_plugins``) behind a small
WSGI middleware that can inject faults and records every request; the parent talks to it over
HTTP only. ``MotoServer`` starts it on a free port and stops it::

    with MotoServer() as server:
        boto3.client("s3", endpoint_url=server.endpoint_url, ...)
        server.set_faults([{"operation": "GetBucketPolicy", "fault": "access_denied"}])
        server.operations()  # [("s3", "GetBucketPolicy", "/bucket"), ...]
        server.clean()  # every account empty, no fault rules, an empty request log

``session_as`` gives a boto3 session inside one of the server's accounts.

A separate process keeps moto's in-process mocks (``mock_aws``), used by other tests, from
intercepting these HTTP calls, and gives the server its own interpreter lock, so timings
in the benchmark are not distorted by the client sharing one.

Fault rules (a JSON list; the first matching rule applies):
``service`` / ``operation`` / ``path_contains`` / ``account_key``: what to match (all
optional; ``account_key`` matches an access key id in the Authorization header);
``fault``: ``access_denied`` | ``throttle`` | ``delay`` | ``internal_error`` (HTTP 500 with
an HTML error page for a body, as a load balancer in front of a service answers) | ``reset``
(the connection is reset before any answer); ``times``: how many matching requests get the
fault (``null``: all); ``seconds``: the delay.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3

CONTROL_PREFIX = "/_xreg/"
READY_LINE_PREFIX = "XREG-MOTO-PORT "
REGION = "us-east-2"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Query-protocol services answer errors in XML, JSON ones with ``__type``, S3 in its own XML.
_QUERY_SERVICES = frozenset({"iam", "sts"})
_S3_SUBRESOURCES = {
    "policy": "BucketPolicy",
    "encryption": "BucketEncryption",
    "ownershipControls": "BucketOwnershipControls",
    "acl": "Acl",
    "tagging": "Tagging",
    "versioning": "BucketVersioning",
    "location": "BucketLocation",
    "policyStatus": "BucketPolicyStatus",
    "publicAccessBlock": "PublicAccessBlock",
}
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/[^/]+/([^/]+)/")


def s3_operation(method: str, path: str, query: str) -> str:
    """Name the S3 operation of a path-style request (enough for the tests' fault rules)."""
    keys = [part.split("=", 1)[0] for part in query.split("&") if part]
    segments = [segment for segment in path.split("/") if segment]
    verb = {"GET": "Get", "PUT": "Put", "DELETE": "Delete", "HEAD": "Head", "POST": "Post"}
    for key in keys:
        if key in _S3_SUBRESOURCES:
            name = _S3_SUBRESOURCES[key]
            if name in ("Acl", "Tagging"):
                name = ("Object" if len(segments) > 1 else "Bucket") + name
            return verb.get(method, method) + name
    if not segments:
        return "ListBuckets"
    if len(segments) == 1:
        return {"GET": "ListObjects", "PUT": "CreateBucket", "HEAD": "HeadBucket"}.get(
            method, verb.get(method, method) + "Bucket"
        )
    return verb.get(method, method) + "Object"


def describe_request(environ: dict[str, Any], body: bytes) -> tuple[str, str, str]:
    """(service, operation, access key id) of a signed request."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    access_key, service = (match.group(1), match.group(2)) if match else ("", "")
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return service, target.rsplit(".", 1)[-1], access_key
    if service == "s3":
        operation = s3_operation(
            environ.get("REQUEST_METHOD", "GET"),
            environ.get("PATH_INFO", "/"),
            environ.get("QUERY_STRING", ""),
        )
        return service, operation, access_key
    action = re.search(rb"(?:^|&)Action=([A-Za-z]+)", body)
    return service, action.group(1).decode() if action else "", access_key


def error_response(service: str, code: str, message: str, status: int) -> tuple[int, str, bytes]:
    """(status, content type, body) of an AWS error in the service's protocol."""
    if service == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        return status, "application/xml", body.encode()
    if service in _QUERY_SERVICES:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>xreg-fault</RequestId></ErrorResponse>"
        )
        return status, "text/xml", body.encode()
    payload = json.dumps({"__type": code, "message": message}).encode()
    return status, "application/x-amz-json-1.1", payload


# What a proxy in front of a service answers on an internal error: a page, not an AWS error.
INTERNAL_ERROR_PAGE = b"""<!doctype html>
<html lang=en>
<title>500 Internal Server Error</title>
<h1>Internal Server Error</h1>
<p>injected: the server encountered an internal error.</p>
<hr><address>injected</address>
</html>
"""


def reset_connection(environ: dict[str, Any]) -> None:
    """Abort the client's connection unanswered: with SO_LINGER 0 the server's close of the
    socket sends a TCP reset; shutting it down first ends a kept-alive connection too, and
    the error tells werkzeug the connection is gone (so it writes nothing)."""
    connection = environ["werkzeug.socket"]
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.shutdown(socket.SHUT_RDWR)
    raise ConnectionResetError("injected: connection reset")


def fault_response(service: str, fault: str) -> tuple[int, str, bytes]:
    if fault == "access_denied":
        code = "AccessDenied" if service in ("s3", *_QUERY_SERVICES) else "AccessDeniedException"
        return error_response(service, code, "injected: not authorized to perform this", 403)
    if fault == "throttle":
        if service == "s3":
            return error_response(service, "SlowDown", "injected: slow down", 503)
        code = "Throttling" if service in _QUERY_SERVICES else "ThrottlingException"
        return error_response(service, code, "injected: rate exceeded", 400)
    if fault == "internal_error":
        return 500, "text/html", INTERNAL_ERROR_PAGE
    raise ValueError(f"unknown fault {fault!r}")


class FaultInjector:
    """WSGI middleware: records every request, applies the first matching fault rule."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.rules: list[dict[str, Any]] = []
        self.log: list[tuple[str, str, str]] = []

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self.control(environ, start_response, path[len(CONTROL_PREFIX) :])
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        service, operation, access_key = describe_request(environ, body)
        rule = self.take_rule(service, operation, path, access_key)
        if rule is not None and rule["fault"] == "delay":
            time.sleep(float(rule.get("seconds", 1.0)))
        elif rule is not None and rule["fault"] == "reset":
            reset_connection(environ)
        elif rule is not None:
            status, content_type, payload = fault_response(service, rule["fault"])
            start_response(
                f"{status} Fault",
                [("Content-Type", content_type), ("Content-Length", str(len(payload)))],
            )
            return [payload]
        return self.app(environ, start_response)

    def take_rule(
        self, service: str, operation: str, path: str, access_key: str
    ) -> dict[str, Any] | None:
        with self.lock:
            self.log.append((service, operation, path))
            for rule in self.rules:
                if rule.get("service") not in (None, service):
                    continue
                if rule.get("operation") not in (None, operation):
                    continue
                if rule.get("path_contains") and rule["path_contains"] not in path:
                    continue
                if rule.get("account_key") not in (None, access_key):
                    continue
                remaining = rule.get("times")
                if remaining is not None:
                    if remaining <= 0:
                        continue
                    rule["times"] = remaining - 1
                return dict(rule)
        return None

    def control(
        self, environ: dict[str, Any], start_response: StartResponse, command: str
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        answer: Any = {"ok": True}
        with self.lock:
            if command == "faults" and method == "POST":
                self.rules = list(json.loads(body or b"[]"))
            elif command == "faults" and method == "DELETE":
                self.rules = []
            elif command == "log" and method == "GET":
                answer = self.log
            elif command == "log" and method == "DELETE":
                self.log = []
            else:
                answer = {"ok": False, "error": f"unknown control {method} {command}"}
        payload = json.dumps(answer).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [payload]


def build_app() -> FaultInjector:
    """moto's dispatcher with the test plugins installed, behind the fault injector."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto_plugins import install_all

    install_all()
    return FaultInjector(DomainDispatcherApplication(create_backend_app))


def serve(host: str, port: int) -> None:
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    server = make_server(host, port, build_app(), threaded=True, request_handler=MotoRequestHandler)
    print(f"{READY_LINE_PREFIX}{server.server_port}", flush=True)
    server.serve_forever()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


class MotoServer:
    """A moto server subprocess on 127.0.0.1 and a free port; a context manager."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        start_timeout: float = 60.0,
        environment: dict[str, str] | None = None,
    ) -> None:
        """``environment``: moto settings for the server (``MOTO_…`` variables of this
        process are not passed on, so that the server behaves the same everywhere)."""
        self.host = host
        self.environment = dict(environment or {})
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> MotoServer:
        env = {key: value for key, value in os.environ.items() if not key.startswith("MOTO_")}
        env.update(self.environment)
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--host", self.host, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith(READY_LINE_PREFIX):
                self.port = int(line[len(READY_LINE_PREFIX) :])
                return self
            if not line and self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError("the moto server did not start")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(f"{self.endpoint_url}{path}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        self._call("POST", f"{CONTROL_PREFIX}faults", rules)

    def clear_faults(self) -> None:
        self._call("DELETE", f"{CONTROL_PREFIX}faults")

    def operations(self) -> list[tuple[str, str, str]]:
        """Every request the server received since the last ``clear_log``."""
        return [tuple(entry) for entry in self._call("GET", f"{CONTROL_PREFIX}log")]

    def clear_log(self) -> None:
        self._call("DELETE", f"{CONTROL_PREFIX}log")

    def reset(self) -> None:
        """Forget every account's state (moto's own reset endpoint)."""
        self._call("POST", "/moto-api/reset")

    def clean(self) -> MotoServer:
        """Empty accounts, no fault rules and an empty request log: as if just started."""
        self.reset()
        self.clear_faults()
        self.clear_log()
        return self


def session_as(
    endpoint_url: str,
    account: str,
    role: str = "xreg-test-admin",
    session_name: str = "xreg-test-setup",
) -> boto3.Session:
    """A boto3 session inside ``account`` of the server at ``endpoint_url``, as ``role``: moto
    maps the keys of an assumed role to the role's account (the role need not exist)."""
    import boto3

    sts = boto3.client(
        "sts",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName=session_name
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
