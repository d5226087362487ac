"""A service's error message as one short line.

A proxy or load balancer in front of a service can answer with a whole HTML page, and
botocore then hands that page over as the message; reports keep the error code and one
line that says what happened, never the page.
"""

from __future__ import annotations

import html
import re

# AWS's own messages (an AccessDenied naming principal, action, resource and the policy
# kind) stay whole; only a body that is not a message is cut.
MAX_MESSAGE = 1000
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def one_line(message: str, limit: int = MAX_MESSAGE) -> str:
    """``message`` on one line of at most ``limit`` characters: an HTML page by its title
    (else its first line of text), anything else with its whitespace folded."""
    text = message.strip()
    if text.startswith("<") and re.search(r"<(!doctype|html|head|body)\b", text, re.IGNORECASE):
        title = _TITLE.search(text)
        if title:
            text = title.group(1)
        else:
            lines = (_TAG.sub(" ", part).strip() for part in text.splitlines())
            text = next((part for part in lines if part), "")
        text = html.unescape(text)
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def parser_message(text: str) -> str:
    """botocore's "cannot parse the answer" message without the answer it quotes."""
    return one_line(text.split(":\n")[0].split(". Further retries")[0])
