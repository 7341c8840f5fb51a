"""Production settings refuse unsafe defaults and pass check --deploy."""

import os
import subprocess
import sys

from tests.conftest import ROOT

PROD = {
    "OSV_ENV": "production",
    "SECRET_KEY": "k3Vq9mZ2pL7wX5nB8rT4yH6cF1dJ0sGa-e_Uu3Ii8Oo1Pp5Ll2Kk9Jj4Hh7Gg6Ff0Dd",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "agenda.kr-karlovarsky.cz",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, **env_overrides):
    # a deployment has none of the test run's variables (the e2e conftest sets DJANGO_ALLOW_ASYNC_UNSAFE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OSV_", "DATABASE_URL", "CELERY_", "DJANGO_ALLOW"))}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PROD)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_embedded_defaults():
    for key, bad in [("DEBUG", "1"), ("SECRET_KEY", ""), ("CELERY_BROKER_URL", ""), ("DATABASE_URL", "")]:
        env = {**PROD, key: bad}
        result = manage("check", **env)
        assert result.returncode != 0, key
        assert "Unsafe production settings" in result.stderr, result.stderr


def test_embedded_defaults_are_czech_and_serverless(settings):
    assert settings.LANGUAGE_CODE == "cs" and settings.TIME_ZONE == "Europe/Prague"
    assert settings.CELERY_BROKER_URL.startswith(("filesystem://", "redis://"))
    if "DATABASE_URL" not in os.environ:
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_web_worker_freezes_its_start_up_heap():
    """config/wsgi.py: what start-up allocated is out of the garbage collector's full runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_"))}
    code = "import gc, config.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 50_000  # Django and the apps (about 135 000 objects); 0 without the freeze
