"""A small DevTools-protocol client for a real headless Chromium, over ``--remote-debugging-pipe``.

The pipe needs no port and no websocket library: Chromium reads NUL-terminated JSON
commands on its fd 3 and writes replies and events on its fd 4. Only what the HTML report
test needs is here: open a page at a width, evaluate JavaScript, collect console errors and
network requests, take a full-page screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


class ChromiumError(RuntimeError):
    pass


def _high_fd(fd: int) -> int:
    # Moved above 100 so bash's `3<&N 4>&M` can never clobber one pipe with the other.
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 100)
    os.close(fd)
    return high


class HeadlessChromium:
    def __init__(self, timeout: float = 30.0) -> None:
        executable = chromium_path()
        if executable is None:
            raise ChromiumError("chromium is not installed (apt-get install -y chromium)")
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="xreg-chromium-")
        to_chromium_read, self._to_chromium = (_high_fd(fd) for fd in os.pipe())
        self._from_chromium, from_chromium_write = (_high_fd(fd) for fd in os.pipe())
        command = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self._profile.name}",
            "about:blank",
        ]
        shell = f'exec "$0" "$@" 3<&{to_chromium_read} 4>&{from_chromium_write}'
        self._process = subprocess.Popen(
            # bash, not sh: dash cannot redirect from a file descriptor above 9.
            ["bash", "-c", shell, *command],
            pass_fds=(to_chromium_read, from_chromium_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(to_chromium_read)
        os.close(from_chromium_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> HeadlessChromium:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(ChromiumError, OSError):
                self.send("Browser.close")
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for fd in (self._to_chromium, self._from_chromium):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._process.stderr is not None:
            self._process.stderr.close()
        self._profile.cleanup()

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChromiumError("timed out waiting for Chromium")
            ready, _, _ = select.select([self._from_chromium], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._from_chromium, 1 << 20)
            if not chunk:
                raise ChromiumError("Chromium closed the debugging pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_chromium, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for_event(self, method: str, session: str | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event

    def open_page(self, url: str, width: int, height: int = 900) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        self.send("Emulation.setFocusEmulationEnabled", {"enabled": True}, session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for_event("Page.loadEventFired", session)
        return Page(self, session, width)


class Page:
    def __init__(self, browser: HeadlessChromium, session: str, width: int) -> None:
        self.browser = browser
        self.session = session
        self.width = width

    def evaluate(self, expression: str) -> Any:
        reply = self.browser.send(
            "Runtime.evaluate",
            {
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": True,
                "userGesture": True,
            },
            session=self.session,
        )
        if "exceptionDetails" in reply:
            raise ChromiumError(f"evaluate failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def _own_events(self) -> list[dict[str, Any]]:
        return [event for event in self.browser.events if event.get("sessionId") == self.session]

    def console_errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and browser log errors (CSP
        violations and failed loads land there)."""
        errors = []
        for event in self._own_events():
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in (
                "error",
                "assert",
                "warning",
            ):
                errors.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                errors.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                errors.append(f"log: {params['entry']}")
        return errors

    def requested_urls(self) -> list[str]:
        return [
            event["params"]["request"]["url"]
            for event in self._own_events()
            if event.get("method") == "Network.requestWillBeSent"
        ]

    def screenshot(self, path: Path) -> tuple[int, int]:
        """A full-page PNG at the page's width; returns (width, height) in CSS pixels."""
        height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
        reply = self.browser.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": self.width, "height": height, "scale": 1},
            },
            session=self.session,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(reply["data"]))
        return self.width, height
