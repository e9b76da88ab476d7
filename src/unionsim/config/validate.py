"""Check any unionsim input file without running it."""

from __future__ import annotations

from pathlib import Path

from unionsim.config.params import load_overlay, load_parameter_specs
from unionsim.config.scenario import load_scenario
from unionsim.config.yamlio import read_yaml
from unionsim.errors import ConfigError


def _has_parameter_leaf(node, depth: int = 0) -> bool:
    if not isinstance(node, dict) or depth > 4:
        return False
    if "value" in node and "sources" in node:
        return True
    return any(_has_parameter_leaf(v, depth + 1) for v in node.values())


def file_kind(data) -> str:
    """'scenario', 'parameter overlay', 'parameter file', 'targets file' or 'search spec',
    from the file's structure."""
    if not isinstance(data, dict):
        return "unknown"
    if "levers" in data and "objectives" in data and "horizon" not in data:
        return "search spec"
    if "targets" in data and "horizon" not in data:
        return "targets file"
    if "values" in data and "horizon" not in data:
        return "parameter overlay"
    if "horizon" not in data and "start" not in data and any(
            _has_parameter_leaf(v) for v in data.values()):
        return "parameter file"
    return "scenario"


def validate_file(path: str | Path, *, search_loader=None) -> str:
    """Validate a scenario, a parameter overlay, a full parameter file, a calibration targets
    file or a search spec; returns its kind. A search spec is checked in full by
    ``search_loader`` (`unionsim.search.spec.load_search_spec`, on a floor above this one),
    else against its schema only.

    Raises a `unionsim.errors.UnionsimError` naming the file, line and field of the problem.
    """
    doc = read_yaml(path, what="file")
    kind = file_kind(doc.data)
    if kind == "scenario":
        load_scenario(path)
    elif kind == "parameter overlay":
        from unionsim.config.params import default_parameters

        overlay, odoc = load_overlay(path)
        default_parameters().with_values(overlay.values, str(path), doc=odoc,
                                         loc_prefix=("values",))
    elif kind == "parameter file":
        load_parameter_specs(path)
    elif kind == "targets file":
        from unionsim.config.targets import load_targets

        load_targets([path])
    elif kind == "search spec":
        if search_loader is not None:
            search_loader(path)
        else:
            from unionsim.config.schema import SearchSpec
            from unionsim.config.yamlio import validate_reporting_all
            from unionsim.errors import raise_problems

            raise_problems(validate_reporting_all(SearchSpec, doc, what="search spec")[1])
    else:
        raise ConfigError("expected a YAML mapping (a scenario or a parameter file)", file=path,
                          line=1, hint="a scenario starts with name:, title:, start:, horizon:")
    return kind
