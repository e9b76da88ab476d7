"""Economy rules: Belarus's funding balance, growth and stress; the strain on Russia's budget.

Pure functions of numbers and a parameter namespace ``p`` (the whole tree; each function reads
its own group). Flows are in USD bn per year; the model applies them month by month.
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.state import MAX_SANCTIONS, STATE_VARIABLES, Presence, clip, clip01

# Growth is held inside the documented domain of the `growth` state variable
# (state_variables.yaml); the bound acts only in extreme shocks.
_GROWTH_DOMAIN = STATE_VARIABLES["growth"]


def funding_balance(energy_support: float, western_finance: float, trade_war: bool,
                    sanctions_level: float, p: SimpleNamespace) -> float:
    """Annual external funding balance of Belarus, USD bn/yr (negative drains reserves).

    The economy 'always needs fresh funds' (MIN-10): a fixed external need (debt service and the
    state sector's deficit, E15-E16) is met by Russian energy support (E1-E11), thin Western
    credit (WES-03, WES-05) and reserves. A trade war (SYS-07, OLI-01) and sectoral sanctions
    (L25, WES-06) cut export earnings.
    """
    e = p.economy
    losses = (e.trade_war_loss if trade_war else 0.0) + e.sanctions_loss_per_level * sanctions_level
    return energy_support + western_finance - e.external_financing_need - losses


def growth_rate(oil_price_index: float, energy_support: float, sanctions_level: float,
                trade_war: bool, shock_pp: float, p: SimpleNamespace) -> float:
    """Annual GDP growth, %: Belarus tracks Russia's growth, which tracks oil (E23, E24, BYP-21).

    Losing Russian support below its 2019 level costs growth (E1-E4: the tax manoeuvre as a loss of
    income); sanctions and a trade war cost more; exogenous shocks (L30) add on top. The result is
    clipped to the domain of the ``growth`` state variable.
    """
    e = p.economy
    russian_growth = e.russian_growth + e.oil_growth_elasticity * (oil_price_index - 1.0)
    support_gap = energy_support - p.initial.energy_support
    growth = (e.growth_tracking * russian_growth + e.support_growth_elasticity * support_gap
              - e.sanctions_growth_cost * sanctions_level - (e.trade_war_growth_cost if trade_war
                                                             else 0.0) + shock_pp)
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
                    sanctions_level: float, p: SimpleNamespace) -> float:
    """0..1 alternatives to Russian support open to Minsk (MIN-25, MIN-16, WES-08, NEI-05).

    China and third-country oil give a small base (NEI-05: 'gains have been limited'); Western
    engagement and an energy offer add to it; Western sanctions take it away (SC20).
    """
    w = p.world
    return clip01(w.outside_base + w.outside_per_engagement * western_engagement
                  + (w.outside_energy_offer if energy_offer else 0.0)
                  + w.outside_per_diversification * diversified
                  - w.outside_sanctions_cut * sanctions_level / MAX_SANCTIONS)


def sovereignty_index(roadmaps_implemented: float, supranational_bodies: bool, presence: float,
                      assets_sold: float, absorbed: bool, p: SimpleNamespace) -> float:
    """0..1 sovereignty, falling with integration in force, foreign troops and sold assets.

    The documents name these as what sovereignty would be lost to: supranational bodies and a
    common currency (MIN-05, U20), permanent foreign forces (MIN-29), strategic firms in Russian
    hands (MIN-13, E25-E28).
    """
    if absorbed:
        return 0.0
    s = p.integration
    loss = (s.sovereignty_per_roadmap * roadmaps_implemented
            + (s.sovereignty_supranational if supranational_bodies else 0.0)
            + s.sovereignty_per_presence_level * presence
            + s.sovereignty_per_asset * assets_sold)
    return clip01(1.0 - loss)


def presence_level(rotation_months: float, exercise_troops_k: float, permanent_troops_k: float,
                   base_agreed: bool, occupied: bool) -> float:
    """Ordinal Russian presence: leased sites (0), rotation (1), exercise troops (2), permanent (3),
    occupation (4) (M24-M27, MIN-29, MIN-30)."""
    if occupied:
        return float(Presence.OCCUPATION)
    if base_agreed or permanent_troops_k > 0.0:
        return float(Presence.PERMANENT_BASE)
    if exercise_troops_k > 0.0:
        return float(Presence.EXERCISE_TROOPS)
    if rotation_months > 0.0:
        return float(Presence.ROTATION)
    return float(Presence.LEASED_SITES)
