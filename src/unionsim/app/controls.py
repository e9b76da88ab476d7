"""The explorer's parameter controls as data: each parameter's value, range and provenance, the
slider's grid (a round step that reaches both ends exactly), and the scenario's events as rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence



@dataclass(frozen=True)
class ParameterInfo:
    """One parameter as a control shows it: its value in the scenario and its provenance."""

    name: str
    group: str
    value: float          # in force in the chosen scenario (default or the scenario's override)
    default: float
    low: float
    high: float
    unit: str
    meaning: str
    basis: str
    sources: str
    note: str
    sampled: bool         # the scenario draws it per run (fixing it here stops that)

    @property
    def step(self) -> float:
        """The slider's step (see `slider_step`)."""
        return slider_step(self.low, self.high)

    @property
    def decimals(self) -> int:
        """Decimals that show a value on the slider's grid exactly."""
        return step_decimals(self.step)

    def snap(self, value: float) -> float:
        """``value`` on the slider's grid (``low + k * step``), within the range: both ends are
        reachable exactly, and a value reads as it is stored (0.35, not 0.3494)."""
        return snap_to_grid(value, self.low, self.high, self.step)

    def show(self, value: float) -> str:
        """A value with the precision of the slider's step (a value off the grid, e.g. a
        scenario's or a typed one, keeps the digits it needs)."""
        text = f"{value:.{self.decimals}f}"
        return text if float(text) == value else f"{value:g}"


#: Slider positions at least, across a parameter's documented range.
SLIDER_POSITIONS = 50


def slider_step(low: float, high: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) that divides the range into a whole number
    of at least `SLIDER_POSITIONS` steps, so that the grid ``low + k * step`` holds both ends;
    the largest such step, so that each position is a value worth telling apart."""
    import math

    span = high - low
    if not span > 0 or not math.isfinite(span):
        return 1.0
    exponent = math.floor(math.log10(span / SLIDER_POSITIONS))
    for power in range(exponent, exponent - 6, -1):
        for mantissa in (5, 2, 1):
            step = mantissa * 10.0 ** power
            steps = span / step
            if steps >= SLIDER_POSITIONS and abs(steps - round(steps)) < 1e-6 * steps:
                return round(step, 12)
    return 10.0 ** (exponent - 6)


def step_decimals(step: float) -> int:
    """Decimals of a round step: 0.05 -> 2, 0.2 -> 1, 5 -> 0."""
    import math

    return max(0, -math.floor(math.log10(step) + 1e-9))


def snap_to_grid(value: float, low: float, high: float, step: float) -> float:
    """The grid point ``low + k * step`` nearest ``value``, within [low, high], rounded to the
    step's decimals (no 0.30000000000000004)."""
    k = round((float(value) - low) / step)
    snapped = round(low + k * step, step_decimals(step) + 2)
    return min(high, max(low, snapped))


def parameter_infos(loaded) -> list[ParameterInfo]:
    """Every documented parameter with the value the scenario puts in force."""
    from unionsim.analysis.provenance import sources_text

    pset = loaded.parameters()
    sampled = set(loaded.spec.uncertainty)
    return [ParameterInfo(name=name, group=name.split(".")[0], value=float(pset.values[name]),
                          default=float(spec.value), low=float(spec.range[0]),
                          high=float(spec.range[1]), unit=spec.unit, meaning=spec.meaning,
                          basis=spec.basis, sources=sources_text(spec), note=spec.note or "",
                          sampled=name in sampled)
            for name, spec in pset.specs.items()]


def scenario_event_rows(loaded) -> list[dict]:
    """The scenario's scheduled events, in order: month, type and a short description."""
    from unionsim.config.schema import month_label

    spec = loaded.spec
    rows = []
    for event in spec.events:
        data = event.model_dump(mode="json", exclude_none=True)
        month = spec.month_of(event.month)
        detail = data.get("label") or data.get("name") or data.get("note") or ""
        rows.append({"month": month_label(month, spec.start), "id": data.get("id", ""),
                     "type": data.get("type", ""), "detail": str(detail)})
    return rows


def iter_groups(infos: Sequence[ParameterInfo]) -> Iterator[tuple[str, list[ParameterInfo]]]:
    """Parameters grouped by actor (the first part of their names), in the documented order."""
    groups: dict[str, list[ParameterInfo]] = {}
    for info in infos:
        groups.setdefault(info.group, []).append(info)
    yield from groups.items()
