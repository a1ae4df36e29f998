"""The README's layout is the tree: every module listed once, under its package, and no two packages
importing each other."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "summariser"


def listed() -> dict[str, list[str]]:
    """The README's layout bullets: each package (`extract/`, or `summariser/` itself) and the
    modules it names."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("The package, one module per job") : readme.index("Tests run offline.")]
    bullets = re.split(r"\n- ", section)[1:]
    layout = {}
    for bullet in bullets:
        heading, rest = bullet.split(":", 1)
        package = re.match(r"`([a-z_]+)/`", heading)
        assert package, f"a layout bullet starts with its package: {heading}"
        layout[package.group(1)] = re.findall(r"`([a-z_]+)`", rest)
    return layout


def modules(folder: Path, with_init: bool) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.py") if with_init or p.stem != "__init__")


def test_the_readme_lists_every_module_once_under_its_package():
    layout = listed()
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert sorted(name for name in layout if name != "summariser") == packages
    for package, names in layout.items():
        assert len(names) == len(set(names)), f"{package}: a module listed twice"
        folder = PACKAGE if package == "summariser" else PACKAGE / package
        assert sorted(names) == modules(folder, with_init=package == "summariser"), package


# the flow, first to last: each package, or module of `summariser/` itself, imports only what comes before
FLOW = ["brief", "errors", "config", "detect", "input", "extract", "model", "runs", "jobs", "evaluate"]
FLOW += ["render", "client", "cli", "slack", "__init__"]


def imports_between_packages() -> set[tuple[str, str]]:
    """(importer, imported) for every import that crosses a package, `summariser/`'s own modules each
    counted as a package."""

    def package_of(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 2 or (PACKAGE / parts[-1]).is_dir() else parts[-1]

    edges = set()
    for path in PACKAGE.rglob("*.py"):
        here = package_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module == "summariser":
                imported = [
                    f"summariser.{alias.name}" for alias in node.names
                ]  # `from summariser import detect`
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module]
            else:
                continue
            for module in imported:
                if module.startswith("summariser."):
                    there = package_of(module) if module.count(".") > 1 or _exists(module) else "__init__"
                    if there != here:
                        edges.add((here, there))
    return edges


def _exists(module: str) -> bool:
    """Whether `summariser.NAME` is a module or package (else it is a name `__init__` exports)."""
    name = module.split(".")[1]
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name).is_dir()


def test_every_package_has_its_place_in_the_flow():
    names = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    assert sorted(names - {"__pycache__"}) == sorted(FLOW)


def test_nothing_imports_what_comes_after_it_in_the_flow():
    edges = imports_between_packages()
    assert ("runs", "extract") in edges and ("input", "detect") in edges, "the check sees imports"
    assert sorted((a, b) for a, b in edges if FLOW.index(b) > FLOW.index(a)) == []
