"""The apps by concern: a lower app never imports a higher one (the contract in pyproject.toml, by import-linter).

The contract is checked on the project as it is, and on a copy with one forbidden import added, so a broken layering
cannot pass because the contract checks nothing.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ["core", "events", "accounts", "rights", "lifecycle", "registry", "rollout", "signin", "audit", "receipts",
            "manual", "api", "rightsadmin"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120)


def project_copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.html"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "forbidden"), [
    ("events/probe.py", "from accounts.models import User\n", "events is not allowed to import accounts"),
    ("accounts/probe.py", "def later():\n    from rights import scope\n", "accounts is not allowed to import rights"),
    ("core/probe.py", "import api.views\n", "core is not allowed to import api"),
    ("rights/probe.py", "from lifecycle.models import ChangeRequest\n", "rights is not allowed to import lifecycle"),
    ("lifecycle/probe.py", "from registry import jobs\n", "lifecycle is not allowed to import registry"),
])
def test_a_lower_app_importing_a_higher_one_breaks_the_contract(tmp_path, module, line, forbidden):
    copy = project_copy(tmp_path)
    (copy / module).write_text(line)
    result = lint_imports(copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert forbidden in result.stdout
