"""Rules of the Belarusian public, held as cohorts (age x urban/rural).

Each cohort has a population weight, a legitimacy it grants the regime, attitude shares on the
Russia question (join Russia / deeper union / independent and friendly relations, P1-P19), a
share choosing the EU in a binary choice (P9-P11), and a share held in detention. Protest follows
Epstein's threshold rule (a person with hardship sensitivity h and risk aversion r, both spread
uniformly over the cohort, protests if h x hardship x (1 - legitimacy) - r x net risk > threshold);
`active_share` integrates that rule over the cohort exactly, so no individuals need sampling.

The public is a handful of cohorts, not a crowd of agents (a public of 1,000 Mesa agents is ~50x
slower, MESA3.md). With six cohorts the rules run on plain floats: numpy's per-call overhead
dominates on arrays this small (measured: a month of the public took ~75 us with numpy arrays of
six, ~20 us as scalar loops). Vectorising pays again with hundreds of cohorts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

from unionsim.model.state import WarRole, fold_sum

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_FULL_ROLE = WarRole.FULL

# (label, urban, age index: -1 young 18-34, 0 middle 35-54, +1 older 55+)
COHORTS: tuple[tuple[str, bool, int], ...] = (
    ("urban_young", True, -1), ("urban_middle", True, 0), ("urban_older", True, 1),
    ("rural_young", False, -1), ("rural_middle", False, 0), ("rural_older", False, 1),
)


INCORPORATION, UNION, INDEPENDENCE = 0, 1, 2  # positions in attitude_flows results

# Fixed constants of the public's rules. Each was a parameter whose Morris mu* is 0 on every
# headline output in every scenario group at both master seeds of the influence study
# (docs/influence.md); its value is the former default. An age step is one of the cohorts' age
# indices (-1 young, 0 middle, +1 older).

# Highest starting support for joining Russia in any cohort (share). Fixed at its former default
# across its former range [0.3, 0.5]: Morris mu* 0 on every headline output in every scenario group
# at both master seeds of the influence study (docs/influence.md). An assumption, a bound only:
# over the ranges of ``public.incorporation_support`` and ``public.union_age_gradient`` no cohort
# starts above 0.11.
INCORPORATION_SUPPORT_CAP = 0.5

# Relative rise, per age step, of the Russian media pull on a cohort (older viewers watch more
# Russian television). Fixed at its former default across its former range [0.2, 0.6]: Morris mu* 0
# on every headline output in every scenario group at both master seeds of the influence study
# (docs/influence.md). An assumption: the documents do not split media exposure by age.
RUSSIAN_MEDIA_AGE_GRADIENT = 0.4

# Relative rise, per age step, of the fall in the EU choice that a Russian information campaign
# brings. Fixed at its former default across its former range [0, 0.8]: Morris mu* 0 on every
# headline output in every scenario group at both master seeds of the influence study
# (docs/influence.md). An assumption, not in the documents.
INFO_CAMPAIGN_AGE_GRADIENT = 0.5


def _unit(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


@dataclass(slots=True)
class Cohort:
    """One cohort: constants from the parameters, and its state."""

    label: str
    urban: float                # 1.0 urban, 0.0 rural
    age: float                  # -1, 0, +1
    weight: float               # share of the adult population
    base_legitimacy: float
    base_west: float
    media: float                # monthly Russian media pull on this cohort (HYB-04)
    backlash_factor: float      # repression hurts the young and urban most
    media_age_factor: float     # older cohorts absorb more Russian media
    legitimacy: float
    incorporation: float
    union: float
    independence: float
    west: float                 # share choosing the EU in a binary choice
    detained: float = 0.0       # share held in detention
    active: float = 0.0         # share protesting this month


def make_cohorts(p: SimpleNamespace) -> list[Cohort]:
    """Build the cohorts from the documented parameters (polls P1-P20)."""
    q = p.public
    raw = []
    for label, urban, age in COHORTS:
        age_share = q.young_share if age < 0 else q.older_share if age > 0 else \
            1.0 - q.young_share - q.older_share
        raw.append(age_share * (q.urban_share if urban else 1.0 - q.urban_share))
    total = fold_sum(raw)
    cohorts = []
    for (label, urban, age), w in zip(COHORTS, raw):
        u = 1.0 if urban else 0.0
        base_legitimacy = min(max(q.initial_legitimacy + q.legitimacy_age_gradient * age
                                  + q.legitimacy_rural_bonus * (1.0 - u), q.legitimacy_floor),
                              q.legitimacy_ceiling)
        inc = min(max(q.incorporation_support * (1.0 + q.union_age_gradient * age), 0.0),
                  INCORPORATION_SUPPORT_CAP)
        uni = min(max(q.union_support * (1.0 + q.union_age_gradient * age), 0.0), q.union_cap)
        base_west = min(max(q.west_orientation * (1.0 - q.west_youth_gradient * age),
                            q.west_floor), q.west_ceiling)
        cohorts.append(Cohort(
            label=label, urban=u, age=float(age), weight=w / total,
            base_legitimacy=base_legitimacy, base_west=base_west,
            media=q.media_pull * (1.0 + RUSSIAN_MEDIA_AGE_GRADIENT * age)
            * (1.0 + q.media_rural_bonus * (1.0 - u)),
            backlash_factor=1.0 + q.backlash_urban_gradient * u - q.backlash_age_gradient * age,
            media_age_factor=1.0 + INFO_CAMPAIGN_AGE_GRADIENT * age,
            legitimacy=base_legitimacy, incorporation=inc, union=uni,
            independence=1.0 - inc - uni, west=base_west))
    return cohorts


def hardship(economic_stress: float, election_salience: float, shock: float,
             p: SimpleNamespace, extra: float = 0.0, mishandling: float = 0.0,
             candidates_jailed: float = 0.0) -> float:
    """Perceived hardship of a cohort, 0..1: the grievances that bring people out.

    Economic decline and price shocks (BYP-18, L9), the sense of a stolen election (MIN-53), a
    crisis the regime is seen to mishandle (the 2020 Covid handling: BYP-18, L30, ELI-11) and the
    jailing of the challengers who drew the crowds (MIN-52, L8), with a monthly mobilisation
    shock (a standard normal ``shock``); ``extra`` is grievance from a scenario's wave of unrest.
    No single grievance is meant to carry a mass protest: an election with a calm economy and
    no mishandled crisis stays below the threshold for most people (BYP-09, BYP-12).
    The month's common part is `grievance_level`; `shocked_hardship` adds a cohort's shock.
    """
    return shocked_hardship(grievance_level(economic_stress, election_salience, p, extra,
                                            mishandling, candidates_jailed), shock, p)


def grievance_level(economic_stress: float, election_salience: float, p: SimpleNamespace,
                    extra: float = 0.0, mishandling: float = 0.0,
                    candidates_jailed: float = 0.0) -> float:
    """The month's grievances before a cohort's mobilisation shock (see `hardship`); the same for
    every cohort, so the public computes it once a month."""
    q = p.public
    return q.base_hardship + q.stress_hardship * economic_stress \
        + q.election_grievance * election_salience + q.mishandling_grievance * mishandling \
        + q.candidate_grievance * candidates_jailed + extra


def shocked_hardship(grievance: float, shock: float, p: SimpleNamespace) -> float:
    """A cohort's hardship, 0..1: the month's `grievance_level` scaled by its mobilisation
    shock (a standard normal ``shock``, lognormal in effect)."""
    x = grievance * math.exp(p.public.mobilisation_noise * shock)
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x  # `_unit`, written out: a call per cohort


def campaign_strength(serious_challengers: int, p: SimpleNamespace) -> float:
    """How strongly a presidential campaign mobilises, 0..1, from the number of serious
    challengers in the race: ``events.managed_vote_strength`` for the usual stage-managed vote
    (the '1+3' line-up, a hidden count: L7, MIN-49; an opposition holding back, BYP-12), and each
    serious challenger who draws crowds (MIN-52) adds ``events.challenger_mobilisation`` of what
    is left. An election's fraud salience is ``public.election_salience`` times this."""
    e = p.events
    left = (1.0 - e.challenger_mobilisation) ** serious_challengers
    return e.managed_vote_strength + (1.0 - e.managed_vote_strength) * (1.0 - left)


def unrest_wave(kind: str, p: SimpleNamespace) -> tuple[float, float]:
    """Grievance and militancy a wave of unrest of a documented ``kind`` adds while it lasts:
    ``economic``, against price hikes or a tax (2011, 2017: L9, BYP-18), adds grievance and no
    militancy (peaceful, BYP-09); ``ukraine_like``, seized buildings and armed clashes (KRE-16,
    SC16), adds both. The sizes are the ``events.unrest.<kind>`` parameters."""
    u = p.events.unrest
    if kind == "economic":
        return u.economic.grievance, 0.0
    if kind == "ukraine_like":
        return u.ukraine_like.grievance, u.ukraine_like.militancy
    raise ValueError(f"unknown kind of unrest {kind!r}; expected economic or ukraine_like")


def next_fatigue(fatigue: float, protest_share: float, p: SimpleNamespace) -> float:
    """Protest fatigue after one more month, 0..1: it builds with every month the street is
    mobilised (in proportion to the protest's size against the mass level, capped at one) and
    wears off slowly once people stay home. Fatigue lowers everybody's net grievance, so a wave
    of protest ebbs even when its causes remain (shraibman2021b describes a domestic crisis that
    faded into isolation, MIN-53; the rates are assumptions)."""
    q = p.public
    mobilised = protest_share / q.mass_protest_share
    mobilised = 1.0 if 1.0 < mobilised else mobilised  # `min(mobilised, 1.0)`, written out
    built = fatigue + q.fatigue_build * mobilised * (1.0 - fatigue)
    return _unit(built - q.fatigue_recovery * built * (1.0 - mobilised))


def arrest_probability(repression: float, active_share_: float, p: SimpleNamespace) -> float:
    """Estimated arrest probability, Epstein's 1 - exp(-k C/A): repression against the number
    already on the street (safety in numbers; MIN-52, MIN-53)."""
    q = p.public
    return 1.0 - math.exp(-q.arrest_constant * repression / (active_share_ + q.visibility_floor))


def active_share(grievance: float, net_risk: float, threshold: float) -> float:
    """Share of a cohort for which ``h * grievance - r * net_risk > threshold``, with h and r
    uniform on [0, 1]: Epstein's activation rule integrated over the cohort, in closed form.

    >>> active_share(1.0, 1.0, 0.0)
    0.5
    """
    if grievance <= threshold:
        return 0.0
    if 1e-12 > net_risk:  # `max(net_risk, 1e-12)`, written out: a call per cohort
        net_risk = 1e-12
    h0 = threshold / grievance               # below h0 nobody protests
    h1 = (threshold + net_risk) / grievance  # above h1 everybody free to protest does
    if h1 >= 1.0:                            # the region ends before h reaches 1
        return grievance * (1.0 - h0) ** 2 / (2.0 * net_risk)
    return net_risk / (2.0 * grievance) + 1.0 - h1


def protest(c: Cohort, hard: float, repression: float, p: SimpleNamespace,
            fatigue: float = 0.0) -> tuple[float, float]:
    """Share of the cohort protesting this month, and its new detained share.

    Net risk is the arrest probability (Epstein) times the severity of punishment, which grows
    with repression (long sentences after 2020, MIN-53). Detention keeps protesters off the street
    for ``public.detention_months`` on average (L8: hundreds held in May 2020). ``fatigue``
    (see `next_fatigue`) scales the net grievance down.
    """
    q = p.public
    grievance = hard * (1.0 - c.legitimacy) * (1.0 - fatigue)
    released = c.detained * (1.0 - 1.0 / q.detention_months)
    if grievance <= q.protest_threshold:
        # nobody protests (`active_share` is 0), so nobody is arrested: the month of most
        # cohorts, answered without the arrest odds
        return 0.0, 1.0 if 1.0 < released else released
    p_arrest = arrest_probability(repression, c.active, p)
    net_risk = p_arrest * (1.0 + q.penalty_severity * repression)
    active = (1.0 - c.detained) * active_share(grievance, net_risk, q.protest_threshold)
    detained = released + active * p_arrest * q.detention_rate
    return active, 1.0 if 1.0 < detained else detained  # `min(detained, 1.0)`, written out


def legitimacy_target(c: Cohort, economic_stress: float, repression: float,
                      election_salience: float, coercion: float, co_opt: bool,
                      belarusianisation: float, p: SimpleNamespace,
                      mishandling: float = 0.0, war_role: float = 0.0) -> float:
    """The legitimacy a cohort drifts toward.

    Lukashenka keeps credit from past growth (BYP-21) but loses it in hardship and in crises seen
    as mismanaged (BYP-18, ELI-11: ``mishandling``); repression alienates the young and urban most
    and a stolen election costs (both modelling assumptions); Russian pressure brings a rally
    round the flag (BYP-17), as does soft Belarusianisation (MIN-58); social spending buys some
    back (MIN-08). A full Belarusian role in a war next door (``war_role`` 2) costs the regime
    legitimacy: being dragged into a war is the public's main fear (BYP-16, P12). The shift
    common to all cohorts is `legitimacy_shift`.
    """
    return cohort_legitimacy_target(c, legitimacy_shift(economic_stress, election_salience,
                                                        coercion, co_opt, belarusianisation, p,
                                                        mishandling, war_role), repression, p)


def legitimacy_shift(economic_stress: float, election_salience: float, coercion: float,
                     co_opt: bool, belarusianisation: float, p: SimpleNamespace,
                     mishandling: float = 0.0, war_role: float = 0.0) -> float:
    """The month's shift of every cohort's legitimacy target from its base (see
    `legitimacy_target`); computed once a month."""
    q = p.public
    shift = (-q.stress_legitimacy * economic_stress - q.fraud_legitimacy * election_salience
             + q.rally_legitimacy * coercion + (q.coopt_legitimacy if co_opt else 0.0)
             + q.identity_legitimacy * belarusianisation
             - q.mishandling_legitimacy * mishandling)
    if war_role >= _FULL_ROLE:
        shift -= p.war.public.legitimacy_cost
    return shift


def cohort_legitimacy_target(c: Cohort, shift: float, repression: float,
                             p: SimpleNamespace) -> float:
    """A cohort's legitimacy target from the month's `legitimacy_shift` and its own backlash
    against repression."""
    x = (c.base_legitimacy + shift
         - p.public.repression_backlash * repression * c.backlash_factor)
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x  # `_unit`, written out


def sovereignty_pressure(coercion: float, round_open: bool, p: SimpleNamespace) -> float:
    """Russian pressure on Belarus's sovereignty as the public feels it, in units of coercion:
    visible coercion (cuts, ultimatums, demands for a base, information attacks: BYP-17, SC4) and,
    while Moscow presses integration talks under a deadline, ``public.round_pressure`` (the talks
    of 2018-19 were read as a threat to statehood, SC4, BYP-19; the EU option rose from a fifth to
    a third of a binary choice while they went on, P9, P10, BYP-15)."""
    return coercion + (p.public.round_pressure if round_open else 0.0)


def hardship_push(economic_stress: float, p: SimpleNamespace) -> float:
    """Push away from Russia from economic hardship, in units of coercion:
    ``public.hardship_pressure`` times economic stress. Russia's boom years, good for Belarus
    too, kept it on a Russian course, and a social contract whose promises had to shrink pushed
    the country toward sovereignty and identity (E24): prosperity tied to Russia holds opinion
    close and hardship loosens the tie (our reading of what the documents say of the country's
    course)."""
    return p.public.hardship_pressure * economic_stress


def cohort_push(push: float, legitimacy: float, russian_backing: float,
                p: SimpleNamespace) -> float:
    """A cohort's push away from Russia, in units of coercion: the month's common ``push`` plus,
    while Russia backs the regime's security (``russian_backing``: Putin's support weeks into
    the 2020 protests, the guard police offered 'if necessary', E13, M47, SC20),
    ``public.backing_pressure`` times the cohort's rejection of the regime (1 - legitimacy):
    those who turn against Lukashenka see Moscow as what keeps him in place, which is why the
    Kremlin fears that a revolt would bring anti-Russian forces to power (KRE-17)."""
    return push + p.public.backing_pressure * russian_backing * (1.0 - legitimacy)


def attitude_flows(incorporation: float, union: float, independence: float, media: float,
                   info_campaign: float, push: float, belarusianisation: float,
                   p: SimpleNamespace) -> tuple[float, float, float]:
    """One month of drift between the three positions on the Russia question: the latent opinion
    that polls observe, each through its own wording.

    Russian media pull toward union and incorporation (HYB-04; stronger under an information
    campaign, HYB-01); a generation raised in an independent state drifts to independence
    (BYP-01, BYP-02); pressure on sovereignty (``push``, in units of coercion, see
    `sovereignty_pressure`) triggers a rally for it (BYP-17, BYP-07); soft Belarusianisation adds
    to it (BYP-11, BYP-13). The flows conserve the total and every rate is below 1, so no share
    leaves [0, 1]. The month's common drivers are `attitude_drivers`.
    """
    amplification, drift = attitude_drivers(info_campaign, belarusianisation, p)
    return cohort_attitude_flows(incorporation, union, independence, media, amplification,
                                 drift, push, p)


def attitude_drivers(info_campaign: float, belarusianisation: float,
                     p: SimpleNamespace) -> tuple[float, float]:
    """The month's drivers of `attitude_flows` that are the same for every cohort: the
    amplification of Russian media by an information campaign, and the monthly drift rate to
    independence (generational, BYP-01, and from soft Belarusianisation, BYP-13)."""
    q = p.public
    amplification = 1.0 + q.info_amplification * info_campaign
    drift = q.independence_drift / 12.0 + q.identity_rate * belarusianisation
    return amplification, drift


def cohort_attitude_flows(incorporation: float, union: float, independence: float,
                          media: float, amplification: float, drift: float, push: float,
                          p: SimpleNamespace) -> tuple[float, float, float]:
    """One cohort's month of `attitude_flows`, given the month's `attitude_drivers` and the
    cohort's push away from Russia (``push``, in units of coercion): the rally moves
    ``public.rally_rate`` per unit of push from union to independence and from incorporation to
    union each month."""
    pull = media * amplification
    to_indep = drift + p.public.rally_rate * push
    ind_to_uni = pull * independence
    uni_to_inc = pull * p.public.incorporation_pull_ratio * union
    uni_to_ind = to_indep * union
    inc_to_uni = to_indep * incorporation
    return (incorporation + (uni_to_inc - inc_to_uni),
            union + (ind_to_uni + inc_to_uni - uni_to_inc - uni_to_ind),
            independence + (uni_to_ind - ind_to_uni))


def west_target(c: Cohort, push: float, info_campaign: float, repression: float,
                p: SimpleNamespace, engagement_shift: float = 0.0) -> float:
    """Share of a cohort choosing the EU in a binary choice: it rose from 20 to 32 % as Russia
    pressed in 2018-19 (P9, P10), driven by security concerns (BYP-15), most among the young (P11);
    Russian media pull the other way (HYB-04). ``push`` is the cohort's push away from Russia in
    units of coercion (`sovereignty_pressure`). What the West offers counts too:
    ``engagement_shift`` is Western engagement above its 2019 level (visas, energy deals, trade:
    WES-03, E21), lowered by every sanctions step (WES-06), at ``public.west_engagement_gain``
    per unit; 0 leaves the target as it is."""
    q = p.public
    x = (c.base_west + q.west_pressure_gain * push
         - q.west_media_loss * info_campaign * c.media_age_factor
         + q.west_repression_gain * repression * c.urban
         + q.west_engagement_gain * engagement_shift)
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x  # `_unit`, written out


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
    # each `min(a, b)` written out as `b if b < a else a` (the same value; a monthly rule)
    share, saturation = protest_share / q.mass_protest_share, q.street_saturation
    street = (saturation if saturation < share else share) / saturation
    militancy = q.militancy + extra_militancy
    militancy = militancy if militancy < 1.0 else 1.0
    target = street * (militancy * (repression + (1.0 - elite_cohesion))
                       + q.prorussian_mobilisation * info_campaign)
    return target if target < 1.0 else 1.0
