#!/usr/bin/env python3
"""Wrap the Czech user-facing strings of the Python code in gettext (the house rule).

The rule (docs/architecture.md, "Texty pro uživatele"): Czech source strings, wrapped in
``gettext`` — ``gettext_lazy`` where they are evaluated at import (module and class level),
``gettext`` inside functions. f-strings become ``_("… {name} …").format(name=…)`` so the
translatable text is one message with named placeholders.

Which strings: those with Czech letters that a user reads — messages of ValidationError /
field_error / PermissionDenied / Http404 / NotFound / DRF errors, Django messages, form
errors, the history's ``summary=`` / ``detail=`` / ``reason=``, ``label=`` / ``help_text=`` /
``verbose_name=`` / ``empty_label=`` / ``title=`` / ``message=`` keyword arguments, class
attributes ``message`` / ``success_message`` / ``empty_message``, and module-level Czech
constants. Docstrings, comments, dict keys and comparisons are left alone.

Usage: ``python scripts/wrap_gettext.py [--check] PATH…`` (``--check`` lists what it would wrap and
exits 1 when anything is left; CI runs it so a new unwrapped message fails).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

CZECH = re.compile(r"[áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ]")
MESSAGE_CALLS = {"ValidationError", "field_error", "_err", "PermissionDenied", "Http404", "NotFound",
                 "SuspiciousOperation", "ParseError", "AuthenticationFailed", "NotAuthenticated",
                 "ConverterError", "ConverterUnavailable", "SigningError", "DispatchError"}
MESSAGE_FUNCS = {"success", "error", "warning", "info", "debug"}  # messages.<x>(request, text)
TEXT_KWARGS = {"summary", "detail", "reason", "label", "help_text", "verbose_name", "verbose_name_plural",
               "empty_label", "title", "message", "description"}
CLASS_ATTRS = {"message", "success_message", "empty_message", "title", "label"}
WRAPPERS = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "gettext_noop", "format_html", "mark_safe",
            "ngettext_lazy", "pgettext_lazy"}
SKIP_DIRS = {"migrations", "tests", "management", "__pycache__"}


def is_czech(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(CZECH.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and CZECH.search(v.value) for v in node.values)
    return False


def call_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


class Finder(ast.NodeVisitor):
    """Collects (node, level) of the strings to wrap; level is 'module' (import time) or 'function'."""

    def __init__(self):
        self.found: list[tuple[ast.AST, str]] = []
        self.depth_function = 0
        self.depth_class = 0
        self.wrapped: set[int] = set()

    def level(self) -> str:
        return "function" if self.depth_function else "module"

    def add(self, node):
        if node is None or id(node) in self.wrapped:
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "a" + f"b": each part
            self.add(node.left)
            self.add(node.right)
            return
        if isinstance(node, ast.IfExp):
            self.add(node.body)
            self.add(node.orelse)
            return
        if is_czech(node):
            self.found.append((node, self.level()))
            self.wrapped.add(id(node))

    def visit_FunctionDef(self, node):
        self.depth_function += 1
        for stmt in node.body:
            self.visit(stmt)
        self.depth_function -= 1
        # decorators and defaults are evaluated at definition time: left alone

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self.depth_function += 1
        self.visit(node.body)
        self.depth_function -= 1

    def visit_ClassDef(self, node):
        self.depth_class += 1
        for stmt in node.body:
            if (not self.depth_function and isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id in CLASS_ATTRS):
                self.add(stmt.value)
            self.visit(stmt)
        self.depth_class -= 1

    def visit_Assign(self, node):
        # module-level Czech constants (messages reused by several functions)
        if (not self.depth_function and not self.depth_class and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()):
            self.add(node.value)
        self.generic_visit(node)

    def visit_Call(self, node):
        name = call_name(node)
        if name in WRAPPERS:
            for arg in node.args:
                self.wrapped.add(id(arg))
            return  # already wrapped (or markup)
        if name in MESSAGE_CALLS and node.args:
            self.add(node.args[0])
            if isinstance(node.args[0], ast.Dict):  # ValidationError({"field": "text"})
                for v in node.args[0].values:
                    self.add(v)
                    if isinstance(v, ast.List):
                        for e in v.elts:
                            self.add(e)
            if isinstance(node.args[0], ast.List):
                for e in node.args[0].elts:
                    self.add(e)
        if isinstance(node.func, ast.Attribute) and name in MESSAGE_FUNCS and len(node.args) >= 2 and \
                getattr(node.func.value, "id", "") == "messages":
            self.add(node.args[1])
        if name == "add_error" and len(node.args) >= 2:
            self.add(node.args[1])
        for kw in node.keywords:
            if kw.arg in TEXT_KWARGS:
                self.add(kw.value)
        self.generic_visit(node)


def placeholder_name(expr: ast.AST, used: set[str]) -> str:
    if isinstance(expr, ast.Name):
        base = expr.id
    elif isinstance(expr, ast.Attribute):
        base = expr.attr
    elif isinstance(expr, ast.Call) and expr.args and isinstance(expr.args[0], (ast.Name, ast.Attribute, ast.Call)):
        return placeholder_name(expr.args[0], used)  # czech_date(received_on) -> {received_on}
    elif isinstance(expr, ast.Call):
        base = call_name(expr) or "value"
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
        base = expr.slice.value
    else:
        base = "value"
    base = re.sub(r"\W", "_", base.strip("_")) or "value"
    if base[0].isdigit():
        base = "v" + base
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def replacement(source: str, node: ast.AST, func: str) -> str:
    if isinstance(node, ast.Constant):
        return f"{func}({ast.get_source_segment(source, node)})"
    parts, args, used = [], [], set()
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(value.value.replace("{", "{{").replace("}", "}}"))
        else:
            expr = ast.get_source_segment(source, value.value)
            name = placeholder_name(value.value, used)
            conv = {-1: "", 115: "!s", 114: "!r", 97: "!a"}[value.conversion]
            spec = ""
            if value.format_spec is not None:
                spec = ":" + "".join(v.value for v in value.format_spec.values if isinstance(v, ast.Constant))
            parts.append("{" + name + conv + spec + "}")
            args.append(f"{name}={expr}")
    template = "".join(parts)
    return f"{func}({template!r}).format({', '.join(args)})"


def gettext_names(tree: ast.Module) -> dict[str, str]:
    """What ``_`` and friends are bound to at module level: {'_': 'gettext_lazy', ...}."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                out[alias.asname or alias.name] = alias.name
    return out


def underscore_variables(tree: ast.Module) -> list[ast.Name]:
    """``_`` used as a throwaway variable (``obj, _ = get_or_create()``): renamed, so it does not
    shadow gettext."""
    stores = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)]
    if any(isinstance(n, ast.arg) and n.arg == "_" for n in ast.walk(tree)):
        raise SystemExit("an argument is named '_'; rename it before wrapping")
    return stores


def process(path: Path, check: bool) -> int:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    finder = Finder()
    finder.visit(tree)
    if not finder.found:
        return 0
    if check:
        for node, _level in finder.found:
            print(f"{path}:{node.lineno}: {ast.get_source_segment(source, node)[:90]}")
        return len(finder.found)
    names = gettext_names(tree)
    throwaways = underscore_variables(tree)
    # function level: gettext (real strings: they may go into JSON); import level: gettext_lazy
    func_name = "_" if names.get("_") == "gettext" else "gettext"
    lazy_name = "_" if names.get("_") == "gettext_lazy" else "gettext_lazy"
    needed = set()
    lines = source.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    edits = []
    for node, level in finder.found:
        func = func_name if level == "function" else lazy_name
        needed.add(func)
        start = offsets[node.lineno - 1] + len(lines[node.lineno - 1].encode()[:node.col_offset].decode())
        end = offsets[node.end_lineno - 1] + len(lines[node.end_lineno - 1].encode()[:node.end_col_offset].decode())
        edits.append((start, end, replacement(source, node, func)))
    for node in throwaways:
        start = offsets[node.lineno - 1] + len(lines[node.lineno - 1].encode()[:node.col_offset].decode())
        edits.append((start, start + 1, "_unused"))
    out = source
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    imports = []
    if "gettext" in needed and names.get("gettext") != "gettext" and names.get("_") != "gettext":
        imports.append("gettext")
    if func_name == "_" and "_" in needed and "_" not in names:
        imports.append("gettext as _")
    if "gettext_lazy" in needed and "gettext_lazy" not in names:
        imports.append("gettext_lazy")
    if lazy_name == "_" and "_" in needed and "_" not in names:
        imports.append("gettext_lazy as _")
    if imports:
        line = "from django.utils.translation import " + ", ".join(sorted(set(imports)))
        out_tree = ast.parse(source)
        top_imports = [n for n in out_tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        django_imports = [n for n in top_imports if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("django")]
        last_import = max((n.end_lineno for n in (django_imports or top_imports)), default=0)
        if last_import == 0:
            doc_end = out_tree.body[0].end_lineno if out_tree.body and isinstance(out_tree.body[0], ast.Expr) else 0
            last_import = doc_end
        # the edits above changed only string spans, so line numbers up to the imports are unchanged
        out_lines = out.split("\n")
        out_lines.insert(last_import, line)
        out = "\n".join(out_lines)
    ast.parse(out)  # never write a file that does not parse
    path.write_text(out, encoding="utf-8")
    return len(finder.found)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or [Path("workflows"), Path("registrations"), Path("opinions")]
    total = 0
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            if SKIP_DIRS & set(path.parts):
                continue
            total += process(path, check)
    print(f"{'unwrapped' if check else 'wrapped'}: {total}")
    return 1 if (check and total) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
