from io import StringIO

from django.core.management import call_command


def test_serve_runs_gunicorn_on_loopback_with_the_current_settings(monkeypatch):
    monkeypatch.delenv("BIND", raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "onetrip.settings.test")
    out = StringIO()
    call_command("serve", "--port", "8123", "--workers", "3", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "-m gunicorn onetrip.wsgi:application --config python:onetrip.gunicorn_conf" in text
    assert "--bind 127.0.0.1:8123 --workers 3" in text
    assert "DJANGO_SETTINGS_MODULE=onetrip.settings.test" in text


def test_serve_binds_where_BIND_says(monkeypatch):
    monkeypatch.setenv("BIND", "127.0.0.2:9000")
    monkeypatch.setenv("PORT", "8555")
    out = StringIO()
    call_command("serve", "--dry-run", stdout=out)
    assert "--bind 127.0.0.2:9000" in out.getvalue()


def test_serve_runs_one_worker_per_core_and_one_more_unless_told(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    out = StringIO()
    call_command("serve", "--dry-run", stdout=out)
    assert "--workers 3 " in out.getvalue()
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    out = StringIO()
    call_command("serve", "--dry-run", stdout=out)
    assert "--workers 5 " in out.getvalue()
