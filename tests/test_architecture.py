"""The arrows of the house (docs/architecture.md) hold, and lint-imports notices when one breaks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ["config", "workflows", "registrations", "opinions", "worker"]


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)})


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("house")
    for name in PACKAGES:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("workflows/cases.py", "from registrations import models as _agenda  # noqa", "The engine names no agenda"),
    ("registrations/selectors.py", "from opinions import selectors as _other  # noqa", "Registrations never import opinions"),
    ("opinions/selectors.py", "from registrations import models as _reg  # noqa", "only through its selectors"),
    ("registrations/models.py", "from registrations import services as _up  # noqa", "Layers inside each agenda"),
    ("workflows/jobs.py", "import worker.tasks as _w  # noqa", "Nothing imports the worker"),
])
def test_a_broken_arrow_fails_the_lint(tree_copy, module, line, contract):
    path = tree_copy / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n" + line + "\n", encoding="utf-8")
    try:
        result = _lint(tree_copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken, result.stdout


def test_user_facing_czech_strings_are_wrapped_in_gettext(tmp_path):
    """The house rule for texts: Czech source strings in gettext (scripts/wrap_gettext.py)."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "wrap_gettext.py"), "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    # and the checker does find an unwrapped message
    sample = tmp_path / "sample.py"
    sample.write_text('from django.core.exceptions import ValidationError\n\n\ndef f():\n'
                      '    raise ValidationError("Chybí údaj.")\n', encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "wrap_gettext.py"), "--check", str(sample)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Chybí údaj." in result.stdout
