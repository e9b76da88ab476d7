"""Base class of every actor: a thin Mesa agent with its own random stream and a decision log."""

from __future__ import annotations

import itertools
import weakref
from functools import partial
from typing import Callable, ClassVar, Sequence

import mesa

from unionsim.draws import UniformDraws
from unionsim.model.choice import choose, choose_index
from unionsim.model.policies import decide as decide_by_policy


class _WeakIdCounters(weakref.WeakKeyDictionary):
    """Mesa 3.3.x keeps every finished model alive through the class attribute ``Agent._ids``
    (mesa#3179, fixed in 3.4.2). Weak keys let finished models be freed; harmless on >= 3.4."""

    def __getitem__(self, model):
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = itertools.count(1)
            self[model] = counter
            return counter


class Actor(mesa.Agent):
    """An actor of the Union State model.

    ``classifier`` is metadata checked by the tests against behaviour: the decisions the actor
    takes (``decisions``: kind -> options), whether it is stochastic, and the FACTS ids its rules
    rest on.
    """

    _ids = _WeakIdCounters()
    classifier: ClassVar[dict] = {}

    def __init__(self, model, name: str):
        super().__init__(model)
        self.name = name
        self._stream = None
        self._draws = None
        # the model's parameters and state: the same objects for the whole run, so plain
        # attributes (read several times a month by every actor) rather than properties
        self.p = model.p
        self.state = model.state
        # the user's policies for this actor's decisions (decision -> policy), if any
        self.policies = model.policies.get(name)

    @property
    def stream(self):
        """This actor's random stream (`UnionModel.stream`; cohort agents never draw)."""
        if self._stream is None:
            self._stream = self.model.stream(self.name)
        return self._stream

    @property
    def draws(self) -> UniformDraws:
        """The uniform numbers of this actor's stream, for its choices and chance events (an actor
        draws its uniforms only through this, see `unionsim.draws`)."""
        if self._draws is None:
            self._draws = self.model.draws(self.name)
        return self._draws

    def decide(self, kind: str, options: Sequence[str], utilities: Sequence[float],
               temperature: float, why: Callable[..., str] | None = None,
               draws: UniformDraws | None = None, reasons: tuple = ()) -> str:
        """Draw one of ``options`` by a logit over ``utilities`` from this actor's stream, and log it.

        ``why`` explains the decision in words: ``why(*reasons)`` is called only when the model
        records decisions (for `unionsim trace`) or an observer looks on. A decision taken every
        month passes a module-level function and its ``reasons`` (the values it reads, or the
        objects it reads them from) rather than a closure: a closure is built at every decision,
        recorded or not, and costs a thousand or more machine instructions.
        ``draws`` is another stream to draw from (a decision that must leave this actor's own
        numbers untouched). A policy the scenario gives for this decision takes it instead of the
        logit, drawing the same one uniform (`unionsim.model.policies`). The model's
        ``observer``, when set, sees every decision before it is drawn (`UnionModel.observer`).
        """
        model = self.model
        if model.observer is not None:
            model.observer(self.name, kind, options, utilities, temperature,
                           _explanation(why, reasons))
        draws = draws or self._draws or self.draws
        if self.policies is not None and kind in self.policies:
            index, weights, how = decide_by_policy(self.policies[kind], options, utilities,
                                                   temperature, draws.random(), self.state,
                                                   model.month, model.spec.start)
            choice = options[index]
            model.note_decision(self.name, kind, choice, options, weights,
                                _explanation(why, reasons), policy=how)
        elif model.record:
            index, weights = choose(draws, utilities, temperature)
            choice = options[index]
            model.note_decision(self.name, kind, choice, options, weights,
                                _explanation(why, reasons))
        else:  # the count alone (the common case, kept inline: it runs several times a month)
            choice = options[choose_index(draws, utilities, temperature)]
            key = (self.name, kind, choice)
            counts = model.counts
            counts[key] = counts.get(key, 0) + 1
        return choice


def _explanation(why: Callable[..., str] | None, reasons: tuple) -> Callable[[], str] | None:
    """``why`` with its ``reasons`` bound: the explanation as a call without arguments."""
    return partial(why, *reasons) if why is not None and reasons else why
