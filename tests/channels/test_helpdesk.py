"""ヘルプデスク: staff questions → Rasa /model/parse (token) → counters with their table rows."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.channels.conftest import API_TOKEN, login
from tests.channels.fake_rasa import FakeRasaState

AUTH = {"authorization": f"Bearer {API_TOKEN}"}


def test_api_young_carer(client: TestClient, rasa_state: FakeRasaState) -> None:
    response = client.post("/api/helpdesk", json={"question": "ヤングケアラーの相談はどこ?"}, headers=AUTH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["categories"] == ["child_protection"]
    assert body["counters"][0]["name"] == "こども家庭センター"
    assert body["counters"][0]["why"]
    assert rasa_state.calls[-1] == {"path": "parse", "text": "ヤングケアラーの相談はどこ?"}


def test_api_8050_shows_rows_and_multi_agency_note(client: TestClient) -> None:
    body = client.post("/api/helpdesk", json={"question": "8050の世帯はどこにつなぐ?"}, headers=AUTH).json()
    names = [c["name"] for c in body["counters"]]
    assert names == ["地域包括支援センター", "ひきこもり相談室"]
    first = body["counters"][0]
    assert first["operation"] == "委託" and first["department"] == "高齢福祉課" and first["coverage"]
    assert body["multi_agency_note"]


def test_api_needs_staff(client: TestClient) -> None:
    assert client.post("/api/helpdesk", json={"question": "x"}).status_code == 401


def test_api_rasa_down_is_503(client: TestClient, rasa_state: FakeRasaState) -> None:
    rasa_state.down = True
    response = client.post("/api/helpdesk", json={"question": "ヤングケアラー"}, headers=AUTH)
    assert response.status_code == 503 and response.json()["error"]


def test_page_with_session(client: TestClient, staff_account: str) -> None:
    token = login(client)
    page = client.get("/staff/helpdesk")
    assert page.status_code == 200
    answer = client.post(
        "/staff/helpdesk", data={"question": "8050の世帯はどこにつなぐ?", "csrf_token": token}
    )
    assert answer.status_code == 200
    for text in ("地域包括支援センター", "ひきこもり相談室", "委託", "高齢福祉課"):
        assert text in answer.text
    assert client.post("/staff/helpdesk", data={"question": "x"}).status_code == 403
    session_api = client.post("/api/helpdesk", json={"question": "ヤングケアラー"})
    assert session_api.status_code == 403
    with_header = client.post(
        "/api/helpdesk", json={"question": "ヤングケアラー"}, headers={"x-csrf-token": token}
    )
    assert with_header.status_code == 200
