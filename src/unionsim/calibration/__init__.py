"""Calibration against the documents' dated figures: measures, screening, ABC-SMC fit, report.

A client of the engine, not a second engine: targets (``targets/*.yaml``, read by
`unionsim.config.targets` like every other input) name measures computed from ordinary run
results; the fit asks `unionsim.experiment` for runs and hands the measures to pyabc; the
posterior it writes to ``params/`` is an input again (`unionsim.config.posterior`) that feeds
`unionsim run --posterior`.
"""
