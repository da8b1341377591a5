"""`rasa data validate` and the Rasa test stories in bot/tests on the cached model."""
from __future__ import annotations

import subprocess

from tests.bot.harness import BIN, ROOT, config_path, env


def test_data_validate_is_clean(tmp_path):
    result = subprocess.run(
        [str(BIN / "rasa"), "data", "validate", "--data", "bot/data", "--domain", "bot/domain",
         "--config", str(config_path()), "--fail-on-warnings"],
        cwd=ROOT, env=env(), capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "UserWarning" not in result.stderr


def test_stories_cover_every_path(model, tmp_path):
    result = subprocess.run(
        [str(BIN / "rasa"), "test", "core", "--model", str(model), "--stories", "bot/tests",
         "--out", str(tmp_path), "--fail-on-prediction-errors"],
        cwd=ROOT, env=env(), capture_output=True, text=True, check=False,
    )
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, details or (result.stdout + result.stderr)[-3000:]
