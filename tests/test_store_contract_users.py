"""The Storage contract's users and web sessions (store/base.py), run against every backend.

``storage_url`` (tests/conftest.py) is a fresh database: a SQLite file, or a fresh schema on the
PostgreSQL test server. Hashes here are stand-ins: the store keeps whatever text it is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from marketdesk.store import Storage, open_storage

AT = datetime(2026, 3, 2, 20, 18, 5, 123456, tzinfo=UTC)
LATER = AT + timedelta(hours=1)
EST = timezone(timedelta(hours=-5))


@pytest.fixture
def store(storage_url: str) -> Iterator[Storage]:
    s = open_storage(storage_url)
    yield s
    s.close()


def test_a_user_is_stored_once_by_name(store: Storage) -> None:
    user = store.add_user("ada", "$argon2id$one", AT)
    assert user is not None and user.username == "ada" and user.password_hash == "$argon2id$one"
    assert user.created_at == AT and user.password_changed_at == AT
    assert user.created_at.tzinfo == UTC
    assert store.add_user("ada", "$argon2id$two", LATER) is None  # taken: nothing changes
    assert store.get_user("ada") == user
    assert store.get_user("nobody") is None
    other = store.add_user("grace", "$argon2id$g", AT)
    assert other is not None and other.id != user.id


def test_times_must_be_aware(store: Storage) -> None:
    with pytest.raises(ValueError):
        store.add_user("ada", "h", datetime(2026, 3, 2, 20, 18))
    assert store.get_user("ada") is None
    user = store.add_user("ada", "h", AT.astimezone(EST))
    assert (
        user is not None and user.created_at == AT and user.created_at.utcoffset() == timedelta(0)
    )
    with pytest.raises(ValueError):
        store.add_web_session("t", user.id, AT, datetime(2026, 3, 3))
    with pytest.raises(ValueError):
        store.get_web_session("t", datetime(2026, 3, 3))


def test_sessions_are_found_by_token_hash_until_they_expire(store: Storage) -> None:
    user = store.add_user("ada", "h", AT)
    assert user is not None
    assert store.add_web_session("hash-1", user.id, AT, LATER)
    found = store.get_web_session("hash-1", AT + timedelta(minutes=59))
    assert found is not None and found.user == user
    assert found.created_at == AT and found.expires_at == LATER
    assert store.get_web_session("hash-1", LATER) is None  # expired: gone, purged or not
    assert store.get_web_session("hash-2", AT) is None
    assert not store.add_web_session("hash-1", user.id, AT, LATER)  # one token, one session
    assert not store.add_web_session("hash-3", user.id + 1000, AT, LATER)  # no such user
    assert store.get_web_session("hash-3", AT) is None


def test_sign_out_and_purge(store: Storage) -> None:
    user = store.add_user("ada", "h", AT)
    assert user is not None
    store.add_web_session("old", user.id, AT, AT + timedelta(minutes=5))
    store.add_web_session("new", user.id, AT, LATER)
    assert store.purge_web_sessions(AT + timedelta(minutes=5)) == 1
    assert store.purge_web_sessions(AT + timedelta(minutes=5)) == 0
    assert store.get_web_session("new", AT) is not None
    assert store.remove_web_session("new")
    assert not store.remove_web_session("new")
    assert store.get_web_session("new", AT) is None


def test_a_new_password_ends_the_sessions_a_rehash_keeps_them(store: Storage) -> None:
    ada = store.add_user("ada", "h1", AT)
    grace = store.add_user("grace", "g1", AT)
    assert ada is not None and grace is not None
    store.add_web_session("a", ada.id, AT, LATER)
    store.add_web_session("g", grace.id, AT, LATER)
    assert store.set_password("ada", "h2", AT, end_sessions=False)
    assert store.get_web_session("a", AT) is not None
    assert store.set_password("ada", "h3", LATER - timedelta(minutes=1))
    assert store.get_web_session("a", AT) is None
    assert store.get_web_session("g", AT) is not None  # another user's stays
    changed = store.get_user("ada")
    assert changed is not None and changed.password_hash == "h3"
    assert changed.password_changed_at == LATER - timedelta(minutes=1)
    assert changed.created_at == AT
    assert not store.set_password("nobody", "x", AT)


def test_removing_a_user_removes_its_sessions(store: Storage) -> None:
    user = store.add_user("ada", "h", AT)
    assert user is not None
    store.add_web_session("a", user.id, AT, LATER)
    assert store.remove_user("ada")
    assert not store.remove_user("ada")
    assert store.get_user("ada") is None
    assert store.get_web_session("a", AT) is None
    again = store.add_user("ada", "h", AT)  # the name is free again, a new account
    assert again is not None and store.get_web_session("a", AT) is None


def test_accounts_survive_reopening(storage_url: str) -> None:
    first = open_storage(storage_url)
    user = first.add_user("ada", "h", AT)
    assert user is not None
    first.add_web_session("a", user.id, AT, LATER)
    first.close()
    second = open_storage(storage_url, create=False)
    try:
        assert second.get_user("ada") == user
        assert second.get_web_session("a", AT) is not None
    finally:
        second.close()
