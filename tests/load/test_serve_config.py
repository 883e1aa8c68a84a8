"""deploy/serve.py's pure parts: the nginx config it renders (checked by nginx itself), the
commands it runs and its arguments (bad ones get a message, not a traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy"))

import serve  # noqa: E402  (deploy/serve.py)


def render(tmp_path: Path, ports=(8601, 8602, 8603)) -> str:
    return serve.render_nginx(serve.TEMPLATE.read_text(), list(ports), "127.0.0.1:8080", tmp_path)


def test_every_placeholder_is_filled_and_each_worker_has_the_others_as_backups(tmp_path):
    config = render(tmp_path)
    assert "@" not in config.split("\n", 1)[1]  # (the first line's comment names them)
    for name, port in (("w0", 8601), ("w1", 8602), ("w2", 8603)):
        block = config.split(f"upstream {name} {{")[1].split("}")[0]
        assert f"server 127.0.0.1:{port} max_fails=1" in block
        assert block.count("backup;") == 2 and f"{port} backup" not in block
        assert f"{name} {name};" in config  # the pin map
        assert f'"~127\\.0\\.0\\.1:{port}$" {name};' in config  # which worker answered


def test_the_websocket_uploads_and_media_follow_the_pin(tmp_path):
    config = render(tmp_path)
    for location in ("/_stcore/stream", "/_stcore/upload_file", "/media/"):
        block = config.split(f"location {location} {{")[1].split("}")[0]
        assert "proxy_pass http://$pinned;" in block
    stream = config.split("location /_stcore/stream {")[1].split("}")[0]
    assert "Upgrade $http_upgrade" in stream and "Connection $connection_upgrade" in stream


def test_nginx_accepts_the_config(tmp_path):
    nginx = serve.find_nginx()
    assert nginx, "nginx is not installed: run `make nginx`"
    path = tmp_path / "nginx.conf"
    path.write_text(render(tmp_path))
    command = [nginx, "-t", "-p", str(tmp_path), "-c", str(path), "-e", str(tmp_path / "log")]
    check = subprocess.run(command, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_workers_start_as_make_run_starts_the_app():
    command = serve.worker_command(8601, python="python")
    assert command[:4] == ["python", "-m", "streamlit", "run"] and command[4] == "app.py"
    assert command[command.index("--server.port") + 1] == "8601"
    assert command[command.index("--server.address") + 1] == "127.0.0.1"


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [(["--workers", "0"], "--workers must be"), (["--workers", "two"], "--workers must be"),
     (["--port", "99999"], "--port must be"), (["--workers", "33"], "1 to 32")],
)  # fmt: skip
def test_bad_arguments_get_a_message(argv, phrase, capsys):
    with pytest.raises(SystemExit) as stopped:
        serve.parse_args(argv)
    assert stopped.value.code == 2
    assert phrase in capsys.readouterr().err
