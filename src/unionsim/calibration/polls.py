"""Polls as observations of the latent opinion: the measurement model.

Opinion is a state of the model (the public's indicators). A poll target of ``targets/`` is an
observation of it, never the state itself: poll ``i`` of pollster ``h`` asking question ``q``
is expected to read

    expected_i = latent_q(t_i) + house_h + wording_q

where ``latent_q(t_i)`` is what the target's measure reads from the model (the question's
indicators, summed, at the fieldwork month or averaged over the fieldwork months) and the two
offsets are parameters of ``params/poll_offsets.yaml`` (``polls.house.<pollster>``,
``polls.wording.<question>``), each with its range and sources. One pollster and, per opinion,
one wording are the reference, fixed at 0 (range [0, 0]), so the latent opinion stays identified:
adding the same amount to every offset and taking it from the latent opinion would otherwise
predict the same polls. The others are marked ``fit:`` and fitted with the model's parameters,
from the fitting polls only (`fitted_offsets`).

A poll is scored against its committed tolerance ``T`` (``docs/holdout.md``, rule 3: twice the
sampling standard deviation plus the non-sampling part - a stated range's half-width, an
allowance for offsets). The measurement model treats the sampling error as an independent error
of the poll, so the two parts combine in quadrature instead of adding:

    tolerance_i = sqrt( (2 s_i)^2 + (T - 2 s_i)^2 ),   s_i = sqrt(deff p_i (1 - p_i) / n_i)

with ``p_i`` the observed share, ``n_i`` the poll's sample size (the document's, else the
pollster's documented default) and ``deff`` the design effect of rule 3. It is never wider than
``T`` and narrows as the sample grows.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Mapping, Sequence

from unionsim.config.schema import ParameterSpec
from unionsim.config.targets import LoadedTarget, TargetSet

OFFSETS_FILE = "poll_offsets.yaml"
HOUSE, WORDING = "polls.house.", "polls.wording."
# rule 3 of docs/holdout.md: clustered samples of unknown design (an assumption)
DESIGN_EFFECT = 2.0


def house_name(pollster: str) -> str:
    """The parameter name of a pollster's house offset."""
    return HOUSE + pollster


def wording_name(question: str) -> str:
    """The parameter name of a question's wording offset."""
    return WORDING + question


@lru_cache(maxsize=1)
def _shipped_specs() -> dict[str, ParameterSpec]:
    from unionsim.config.params import load_parameter_specs, shipped_dir

    return load_parameter_specs(shipped_dir("params") / OFFSETS_FILE)


def offset_specs() -> dict[str, ParameterSpec]:
    """The documented offsets of ``params/poll_offsets.yaml`` by parameter name."""
    return dict(_shipped_specs())


def is_poll(target: LoadedTarget) -> bool:
    m = target.target.measure
    return m is not None and m.kind == "poll"


def offset_names(target: LoadedTarget) -> tuple[str, str]:
    """The (house, wording) parameter names a poll target's expected value adds."""
    m = target.target.measure
    return house_name(m.pollster), wording_name(m.question)


def offset_of(target: LoadedTarget, values: Mapping[str, float] | None = None,
              specs: Mapping[str, ParameterSpec] | None = None) -> float:
    """The pollster's plus the wording's offset for a poll target: from ``values`` where given,
    else the documented value (0, the prior's centre)."""
    specs = offset_specs() if specs is None else specs
    values = values or {}
    return float(sum(values.get(n, specs[n].value) for n in offset_names(target)))


def expected_poll(latent, target: LoadedTarget, values: Mapping[str, float] | None = None,
                  specs: Mapping[str, ParameterSpec] | None = None):
    """What the poll is expected to read: the latent opinion plus its two offsets (a number or
    an array of latent values)."""
    return latent + offset_of(target, values, specs)


def sampling_sd(share: float, n: int, design_effect: float = DESIGN_EFFECT) -> float:
    """The standard deviation of a polled share from a sample of ``n``: binomial, inflated by
    the design effect."""
    share = min(max(float(share), 0.0), 1.0)
    return math.sqrt(design_effect * share * (1.0 - share) / n)


def poll_tolerance(committed: float, share: float, n: int,
                   design_effect: float = DESIGN_EFFECT) -> float:
    """A poll's tolerance under the measurement model: twice the sampling sd and the committed
    tolerance's non-sampling part combined in quadrature (never wider than ``committed``)."""
    twice = 2.0 * sampling_sd(share, n, design_effect)
    rest = max(committed - twice, 0.0)
    return min(committed, math.hypot(twice, rest))


def poll_row(targets: TargetSet, t: LoadedTarget) -> dict:
    """How a poll target is observed: pollster, question, wording, sample size (and where it
    comes from), sampling sd, the committed and the scoring tolerance, its offsets' names."""
    m = t.target.measure
    n, basis = targets.sample_size(t)
    share = float(t.target.observed)
    house, wording = offset_names(t)
    return {"target": t.id, "use": t.target.use, "pollster": m.pollster,
            "question": m.question, "wording": targets.questions[m.question].wording,
            "observed": share, "n": n, "n_basis": basis,
            "sampling_sd": sampling_sd(share, n),
            "committed_tolerance": t.target.tolerance,
            "tolerance": poll_tolerance(t.target.tolerance, share, n),
            "house": house, "wording_offset": wording}


def scoring_tolerances(targets: TargetSet) -> dict[str, float]:
    """The tolerance each measured poll target is scored with (`poll_tolerance`), by id."""
    out = {}
    for t in targets.select(measured=True):
        if is_poll(t):
            n, _ = targets.sample_size(t)
            out[t.id] = poll_tolerance(t.target.tolerance, float(t.target.observed), n)
    return out


def fitted_offsets(fit_targets: Sequence[LoadedTarget],
                   specs: Mapping[str, ParameterSpec] | None = None) -> list[str]:
    """The offsets the fit samples: those marked ``fit:`` that a *fitting* poll reads, in the
    file's order. An offset only held-out polls read is never fitted: it stays at its
    documented value, so nothing held out informs it."""
    specs = offset_specs() if specs is None else specs
    read = {n for t in fit_targets if is_poll(t) and t.target.use == "fit"
            for n in offset_names(t)}
    return [n for n, s in specs.items() if s.fit and n in read]


def register_problems(targets: TargetSet,
                      specs: Mapping[str, ParameterSpec] | None = None) -> list[str]:
    """Every mismatch between the poll registers and the offsets, one line each: a registered
    pollster or question without an offset, an offset nobody registered, a range without 0,
    a reference (range [0, 0]) missing, or more than one reference pollster or per opinion."""
    specs = offset_specs() if specs is None else specs
    problems = []
    expected = {house_name(p) for p in targets.pollsters} | \
               {wording_name(q) for q in targets.questions}
    for name in sorted(expected - set(specs)):
        problems.append(f"{name} has no parameter in params/{OFFSETS_FILE}")
    for name in sorted(set(specs) - expected):
        problems.append(f"{name} is not a registered pollster or question")
    for name, spec in specs.items():
        lo, hi = spec.range
        if not lo <= 0.0 <= hi or spec.value != 0.0:
            problems.append(f"{name}: an offset's default is 0 and its range contains 0")
        if (lo, hi) == (0.0, 0.0) and spec.fit:
            problems.append(f"{name} is a reference (range [0, 0]) and cannot be fitted")
    references = [p for p in targets.pollsters if specs.get(house_name(p)) is not None
                  and tuple(specs[house_name(p)].range) == (0.0, 0.0)]
    if len(references) != 1:
        problems.append(f"exactly one reference pollster (range [0, 0]) is needed, found "
                        f"{references or 'none'}")
    by_opinion: dict[tuple, list[str]] = {}
    for q, question in targets.questions.items():
        spec = specs.get(wording_name(q))
        if spec is not None and tuple(spec.range) == (0.0, 0.0):
            by_opinion.setdefault(tuple(sorted(question.indicators)), []).append(q)
    for indicators in {tuple(sorted(q.indicators)) for q in targets.questions.values()}:
        if len(indicators) == 1 and len(by_opinion.get(indicators, [])) != 1:
            problems.append(f"the opinion {indicators[0]} needs exactly one reference wording "
                            f"(range [0, 0]), found {by_opinion.get(indicators, 'none')}")
    return problems
