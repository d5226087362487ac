"""What each report format tells a person to apply: the documents (by the file name the
commands read) and the commands, read back from the rendered text the way a person would."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

Applied = tuple[dict[str, dict[str, Any]], list[str]]  # documents by file name, commands


def from_json(text: str) -> Applied:
    data = json.loads(text)
    fixes = list(data["fixes"])
    fixes += [f["fix"] for f in data["findings"] if "fix" in f and "suppressed" not in f]
    return _collect(fixes, "policy_file", "policy")


def from_sarif(text: str) -> Applied:
    data = json.loads(text)
    fixes: list[dict[str, Any]] = []
    for result in data["runs"][0]["results"]:
        properties = result.get("properties", {})
        fixes += properties.get("fixes", [properties["fix"]] if "fix" in properties else [])
    return _collect(fixes, "policyFile", "policy")


def _collect(fixes: list[dict[str, Any]], file_key: str, policy_key: str) -> Applied:
    documents: dict[str, dict[str, Any]] = {}
    commands: list[str] = []
    for fix in fixes:
        if fix.get(policy_key) is not None and fix.get(file_key):
            documents[fix[file_key]] = fix[policy_key]
        if fix["command"] not in commands:
            commands.append(fix["command"])
    return documents, commands


def from_markdown(text: str) -> Applied:
    documents: dict[str, dict[str, Any]] = {}
    commands: list[str] = []
    for block in text.split("<details>")[1:]:
        for command in re.findall(r"```sh\n(.*?)\n```", block, re.S):
            if command not in commands:
                commands.append(command)
        label = re.search(r"Corrected policy \(([^)]*)\):\n\n```json\n(.*?)\n```", block, re.S)
        if label:
            documents[label.group(1).replace("\\", "")] = json.loads(label.group(2))
    return documents, commands


class _Snippets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.snippets: list[tuple[str, str, str]] = []  # (label, kind, text)
        self._label = ""
        self._in_label = False
        self._pre: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "div" and "snippet-label" in classes:
            self._in_label, self._label = True, ""
        elif tag == "pre":
            self._pre, self._text = classes, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._in_label:
            self._in_label = False
        elif tag == "pre" and self._pre is not None:
            self.snippets.append((self._label, self._pre, "".join(self._text)))
            self._pre = None

    def handle_data(self, data: str) -> None:
        if self._in_label:
            self._label += data
        elif self._pre is not None:
            self._text.append(data)


def from_html(text: str) -> Applied:
    parser = _Snippets()
    parser.feed(text)
    documents: dict[str, dict[str, Any]] = {}
    commands: list[str] = []
    for label, kind, body in parser.snippets:
        body = html.unescape(body)
        if kind == "command" and body not in commands:
            commands.append(body)
        found = re.match(r"Corrected policy \((.*)\)", label)
        if kind == "document" and found:
            documents[found.group(1)] = json.loads(body)
    return documents, commands


def from_console(text: str) -> Applied:
    """The Fixes section: ``  NAME.json:``, the document, ``  apply with:``, the commands."""
    lines = text.splitlines()
    documents: dict[str, dict[str, Any]] = {}
    commands: list[str] = []
    position = lines.index("Fixes") + 1 if "Fixes" in lines else len(lines)
    name: str | None = None
    while position < len(lines):
        current = lines[position]
        if current in ("Findings", "") or current.startswith(("PASS", "FAIL")):
            break
        document = re.fullmatch(r"  (\S+\.json):", current)
        if document:
            name = document.group(1)
            end = lines.index("}", position)
            documents[name] = json.loads("\n".join(lines[position + 1 : end + 1]))
            position = end + 1
            continue
        if current == "  apply with:":
            position += 1
            block: list[str] = []
            while position < len(lines) and not lines[position].startswith(("fix ", "  ")):
                if not lines[position] or lines[position] in ("Findings",):
                    break
                block.append(lines[position])
                position += 1
                while block[-1].endswith(" \\"):
                    block.append(lines[position])
                    position += 1
            commands.append("\n".join(block))
            continue
        position += 1
    return documents, commands
