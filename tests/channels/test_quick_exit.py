"""「すぐに閉じる」 (quick exit) for people at risk at home, in Debian's chromium.

The button (first in tab order, always in view) and Esc pressed twice within 1 s empty
sessionStorage, localStorage and the page, then location.replace() a neutral weather page,
so Back does not bring the chat back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, expect
from starlette.testclient import TestClient

from tests.channels.fake_rasa import CONSENT
from tests.channels.test_browser import SHOTS, gateway_url, pytestmark  # noqa: F401

CHAT_TITLE = "岐阜市 ふくし相談 チャット"
TELLTALE = ("相談", "ふくし", "福祉", "チャット", "窓口")


def open_chat_with_history(page: Page, base: str) -> None:
    """A page before the chat (so Back has somewhere to go), then the chat with one exchange."""
    page.goto(base + "/weather?before=1")
    page.goto(base + "/")
    page.get_by_role("textbox", name="メッセージを入力").fill("夫から毎晩どなられて、こわいです。")
    page.get_by_role("button", name="送信", exact=True).click()
    expect(page.get_by_role("button", name=CONSENT)).to_be_visible()
    page.evaluate("localStorage.setItem('something', 'left by the page')")
    assert page.evaluate("sessionStorage.length") > 0


@contextmanager
def chat_with_history(browser: Browser, base: str, width: int, height: int) -> Iterator[Page]:
    """A fresh ja-JP context at this viewport, on the chat with history behind it; closed afterwards."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
    try:
        page = ctx.new_page()
        open_chat_with_history(page, base)
        yield page
    finally:
        ctx.close()


def assert_left_no_trace(page: Page, base: str) -> None:
    expect(page).to_have_url(re.compile(r"/weather$"))
    expect(page).to_have_title("岐阜県の天気")
    assert page.evaluate("sessionStorage.length") == 0
    assert page.evaluate("localStorage.length") == 0
    body = page.locator("body").inner_text()
    assert not any(word in body for word in TELLTALE), body
    page.go_back()
    assert page.url != base + "/"
    assert page.get_by_role("heading", name=CHAT_TITLE).count() == 0
    assert "夫から" not in page.content()


def test_button_exits_and_back_does_not_return(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    with chat_with_history(browser, gateway_url, 390, 844) as page:
        page.get_by_role("button", name="すぐに閉じる").click()
        page.screenshot(path=str(SHOTS / "quick-exit-neutral-page.png"), full_page=True)
        assert_left_no_trace(page, gateway_url)


def test_escape_twice_exits(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    with chat_with_history(browser, gateway_url, 1100, 800) as page:
        page.keyboard.press("Escape")
        page.wait_for_timeout(1300)  # one Esc, then a pause: not a quick exit
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
        expect(page.get_by_role("heading", name=CHAT_TITLE)).to_be_visible()
        page.wait_for_timeout(1100)
        page.get_by_role("textbox", name="メッセージを入力").focus()
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        assert_left_no_trace(page, gateway_url)


def test_page_is_emptied_before_the_neutral_page_loads(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    with chat_with_history(browser, gateway_url, 390, 844) as page:
        page.route("**/weather", lambda route: route.fulfill(status=204))  # 204: the browser stays put
        page.get_by_role("button", name="すぐに閉じる").click()
        page.wait_for_timeout(300)
        assert page.url == gateway_url + "/"
        assert page.evaluate("document.body.children.length") == 0
        assert page.title() == "岐阜県の天気"
        assert page.evaluate("sessionStorage.length") == 0
        assert "夫から" not in page.content()


def test_button_is_first_and_always_in_view(browser: Browser, gateway_url: str) -> None:  # noqa: F811
    ctx = browser.new_context(viewport={"width": 320, "height": 568}, locale="ja-JP")
    page = ctx.new_page()
    page.goto(gateway_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "すぐに閉じる"
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    exit_button = page.get_by_role("button", name="すぐに閉じる")
    expect(exit_button).to_be_in_viewport()
    page.screenshot(path=str(SHOTS / "quick-exit-button-scrolled-320px.png"))
    ctx.close()


def test_neutral_page_says_nothing_about_consultation(client: TestClient) -> None:
    page = client.get("/weather")
    assert page.status_code == 200
    assert "<title>岐阜県の天気</title>" in page.text
    assert not any(word in page.text for word in TELLTALE)
    assert "chat.js" not in page.text
    chat = client.get("/")
    assert chat.headers["cache-control"] == "no-store"
    assert chat.text.index('id="quick-exit"') < chat.text.index("<header")
