"""Policies: an actor's decision taken by a rule the user gives instead of the model's own logit.

A scenario's ``policies:`` maps ``ACTOR.DECISION`` (the names `unionsim trace` shows; every one is
listed in `unionsim.config.vocabulary.DECISIONS`) to a policy, which is one of

* a fixed option: ``minsk.base_answer: refuse`` (short for ``{choose: refuse}``);
* a probability per option: ``{probabilities: {hold: 0.6, sanction: 0.4}}`` (they sum to 1;
  options not listed get 0);
* the model's own choice without some options: ``{avoid: [ease]}``;
* rules on the world state, tried in order, the first that holds decides:
  ``{rules: [{when: {all: [{variable: candidates_jailed, above: 0.2}]}, choose: hold}],
  otherwise: model}``. Each rule and ``otherwise`` take one of the three forms above, and
  ``choose: model`` means the model's own choice; ``otherwise`` defaults to ``model``.
  A rule's ``when`` may also (or instead) name a month: ``{month: 2020-08}`` (``YYYY-MM`` or a
  month number) holds in that month only, so ``{rules: [{when: {month: 2020-08}, choose: sign}]}``
  is "in August 2020, sign" (what a played game exports, `unionsim play`).

A policy answers at the actor's own decision points only (Minsk answers a base demand only when
Moscow makes one). An option that is unavailable that month (the model gives it no chance, e.g.
the EU easing before its conditions are met) is passed over: a rule or ``otherwise`` that can
only pick unavailable options gives way to the next rule, then to ``otherwise``, then to the
model. The model's side of this (one uniform drawn per decision, as the logit would) is in
`unionsim.model.policies`.
"""

from __future__ import annotations

import difflib
import math
from functools import lru_cache
from typing import Any, Mapping

from pydantic import Field, field_validator, model_validator

from unionsim.config.schema.base import LocatedValueError, Strict
from unionsim.config.schema.months import MonthRef, check_month_ref, month_index
from unionsim.config.schema.triggers import Condition, Conditions

MODEL = "model"  # ``choose: model``: the model's own logit decides
ACTION_KEYS = ("choose", "probabilities", "avoid")


def _shorthand(value: Any) -> Any:
    """A bare option name stands for ``{choose: NAME}``."""
    return {"choose": value} if isinstance(value, str) else value


class Action(Strict):
    """What a policy does at a decision: exactly one of choose, probabilities, avoid."""

    choose: str | None = Field(default=None, description="an option, or 'model' for the model's "
                                                         "own choice")
    probabilities: dict[str, float] | None = Field(default=None, description="a probability per "
                                                   "option, summing to 1")
    avoid: list[str] | None = Field(default=None, description="options the model's own choice "
                                                              "may not take")

    @model_validator(mode="before")
    @classmethod
    def _bare_option(cls, value: Any) -> Any:
        return _shorthand(value)

    @model_validator(mode="after")
    def _one_action(self) -> "Action":
        if type(self) is Action:  # a rule and a policy check their own (`Rule`, `Policy`)
            _check_one_action(self, "an action")
        return self

    @property
    def kind(self) -> str:
        """Which of `ACTION_KEYS` this action uses."""
        return next(k for k in ACTION_KEYS if getattr(self, k) is not None)

    def describe(self) -> str:
        """One line for manifests and traces, e.g. ``refuse`` or ``hold 60%, sanction 40%``."""
        if self.choose is not None:
            return "the model's own choice" if self.choose == MODEL else self.choose
        if self.probabilities is not None:
            return ", ".join(f"{o} {p:.0%}" for o, p in self.probabilities.items())
        return "the model's own choice, never " + ", ".join(self.avoid or ())


def _check_one_action(action: Action, what: str) -> None:
    given = [k for k in ACTION_KEYS if getattr(action, k) is not None]
    if len(given) != 1:
        raise LocatedValueError((), f"{what} needs exactly one of choose, probabilities, avoid "
                                    f"(got {', '.join(given) or 'none'})")
    if action.probabilities is not None:
        if not action.probabilities:
            raise LocatedValueError(("probabilities",), "probabilities lists at least one option")
        for option, p in action.probabilities.items():
            if not 0.0 <= p <= 1.0:
                raise LocatedValueError(("probabilities", option), f"the probability of "
                                        f"{option} is {p}; a probability is between 0 and 1")
        total = sum(action.probabilities.values())
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise LocatedValueError(("probabilities",), f"the probabilities sum to {total:g}; "
                                                        f"make them sum to 1")
    if action.avoid is not None and not action.avoid:
        raise LocatedValueError(("avoid",), "avoid lists at least one option")


class PolicyWhen(Conditions):
    """When a rule applies: all (or any) of its conditions on the world state hold this month,
    and, if it names a month, this is that month. A month alone is a rule for that month."""

    month: MonthRef | None = Field(default=None, description="the month the rule applies in "
                                   "(YYYY-MM or a month number), if only one")

    @field_validator("month", mode="before")
    @classmethod
    def _month_ok(cls, v):
        return None if v is None else check_month_ref(v)

    @model_validator(mode="after")
    def _one_list(self) -> "PolicyWhen":
        # a month alone is a condition; with all/any, the list must still be one and non-empty
        if self.month is not None and self.all is None and self.any is None:
            return self
        if (self.all is None) == (self.any is None) or not (self.all or self.any):
            raise LocatedValueError((), "give a month (month: YYYY-MM), a non-empty list under "
                                        "exactly one of 'all' or 'any', or both")
        return self

    def holds(self, state: Any, month: int | None = None, start: str | None = None) -> bool:
        """Whether the rule applies to ``state`` (an object with the state variables) in month
        number ``month`` of a scenario starting ``start`` (needed for a month given as YYYY-MM)."""
        if self.month is not None and (month is None or _month_number(self.month, start) != month):
            return False
        if self.all is None and self.any is None:
            return True
        tests = (c.holds(getattr(state, c.variable)) for c in self.conditions)
        return all(tests) if self.all is not None else any(tests)

    def describe(self) -> str:
        joiner = " and " if self.all is not None else " or "
        said = joiner.join(_describe_condition(c) for c in self.conditions)
        if self.month is None:
            return said
        when = f"in month {self.month}" if isinstance(self.month, int) else f"in {self.month}"
        return when + (f" if {said}" if said else "")


@lru_cache(maxsize=4096)
def _month_number(ref: MonthRef, start: str | None) -> int:
    """A rule's month as a month number (cached: a game's policy asks it every month)."""
    if isinstance(ref, int):
        return ref
    if start is None:
        raise ValueError(f"the month {ref} needs the scenario's start to be placed")
    return month_index(ref, start)


def _describe_condition(c: Condition) -> str:
    for key, word in (("above", ">"), ("below", "<"), ("at_least", ">="), ("at_most", "<=")):
        value = getattr(c, key)
        if value is not None:
            return f"{c.variable} {word} {value:g}"
    return c.variable  # pragma: no cover - a condition always has one test


class Rule(Action):
    """One rule of a policy: when its conditions hold, its action decides."""

    when: PolicyWhen

    @model_validator(mode="after")
    def _rule_action(self) -> "Rule":
        _check_one_action(self, "a rule")
        return self


class Policy(Action):
    """An actor's policy for one decision: an action, or rules with an ``otherwise``."""

    rules: list[Rule] | None = None
    otherwise: Action | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _action_or_rules(self) -> "Policy":
        if self.rules is None:
            if self.otherwise is not None:
                raise LocatedValueError(("otherwise",), "otherwise goes with rules; give rules, or "
                                                        "put the action directly on the policy")
            _check_one_action(self, "a policy")
            return self
        given = [k for k in ACTION_KEYS if getattr(self, k) is not None]
        if given:
            raise LocatedValueError((given[0],), f"a policy has rules or {given[0]}, not both; "
                                                 f"move {given[0]} into a rule or 'otherwise'")
        if not self.rules:
            raise LocatedValueError(("rules",), "rules lists at least one rule")
        return self

    @property
    def fallback(self) -> Action:
        """What decides when no rule applies (the model's own choice unless given)."""
        return self.otherwise if self.otherwise is not None else Action(choose=MODEL)

    def describe(self) -> str:
        """The policy in one line (for manifests, summaries and traces)."""
        if self.rules is None:
            return super().describe()
        parts = [f"when {r.when.describe()}: {r.describe()}" for r in self.rules]
        parts.append(f"otherwise: {self.fallback.describe()}")
        return "; ".join(parts)


def split_key(key: str) -> tuple[str, str]:
    """``war.minsk.war_answer`` -> (``war.minsk``, ``war_answer``): the decision is after the
    last dot."""
    actor, _, decision = key.rpartition(".")
    return actor, decision


def check_policy(key: str, policy: Policy) -> None:
    """Check a policy's names against the model's vocabulary: the actor, the decision, every
    option and every state variable. Raises `LocatedValueError` located inside ``policies``."""
    from unionsim.config.vocabulary import ACTORS, DECISIONS, STATE_VARIABLES

    actor, decision = split_key(key)
    if actor not in DECISIONS:
        close = difflib.get_close_matches(actor, list(DECISIONS), n=2)
        listing = "; ".join(f"{a} ({ACTORS[a]})" for a in DECISIONS)
        raise LocatedValueError((key,), (f"'{key}' names no actor that decides" if not actor
                                         else f"'{actor}' is not an actor that decides")
                                + (f" (did you mean {' or '.join(repr(c) for c in close)}?)"
                                   if close else "")
                                + f"; a policy is keyed ACTOR.DECISION, and the actors are: "
                                  f"{listing}",
                                hint="key the policy by actor and decision, e.g. "
                                     "minsk.base_answer or west.policy (docs/model.md, "
                                     "'Policies', lists every decision and its options)")
    if decision not in DECISIONS[actor]:
        close = difflib.get_close_matches(decision, list(DECISIONS[actor]), n=1)
        raise LocatedValueError((key,), f"{actor} takes no decision '{decision}'"
                                + (f" (did you mean '{close[0]}'?)" if close else "")
                                + "; its decisions: " + ", ".join(f"{actor}.{d}"
                                                                  for d in DECISIONS[actor]),
                                hint=f"key the policy by one of {actor}'s decisions")
    options = DECISIONS[actor][decision]
    actions: list[tuple[tuple, Action]] = []
    if policy.rules is None:
        actions.append(((), policy))
    else:
        actions += [(("rules", i), rule) for i, rule in enumerate(policy.rules)]
        if policy.otherwise is not None:
            actions.append((("otherwise",), policy.otherwise))
        for i, rule in enumerate(policy.rules):
            key_ = "all" if rule.when.all is not None else "any"
            for j, cond in enumerate(rule.when.conditions):
                if cond.variable not in STATE_VARIABLES:
                    close = difflib.get_close_matches(cond.variable, list(STATE_VARIABLES), n=3)
                    raise LocatedValueError(
                        (key, "rules", i, "when", key_, j, "variable"),
                        f"unknown state variable '{cond.variable}'"
                        + (" (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
                           if close else "")
                        + "; the state variables are listed in docs/model.md, section 2",
                        hint="name a state variable of src/unionsim/config/state_variables.yaml")
    for loc, action in actions:
        _check_options(key, options, loc, action)


def check_policies(policies: Mapping[str, Policy]) -> None:
    """`check_policy` for every policy of an input's ``policies:`` (a scenario's, a search
    spec's), the error located inside ``policies``."""
    for key, policy in policies.items():
        try:
            check_policy(key, policy)
        except LocatedValueError as exc:
            raise LocatedValueError(("policies",) + exc.loc, str(exc), hint=exc.hint) from None


def _check_options(key: str, options: tuple[str, ...], loc: tuple, action: Action) -> None:
    listing = ", ".join(options)

    def unknown(where: tuple, name: str, extra: str = "") -> LocatedValueError:
        close = difflib.get_close_matches(name, list(options), n=1)
        return LocatedValueError((key,) + loc + where,
                                 f"'{name}' is not an option of {key}"
                                 + (f" (did you mean '{close[0]}'?)" if close else "")
                                 + f"; its options: {listing}{extra}",
                                 hint=f"write one of: {listing}")

    if action.choose is not None and action.choose != MODEL and action.choose not in options:
        raise unknown(("choose",), action.choose, f" (or '{MODEL}': the model's own choice)")
    for name in action.probabilities or {}:
        if name not in options:
            raise unknown(("probabilities", name), name)
    for i, name in enumerate(action.avoid or ()):
        if name not in options:
            raise unknown(("avoid", i), name)
    if action.avoid is not None and set(options) <= set(action.avoid):
        raise LocatedValueError((key,) + loc + ("avoid",), f"avoid leaves {key} no option; "
                                f"leave out at least one of: {listing}",
                                hint="avoid fewer options, or choose one option outright")
