"""Calibration against the documents' dated figures: targets, measures, ABC-SMC fit, posterior.

A client of the engine, not a second engine: targets (``targets/*.yaml``) name measures computed
from ordinary run results; the fit asks `unionsim.experiment` for runs and hands the measures to
pyabc; the posterior file in ``params/`` feeds `unionsim run --posterior`.
"""
