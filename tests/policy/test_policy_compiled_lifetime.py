"""A compiled policy lives as long as its policy, and no longer: a long run (an audit
builds a few policies per version) must not keep every policy it ever evaluated."""

from __future__ import annotations

import gc
import weakref

from policy_builders import identity, request, statement

from checker.policy import compiled as compiled_module
from checker.policy import evaluate_policy


def test_a_policy_and_its_compiled_form_are_freed_once_unused() -> None:
    gc.collect()
    before = len(compiled_module._cache)
    references = []
    for number in range(50):
        doc = identity(statement("Allow", "s3:GetObject", f"arn:aws:s3:::bucket-{number}/*"))
        assert evaluate_policy(doc, request()).allows is not None
        references.append(weakref.ref(doc))
        del doc
    gc.collect()
    assert [ref for ref in references if ref() is not None] == []
    assert len(compiled_module._cache) == before


def test_a_policy_in_use_is_compiled_once() -> None:
    doc = identity(statement("Allow", "s3:GetObject", "*"))
    first = compiled_module.compiled(doc)
    assert compiled_module.compiled(doc) is first
    assert first.policy is doc
