"""Issue 9 (safety at home): `no_contact_times` is stored and shown, escaped, where staff look first."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient

from channels.store.db import Database
from channels.store.handoffs import InvalidHandoff, validate_record
from channels.store.sink import DatabaseHandoffSink
from tests.channels.conftest import API_TOKEN, login
from tests.channels.factories import record

TIMES = '平日の夜と土日はやめてください<img src=x onerror="alert(1)">'


@pytest.fixture
def stored(db: Database) -> dict:
    item = record(writer="family", concerned_person_aware=False, no_contact_times=TIMES)
    assert DatabaseHandoffSink(db, b"k" * 16).save_handoff(item, "web", "session-nc")
    return item


def test_the_schema_accepts_the_field_and_null() -> None:
    assert validate_record(record(no_contact_times=TIMES), "web").no_contact_times == TIMES
    assert validate_record(record(no_contact_times=None), "web").no_contact_times is None
    assert validate_record(record(), "web").no_contact_times is None
    with pytest.raises(InvalidHandoff):
        validate_record(record(no_contact_times=["平日の夜"]), "web")


def test_stored_and_served_by_the_api(client: TestClient, stored: dict) -> None:
    response = client.get(f"/api/handoffs/{stored['id']}", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.status_code == 200
    assert response.json()["no_contact_times"] == TIMES
    assert response.json()["concerned_person_aware"] is False


def test_detail_page_shows_the_box_near_the_top_escaped(
    client: TestClient, staff_account: str, stored: dict
) -> None:
    login(client)
    page = client.get(f"/staff/handoffs/{stored['id']}").text
    assert "連絡してはいけない時間" in page
    assert '<img src=x onerror="alert(1)">' not in page
    assert "平日の夜と土日はやめてください&lt;img src=x onerror=" in page
    box = page.index('class="urgent-banner no-contact"')
    assert box < page.index('id="status-title"') < page.index('id="summary-title"')
    assert "知らない" in page  # the person concerned does not know (writer = family)


def test_detail_page_without_times_has_no_box(client: TestClient, staff_account: str, db: Database) -> None:
    item = record()
    DatabaseHandoffSink(db, b"k" * 16).save_handoff(item, "web", "session-none")
    login(client)
    page = client.get(f"/staff/handoffs/{item['id']}").text
    assert 'class="urgent-banner no-contact"' not in page


def test_csv_export_has_the_column(client: TestClient, staff_account: str, stored: dict) -> None:
    login(client)
    text = client.get(f"/staff/handoffs/{stored['id']}/export.csv").text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][rows[0].index("連絡してはいけない時間")] == TIMES
