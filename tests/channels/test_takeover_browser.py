"""Browser test of contract §8: a staff member takes a web conversation, writes, and hands it back.

Resident and staff each have their own chromium context (Debian's chromium, conftest override).
The resident sees the reply marked 市の担当者 within 3 s; the console shows the resident's
answer without a reload; after release the assistant answers again. Screenshots: var/screenshots/.
"""

from __future__ import annotations

import time

from playwright.sync_api import Browser, Page, expect

from tests.channels.fake_rasa import CONSENT
from tests.channels.test_browser import SHOTS, gateway_url, pytestmark, staff_console  # noqa: F401

STAFF_TEXT = "岐阜市の加藤です。お話を読みました。ご都合のよい時間を教えていただけますか。"
RESIDENT_ANSWER = "ありがとうございます。夕方なら電話に出られます。"


def send(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="メッセージを入力").fill(text)
    page.get_by_role("button", name="送信", exact=True).click()


def test_staff_takes_writes_and_releases(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    resident = browser.new_context(viewport={"width": 360, "height": 760}, locale="ja-JP")
    chat = resident.new_page()
    chat.goto(gateway_url + "/")
    send(chat, "母が認知症で、夜中に家を出てしまいます。")
    chat.get_by_role("button", name=CONSENT).click()
    expect(chat.get_by_text("担当者がお話を読みます")).to_be_visible()
    expect(chat.get_by_text("開庁時間内に担当者が確認します", exact=False)).to_be_visible()

    staff, console = staff_console(browser, gateway_url, height=1000)
    console.get_by_role("link", name="開く").click()
    console.get_by_role("button", name="この会話を受け持つ").click()
    expect(console.locator("#holder")).to_contain_text("加藤 美咲")
    expect(console.locator("#current-status")).to_have_text("対応中")

    console.get_by_label("住民へのメッセージ", exact=False).fill(STAFF_TEXT)
    console.get_by_role("button", name="送信する").click()
    sent_at = time.monotonic()
    staff_message = chat.locator(".msg-staff")
    expect(staff_message).to_contain_text(STAFF_TEXT, timeout=3000)
    shown_after = time.monotonic() - sent_at
    expect(staff_message.locator(".msg-from")).to_have_text("市の担当者")
    assert shown_after < 3.0, shown_after
    chat.screenshot(path=str(SHOTS / "05-chat-staff-reply-360px.png"), full_page=True)

    console.evaluate("window.__notReloaded = true")
    send(chat, RESIDENT_ANSWER)
    expect(chat.get_by_text("いまは担当者がこの会話を受け持っています", exact=False)).to_be_visible()
    expect(console.locator("#talk-log .talk-resident").last).to_contain_text(RESIDENT_ANSWER, timeout=5000)
    assert console.evaluate("window.__notReloaded === true")
    console.screenshot(path=str(SHOTS / "06-staff-takeover-conversation.png"), full_page=True)
    chat.screenshot(path=str(SHOTS / "07-chat-after-resident-answer-360px.png"), full_page=True)

    console.get_by_role("button", name="自動の案内に戻す").click()
    expect(console.locator("#holder")).to_contain_text("自動の案内が答えています")
    bot_before = chat.locator(".msg-bot").count()
    send(chat, "もうひとつ相談してもいいですか。")
    expect(chat.locator(".msg-bot")).to_have_count(bot_before + 2)  # the fake's two answers
    first_again = chat.locator(".msg-bot .msg-text").nth(bot_before)
    expect(first_again).to_have_text("お話しくださってありがとうございます。")
    chat.screenshot(path=str(SHOTS / "08-chat-assistant-again-360px.png"), full_page=True)

    console.get_by_role("link", name="操作の記録").click()
    audit = console.locator("table.audit")
    for action in ("会話を受け持った", "住民へ送信", "自動の案内に戻した", "詳細を表示"):
        expect(audit).to_contain_text(action)
    console.screenshot(path=str(SHOTS / "09-staff-audit.png"), full_page=True)
    staff.close()
    resident.close()
