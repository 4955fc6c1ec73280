"""Dead code: a function, method or class of the product (accounts_app, integration, config; not
migrations) that nothing in the repository refers to. Exits 1 and lists them; 0 when there are
none. Run from anywhere: `.venv/bin/python scripts/dead_code.py` (part of `make lint`).

vulture finds the definitions no Python name refers to. Django and django-q2 also call code by
name from strings (`actions = ["finalize"]`, `list_display`, a schedule's
`"integration.tasks.exports_sweep_task"`) and from templates (`{% payments_dashboard_panel %}`),
so a word in a string literal (docstrings aside: they describe, they do not call) or in a
template counts as a reference too. What the framework calls by convention is listed below.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from vulture import Vulture

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("accounts_app", "integration", "config")
# Everything that may refer to product code; the sandbox and manage.py are part of the repo.
SOURCES = (*PRODUCT, "tests", "bench", "soak", "scripts", "economic_sandbox", "manage.py")
TEMPLATES = ("templates", "accounts_app/templates", "integration/templates")
EXCLUDE = ["*/migrations/*", "*/__pycache__/*"]
KINDS = {"function", "method", "class", "property"}

# Called by Django, django-import-export or django-q2 through a name they define.
FRAMEWORK_NAMES = [
    "Meta", "Command", "*Config", "handle", "add_arguments",  # apps, management commands
    "has_*_permission", "get_*", "lookups", "queryset", "delete_model", "delete_queryset",
    "save_model", "save_related", "changelist_view", "change_view", "clean", "clean_*",
    "from_db_value", "to_python", "get_prep_value", "deconstruct",  # model fields
    "render", "before_save_instance", "after_save_instance", "before_import_row",  # import-export
    "import_row", "validate_instance", "import_action", "process_import",
]  # fmt: skip
# A decorator that registers what it wraps: an admin, a template tag, a receiver, a setup check,
# a system check.
REGISTERING_DECORATORS = ["@admin.register", "@register", "@register.*", "@receiver", "@check"]


def python_files() -> list[Path]:
    """Every Python file that may refer to product code."""
    files = []
    for source in SOURCES:
        path = ROOT / source
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [file for file in files if "__pycache__" not in file.parts]


def docstring_nodes(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def words_in_strings(file: Path) -> set[str]:
    """The identifiers named inside the file's string literals, docstrings left out."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    docstrings = docstring_nodes(tree)
    words = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                words.update(re.findall(r"\w+", node.value))
    return words


def words_in_templates() -> set[str]:
    """The identifiers named in the templates (tags, filters, fields)."""
    words = set()
    for folder in TEMPLATES:
        for file in (ROOT / folder).rglob("*.html") if (ROOT / folder).is_dir() else ():
            words.update(re.findall(r"\w+", file.read_text(encoding="utf-8")))
    return words


def unused_definitions() -> list[str]:
    """'path:line: kind name' for each product definition nothing refers to."""
    files = python_files()
    vulture = Vulture(ignore_names=FRAMEWORK_NAMES, ignore_decorators=REGISTERING_DECORATORS)
    vulture.scavenge([str(file) for file in files], exclude=EXCLUDE)
    named = words_in_templates().union(*(words_in_strings(file) for file in files))
    found = []
    for item in vulture.get_unused_code():
        path = Path(item.filename).resolve().relative_to(ROOT)
        if item.typ not in KINDS or path.parts[0] not in PRODUCT:
            continue
        if item.name in named:
            continue
        found.append(f"{path}:{item.first_lineno}: {item.typ} {item.name}")
    return sorted(found)


def main() -> int:
    found = unused_definitions()
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} product definitions are never referenced", file=sys.stderr)
        return 1
    print("dead code: none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
