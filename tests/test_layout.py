"""The shape of the code: nothing imports upward, and no address is written out by hand."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("intervention", "directions", "reviews")


def product_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every product module this one imports, at the top or inside a function."""

    def known(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {known(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in modules else known(base))
    return {module for module in found if module is not None} - {name}


def import_cycles() -> list[list[str]]:
    modules = product_modules()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_a_module_that_imports_it_back():
    assert import_cycles() == []


HAND_WRITTEN_ADDRESS = re.compile(r"""f?["']/(interventions|reports|reviews|deadlines|evidence|calendar)/""")


def test_addresses_come_from_the_url_patterns_not_from_strings():
    written = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in product_modules().values()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HAND_WRITTEN_ADDRESS.search(line)
    ]
    assert written == []


def is_demo(module: str) -> bool:
    return module.endswith(".demo") or ".demo." in module


def test_the_product_never_imports_demo_data():
    """Demo cases and the national dataset are loaded by their management commands; a page, service
    or task that imported them would make fixtures part of the product."""
    modules = product_modules()
    importers = [
        f"{name} imports {other}"
        for name, path in modules.items()
        if not is_demo(name) and ".management.commands." not in name
        for other in imports_of(name, path, modules)
        if is_demo(other)
    ]
    assert importers == []


# Each app builds only on those before it: the case, then the instruments, then the work of the case.
APP_ORDER = {"intervention": 0, "directions": 1, "reviews": 2}
# The project package's own modules wire the apps together, so they may name any of them.
PROJECT_MODULES = {"intervention.settings", "intervention.urls", "intervention.celery", "intervention.wsgi"}


def test_no_app_imports_an_app_built_on_it():
    modules = product_modules()
    upward = [
        f"{name} imports {other}"
        for name, path in modules.items()
        if ".management.commands." not in name and name not in PROJECT_MODULES
        for other in imports_of(name, path, modules)
        if APP_ORDER[other.split(".")[0]] > APP_ORDER[name.split(".")[0]]
    ]
    assert upward == []
