"""The month's economy: Russia's budget strain, growth, the funding balance, reserves and debt,
and what Minsk owes Moscow and needs from it. State updates over the pure rules of
`rules.economy`; the model calls `economy_month` once a month, after every actor has moved."""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.rules import economy as econ
from unionsim.model.state import WorldState


def economy_month(s: WorldState, p: SimpleNamespace) -> None:
    """One month of the economy: growth from oil, support, sanctions, a trade war and any shock;
    the funding balance paid into (or out of) the reserves; a twelfth of the Russian principal
    repaid; default once the reserves run out; the debts and needs that follow; the month's
    trade war and shock counted down."""
    trade_war = s.trade_war_months > 0
    s.russian_strain = econ.russian_budget_strain(s.oil_price_index, p)
    shock = s.shock_growth_pp if s.shock_months > 0 else 0.0
    s.growth = econ.growth_rate(s.oil_price_index, s.energy_support, s.sanctions_level,
                                trade_war, shock, p, s.support_reference,
                                s.sanctions_reference)
    s.support_reference = econ.adjusted_level(s.support_reference, s.energy_support, p)
    s.sanctions_reference = econ.adjusted_level(s.sanctions_reference, s.sanctions_level, p)
    balance = econ.funding_balance(s.energy_support, s.western_finance, trade_war,
                                   s.sanctions_level, p, s.russian_debt, s.growth,
                                   us_sanctions=s.us_sanctions)
    s.reserves += balance / 12.0
    # the month's repayment of Russian principal was paid out of the balance above (E14)
    repaid = s.russian_debt * p.economy.russian_amortisation / 12.0
    s.russian_debt -= repaid
    # `max(0.0, x)` written out as `x if x > 0.0 else 0.0` here (the same value, no builtin call)
    debt = s.debt - repaid
    s.debt = debt if debt > 0.0 else 0.0
    if s.reserves <= 0.0:
        s.defaulted = 1.0
        s.reserves = 0.0
    money_owed(s, p, balance)
    s.economic_stress = econ.economic_stress(s.reserves, s.growth, p)
    left = s.trade_war_months - 1.0
    s.trade_war_months = left if left > 0.0 else 0.0
    left = s.shock_months - 1.0
    s.shock_months = left if left > 0.0 else 0.0


def money_position(s: WorldState, p: SimpleNamespace, balance: float) -> None:
    """What follows from the debt owed to Russia, the reserves and the year's funding
    ``balance``: the refinancing due within a year, its weight against reserves (Moscow's
    leverage) and the shortfall a rescue would fill."""
    s.refinancing_due = econ.refinancing_due(s.russian_debt, p)
    s.refinancing_pressure = econ.refinancing_pressure(s.refinancing_due, s.reserves)
    s.financing_gap = econ.financing_gap(s.reserves, balance, p)


def money_owed(s: WorldState, p: SimpleNamespace, balance: float) -> None:
    """What Minsk owes Moscow and needs from it this month (`money_position`). A loan request
    lapses once the shortfall is too small for a rescue loan."""
    money_position(s, p, balance)
    if s.financing_gap < p.kremlin.rescue_min:
        s.loan_requested = 0.0
