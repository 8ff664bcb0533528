"""The CLI is thin: help does not load the engine; crashes become one line plus a log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from publish import cli


def test_help_does_not_import_the_engine() -> None:
    code = ("import sys; from publish.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('weasyprint', 'ebooklib', 'opencc', 'pydantic', 'ruamel.yaml') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_unexpected_error_is_one_line_and_logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "books" / "b").mkdir(parents=True)
    (tmp_path / "publish.toml").write_text("[project]\n", encoding="utf-8")

    def boom(_root: Path) -> None:
        raise RuntimeError("disk on fire")

    import publish.sources

    monkeypatch.setattr(publish.sources, "check_book", boom)
    result = CliRunner().invoke(cli.main, ["check", "books/b"])
    assert result.exit_code == 70
    assert "internal error: RuntimeError: disk on fire" in result.output
    assert "Traceback" not in result.output
    assert "RuntimeError" in (tmp_path / ".publish-cache" / "crash.log").read_text(encoding="utf-8")


def _command(tmp_path: Path, *args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """The console script's entry point (publish.cli:run) in a process of its own."""
    code = f"import sys\n{before}\nfrom publish.cli import run\nsys.argv[1:] = {list(args)!r}\nrun()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_the_command_ends_with_its_status_output_and_exit_hooks(tmp_path: Path) -> None:
    hook = tmp_path / "hook-ran"
    done = _command(tmp_path, "--version",
                    before=f"import atexit, pathlib\natexit.register(pathlib.Path({str(hook)!r}).touch)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("publish, version "), done.stdout
    assert hook.exists()   # the exit hooks ran before the process ended

    (tmp_path / "books" / "b").mkdir(parents=True)
    (tmp_path / "publish.toml").write_text("[project]\n", encoding="utf-8")
    failed = _command(tmp_path, "check", "books/b")
    assert failed.returncode == 2, failed.stderr   # a check's error: its category's status
    assert "error:" in failed.stderr and "Traceback" not in failed.stderr

    usage = _command(tmp_path, "build", "--jobs", "0")
    assert usage.returncode == 2 and "0 is not in the range 1 to 64" in usage.stderr

