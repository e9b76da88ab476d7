"""Robust policy search (`unionsim search`): levers inside actors' policies, objectives over the
headline outputs, NSGA-II (pymoo) on the engine's executors with common random numbers, and a
folder with the Pareto set, its regret and its figure.

`spec` reads and checks a search spec; `evaluation` judges a generation of candidates on the
engine; `optimiser` runs NSGA-II; `tables` and `figure` make what the folder shows; `folder`
writes it through the write guard and exports a Pareto policy as a scenario; `runner` ties them
together (`run_search`).
"""
