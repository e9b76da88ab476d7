"""The package keeps its floors: no import circle between modules, no import that climbs a floor.

The floors are the table in ``docs/architecture.md`` (read here, so the description and the check
cannot drift apart). A room (a subpackage of ``unionsim``, or a top-level module such as
``errors``) may import rooms on lower floors only; a circle between modules is refused anywhere,
inside a room too. Imports are read with `ast` (module-level, function-level and ``TYPE_CHECKING``
imports alike), without importing anything.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "unionsim"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


# --------------------------------------------------------------------------- reading the imports

def module_files(src: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``package`` under ``src``."""
    modules = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imported(node: ast.AST, module: str, is_package: bool, known: set[str]) -> list[str]:
    """The modules of ``known`` an import statement loads (``from x import y`` names x.y when y
    is a submodule, x otherwise)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        return [_longest_known(name, known) for name in names if _longest_known(name, known)]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        origin = ".".join(base + ([node.module] if node.module else []))
    else:
        origin = node.module or ""
    found = []
    for alias in node.names:
        submodule = f"{origin}.{alias.name}"
        target = submodule if submodule in known else _longest_known(origin, known)
        if target:
            found.append(target)
    return found


def _longest_known(name: str, known: set[str]) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def import_graph(src: Path, package: str = PACKAGE) -> dict[str, dict[str, int]]:
    """Module -> {module it imports: line of the first such import}, within ``package``."""
    files = module_files(src, package)
    known = set(files)
    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        edges: dict[str, int] = {}
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _imported(node, module, is_package, known):
                    if target != module:
                        edges.setdefault(target, node.lineno)
        graph[module] = edges
    return graph


# --------------------------------------------------------------------------- the two rules

def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import circles: strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def circle_path(graph: dict[str, dict[str, int]], group: list[str]) -> list[str]:
    """One way round a circle: from the group's first module back to it (first and last)."""
    start, members = group[0], set(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, {})):
                if target == start:
                    back = [node]
                    while back[-1] != start:
                        back.append(came_from[back[-1]])
                    return back[::-1] + [start]
                if target in members and target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    return group


def room_of(module: str) -> str:
    """The room a module lives in: its subpackage or top-level module (the package's own
    ``__init__`` is the room ``unionsim``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def climbs(graph: dict[str, dict[str, int]], floors: dict[str, int],
           files: dict[str, Path] | None = None) -> list[str]:
    """A message for every import of a room on the same or a higher floor (rooms on one floor do
    not import each other)."""
    messages = []
    for module, edges in sorted(graph.items()):
        here = room_of(module)
        for target, line in sorted(edges.items()):
            there = room_of(target)
            if here == there:
                continue
            if floors[there] >= floors[here]:
                below = sorted(r for r, f in floors.items() if f < floors[here])
                where = files[module].relative_to(ROOT) if files else module
                messages.append(
                    f"{where}:{line} imports {target}: {here} (floor {floors[here]}) may import "
                    f"only rooms on lower floors ({', '.join(below) or 'none'}), and {there} is "
                    f"on floor {floors[there]}")
    return messages


def read_floors(text: str) -> dict[str, int]:
    """Room -> floor, from the floors table of ``docs/architecture.md`` (``| 2 | `model` | ...``)."""
    floors = {}
    for number, rooms in re.findall(r"^\|\s*(\d+)\s*\|([^|]*)\|", text, flags=re.M):
        for room in re.findall(r"`([\w.]+)`", rooms):
            floors[room] = int(number)
    return floors


# --------------------------------------------------------------------------- the package itself

@pytest.fixture(scope="module")
def package():
    files = module_files(SRC)
    return files, import_graph(SRC)


@pytest.fixture(scope="module")
def floors():
    return read_floors(ARCHITECTURE.read_text("utf-8"))


def test_every_room_has_a_floor(package, floors):
    files, _ = package
    rooms = {room_of(m) for m in files}
    assert rooms - set(floors) == set(), (
        f"rooms without a floor in docs/architecture.md: {sorted(rooms - set(floors))}; add them "
        f"to the floors table, above every room they import")
    assert set(floors) - rooms == set(), f"floors table names rooms that do not exist: " \
                                         f"{sorted(set(floors) - rooms)}"


def test_no_import_circle(package):
    files, graph = package
    found = circles(graph)
    assert not found, "import circles:\n" + "\n".join(
        " -> ".join(f"{files[m].relative_to(ROOT)}:{graph[m][n]}" if n else
                    str(files[m].relative_to(ROOT)) for m, n in _steps(path))
        for path in (circle_path(graph, group) for group in found)) + \
        "\n(file:line imports the next file) move what they share down to a module they all import"


def _steps(path: list[str]):
    return list(zip(path, path[1:] + [None]))


def test_no_import_climbs_a_floor(package, floors):
    files, graph = package
    messages = climbs(graph, floors, files)
    assert not messages, "imports that climb a floor (see docs/architecture.md):\n" + \
        "\n".join(messages)


# --------------------------------------------------------------------------- the check can fail

FLOORS = {"errors": 0, "config": 1, "model": 2, "experiment": 3, "calibration": 4,
          "validation": 4}


def test_a_circle_is_found():
    graph = {"unionsim.config.a": {"unionsim.config.b": 3},
             "unionsim.config.b": {"unionsim.config.c": 5},
             "unionsim.config.c": {"unionsim.config.a": 7, "unionsim.errors": 2},
             "unionsim.errors": {}}
    assert circles(graph) == [["unionsim.config.a", "unionsim.config.b", "unionsim.config.c"]]
    assert circle_path(graph, circles(graph)[0]) == ["unionsim.config.a", "unionsim.config.b",
                                                    "unionsim.config.c", "unionsim.config.a"]
    del graph["unionsim.config.c"]["unionsim.config.a"]
    assert circles(graph) == []


def test_a_climbing_import_is_found_and_named():
    graph = {"unionsim.experiment.plan": {"unionsim.calibration.posterior": 159,
                                          "unionsim.config.params": 15},
             "unionsim.calibration.posterior": {"unionsim.errors": 25},
             "unionsim.config.params": {}, "unionsim.errors": {}}
    (message,) = climbs(graph, FLOORS)
    assert message.startswith("unionsim.experiment.plan:159 imports unionsim.calibration.posterior")
    assert "experiment (floor 3)" in message and "calibration is on floor 4" in message
    assert "config, errors, model" in message


def test_rooms_on_one_floor_do_not_import_each_other():
    graph = {"unionsim.calibration.fit": {"unionsim.validation.claims": 4},
             "unionsim.validation.claims": {}}
    (message,) = climbs(graph, FLOORS)
    assert message.startswith("unionsim.calibration.fit:4 imports unionsim.validation.claims")


def test_imports_are_read_wherever_they_are(tmp_path):
    """Function-level and relative imports count, and ``from x import y`` names the submodule y
    when there is one."""
    pkg = tmp_path / "unionsim"
    for name, text in {
            "__init__.py": "",
            "errors.py": "",
            "config/__init__.py": "",
            "config/params.py": "from unionsim import errors\n",
            "config/schema/__init__.py": "from .base import Strict\n",
            "config/schema/base.py": "from ... import errors\n",
            "model/__init__.py": "",
            "model/world.py": "import unionsim.config.params as p\n"
                              "def build():\n    from unionsim.config.schema import Strict\n",
            "config/scenario.py": "def check():\n    from unionsim.model import world\n"}.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    graph = import_graph(tmp_path)
    assert graph["unionsim.config.params"] == {"unionsim.errors": 1}
    assert graph["unionsim.config.schema"] == {"unionsim.config.schema.base": 1}
    assert graph["unionsim.config.schema.base"] == {"unionsim.errors": 1}
    assert graph["unionsim.model.world"] == {"unionsim.config.params": 1,
                                             "unionsim.config.schema": 3}
    assert graph["unionsim.config.scenario"] == {"unionsim.model.world": 2}
    floors = {"errors": 0, "config": 1, "model": 2}
    (message,) = climbs(graph, floors)
    assert "unionsim.config.scenario:2 imports unionsim.model.world" in message
