"""Browser test: a resident reaches a handoff on the web page; a staff member finds and accepts it.

The gateway runs under uvicorn on a free port, the fake Rasa on another; chromium is Debian's
(see the browser_type_launch_args override in conftest.py). Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from channels.app import create_app
from channels.settings import REPO_ROOT, Settings
from tests.channels.fake_rasa import CONSENT, FakeRasaState, ServerThread, create_fake_rasa

SHOTS = REPO_ROOT / "var" / "screenshots"
PASSWORD = "browser-test-password-1"

pytestmark = pytest.mark.skipif(
    not Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")).exists(),
    reason="chromium is not installed (apt-get install -y chromium)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gateway_url(tmp_path: Path) -> Iterator[str]:
    """Fake Rasa and the gateway, each on its own loopback port; a staff account made by the command."""
    state = FakeRasaState()
    rasa = ServerThread(create_fake_rasa(state), free_port()).start()
    db_url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SESSION_SECRET": "browser-session-secret-0123",
        "STAFF_PW": PASSWORD,
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "channels.staff.accounts",
            "create",
            "kato",
            "--display-name",
            "加藤 美咲",
            "--password-env",
            "STAFF_PW",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr
    settings = Settings(
        database_url=db_url,
        rasa_url=rasa.url,
        rasa_token=state.token,
        session_secret="browser-session-secret-0123",
    )
    gateway = ServerThread(create_app(settings), free_port()).start()
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield gateway.url
    gateway.stop()
    rasa.stop()


def staff_console(browser: Browser, base: str, height: int) -> tuple[BrowserContext, Page]:
    """kato's desktop context, logged in through the form (shared by the browser tests); caller closes it."""
    staff = browser.new_context(viewport={"width": 1100, "height": height}, locale="ja-JP")
    console = staff.new_page()
    console.goto(base + "/staff")
    console.get_by_label("ユーザー名").fill("kato")
    console.get_by_label("パスワード").fill(PASSWORD)
    console.get_by_role("button", name="ログイン").click()
    return staff, console


def test_resident_to_staff(browser: Browser, gateway_url: str) -> None:
    resident = browser.new_context(viewport={"width": 320, "height": 700}, locale="ja-JP")
    page = resident.new_page()
    page.goto(gateway_url + "/")
    expect(page.get_by_role("heading", name="岐阜市 ふくし相談 チャット")).to_be_visible()
    page.get_by_role("textbox", name="メッセージを入力").fill(
        "母が認知症で、夜中に家を出てしまいます。<b>困っています</b>"
    )
    page.get_by_role("button", name="送信").click()
    consent = page.get_by_role("button", name=CONSENT)
    expect(consent).to_be_visible()
    assert (
        "sessionStorage" not in page.url
        and len(page.evaluate("sessionStorage.getItem('intake-session-id')")) >= 32
    )
    page.screenshot(path=str(SHOTS / "01-chat-question-320px.png"), full_page=True)
    consent.click()
    expect(page.get_by_text("担当者がお話を読みます")).to_be_visible()
    expect(page.locator(".msg-user").first).to_contain_text("<b>困っています</b>")
    page.screenshot(path=str(SHOTS / "02-chat-handoff-320px.png"), full_page=True)
    resident.close()

    staff, console = staff_console(browser, gateway_url, height=900)
    expect(console.get_by_role("heading", name="引き継ぎ一覧")).to_be_visible()
    expect(console.locator("table.cases tbody tr")).to_have_count(1)
    console.screenshot(path=str(SHOTS / "03-staff-list.png"), full_page=True)
    console.get_by_role("link", name="開く").click()
    expect(console.get_by_role("heading", name="引き継ぎの詳細")).to_be_visible()
    expect(console.locator(".resident-words")).to_contain_text("<b>困っています</b>")
    expect(console.locator("#current-status")).to_have_text("新規")
    console.get_by_role("button", name="対応中にする").click()
    expect(console.locator("#current-status")).to_have_text("対応中")
    expect(console.locator(".history")).to_contain_text("kato")
    console.screenshot(path=str(SHOTS / "04-staff-detail-accepted.png"), full_page=True)
    staff.close()
