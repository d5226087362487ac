"""Condition values that are not text: numbers, dates, booleans, base64 and IP addresses.

Parsed as IAM parses them; a value that does not parse raises ``UnparseableValue``, which
makes the comparison false. Loaded only when a policy has such a condition.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from checker.policy.unparseable import UnparseableValue


def _number(text: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation as error:
        raise UnparseableValue from error
    if not number.is_finite():
        raise UnparseableValue
    return number


_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")


def _date(text: str) -> Decimal:
    """Seconds since the epoch, from epoch seconds or an ISO 8601 date / date-time (UTC when
    no offset is given)."""
    text = text.strip()
    if _EPOCH.match(text):
        return Decimal(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise UnparseableValue from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Decimal(str(moment.timestamp()))


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise UnparseableValue
    return lowered == "true"


def _binary(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise UnparseableValue from error


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as error:
        raise UnparseableValue from error


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError as error:
        raise UnparseableValue from error


_ORDERED: Final[dict[str, Callable[[Decimal, Decimal], bool]]] = {
    "equals": lambda request, policy: request == policy,
    "lt": lambda request, policy: request < policy,
    "le": lambda request, policy: request <= policy,
    "gt": lambda request, policy: request > policy,
    "ge": lambda request, policy: request >= policy,
}


def prepare_typed(family: str, text: str) -> object:
    """A policy value of ``family`` ready to compare against request values."""
    if family == "numeric":
        return _number(text)
    if family == "date":
        return _date(text)
    if family == "bool":
        return _bool(text)
    if family == "binary":
        return _binary(text)
    if family == "ip":
        return _network(text)
    raise AssertionError(family)


def typed_matches(family: str, test: str, request_value: str, policy_value: object) -> bool:
    """The positive comparison of one request value with one prepared policy value."""
    if family in ("numeric", "date"):
        parse = _number if family == "numeric" else _date
        assert isinstance(policy_value, Decimal)
        return _ORDERED[test](parse(request_value), policy_value)
    if family == "bool":
        return _bool(request_value) == policy_value
    if family == "binary":
        return _binary(request_value) == policy_value
    if family == "ip":
        address = _address(request_value)
        assert isinstance(policy_value, ipaddress.IPv4Network | ipaddress.IPv6Network)
        return address.version == policy_value.version and address in policy_value
    raise AssertionError(family)
