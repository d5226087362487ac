"""Seeded mutations of a plan folder, as an attacker or a careless user would make them.

Each mutation edits one file of a copied fixture (the plan or one of its policies): a value
replaced by one of another type or an extreme one, a key removed or added, a list repeated,
a value nested deep, or the text itself cut, doubled or salted with bytes. Everything is drawn
from ``random.Random(seed)``, so a seed names one input for good.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

# Values a careless or hostile plan may hold where something else was expected.
EXTREMES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    5,
    2**63,
    int("9" * 40),
    1.5,
    1e308,
    "",
    " ",
    "*",
    "?",
    "s3://my-bucket",
    "s3://my-bucket/",
    "s3://",
    "arn:aws:iam::111111111111:root",
    "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/",
    "arn:aws:s3:::my-bucket/*",
    "222222222222.dkr.ecr.us-east-2.amazonaws.com/",
    "not an arn",
    "a" * 5000,
    "é€\u202e\x00",
    "../../etc/passwd",
    "/etc/passwd",
    "policies/" + "a" * 300 + ".json",
    "2024-13-45",
    [],
    {},
    ["*"],
    {"AWS": "*"},
    [[[]]],
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a node of ``value`` (the root excluded)."""
    found: list[tuple[Any, ...]] = []
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, item in items:
        found.append((*path, key))
        found.extend(_paths(item, (*path, key)))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def _replace(rng: random.Random, data: Any, path: tuple[Any, ...]) -> None:
    _parent(data, path)[path[-1]] = rng.choice(EXTREMES)


def _delete(rng: random.Random, data: Any, path: tuple[Any, ...]) -> None:
    del _parent(data, path)[path[-1]]


def _repeat(rng: random.Random, data: Any, path: tuple[Any, ...]) -> None:
    parent = _parent(data, path)
    node = parent[path[-1]]
    times = rng.choice((2, 10, 60))
    parent[path[-1]] = [node] * times if not isinstance(node, list) else node * times


def _add_key(rng: random.Random, data: Any, path: tuple[Any, ...]) -> None:
    node = _parent(data, path)[path[-1]]
    if isinstance(node, dict):
        node[rng.choice(("Extra", "x-note", "Statement", "Condition", "NotAction", ""))] = (
            rng.choice(EXTREMES)
        )


def _nest(rng: random.Random, data: Any, path: tuple[Any, ...]) -> None:
    node = _parent(data, path)[path[-1]]
    for _ in range(rng.choice((3, 40))):
        node = [node] if rng.random() < 0.5 else {"k": node}
    _parent(data, path)[path[-1]] = node


def _swap_type(rng: random.Random, data: Any, path: tuple[Any, ...]) -> None:
    parent = _parent(data, path)
    node = parent[path[-1]]
    if isinstance(node, str):
        parent[path[-1]] = rng.choice(([node], {node: node}, node.upper(), node + "*"))
    elif isinstance(node, list):
        parent[path[-1]] = node[0] if node and rng.random() < 0.5 else {"0": node}
    elif isinstance(node, dict):
        parent[path[-1]] = list(node.values())


DATA_MUTATIONS: tuple[Callable[[random.Random, Any, tuple[Any, ...]], None], ...] = (
    _replace,
    _replace,
    _delete,
    _repeat,
    _add_key,
    _nest,
    _swap_type,
)


def _mutate_text(rng: random.Random, text: str) -> str:
    where = rng.randrange(len(text) + 1)
    choice = rng.randrange(6)
    if choice == 0:
        return text[:where]
    if choice == 1:
        return (
            text[:where]
            + rng.choice(("\x00", "\t", "\ufeff", "\\", '"', "'", ": ", "- ", "*a"))
            + text[where:]
        )
    if choice == 2:
        lines = text.splitlines(keepends=True)
        index = rng.randrange(len(lines)) if lines else 0
        return "".join(lines[:index] + lines[index : index + 1] * 2 + lines[index + 1 :])
    if choice == 3:
        return text[:where] + text[where + 1 :]
    if choice == 4:
        return text[:where] + "&a [1, *a]" + text[where:]
    return text + "\n" + rng.choice(("---\n", "x: 1\n", "}", "version: " + "9" * 5000 + "\n"))


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _dump(path: Path, data: Any) -> None:
    if path.suffix == ".json":
        path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def mutate(folder: Path, seed: int) -> str:
    """Mutate one file of the plan folder ``folder``; a description of what was done."""
    rng = random.Random(seed)
    files = sorted([folder / "plan.yaml", *sorted((folder / "policies").glob("*"))])
    # The plan holds most of what can go wrong: it is picked half of the time.
    target = folder / "plan.yaml" if rng.random() < 0.5 else rng.choice(files)
    if rng.random() < 0.25:
        text = target.read_text(encoding="utf-8")
        target.write_text(_mutate_text(rng, text), encoding="utf-8")
        return f"{target.name}: text"
    data = _load(target)
    mutations = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = rng.choice(paths)
        mutation = rng.choice(DATA_MUTATIONS)
        mutation(rng, data, path)
        mutations.append(f"{mutation.__name__.strip('_')} {'/'.join(map(str, path))}")
    _dump(target, data)
    return f"{target.name}: {'; '.join(mutations)}"
