"""Decisions taken by a policy the user gives (`config.schema.policies`) instead of the logit.

A policy's decision draws exactly one uniform from the actor's stream, as the logit would have
(`choice.choose_index`), and uses it only where the policy itself is random (probabilities, the
model's own choice, the model's choice without some options). So the actor's stream, and every
other actor's, stays aligned with a run without the policy: the two runs differ only from the
policy's first decision on, and a policy's effect is a contrast paired on the same seeds.
"""

from __future__ import annotations

from typing import Any, Sequence

from unionsim.config.schema import MODEL, Action, Policy
from unionsim.model.choice import UNAVAILABLE, choose, draw
from unionsim.model.state import fold_sum


class _Given:
    """A stream that yields one uniform already drawn (so the logit uses the policy's number)."""

    __slots__ = ("u",)

    def __init__(self, u: float):
        self.u = u

    def random(self) -> float:
        return self.u


def _act(action: Action, options: Sequence[str], utilities: Sequence[float], temperature: float,
         u: float) -> tuple[int, list[float]] | None:
    """The option ``action`` takes with uniform ``u`` and the probabilities it was taken with,
    or None when the action can only pick options unavailable this month."""
    if action.choose is not None:
        if action.choose == MODEL:
            return choose(_Given(u), utilities, temperature)
        index = options.index(action.choose)
        if utilities[index] == UNAVAILABLE:
            return None
        return index, [1.0 if i == index else 0.0 for i in range(len(options))]
    if action.probabilities is not None:
        weights = [0.0 if u_ == UNAVAILABLE else action.probabilities.get(o, 0.0)
                   for o, u_ in zip(options, utilities)]
        total = fold_sum(weights)
        if total <= 0.0:
            return None
        # the listed options still available this month, in the user's proportions
        probabilities = [w / total for w in weights]
        return draw(_Given(u), probabilities), probabilities
    avoided = set(action.avoid or ())
    kept = [UNAVAILABLE if o in avoided else x for o, x in zip(options, utilities)]
    if max(kept) == UNAVAILABLE:
        return None
    return choose(_Given(u), kept, temperature)


def decide(policy: Policy, options: Sequence[str], utilities: Sequence[float],
           temperature: float, u: float, state: Any, month: int | None = None,
           start: str | None = None) -> tuple[int, list[float], str]:
    """Apply ``policy`` to one decision: the index of the option taken, the (unnormalised)
    probabilities it was taken with, and how the policy decided (for the trace).

    ``u`` is the uniform the logit would have used; ``state`` is read by the rules' conditions,
    ``month`` (the month number) and ``start`` (the scenario's first month) by a rule's month.
    A rule whose action can only pick unavailable options gives way to the next rule that
    applies, then to ``otherwise``, then to the model's own choice.
    """
    if policy.rules is None:
        taken = _act(policy, options, utilities, temperature, u)
        if taken is not None:
            return (*taken, f"policy: {policy.describe()}")
        return (*choose(_Given(u), utilities, temperature),
                f"policy: {policy.describe()} (unavailable this month: the model's own choice)")
    for number, rule in enumerate(policy.rules, start=1):
        if rule.when.holds(state, month, start):
            taken = _act(rule, options, utilities, temperature, u)
            if taken is not None:
                return (*taken, f"policy rule {number} ({rule.when.describe()}): "
                                f"{rule.describe()}")
    taken = _act(policy.fallback, options, utilities, temperature, u)
    if taken is not None:
        return (*taken, f"policy, no rule applies: {policy.fallback.describe()}")
    return (*choose(_Given(u), utilities, temperature),
            "policy, no rule applies and the fallback is unavailable: the model's own choice")
