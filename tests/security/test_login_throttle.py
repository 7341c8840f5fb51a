"""Finding 6: login throttling by django-axes — a parallel burst checks at most the limit of
passwords, the client address comes from a trusted proxy only, and one address trying many
names is locked at its own (higher) limit."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.test import Client

from workflows.demo import DEMO_PASSWORD

LOGIN = "/login/"


@pytest.fixture
def counted_password_checks(monkeypatch):
    """How many times a password was actually compared (in any thread)."""
    calls = {"n": 0}
    lock = threading.Lock()
    original = AbstractBaseUser.check_password

    def counting(self, raw_password):
        with lock:
            calls["n"] += 1
        return original(self, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting)
    return calls


def _post(results, index, barrier, data, meta):
    try:
        client = Client(**meta)
        barrier.wait(timeout=30)
        results[index] = client.post(LOGIN, data).status_code
    except Exception as exc:  # reported by the assertion below
        results[index] = repr(exc)
    finally:
        connection.close()


def burst(n, data, meta):
    results = [None] * n
    barrier = threading.Barrier(n)
    threads = [threading.Thread(target=_post, args=(results, i, barrier, data, meta)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_check_at_most_five(demo_users, counted_password_checks, settings):
    """axes alone lets a burst through (its issue #592): every request passes the check before
    any failure is counted. Serialised per user name, the sixth and later never reach the hasher."""
    assert settings.AXES_FAILURE_LIMIT == 5
    results = burst(40, {"username": "referent", "password": "spatne-heslo"}, {"REMOTE_ADDR": "10.1.1.1"})
    assert all(isinstance(r, int) for r in results), results
    assert counted_password_checks["n"] <= 5, counted_password_checks["n"]
    assert results.count(429) >= 35, results
    # the right password is refused too while the pair is locked, and is not even checked
    before = counted_password_checks["n"]
    response = Client(REMOTE_ADDR="10.1.1.1").post(LOGIN, {"username": "referent", "password": DEMO_PASSWORD})
    assert response.status_code == 429 and counted_password_checks["n"] == before


@pytest.mark.django_db(transaction=True)
def test_parallel_burst_with_mixed_case_names_is_one_counter(demo_users, counted_password_checks):
    names = ["referent", "Referent", "REFERENT", " referent"]
    results = [None] * 20
    barrier = threading.Barrier(20)
    threads = [threading.Thread(target=_post, args=(results, i, barrier,
                                                      {"username": names[i % 4], "password": "x"},
                                                      {"REMOTE_ADDR": "10.1.1.2"})) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert counted_password_checks["n"] <= 5, counted_password_checks["n"]


# ------------------------------------------------------------------ the client address


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(settings, rf):
    from workflows.login_throttle import client_ip

    settings.OSV_TRUSTED_PROXIES = []
    request = rf.post(LOGIN, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "203.0.113.5"  # anyone can send the header: not believed

    settings.OSV_TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"  # the proxy appended the real client last
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.3")
    assert client_ip(request) == "198.51.100.7"  # a chain of trusted proxies is skipped
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="nonsense")
    assert client_ip(request) == "10.0.0.2"
    request = rf.post(LOGIN, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "203.0.113.5"


@pytest.mark.django_db
def test_behind_the_proxy_one_client_cannot_lock_out_another(demo_users, settings):
    settings.OSV_TRUSTED_PROXIES = ["127.0.0.1"]
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(6):
        Client(**attacker).post(LOGIN, {"username": "referent", "password": "x"})
    assert Client(**attacker).post(LOGIN, {"username": "referent", "password": DEMO_PASSWORD}).status_code == 429
    officer = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10")  # the officer's own PC
    response = officer.post(LOGIN, {"username": "referent", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in officer.session


@pytest.mark.django_db
def test_one_address_trying_many_names_is_locked_at_the_address_limit(demo_users, settings):
    settings.OSV_LOGIN_ADDRESS_FAILURE_LIMIT = 12
    client = Client(REMOTE_ADDR="10.2.2.2")
    for i in range(12):  # 12 names, 1 failure each: no pair reaches 5
        response = client.post(LOGIN, {"username": f"host{i}", "password": "x"})
    assert response.status_code == 429
    response = Client(REMOTE_ADDR="10.2.2.2").post(LOGIN, {"username": "referent", "password": DEMO_PASSWORD})
    assert response.status_code == 429  # the address is locked for every name
    response = Client(REMOTE_ADDR="10.2.2.3").post(LOGIN, {"username": "referent", "password": DEMO_PASSWORD})
    assert response.status_code == 302
