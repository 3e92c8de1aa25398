"""The HTTP app bootstrapping its own runtime on a fresh SQLite file, end to end."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import AsyncTestClient

from lia_core.domain.users import Role
from lia_core.services import CreateUser
from lia_entrypoints.http import create_app
from lia_entrypoints.http.context import RUNTIME_KEY, runtime_of
from lia_entrypoints.settings import Settings

PASSWORD = "correct horse battery"


async def test_app_without_runtime_migrates_sqlite_and_serves_the_api(tmp_path: Path) -> None:
    """Startup migrates a new SQLite file; login, declare, check and resolve work; shutdown closes."""
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/lia.db", data_dir=tmp_path
    )
    app = create_app(settings)
    async with AsyncTestClient(app) as client:
        health = await client.get("/health")
        assert health.status_code == 200, health.text
        assert health.json()["database"] == "ok"
        assert (tmp_path / "lia.db").exists()

        services = runtime_of(app.state).services
        await services.create_user(
            CreateUser(actor="tester", username="sofia", role=Role.SUPERVISOR, password=PASSWORD)
        )
        login = await client.post(
            "/api/v1/auth/login", json={"username": "sofia", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

        outage = {
            "name": "Rompimento de fibra",
            "message": "Olá {nome}, falha em {regiao}.",
            "cities": [{"city": "Teresópolis", "neighbourhoods": ["Centro", "Alto"]}],
            "ceps": ["25950-000..25959-999"],
        }
        created = await client.post("/api/v1/failures", json=outage, headers=auth)
        assert created.status_code == 201, created.text
        fid = created.json()["id"]
        assert created.json()["status"] == "active"

        check = await client.post(
            "/api/v1/failures/check",
            json={"city": "teresopolis", "neighbourhood": "ALTO"},
            headers=auth,
        )
        assert [f["id"] for f in check.json()["failures"]] == [fid]
        resolved = await client.post(f"/api/v1/failures/{fid}/resolve", headers=auth)
        assert resolved.status_code == 202
        assert resolved.json()["failure"]["status"] == "resolved"
        refused = await client.post(f"/api/v1/failures/{fid}/resolve", headers=auth)
        assert refused.status_code == 409
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert RUNTIME_KEY not in app.state
    assert (tmp_path / "jwt-secret").exists()
