"""Run generated cases through xreg and the oracle and line up their verdicts.

``python -m tests.differential.compare [SEED] [COUNT]`` prints the agreement figure, by
feature, and the first disagreements.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass

from checker.policy import Decision, decide_access
from tests.differential import oracle
from tests.differential.generator import Case, generate

SEED = 20261203
COUNT = 6000

# xreg's decisions in the oracle's words; anything else (unknown, unverified) is a
# disagreement, since every generated case is fully known.
ORACLE_WORDS = {
    Decision.ALLOWED: "Allowed",
    Decision.IMPLICIT_DENY: "ImplicitlyDenied",
    Decision.EXPLICIT_DENY: "ExplicitlyDenied",
}


@dataclass(frozen=True)
class Outcome:
    case: Case
    xreg: str
    because: str
    oracle: str  # the oracle's result, or "error: ..." when it refused the case
    ignored: tuple[str, ...]  # context keys the oracle dropped as not applicable

    @property
    def agrees(self) -> bool:
        return self.xreg == self.oracle

    def describe(self) -> str:
        request = self.case.simulation["request"]
        return (
            f"case {self.case.number}: xreg {self.xreg}, oracle {self.oracle}; "
            f"{request['principal']} {request['action']} {request['resource']['resource']}; "
            f"features {sorted(self.case.features)}; xreg: {self.because}"
        )


def run(seed: int = SEED, count: int = COUNT) -> list[Outcome]:
    cases = generate(seed, count)
    verdicts = oracle.start([c.simulation for c in cases])
    decisions = []
    for case in cases:
        assert case.question is not None
        decisions.append(decide_access(case.question))
    outcomes = []
    for case, decision, verdict in zip(cases, decisions, verdicts(), strict=True):
        said = verdict.get("result") or f"error: {verdict.get('error')}"
        outcomes.append(
            Outcome(
                case,
                ORACLE_WORDS.get(decision.decision, decision.decision.value),
                decision.because,
                said,
                tuple(verdict.get("ignored", ())),
            )
        )
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    agreed = sum(o.agrees for o in outcomes)
    lines = [
        f"agreement: {agreed} of {len(outcomes)} ({100 * agreed / max(len(outcomes), 1):.2f} %)"
    ]
    verdicts = Counter(o.oracle for o in outcomes)
    lines.append("oracle verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    features: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for outcome in outcomes:
        features.update(outcome.case.features)
        if not outcome.agrees:
            failed.update(outcome.case.features)
    for feature, total in sorted(features.items()):
        lines.append(f"  {feature}: {total - failed[feature]} of {total}")
    lines.extend(o.describe() for o in outcomes if not o.agrees)
    return "\n".join(lines[:80])


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    print(summary(run(*arguments)))
