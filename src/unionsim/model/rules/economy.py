"""Economy rules: Belarus's funding balance, growth and stress; the strain on Russia's budget.

Pure functions of numbers and a parameter namespace ``p`` (the whole tree; each function reads
its own group). Flows are in USD bn per year; the model applies them month by month.
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.state import MAX_SANCTIONS, STATE_VARIABLES, Presence, clip, clip01

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_LEASED_SITES, _ROTATION, _EXERCISE_TROOPS, _PERMANENT_BASE, _OCCUPATION = (
    float(Presence.LEASED_SITES), float(Presence.ROTATION), float(Presence.EXERCISE_TROOPS),
    float(Presence.PERMANENT_BASE), float(Presence.OCCUPATION))

# Sovereignty lost for each integration roadmap in force (0..1 a roadmap). Fixed at its former
# default across its former range [0.003, 0.01]: Morris mu* 0 on every headline output in every
# scenario group at both master seeds of the influence study (docs/influence.md). Sources:
# marin2020 SYS-03 gives only the direction (integration moves only in technical fields that suit
# both sides, so each economic roadmap costs little sovereignty); the size is ours.
SOVEREIGNTY_PER_ROADMAP = 0.006

# Growth is held inside the documented domain of the `growth` state variable
# (state_variables.yaml); the bound acts only in extreme shocks.
_GROWTH_DOMAIN = STATE_VARIABLES["growth"]


def funding_balance(energy_support: float, western_finance: float, trade_war: bool,
                    sanctions_level: float, p: SimpleNamespace,
                    russian_debt: float | None = None, growth: float = 0.0,
                    us_sanctions: float = 0.0) -> float:
    """Annual external funding balance of Belarus, USD bn/yr (negative drains reserves).

    The economy 'always needs fresh funds' (MIN-10): a fixed external need (debt service and the
    state sector's deficit, E15-E16) is met by Russian energy support (E1-E11), thin Western
    credit (WES-03, WES-05) and reserves. A trade war (SYS-07, OLI-01) and sectoral sanctions
    (L25, WES-06) cut export earnings. Debt owed to Russia has to be serviced (E14): the need
    includes the service at the start, so only more (or less) Russian debt than at the start
    changes the balance; ``russian_debt`` of ``None`` means the start level. A recession (negative
    ``growth``, %/yr) costs export and budget earnings, so it opens a reserves shortfall (SC27:
    recession and Covid-19 leading to a 'rescue'; E23, L30). US sanctions cost a share
    ``us.economic_weight`` of what an EU step costs (the EU is the bigger market); 0 adds nothing.
    """
    e = p.economy
    if us_sanctions:
        sanctions_level = sanctions_level + p.us.economic_weight * us_sanctions
    losses = (e.trade_war_loss if trade_war else 0.0) + e.sanctions_loss_per_level * sanctions_level \
        + e.recession_funding_loss * (-growth if -growth > 0.0 else 0.0)  # max(0.0, -growth)
    extra_service = 0.0 if russian_debt is None else (
        russian_debt_service(russian_debt, p) - russian_debt_service(p.initial.russian_debt, p))
    return energy_support + western_finance - e.external_financing_need - losses - extra_service


def russian_debt_service(russian_debt: float, p: SimpleNamespace) -> float:
    """Interest and repayments due on the debt owed to Russia, USD bn/yr (E14: old Russian loans
    fall due and are repaid with new ones, or from reserves)."""
    e = p.economy
    return russian_debt * (e.russian_interest + e.russian_amortisation)


def refinancing_due(russian_debt: float, p: SimpleNamespace) -> float:
    """Russian debt falling due over the next year, USD bn (E14)."""
    return russian_debt * p.economy.russian_amortisation


def refinancing_pressure(due_bn: float, reserves: float) -> float:
    """0..1: the year's repayments to Russia as a share of reserves; Moscow's leverage.

    Minsk can cover small repayments from reserves; when they would take most of its reserves, it
    needs Moscow to roll them over, and Moscow can ask for something in return (KRE-05, E14).
    """
    return clip01(due_bn / (1e-9 if 1e-9 > reserves else reserves))  # max(reserves, 1e-9)


def excess_refinancing_pressure(pressure: float, p: SimpleNamespace) -> float:
    """Refinancing pressure beyond its level at the start (the Russian debt and reserves of the
    ``initial`` group): the leverage the calibrated weights do not already contain (E14)."""
    due = p.initial.russian_debt * p.economy.russian_amortisation
    # `max(0.0, pressure - min(1.0, due / max(reserves, 1e-9)))` written out: it runs several
    # times a month, and a builtin call costs several times the comparison
    reserves = p.initial.reserves
    start = due / (1e-9 if 1e-9 > reserves else reserves)
    excess = pressure - (start if start < 1.0 else 1.0)
    return excess if excess > 0.0 else 0.0


def financing_gap(reserves: float, balance: float, p: SimpleNamespace) -> float:
    """USD bn: how far reserves would fall below the Kremlin's rescue target over the rescue
    horizon at this year's funding balance; a rescue loan is sized to this (KRE-12: 'just
    enough'; E14). Zero when reserves stay above the target."""
    k = p.kremlin
    projected = reserves + balance * k.rescue_horizon_months / 12.0
    gap = k.rescue_reserve_target - projected
    return gap if gap > 0.0 else 0.0  # max(0.0, gap)


def adjusted_level(reference: float, level: float, p: SimpleNamespace) -> float:
    """The level the economy has adjusted to, one month on: it moves toward the current level at
    ``economy.adjustment_rate`` a month, so that a lost source of income costs growth for a while
    and output for good (E23: recessions as episodes; BYP-21)."""
    return reference + p.economy.adjustment_rate * (level - reference)


def growth_rate(oil_price_index: float, energy_support: float, sanctions_level: float,
                trade_war: bool, shock_pp: float, p: SimpleNamespace,
                support_reference: float | None = None, sanctions_reference: float = 0.0) -> float:
    """Annual GDP growth, %: Belarus tracks Russia's growth, which tracks oil (E23, E24, BYP-21).

    Losing Russian support costs growth (E1-E4: the tax manoeuvre as a loss of income); sanctions
    and a trade war cost more; exogenous shocks (L30) add on top. A loss of support or a rise in
    sanctions counts against the level the economy has adjusted to (``support_reference``,
    ``sanctions_reference``, see `adjusted_level`; ``None`` means the start support), so it lowers
    growth while the economy adjusts, not for ever. The result is clipped to the domain of the
    ``growth`` state variable.
    """
    e = p.economy
    russian_growth = e.russian_growth + e.oil_growth_elasticity * (oil_price_index - 1.0)
    reference = p.initial.energy_support if support_reference is None else support_reference
    support_gap = energy_support - reference
    growth = (e.growth_tracking * russian_growth + e.support_growth_elasticity * support_gap
              - e.sanctions_growth_cost * (sanctions_level - sanctions_reference)
              - (e.trade_war_growth_cost if trade_war else 0.0) + shock_pp)
    return clip(growth, _GROWTH_DOMAIN.lo, _GROWTH_DOMAIN.hi)


def economic_stress(reserves: float, growth: float, p: SimpleNamespace) -> float:
    """0..1 stress: thin reserves (E17: 'only $7 billion') and recession (E23) raise it."""
    e = p.economy
    reserve_gap = clip01(1.0 - reserves / e.reserve_comfort)
    recession = clip01(-growth / e.recession_scale)
    w = e.stress_growth_weight
    return clip01((1.0 - w) * reserve_gap + w * recession)


def russian_budget_strain(oil_price_index: float, p: SimpleNamespace) -> float:
    """0..1 strain on Russia's budget; low oil prices make subsidies resented (MON-03, RUP-06)."""
    k = p.kremlin
    return clip01(k.base_fiscal_strain + k.oil_strain_sensitivity * (1.0 - oil_price_index))


def outside_options(western_engagement: float, energy_offer: bool, diversified: float,
                    sanctions_level: float, p: SimpleNamespace, us_sanctions: float = 0.0,
                    us_engagement: float | None = None) -> float:
    """0..1 alternatives to Russian support open to Minsk (MIN-25, MIN-16, WES-08, NEI-05).

    China and third-country oil give a small base (NEI-05: 'gains have been limited'); Western
    engagement and an energy offer add to it; Western sanctions take it away (SC20).

    ``western_engagement`` and ``sanctions_level`` are the EU's; US sanctions weigh a
    share ``us.economic_weight`` of an EU step, and US attention adds ``us.outside_per_engagement``
    per unit above its level at the start (``us.initial_engagement``, already part of the
    calibrated base; ``None`` means that level): both neutral at their defaults.
    """
    w = p.world
    if us_sanctions:
        sanctions_level = sanctions_level + p.us.economic_weight * us_sanctions
    us_extra = 0.0 if us_engagement is None else \
        p.us.outside_per_engagement * (us_engagement - p.us.initial_engagement)
    return clip01(w.outside_base + us_extra + w.outside_per_engagement * western_engagement
                  + (w.outside_energy_offer if energy_offer else 0.0)
                  + w.outside_per_diversification * diversified
                  - w.outside_sanctions_cut * sanctions_level / MAX_SANCTIONS)


def sovereignty_index(roadmaps_implemented: float, supranational_bodies: bool, presence: float,
                      assets_sold: float, absorbed: bool, p: SimpleNamespace) -> float:
    """0..1 sovereignty, falling with integration in force (`SOVEREIGNTY_PER_ROADMAP` a roadmap),
    foreign troops and sold assets.

    The documents name these as what sovereignty would be lost to: supranational bodies and a
    common currency (MIN-05, U20), permanent foreign forces (MIN-29), strategic firms in Russian
    hands (MIN-13, E25-E28).
    """
    if absorbed:
        return 0.0
    s = p.integration
    loss = (SOVEREIGNTY_PER_ROADMAP * roadmaps_implemented
            + (s.sovereignty_supranational if supranational_bodies else 0.0)
            + s.sovereignty_per_presence_level * presence
            + s.sovereignty_per_asset * assets_sold)
    return clip01(1.0 - loss)


def presence_level(rotation_months: float, exercise_troops_k: float, permanent_troops_k: float,
                   base_agreed: bool, occupied: bool) -> float:
    """Ordinal Russian presence: leased sites (0), rotation (1), exercise troops (2), permanent (3),
    occupation (4) (M24-M27, MIN-29, MIN-30)."""
    if occupied:
        return _OCCUPATION
    if base_agreed or permanent_troops_k > 0.0:
        return _PERMANENT_BASE
    if exercise_troops_k > 0.0:
        return _EXERCISE_TROOPS
    if rotation_months > 0.0:
        return _ROTATION
    return _LEASED_SITES
