"""Staff console and /api/handoffs: auth, CSRF, Fetch Metadata, sessions, statuses, audit, exports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from channels.store import audit
from channels.store.db import Database
from channels.store.models import StaffSession, utcnow
from channels.store.sink import DatabaseHandoffSink
from tests.channels.conftest import API_TOKEN, STAFF_PASSWORD, STAFF_USER, csrf_from, login
from tests.channels.factories import record

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def stored(db: Database) -> dict:
    """One stored handoff whose resident text tries HTML."""
    item = record(resident_words=[EVIL, '=HYPERLINK("http://evil")'], summary_ja="<b>要約</b>")
    DatabaseHandoffSink(db, b"k" * 16).save_handoff(item, "web", "session-1")
    return item


def actions(db: Database) -> list[tuple[str, str, str | None]]:
    with db.session() as session:
        return [(a.staff_username, a.action, a.handoff_id) for a in audit.entries(session)]


@pytest.mark.parametrize("path", ["/api/handoffs", "/api/handoffs/abcdefgh-1"])
def test_api_without_auth_is_401(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.json()["error"]
    assert client.get(path, headers={"authorization": "Bearer wrong"}).status_code == 401


def test_api_with_bearer_token(client: TestClient, db: Database, stored: dict) -> None:
    headers = {"authorization": f"Bearer {API_TOKEN}"}
    listing = client.get("/api/handoffs", headers=headers)
    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()] == [stored["id"]]
    one = client.get(f"/api/handoffs/{stored['id']}", headers=headers).json()
    assert one["resident_words"][0] == EVIL and one["status"] == "new" and one["channel"] == "web"
    assert client.get("/api/handoffs/does-not-exist", headers=headers).status_code == 404
    assert ("api-token-1", "api_read", stored["id"]) in actions(db)
    assert ("api-token-1", "api_list", None) in actions(db)


def test_console_requires_login(client: TestClient) -> None:
    response = client.get("/staff", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"


def test_wrong_password_is_refused(client: TestClient, staff_account: str) -> None:
    form = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"username": STAFF_USER, "password": "wrong-password", "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert "違います" in response.text
    assert "staff_session" not in response.cookies


def test_login_without_csrf_or_cross_site_is_403(client: TestClient, staff_account: str) -> None:
    client.get("/staff/login")
    data = {"username": STAFF_USER, "password": STAFF_PASSWORD}
    assert client.post("/staff/login", data=data).status_code == 403
    form = client.get("/staff/login")
    cross = client.post(
        "/staff/login",
        data={**data, "csrf_token": csrf_from(form.text)},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert cross.status_code == 403


def test_session_cookie_flags_and_regeneration(client: TestClient, staff_account: str, db: Database) -> None:
    login(client)
    first = client.cookies.get("staff_session")
    form = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"username": STAFF_USER, "password": STAFF_PASSWORD, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header
    second = client.cookies.get("staff_session")
    assert first and second and first != second
    client.cookies.set("staff_session", first)
    assert client.get("/api/handoffs").status_code == 401  # the old session ended at the new login
    client.cookies.set("staff_session", second)
    assert client.get("/api/handoffs").status_code == 200


def test_idle_session_expires(client: TestClient, staff_account: str, db: Database) -> None:
    login(client)
    with db.session() as session:
        stale = utcnow() - timedelta(minutes=16)
        session.execute(update(StaffSession).values(last_seen_at=stale))
        session.commit()
    assert client.get("/api/handoffs").status_code == 401
    assert client.get("/staff", follow_redirects=False).status_code == 303
    with db.session() as session:
        assert session.scalars(select(StaffSession)).all() == []


def test_status_change_needs_csrf_and_same_site(
    client: TestClient, staff_account: str, stored: dict, db: Database
) -> None:
    token = login(client)
    url = f"/staff/handoffs/{stored['id']}/status"
    assert client.post(url, data={"to": "accepted"}).status_code == 403
    assert client.post(url, data={"to": "accepted", "csrf_token": "forged"}).status_code == 403
    cross = client.post(
        url, data={"to": "accepted", "csrf_token": token}, headers={"sec-fetch-site": "cross-site"}
    )
    assert cross.status_code == 403
    ok = client.post(url, data={"to": "accepted", "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303
    assert client.post(url, data={"to": "new", "csrf_token": token}).status_code in (303, 200)
    page = client.get(f"/staff/handoffs/{stored['id']}")
    assert "対応中" in page.text or "新規" in page.text
    assert (STAFF_USER, "status:accepted", stored["id"]) in actions(db)


def test_status_flow_through_console(
    client: TestClient, staff_account: str, stored: dict, db: Database
) -> None:
    token = login(client)
    url = f"/staff/handoffs/{stored['id']}/status"
    assert client.post(url, data={"to": "closed", "csrf_token": token}).status_code == 409
    client.post(url, data={"to": "accepted", "csrf_token": token})
    client.post(url, data={"to": "closed", "csrf_token": token})
    page = client.get(f"/staff/handoffs/{stored['id']}").text
    assert '<strong id="current-status">完了</strong>' in page
    record_json = client.get(f"/api/handoffs/{stored['id']}").json()
    assert record_json["status"] == "closed"


def test_list_and_detail_escape_resident_text(
    client: TestClient, staff_account: str, stored: dict, db: Database
) -> None:
    login(client)
    listing = client.get("/staff")
    assert stored["id"] in listing.text and "待ち時間" in listing.text
    page = client.get(f"/staff/handoffs/{stored['id']}")
    assert page.status_code == 200
    assert EVIL not in page.text and "&lt;script&gt;" in page.text
    assert "<b>要約</b>" not in page.text
    for label in ("母", "80〜89歳", "高齢・介護", "ひきこもり", "地域包括支援センター", "電話", "平日の午後"):
        assert label in page.text
    assert (STAFF_USER, "read", stored["id"]) in actions(db)
    assert (STAFF_USER, "list", None) in actions(db)


def test_exports_json_and_csv(client: TestClient, staff_account: str, stored: dict, db: Database) -> None:
    login(client)
    all_json = client.get("/staff/export.json")
    assert all_json.status_code == 200 and "attachment" in all_json.headers["content-disposition"]
    assert json.loads(all_json.text)[0]["resident_words"][0] == EVIL
    one_csv = client.get(f"/staff/handoffs/{stored['id']}/export.csv")
    assert one_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(one_csv.text.lstrip("\ufeff"))))
    assert rows[0][0] == "id" and rows[1][0] == stored["id"]
    words = rows[1][rows[0].index("本人の言葉")]
    assert words.startswith("<script>")  # CSV is data, not HTML; escaping is the reader's job
    assert "\n'=HYPERLINK" in words or words.count("=HYPERLINK") == 1
    assert client.get("/staff/export.xml").status_code == 404
    acts = [a for _, a, _ in actions(db)]
    assert "export_all_json" in acts and "export_csv" in acts


def test_formula_cells_are_neutralised() -> None:
    from channels.staff.export import to_csv

    text = to_csv([record(summary_ja="=1+1", resident_words=["@SUM(A1)"])])
    assert "'=1+1" in text and "'@SUM(A1)" in text


def test_audit_rows_hold_no_resident_text(
    client: TestClient, staff_account: str, stored: dict, db: Database
) -> None:
    login(client)
    client.get(f"/staff/handoffs/{stored['id']}")
    with db.session() as session:
        for entry in audit.entries(session):
            assert EVIL not in f"{entry.staff_username}{entry.action}{entry.handoff_id}"


def test_logout_ends_session(client: TestClient, staff_account: str) -> None:
    token = login(client)
    old = client.cookies.get("staff_session")
    assert client.post("/staff/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    client.cookies.set("staff_session", old)
    assert client.get("/api/handoffs").status_code == 401


def test_accounts_command(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {
        "DATABASE_URL": url,
        "SESSION_SECRET": "x" * 32,
        "PATH": "/usr/bin:/bin",
        "NEW_PW": "very-secret-password",
    }
    cmd = [sys.executable, "-m", "channels.staff.accounts", "create", "suzuki", "--display-name", "鈴木 花子"]
    done = subprocess.run(
        [*cmd, "--password-env", "NEW_PW"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    again = subprocess.run(
        cmd, input="another-long-password\n", env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 2 and "suzuki" in again.stderr
    short = subprocess.run(
        [sys.executable, "-m", "channels.staff.accounts", "create", "sato", "--display-name", "佐藤"],
        input="short\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert short.returncode == 2
    from channels.store import staff_users

    db = Database(url)
    with db.session() as session:
        assert staff_users.authenticate(session, "suzuki", "very-secret-password") is not None
        assert staff_users.get_by_username(session, "sato") is None
    db.dispose()
