"""Accessibility of the web chat and the staff console, in Debian's chromium.

axe-core (npm, pinned in tests/a11y/package-lock.json) is injected into every page and
state; no serious or critical violation may remain (color-contrast covers AA contrast).
Also: a whole conversation with Tab/Enter/Space only and a visible focus, the ARIA live
region for new messages, and reflow at 320 px and at 200 % text (no horizontal scroll).
Results per page/state go to var/a11y/axe-results.json; screenshots to var/screenshots/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from channels.settings import REPO_ROOT
from tests.channels.fake_rasa import CONSENT, CRISIS_TEXT, CRISIS_WORD
from tests.channels.test_browser import PASSWORD, SHOTS, gateway_url, pytestmark  # noqa: F401

AXE = REPO_ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = REPO_ROOT / "var" / "a11y" / "axe-results.json"
BLOCKING = ("serious", "critical")

needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed (npm ci --prefix tests/a11y)"
)


def axe(page: Page, state: str) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; record every violation by impact; return the blocking ones."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    _save(state, found)
    return [v for v in found if v["impact"] in BLOCKING]


def _save(state: str, violations: list[dict[str, Any]]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[state] = violations
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=2))


def check(page: Page, state: str) -> None:
    """Screenshot the state, then assert axe finds nothing serious or critical."""
    page.screenshot(path=str(SHOTS / f"a11y-{state}.png"), full_page=True)
    blocking = axe(page, state)
    assert not blocking, f"{state}: {blocking}"


def context(browser: Browser, width: int = 1100, height: int = 900) -> BrowserContext:
    """A Japanese context; bypass_csp only so the test can inject axe (the app's CSP stays strict)."""
    return browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP", bypass_csp=True)


def send(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="メッセージを入力").fill(text)
    page.get_by_role("button", name="送信", exact=True).click()


def staff_login(page: Page, base: str) -> None:
    page.goto(base + "/staff/login")
    page.get_by_label("ユーザー名").fill("kato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="引き継ぎ一覧")).to_be_visible()


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


WIDE_JS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth || e.scrollWidth > e.clientWidth + 1)
  .slice(0, 8).map(e => `${e.tagName}.${e.className} ${e.scrollWidth}/${e.clientWidth}`)"""


def wide_elements(page: Page) -> list[str]:
    """Tags, classes and widths of elements that stick out on the right (for the failure message)."""
    return list(page.evaluate(WIDE_JS))


def focus_is_visible(page: Page) -> bool:
    """The focused element draws an outline of at least 2 px."""
    return bool(
        page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"""
        )
    )


@needs_axe
def test_axe_resident_chat_states(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    ctx = context(browser, 390, 844)
    page = ctx.new_page()
    page.goto(gateway_url + "/")
    check(page, "chat-empty")
    send(page, "母が認知症で、夜中に家を出てしまいます。")
    expect(page.get_by_role("button", name=CONSENT)).to_be_visible()
    check(page, "chat-quick-replies")
    send(page, CRISIS_WORD)
    expect(page.get_by_text(CRISIS_TEXT)).to_be_visible()
    check(page, "chat-crisis")
    send(page, "母のことです。")
    page.get_by_role("button", name=CONSENT).click()
    expect(page.get_by_text("担当者がお話を読みます")).to_be_visible()
    check(page, "chat-handoff-done")
    page.goto(gateway_url + "/weather")
    check(page, "neutral-weather-page")
    ctx.close()


@needs_axe
def test_axe_staff_console_pages(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    resident = context(browser).new_page()
    resident.goto(gateway_url + "/")
    send(resident, "母が認知症で、ひきこもりの息子もいます。")
    resident.get_by_role("button", name=CONSENT).click()
    expect(resident.get_by_text("担当者がお話を読みます")).to_be_visible()

    ctx = context(browser)
    page = ctx.new_page()
    page.goto(gateway_url + "/staff/login")
    check(page, "staff-login")
    staff_login(page, gateway_url)
    check(page, "staff-list")
    page.get_by_role("link", name="開く").click()
    expect(page.get_by_role("heading", name="引き継ぎの詳細")).to_be_visible()
    check(page, "staff-detail")
    page.get_by_role("link", name="ヘルプデスク").click()
    check(page, "staff-helpdesk")
    page.get_by_label("質問").fill("8050の相談はどこ?")
    page.get_by_role("button", name="調べる").click()
    expect(page.get_by_role("heading", name="結果")).to_be_visible()
    check(page, "staff-helpdesk-result")
    page.get_by_role("link", name="相談の傾向").click()
    expect(page.get_by_role("heading", name="相談の傾向", exact=True)).to_be_visible()
    assert page.locator("svg.chart[role=img]").count() == 4
    check(page, "staff-trends")
    page.get_by_role("link", name="操作の記録").click()
    expect(page.locator("table.audit")).to_contain_text("相談の傾向を表示")
    check(page, "staff-audit")
    ctx.close()


def test_keyboard_only_conversation(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    ctx = context(browser, 390, 844)
    page = ctx.new_page()
    page.goto(gateway_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    assert focus_is_visible(page)
    for _ in range(10):  # past the emergency links to the text box, each stop visibly focused
        if page.evaluate("document.activeElement.id") == "text":
            break
        page.keyboard.press("Tab")
        assert focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.type("母が認知症で、夜中に家を出てしまいます。")
    page.keyboard.press("Enter")
    consent = page.get_by_role("button", name=CONSENT)
    expect(consent).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "text"  # focus stays where the person types
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "send"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == CONSENT
    assert focus_is_visible(page)
    page.screenshot(path=str(SHOTS / "a11y-keyboard-quick-reply-focus.png"), full_page=True)
    page.keyboard.press("Space")
    expect(page.get_by_text("担当者がお話を読みます")).to_be_visible()
    assert page.locator("#log .msg-user").last.inner_text().endswith(CONSENT)
    ctx.close()


def test_new_messages_are_in_a_live_region(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    ctx = context(browser, 390, 844)
    page = ctx.new_page()
    page.goto(gateway_url + "/")
    log = page.locator("#log")
    assert log.get_attribute("aria-live") == "polite"
    assert page.locator("#status").get_attribute("role") == "status"
    send(page, "相談したいことがあります。")
    expect(log.locator(".msg-bot").first).to_have_text("案内:お話しくださってありがとうございます。")
    ctx.close()


@pytest.mark.parametrize("font_size", ["100%", "200%"])
def test_reflow_at_320px(browser: Browser, gateway_url: str, font_size: str) -> None:  # noqa: F811
    ctx = context(browser, 320, 640)
    page = ctx.new_page()
    zoom = f"document.documentElement.style.fontSize = '{font_size}'"
    page.goto(gateway_url + "/")
    page.evaluate(zoom)
    send(page, "母が認知症で、夜中に家を出てしまいます。" * 3)
    expect(page.get_by_role("button", name=CONSENT)).to_be_visible()
    assert no_horizontal_scroll(page), "chat"
    expect(page.get_by_role("button", name="すぐに閉じる")).to_be_in_viewport()
    page.screenshot(path=str(SHOTS / f"a11y-chat-320px-{font_size.rstrip('%')}.png"), full_page=True)
    page.get_by_role("button", name=CONSENT).click()
    expect(page.get_by_text("担当者がお話を読みます")).to_be_visible()
    staff_login(page, gateway_url)
    detail = page.get_by_role("link", name="開く").first.get_attribute("href")
    for path in ("/staff", str(detail), "/staff/helpdesk", "/staff/trends", "/staff/audit"):
        page.goto(gateway_url + path)
        page.evaluate(zoom)
        assert no_horizontal_scroll(page), (path, wide_elements(page))
    page.screenshot(path=str(SHOTS / f"a11y-trends-320px-{font_size.rstrip('%')}.png"), full_page=True)
    ctx.close()


@needs_axe
def test_axe_harness_finds_a_planted_violation(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    """The injection works: low-contrast text and an unlabeled button are reported."""
    ctx = context(browser)
    page = ctx.new_page()
    page.goto(gateway_url + "/weather")
    page.evaluate(
        """() => { const main = document.querySelector('main');
                   const p = document.createElement('p'); p.textContent = '読みにくい文字';
                   p.setAttribute('style', 'color:#bbb;background:#fff'); main.append(p);
                   main.append(document.createElement('button')); }"""
    )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    ids = {v["id"] for v in result["violations"] if v["impact"] in BLOCKING}
    assert {"color-contrast", "button-name"} <= ids
    ctx.close()
