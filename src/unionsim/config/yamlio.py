"""Read YAML keeping the line of every key, and turn schema errors into one clear message.

PyYAML's `safe_load` forgets where things were. We compose the node tree once, build the Python
data from it ourselves and record the line of every mapping key and sequence item under its path
(a tuple such as ``("events", 2, "month")``). A pydantic error location is such a path, so the
message can point at the line the user has to edit.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import stat
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from unionsim.errors import ConfigError, InputFileError, ProblemsError

Path_ = tuple[Any, ...]

# Limits for every YAML file unionsim reads, checked before any Python object is built. The
# shipped files are far below them (params/default.yaml, the largest, is ~100 KB, nests 6 deep
# and expands to a few thousand nodes); they stop a hostile or broken file (an alias bomb, a
# thousand nested brackets, a multi-gigabyte file) from eating the memory or the stack.
MAX_YAML_BYTES = 4 * 1024 * 1024
MAX_YAML_DEPTH = 40
MAX_YAML_NODES = 200_000   # nodes after expanding aliases (an alias counts its whole subtree)
MAX_YAML_ALIASES = 1_000

# libyaml's parser where installed (PyYAML's C binding): ~10 times faster, same nodes and marks
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDoc:
    """Parsed YAML data with the source line of each key (1-based).

    A document assembled from several files (a scenario that ``extends`` another) also records,
    in ``files``, which file each key came from.
    """

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    files: dict[Path_, Path] = field(default_factory=dict)

    def _deepest(self, loc: Path_) -> Path_:
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return loc

    def line_of(self, loc: Path_) -> int | None:
        """Line of the deepest existing prefix of ``loc`` (an unknown key's parent, say)."""
        return self.lines.get(self._deepest(loc))

    def file_of(self, loc: Path_) -> Path:
        """The file the deepest existing prefix of ``loc`` came from."""
        return self.files.get(self._deepest(loc), self.path)


def read_yaml(path: str | Path, *, what: str = "file") -> YamlDoc:
    """Read a YAML file into a `YamlDoc`; a missing file or bad YAML is an `InputFileError`.

    Only regular files are read (a named pipe, a device such as /dev/zero or a folder is
    refused without opening it), and only up to `MAX_YAML_BYTES`.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        hint = "check the path"
        if what == "scenario":
            hint += "; `unionsim scenarios` lists the shipped scenarios"
        raise InputFileError(f"{what} not found", file=path, hint=hint) from None
    except OSError as exc:
        raise InputFileError(f"cannot read {what}: {exc.strerror or exc}", file=path,
                             hint="check the path and its permissions") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(f"expected a YAML {what}, got a directory", file=path,
                             hint="give the path of a .yaml file")
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(f"expected a YAML {what}, got a special file (a pipe, a device or "
                             f"a socket); it was not read", file=path,
                             hint="give the path of an ordinary .yaml file")
    if info.st_size > MAX_YAML_BYTES:
        raise InputFileError(f"this {what} is {info.st_size:,} bytes; YAML inputs may have at "
                             f"most {MAX_YAML_BYTES:,}", file=path,
                             hint="a scenario or parameter file is a few kilobytes: check that "
                                  "this is the file you meant")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_YAML_BYTES + 1)
        if len(raw) > MAX_YAML_BYTES:  # grew since stat
            raise InputFileError(f"this {what} is larger than {MAX_YAML_BYTES:,} bytes",
                                 file=path, hint="check that this is the file you meant")
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"cannot read {what}: not UTF-8 text (byte {exc.start})",
                             file=path, hint="save the file as UTF-8 text") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {what}: {exc.strerror or exc}", file=path) from None
    return parse_yaml(text, path)


def parse_yaml(text: str, path: str | Path = "<string>") -> YamlDoc:
    """Parse YAML text; see `read_yaml`. Nesting depth and alias use are checked on the event
    stream before the node tree is built, and the expanded size while the data is built."""
    path = Path(path)
    try:
        _check_events(text, path)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputFileError(f"malformed YAML: {problem}", file=path, line=line,
                             hint="check indentation, colons and quotes around this line") from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise _too_deep(path, None) from None
    doc = YamlDoc(path=path, data=None)
    if node is None:
        doc.data = None
        return doc
    doc.lines[()] = node.start_mark.line + 1
    budget = _Budget(path)
    budget.check_size(node)
    doc.data = _build(node, (), doc, budget)
    return doc


def _too_deep(path: Path, line: int | None) -> InputFileError:
    return InputFileError(f"the YAML nests more than {MAX_YAML_DEPTH} levels deep", file=path,
                          line=line, hint="unionsim inputs nest a few levels; check the brackets "
                                          "and indentation around this line")


def _check_events(text: str, path: Path) -> None:
    """Walk the parser's event stream (no recursion, no objects built): refuse deep nesting
    and heavy alias use before composing."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _too_deep(path, event.start_mark.line + 1)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                raise InputFileError(f"the YAML uses more than {MAX_YAML_ALIASES} aliases "
                                     f"(*name)", file=path, line=event.start_mark.line + 1,
                                     hint="write the values out; unionsim inputs need few or "
                                          "no aliases")


class _Budget:
    """Counts the nodes built, aliases expanded in full (an alias bomb's nine-by-nine-by-nine
    expansion stops here after `MAX_YAML_NODES` nodes, not after gigabytes)."""

    def __init__(self, path: Path):
        self.path, self.nodes = path, 0

    def check_size(self, root: yaml.Node) -> None:
        """Refuse before building anything if the data would expand to too many nodes. An alias
        is the same node object as its anchor, so sizes are memoised per node: the walk visits
        each distinct node once (the depth is already bounded)."""
        sizes: dict[int, int] = {}

        def size(node: yaml.Node) -> int:
            known = sizes.get(id(node))
            if known is not None:
                return known
            total = 1
            if isinstance(node, yaml.MappingNode):
                total += sum(size(k) + size(v) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                total += sum(size(item) for item in node.value)
            sizes[id(node)] = total
            return total

        if size(root) > MAX_YAML_NODES:
            self.nodes = MAX_YAML_NODES
            self.spend(root, 0)  # raises, naming the limit

    def spend(self, node: yaml.Node, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise InputFileError(f"the YAML expands to more than {MAX_YAML_NODES:,} values "
                                 f"(aliases count their whole content each time they are used)",
                                 file=self.path, line=node.start_mark.line + 1,
                                 hint="write the values out instead of nesting aliases; unionsim "
                                      "inputs hold a few thousand values at most")
        if depth > MAX_YAML_DEPTH:
            raise _too_deep(self.path, node.start_mark.line + 1)


_SCALAR_LOADER = yaml.SafeLoader("")


def _build(node: yaml.Node, here: Path_, doc: YamlDoc, budget: _Budget, depth: int = 0) -> Any:
    budget.spend(node, depth)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputFileError("YAML merge keys ('<<') are not supported", file=doc.path,
                                     line=key_node.start_mark.line + 1,
                                     hint="write the keys out, or use `extends:` in scenarios")
            key = _build(key_node, here, doc, budget, depth + 1)
            if isinstance(key, (list, dict)):
                raise InputFileError("a mapping key must be a plain value", file=doc.path,
                                     line=key_node.start_mark.line + 1)
            if key in out:
                raise ConfigError(f"duplicate key '{key}' (YAML would silently keep only the last)",
                                  file=doc.path, line=key_node.start_mark.line + 1,
                                  field=_dotted(here + (key,)), hint="remove one of the two entries")
            doc.lines[here + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, here + (key,), doc, budget, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[here + (i,)] = item.start_mark.line + 1
            items.append(_build(item, here + (i,), doc, budget, depth + 1))
        return items
    try:
        return _SCALAR_LOADER.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        text = str(exc)
        if "integer string conversion" in text:
            text = "a number with thousands of digits"
        raise InputFileError(f"bad YAML value: {text[:200]}", file=doc.path,
                             line=node.start_mark.line + 1,
                             hint="write an ordinary value (a number, a word, a YYYY-MM month)") \
            from None


def _dotted(loc: Path_) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


# --------------------------------------------------------------------------- schema errors

def validation_error(exc: ValidationError, doc: YamlDoc, model: type[BaseModel],
                     *, prefix: Path_ = (), what: str = "file") -> ConfigError:
    """Translate a pydantic `ValidationError` into one `ConfigError` naming file, line, field,
    or a `ProblemsError` listing every problem (each with its file, line, field and fix)."""
    problems = validation_problems(exc, doc, model, prefix=prefix, what=what)
    return problems[0] if len(problems) == 1 else ProblemsError(problems)


def validate_reporting_all(model: type[BaseModel], doc: YamlDoc, *, what: str = "file",
                           rounds: int = 4) -> tuple[BaseModel | None, list[ConfigError]]:
    """Validate ``doc.data`` as ``model``: (the instance, []) or (None, every problem).

    pydantic runs a model's whole-model checks (a month inside the scenario, a distribution's
    bounds in order) only once every field is valid, so a file with an unknown key would hide
    its bad months. Each further round leaves out the entries that failed (a top-level key, a
    list entry or a mapping entry) and validates again, until no new problem turns up; problems
    keep the lines of the original file.
    """
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        first = exc
    problems = validation_problems(first, doc, model, what=what)
    seen = {(p.field, p.detail) for p in problems}
    data, kept, dropped = copy.deepcopy(doc.data), {}, set()
    failed = first
    for _ in range(rounds):
        data, kept = _drop_failed(data, kept, failed, dropped)
        try:
            model.model_validate(data)
            break
        except ValidationError as exc:
            failed = exc
        # what this round left out is not missing from the file: only new problems count
        new = [p for p in validation_problems(failed, doc, model, what=what,
                                              index_map=kept, dropped=dropped)
               if (p.field, p.detail) not in seen]
        if not new:
            break
        seen |= {(p.field, p.detail) for p in new}
        problems += new
    return None, problems


def _drop_failed(data: Any, kept: dict, exc: ValidationError, dropped: set
                 ) -> tuple[Any, dict]:
    """``data`` without the entries an error points into (at most two levels deep), and for
    each top-level list the original index of every entry still in it; ``dropped`` collects
    the locations left out (with original list indices)."""
    if not isinstance(data, dict):
        return data, kept
    drop: dict[Any, set] = {}
    for err in exc.errors(include_url=False):
        loc = _data_loc(_clean_loc(err["loc"]), data)
        if not loc:
            continue
        drop.setdefault(loc[0], set())
        if len(loc) > 1:
            drop[loc[0]].add(loc[1])
        else:
            drop[loc[0]].add(None)
    kept = {k: list(v) for k, v in kept.items()}
    for key, inner in drop.items():
        if None in inner or key not in data:
            data.pop(key, None)
            dropped.add((key,))
            continue
        node = data[key]
        if isinstance(node, list):
            order = kept.get(key, list(range(len(node))))
            keep = [i for i in range(len(node)) if i not in inner]
            dropped.update((key, order[i]) for i in inner if isinstance(i, int) and i < len(order))
            data[key] = [node[i] for i in keep]
            kept[key] = [order[i] for i in keep]
        elif isinstance(node, dict):
            for k in inner:
                node.pop(k, None)
                dropped.add((key, k))
    return data, kept


def validation_problems(exc: ValidationError, doc: YamlDoc, model: type[BaseModel],
                        *, prefix: Path_ = (), what: str = "file",
                        index_map: dict | None = None,
                        dropped: set | None = None) -> list[ConfigError]:
    """Every problem of a pydantic `ValidationError` as a `ConfigError` naming file, line and
    field, in file order (a misspelt key shows up twice, as an unknown key and as a missing one;
    the unknown key, with its suggestion, comes first)."""
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    problems, unknown = [], []
    for err in errors:
        loc = prefix + _error_loc(err)
        if index_map and len(loc) > 1 and loc[0] in index_map and isinstance(loc[1], int) \
                and loc[1] < len(index_map[loc[0]]):   # an entry of a list that lost entries
            loc = (loc[0], index_map[loc[0]][loc[1]], *loc[2:])
        if dropped and any(loc[:len(d)] == d for d in dropped):
            continue
        data_loc = _data_loc(loc, doc.data)
        message = _describe(err, loc, model, prefix)
        if index_map:
            message = _original_indices(message, index_map)
        problem = ConfigError(message, file=doc.file_of(data_loc), line=doc.line_of(data_loc),
                              field=_dotted(loc),
                              hint=getattr((err.get("ctx") or {}).get("error"), "hint", None)
                              or _hint(err, what))
        (unknown if err["type"] == "extra_forbidden" else problems).append(problem)
    return unknown + sorted(problems, key=lambda p: (p.file or "", p.line or 0))


def _original_indices(message: str, index_map: dict) -> str:
    """A message written about a list that lost entries, with each ``key[i]`` it names turned
    back into the entry's index in the file."""
    def original(match: re.Match) -> str:
        order = index_map[match.group(1)]
        i = int(match.group(2))
        return f"{match.group(1)}[{order[i] if i < len(order) else i}]"

    keys = "|".join(re.escape(str(k)) for k in index_map)
    return re.sub(rf"\b({keys})\[(\d+)\]", original, message) if keys else message


def _hint(err: dict, what: str) -> str:
    """How to fix a schema error, by its kind."""
    kind = err["type"]
    if kind == "finite_number":
        return "write an ordinary number here (.nan and .inf are not allowed)"
    if kind == "extra_forbidden":
        return "rename the key to one of those expected, or remove it"
    if kind == "missing":
        return f"add the key to the {what}"
    if kind == "union_tag_invalid":
        return "use one of the names listed"
    if what == "scenario":
        return "change the value at this line; `unionsim schema` prints what each key accepts"
    return "change the value at this line; `unionsim params NAME` shows a parameter's range"


def _error_loc(err: dict) -> Path_:
    """The error's location, extended by the field a cross-field validator named."""
    loc = _clean_loc(err["loc"])
    located = (err.get("ctx") or {}).get("error")
    extra = getattr(located, "loc", None)
    return loc + tuple(extra) if extra else loc


def _clean_loc(loc: tuple) -> Path_:
    # pydantic adds function-validator markers like 'function-after[...]' to locations
    return tuple(p for p in loc if not (isinstance(p, str) and "[" in p and p.endswith("]")))


def _data_loc(loc: Path_, data: Any) -> Path_:
    """Drop discriminator tags pydantic inserts into locations (``events.0.election.month``)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict):
            continue  # a tag or a missing key: keep looking at the same level
        else:
            break
    return tuple(out)


def _describe(err: dict, loc: Path_, model: type[BaseModel], prefix: Path_) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        allowed = allowed_keys(model, loc[len(prefix):-1])
        key = loc[-1]
        text = f"unknown key '{key}'"
        if allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            if close:
                text += f" (did you mean '{close[0]}'?)"
            text += "; expected one of: " + ", ".join(sorted(allowed))
        return text
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        tag = ctx.get("tag")
        what = str(ctx.get("discriminator", "type")).strip("'")
        expected = ctx.get("expected_tags", "")
        options = [t.strip().strip("'") for t in str(expected).split(",")]
        close = difflib.get_close_matches(str(tag), options, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown {what} '{tag}'{hint}; expected one of: {expected}"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    shown = _short(value)
    return f"{msg} (got {shown})" if shown is not None and kind != "value_error" else msg


def _short(value: Any) -> str | None:
    if isinstance(value, (dict, list)):
        return None
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def allowed_keys(model: Any, loc: Path_) -> list[str]:
    """Field names (aliases) allowed at ``loc`` inside ``model``, following lists, dicts, unions."""
    current: Any = model
    for part in loc:
        current = _step_into(current, part)
        if current is None:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _unwrap(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return tp


def _step_into(tp: Any, part: Any) -> Any:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, f in tp.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
        return None
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(tp)
        return args[0] if args else None
    if origin is dict:
        args = typing.get_args(tp)
        return args[1] if args else None
    if origin in (typing.Union, types.UnionType):
        for member in typing.get_args(tp):
            member = _unwrap(member)
            if isinstance(member, type) and issubclass(member, BaseModel):
                tag_field = member.model_fields.get("type")
                if tag_field is not None and part in typing.get_args(tag_field.annotation):
                    return member
        return None
    return None
