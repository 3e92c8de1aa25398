"""Login, bearer tokens and role guards: every refusal is 401 or 403 problem details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from lia_adapters.memory import InMemoryStore
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.settings import Settings

from .api_support import PASSWORD, TERESOPOLIS_OUTAGE, Client, Headers, login_as, problem

LOGIN = "/api/v1/auth/login"
FAILURES = "/api/v1/failures"


async def test_login_returns_a_bearer_token_for_the_user(
    client: Client, runtime: Runtime, settings: Settings
) -> None:
    """A correct login gives a signed token naming the user, with the configured lifetime."""
    await login_as(client, runtime, "maria", Role.ADMIN)
    response = await client.post(LOGIN, json={"username": "MARIA", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.http.jwt_ttl_minutes * 60
    claims = jwt.decode(body["access_token"], settings.jwt_key(), algorithms=["HS256"])
    assert claims["sub"] == "maria"


async def test_wrong_password_and_unknown_user_are_the_same_401(
    client: Client, runtime: Runtime
) -> None:
    """Wrong password and unknown username both answer 401 with the same detail."""
    await login_as(client, runtime, "maria", Role.ADMIN)
    wrong = await client.post(LOGIN, json={"username": "maria", "password": "not the password"})
    unknown = await client.post(LOGIN, json={"username": "nobody", "password": PASSWORD})
    assert problem(wrong, 401)["detail"] == problem(unknown, 401)["detail"]
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert "access_token" not in wrong.text


async def test_login_body_is_validated(client: Client) -> None:
    """A login body missing the password or with extra fields is 422 naming the field."""
    problem(await client.post(LOGIN, json={"username": "maria"}), 422, field="password")
    body = {"username": "maria", "password": PASSWORD, "role": "ADMIN"}
    problem(await client.post(LOGIN, json=body), 422, field="role")


async def test_api_needs_a_token(client: Client) -> None:
    """Without a token every /api/v1 route but login answers 401."""
    for method, path in [
        ("GET", FAILURES),
        ("POST", FAILURES),
        ("POST", f"{FAILURES}/check"),
        ("GET", f"{FAILURES}/f-1"),
        ("POST", f"{FAILURES}/f-1/activate"),
        ("PUT", f"{FAILURES}/f-1"),
        ("GET", "/api/v1/regions"),
        ("DELETE", "/api/v1/regions/serra"),
    ]:
        response = await client.request(method, path, json={})
        assert problem(response, 401)["type"] == "about:blank", (method, path)


async def test_bad_tokens_are_refused(client: Client, runtime: Runtime, settings: Settings) -> None:
    """Garbage, a token signed with another key and an expired token all answer 401."""
    await login_as(client, runtime, "maria", Role.ADMIN)
    later = datetime.now(UTC) + timedelta(hours=1)
    forged = jwt.encode({"sub": "maria", "exp": later, "iat": datetime.now(UTC)}, "x" * 48)
    expired = jwt.encode(
        {"sub": "maria", "exp": datetime.now(UTC) - timedelta(minutes=1), "iat": datetime.now(UTC)},
        settings.jwt_key(),
    )
    for token in ["garbage", forged, expired]:
        response = await client.get(FAILURES, headers={"Authorization": f"Bearer {token}"})
        problem(response, 401)


async def test_token_of_a_disabled_or_unknown_user_is_refused(
    client: Client, runtime: Runtime, store: InMemoryStore, settings: Settings
) -> None:
    """A valid token stops working once its account is disabled; one naming nobody never works."""
    headers = await login_as(client, runtime, "maria", Role.ADMIN)
    assert (await client.get(FAILURES, headers=headers)).status_code == 200
    for user in store.users.values():
        user.is_active = False
    problem(await client.get(FAILURES, headers=headers), 401)
    later = datetime.now(UTC) + timedelta(hours=1)
    ghost = jwt.encode({"sub": "ghost", "exp": later, "iat": datetime.now(UTC)}, settings.jwt_key())
    problem(await client.get(FAILURES, headers={"Authorization": f"Bearer {ghost}"}), 401)


async def test_agent_may_read_and_check_but_not_manage(client: Client, agent: Headers) -> None:
    """An AGENT gets 200 on list, get-region-list and check, and 403 on every managing route."""
    assert (await client.get(FAILURES, headers=agent)).status_code == 200
    assert (await client.get("/api/v1/regions", headers=agent)).status_code == 200
    check = await client.post(f"{FAILURES}/check", json={"city": "Teresópolis"}, headers=agent)
    assert check.status_code == 200
    assert check.json()["affected"] is False

    forbidden = problem(await client.post(FAILURES, json=TERESOPOLIS_OUTAGE, headers=agent), 403)
    assert "SUPERVISOR" in forbidden["detail"]
    problem(await client.post(f"{FAILURES}/f-1/activate", headers=agent), 403)
    problem(await client.put(f"{FAILURES}/f-1", json=TERESOPOLIS_OUTAGE, headers=agent), 403)
    region = {"id": "serra", "name": "Serra", "cities": [{"city": "Teresópolis"}]}
    problem(await client.post("/api/v1/regions", json=region, headers=agent), 403)
    problem(await client.delete("/api/v1/regions/serra", headers=agent), 403)


async def test_admin_manages_and_is_recorded_as_actor(client: Client, runtime: Runtime) -> None:
    """An ADMIN may declare a failure, and the failure records the admin's username."""
    headers = await login_as(client, runtime, "root.admin", Role.ADMIN)
    response = await client.post(FAILURES, json=TERESOPOLIS_OUTAGE, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["created_by"] == "root.admin"


async def test_repeated_failures_get_429_with_retry_after_and_the_lockout_is_audited(
    client: Client, runtime: Runtime, store: InMemoryStore
) -> None:
    """After the free failures the login answers 429 problem details with `Retry-After`,
    even for the right password, and the lockout is in the audit log."""
    await login_as(client, runtime, "maria", Role.ADMIN)
    free = runtime.settings.login.free_attempts_per_username
    for _ in range(free):
        wrong = await client.post(LOGIN, json={"username": "maria", "password": "not it at all"})
        problem(wrong, 401)
    held = await client.post(LOGIN, json={"username": "maria", "password": PASSWORD})
    body = problem(held, 429)
    assert body["type"].endswith(":login-throttled")
    assert int(held.headers["retry-after"]) >= 1
    assert "access_token" not in held.text
    lockouts = [a for a in store.activity.values() if a.action == "auth.lockout"]
    assert [a.entity_id for a in lockouts] == ["user:maria"]


async def test_a_password_change_ends_every_older_token(client: Client, runtime: Runtime) -> None:
    """`POST /api/v1/auth/password` checks the current password, then the token used (and
    any other issued before) answers 401 while a new login works — even in the same second."""
    headers = await login_as(client, runtime, "maria", Role.AGENT)
    other = await client.post(LOGIN, json={"username": "maria", "password": PASSWORD})
    other_headers = {"Authorization": f"Bearer {other.json()['access_token']}"}
    change = "/api/v1/auth/password"
    wrong = {"current_password": "not it at all", "password": "a brand new passphrase"}
    problem(await client.post(change, json=wrong, headers=headers), 401)
    short = {"current_password": PASSWORD, "password": "short"}
    problem(await client.post(change, json=short, headers=headers), 422, field="password")
    body = {"current_password": PASSWORD, "password": "a brand new passphrase"}
    assert (await client.post(change, json=body, headers=headers)).status_code == 204
    problem(await client.get(FAILURES, headers=headers), 401)
    problem(await client.get(FAILURES, headers=other_headers), 401)
    fresh = await client.post(
        LOGIN, json={"username": "maria", "password": "a brand new passphrase"}
    )
    assert fresh.status_code == 200
    renewed = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert (await client.get(FAILURES, headers=renewed)).status_code == 200


async def test_an_admin_disables_and_enables_an_account_over_the_api(
    client: Client, runtime: Runtime
) -> None:
    """Disabling refuses the account's token at once; enabling lets it sign in again; the
    only active ADMIN cannot be disabled (409)."""
    admin = await login_as(client, runtime, "maria", Role.ADMIN)
    agent = await login_as(client, runtime, "artur", Role.AGENT)
    disabled = await client.post("/api/v1/users/artur/disable", headers=admin)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["is_active"] is False
    problem(await client.get(FAILURES, headers=agent), 401)
    problem(await client.post(LOGIN, json={"username": "artur", "password": PASSWORD}), 401)
    assert (await client.post("/api/v1/users/artur/enable", headers=admin)).status_code == 200
    again = await client.post(LOGIN, json={"username": "artur", "password": PASSWORD})
    assert again.status_code == 200
    last = problem(await client.post("/api/v1/users/maria/disable", headers=admin), 409)
    assert "only active ADMIN" in last["detail"]
