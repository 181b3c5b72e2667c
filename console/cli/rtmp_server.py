"""A real RTMP server on 127.0.0.1 for `bench output` and the push tests: Debian's nginx with
libnginx-mod-rtmp (packaging/os-deps.sh installs both), run as a child process with its own
prefix directory and config, in the foreground (`daemon off`), on a free port.

Optional: every publish is recorded to `<prefix>/rec/*.flv` (what the server received, for exact
duration and keyframe checks), and an `on_publish` check against a set of accepted stream keys —
answered by a tiny HTTP server in this process, the way real nginx-rtmp ingests validate keys.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

MODULE_PATHS = ("/usr/lib/nginx/modules/ngx_rtmp_module.so", "/usr/local/lib/nginx/modules/ngx_rtmp_module.so")


class RtmpServerUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _module() -> str | None:
    return next((p for p in MODULE_PATHS if Path(p).exists()), None)


def available() -> str | None:
    """None when nginx and its RTMP module are installed, else what is missing."""
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        return "nginx is not installed (packaging/os-deps.sh installs nginx-light and libnginx-mod-rtmp)"
    if _module() is None:
        return "the nginx RTMP module is not installed (apt-get install libnginx-mod-rtmp)"
    return None


class _KeyCheck(http.server.BaseHTTPRequestHandler):
    accepted: set[str] = set()

    def do_POST(self) -> None:  # noqa: N802 — http.server API
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        name = urllib.parse.parse_qs(body).get("name", [""])[0]
        self.send_response(200 if name in self.accepted else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class RtmpServer:
    def __init__(self, prefix: Path, *, port: int | None = None, record: bool = False,
                 accepted_keys: set[str] | None = None) -> None:
        missing = available()
        if missing:
            raise RtmpServerUnavailable(missing)
        self.prefix = Path(prefix)
        self.port = port or free_port()
        self.record = record
        self.accepted_keys = accepted_keys
        self._proc: subprocess.Popen | None = None
        self._http: http.server.HTTPServer | None = None
        (self.prefix / "logs").mkdir(parents=True, exist_ok=True)
        (self.prefix / "rec").mkdir(exist_ok=True)

    def url(self, key: str, app: str = "live") -> str:
        return f"rtmp://127.0.0.1:{self.port}/{app}/{key}"

    @property
    def recordings(self) -> list[Path]:
        return sorted((self.prefix / "rec").glob("*.flv"), key=lambda p: p.stat().st_mtime)

    def _config(self) -> str:
        extra = ""
        if self.record:
            extra += f"record all; record_path {self.prefix / 'rec'}; record_unique on;\n"
        if self._http is not None:
            extra += f"on_publish http://127.0.0.1:{self._http.server_address[1]}/publish;\n"
        return f"""
daemon off;
master_process on;
worker_processes 1;
user root;
pid {self.prefix / 'logs' / 'nginx.pid'};
error_log {self.prefix / 'logs' / 'error.log'} info;
load_module {_module()};
events {{ worker_connections 64; }}
rtmp {{
    server {{
        listen 127.0.0.1:{self.port};
        chunk_size 4096;
        application live {{
            live on;
            {extra}
        }}
    }}
}}
"""

    def start(self, timeout: float = 20.0) -> "RtmpServer":
        if self.accepted_keys is not None and self._http is None:
            handler = type("KeyCheck", (_KeyCheck,), {"accepted": self.accepted_keys})
            self._http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=self._http.serve_forever, daemon=True).start()
        conf = self.prefix / "nginx.conf"
        conf.write_text(self._config())
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self._proc = subprocess.Popen([nginx, "-p", str(self.prefix), "-e", str(self.prefix / "logs" / "error.log"),
                                       "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RtmpServerUnavailable(f"nginx exited: {self._proc.stderr.read().decode(errors='replace')[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RtmpServerUnavailable(f"nginx did not listen on 127.0.0.1:{self.port} within {timeout:.0f} s")

    def stop(self, timeout: float = 10.0) -> None:
        """Quit nginx (its workers too): a 'server down' for whoever is connected."""
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout)
        self._proc = None
        # A worker can outlive the master by a moment; wait until the port is really free.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    time.sleep(0.05)
            except OSError:
                break

    def close(self) -> None:
        self.stop()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None

    def __enter__(self) -> "RtmpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
