"""Rules of the Belarusian public, held as cohorts (age x urban/rural) in numpy arrays.

Each cohort has a population weight, a legitimacy it grants the regime, attitude shares on the
Russia question (join Russia / deeper union / independent and friendly relations, P1-P19), a
share choosing the EU in a binary choice (P9-P11), and a share held in detention. Protest follows
Epstein's threshold rule (a person with hardship sensitivity h and risk aversion r, both spread
uniformly over the cohort, protests if h x hardship x (1 - legitimacy) - r x net risk > threshold);
`active_share` integrates that rule over the cohort exactly, so no individuals need sampling.
Vectorised: one call updates every cohort (a public of Mesa agents is ~50x slower, MESA3.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

# (label, urban, age index: -1 young 18-34, 0 middle 35-54, +1 older 55+)
COHORTS: tuple[tuple[str, bool, int], ...] = (
    ("urban_young", True, -1), ("urban_middle", True, 0), ("urban_older", True, 1),
    ("rural_young", False, -1), ("rural_middle", False, 0), ("rural_older", False, 1),
)
INCORPORATION, UNION, INDEPENDENCE = 0, 1, 2


@dataclass
class Cohorts:
    """State of all cohorts; every array is indexed by cohort."""

    weight: np.ndarray          # population share of each cohort (sums to 1)
    age: np.ndarray             # -1, 0, +1
    urban: np.ndarray           # 1.0 urban, 0.0 rural
    base_legitimacy: np.ndarray
    legitimacy: np.ndarray
    attitudes: np.ndarray       # [cohort, 3] shares: incorporation, union, independence
    west: np.ndarray            # share choosing the EU in a binary choice
    base_west: np.ndarray
    media_susceptibility: np.ndarray
    backlash_factor: np.ndarray  # repression hurts the young and urban most (constant)
    media_age_factor: np.ndarray  # older cohorts absorb more Russian media (constant)
    detained: np.ndarray        # share of the cohort held in detention
    active_share: np.ndarray    # share protesting this month

    @property
    def labels(self) -> list[str]:
        return [c[0] for c in COHORTS]


def make_cohorts(p: SimpleNamespace) -> Cohorts:
    """Build the cohorts from the documented parameters."""
    q = p.public
    urban = np.array([1.0 if c[1] else 0.0 for c in COHORTS])
    age = np.array([float(c[2]) for c in COHORTS])
    age_share = np.where(age < 0, q.young_share, np.where(age > 0, q.older_share,
                                                          1.0 - q.young_share - q.older_share))
    weight = age_share * np.where(urban > 0, q.urban_share, 1.0 - q.urban_share)
    weight = weight / weight.sum()
    base_legitimacy = np.clip(q.initial_legitimacy + q.legitimacy_age_gradient * age
                              + q.legitimacy_rural_bonus * (1.0 - urban), 0.05, 0.95)
    inc = np.clip(q.incorporation_support * (1.0 + q.union_age_gradient * age), 0.0, 0.5)
    uni = np.clip(q.union_support * (1.0 + q.union_age_gradient * age), 0.0, 0.6)
    attitudes = np.stack([inc, uni, 1.0 - inc - uni], axis=1)
    base_west = np.clip(q.west_orientation * (1.0 - q.west_youth_gradient * age), 0.02, 0.9)
    media = q.media_pull * (1.0 + q.media_age_gradient * age) * (1.0 + 0.3 * (1.0 - urban))
    k = len(COHORTS)
    return Cohorts(weight=weight, age=age, urban=urban, base_legitimacy=base_legitimacy,
                   legitimacy=base_legitimacy.copy(), attitudes=attitudes, west=base_west.copy(),
                   base_west=base_west, media_susceptibility=media,
                   backlash_factor=1.0 + 0.5 * urban - 0.5 * age, media_age_factor=1.0 + 0.5 * age,
                   detained=np.zeros(k), active_share=np.zeros(k))


def _unit(x: np.ndarray) -> np.ndarray:
    """Clamp to [0, 1] (two ufunc calls: much cheaper than np.clip on small arrays)."""
    return np.minimum(np.maximum(x, 0.0), 1.0)


def hardship(economic_stress: float, election_salience: float, shocks: np.ndarray,
             p: SimpleNamespace, extra: float = 0.0) -> np.ndarray:
    """Perceived hardship of each cohort, 0..1: economic decline and price shocks (BYP-18) and the
    sense of a stolen election (MIN-49, L6), with a monthly mobilisation shock per cohort;
    ``extra`` is grievance from a scenario's wave of unrest."""
    q = p.public
    base = q.base_hardship + q.stress_hardship * economic_stress \
        + q.election_grievance * election_salience + extra
    return _unit(base * np.exp(q.mobilisation_noise * shocks))


def arrest_probability(repression: float, active_share: np.ndarray, p: SimpleNamespace
                       ) -> np.ndarray:
    """Estimated arrest probability per cohort, Epstein's 1 - exp(-k C/A): repression against the
    number already on the street (safety in numbers; MIN-52, MIN-53)."""
    q = p.public
    ratio = repression / (active_share + q.visibility_floor)
    return 1.0 - np.exp(-q.arrest_constant * ratio)


def active_share(grievance: np.ndarray, net_risk: np.ndarray, threshold: float) -> np.ndarray:
    """Share of a cohort for which ``h * grievance - r * net_risk > threshold``, with h and r
    uniform on [0, 1]: Epstein's activation rule integrated over the cohort, in closed form.

    >>> [round(x, 4) for x in active_share(np.array([1.0]), np.array([1.0]), 0.0)]
    [0.5]
    """
    g = np.maximum(grievance, 1e-12)
    n = np.maximum(net_risk, 1e-12)
    h0 = np.minimum(threshold / g, 1.0)          # below h0 nobody protests
    h1 = (threshold + n) / g                     # above h1 everybody free to protest does
    partial = g * (1.0 - h0) ** 2 / (2.0 * n)    # the region ends before h reaches 1
    full = n / (2.0 * g) + 1.0 - h1              # a band of certain protesters after h1
    return np.where(h1 >= 1.0, partial, full)


def protest(c: Cohorts, hard: np.ndarray, repression: float, p: SimpleNamespace
            ) -> tuple[np.ndarray, np.ndarray]:
    """Share of each cohort protesting this month, and the new detained shares.

    Net risk is the arrest probability (Epstein) times the severity of punishment, which grows
    with repression (long sentences after 2020, MIN-53). Detention keeps protesters off the street
    for ``public.detention_months`` on average (L8: hundreds held in May 2020).
    """
    q = p.public
    p_arrest = arrest_probability(repression, c.active_share, p)
    net_risk = p_arrest * (1.0 + q.penalty_severity * repression)
    active = (1.0 - c.detained) * active_share(hard * (1.0 - c.legitimacy), net_risk,
                                               q.protest_threshold)
    detained = c.detained * (1.0 - 1.0 / q.detention_months) \
        + active * p_arrest * q.detention_rate
    return active, np.minimum(detained, 1.0)


def legitimacy_target(c: Cohorts, economic_stress: float, repression: float,
                      election_salience: float, coercion: float, co_opt: bool,
                      belarusianisation: float, p: SimpleNamespace) -> np.ndarray:
    """The legitimacy each cohort drifts toward.

    Lukashenka keeps credit from past growth (BYP-21) but loses it in hardship and mismanaged
    crises (BYP-18, ELI-11); repression alienates the young and urban most (MIN-53, P11); a stolen
    election costs (MIN-49); Russian pressure brings a rally round the flag (BYP-17), as does soft
    Belarusianisation (MIN-58); social spending buys some back (MIN-08).
    """
    q = p.public
    shift = (-q.stress_legitimacy * economic_stress - q.fraud_legitimacy * election_salience
             + q.rally_legitimacy * coercion + (q.coopt_legitimacy if co_opt else 0.0)
             + q.identity_legitimacy * belarusianisation)
    return _unit(c.base_legitimacy + shift - (q.repression_backlash * repression) * c.backlash_factor)


def attitude_flows(attitudes: np.ndarray, media: np.ndarray, info_campaign: float,
                   coercion: float, belarusianisation: float, p: SimpleNamespace) -> np.ndarray:
    """One month of drift between the three positions on the Russia question.

    Russian media pull toward union and incorporation (HYB-04; stronger under an information
    campaign, HYB-01); a generation raised in an independent state drifts to independence
    (BYP-01, BYP-02); Russian coercion triggers a rally for sovereignty (BYP-17, BYP-07); soft
    Belarusianisation adds to it (BYP-11, BYP-13).
    """
    q = p.public
    pull = media * (1.0 + q.info_amplification * info_campaign)
    to_indep = q.independence_drift / 12.0 + q.rally_rate * coercion \
        + q.identity_rate * belarusianisation
    inc, uni, ind = attitudes[:, INCORPORATION], attitudes[:, UNION], attitudes[:, INDEPENDENCE]
    ind_to_uni = pull * ind
    uni_to_inc = (pull * q.incorporation_pull_ratio) * uni
    uni_to_ind = to_indep * uni
    inc_to_uni = to_indep * inc
    # the flows conserve each cohort's total and every rate is far below 1, so no share can leave
    # [0, 1] and no renormalisation is needed
    return np.stack((inc + (uni_to_inc - inc_to_uni),
                     uni + (ind_to_uni + inc_to_uni - uni_to_inc - uni_to_ind),
                     ind + (uni_to_ind - ind_to_uni)), axis=1)


def west_target(c: Cohorts, coercion: float, info_campaign: float, repression: float,
                p: SimpleNamespace) -> np.ndarray:
    """Share choosing the EU in a binary choice, by cohort: it rose from 20 to 32 % as Russia
    pressed in 2018-19 (P9, P10), driven by security concerns (BYP-15), most among the young (P11);
    Russian media pull the other way (HYB-04)."""
    q = p.public
    return _unit(c.base_west + q.west_pressure_gain * coercion
                 - (q.west_media_loss * info_campaign) * c.media_age_factor
                 + (q.west_repression_gain * repression) * c.urban)


def radicalism_target(protest_share: float, repression: float, elite_cohesion: float,
                      info_campaign: float, p: SimpleNamespace,
                      extra_militancy: float = 0.0) -> float:
    """How Ukraine-like the street becomes, 0..1 (KRE-16: seized buildings, armed clashes).

    Large protests turn violent when met by force and when the state's hold slips; Russian-backed
    groups may mobilise first (HYB-06), which is the disputed strength of a pro-Russian base (D6).
    Belarusian protest has a low baseline militancy (BYP-09); a scenario's wave of unrest may add
    to it (``extra_militancy``).
    """
    q = p.public
    street = min(protest_share / q.mass_protest_share, 2.0) / 2.0
    militancy = min(1.0, q.militancy + extra_militancy)
    return min(1.0, street * (militancy * (repression + (1.0 - elite_cohesion))
                              + q.prorussian_mobilisation * info_campaign))
