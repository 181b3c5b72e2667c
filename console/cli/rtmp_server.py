"""A real RTMP server on 127.0.0.1 for `bench output` and the push tests: Debian's nginx with
libnginx-mod-rtmp (packaging/os-deps.sh installs both), run as a child process with its own
prefix directory and config, in the foreground (`daemon off`), on a free port.

Optional: every publish is recorded to `<prefix>/rec/*.flv` (what the server received, for exact
duration and keyframe checks), and an `on_publish` check against a set of accepted stream keys —
answered by the same nginx's HTTP side (403 for any other key), the way nginx-rtmp ingests
validate keys.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
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
        self.http_port = free_port() if accepted_keys is not None else None
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
        http = ""
        if self.accepted_keys is not None:
            extra += f"notify_method get; on_publish http://127.0.0.1:{self.http_port}/publish;\n"
            keys = " ".join(f'"{k}" 1;' for k in sorted(self.accepted_keys))
            http = f"""
http {{
    access_log off;
    map $arg_name $key_ok {{ default 0; {keys} }}
    server {{
        listen 127.0.0.1:{self.http_port};
        location /publish {{ if ($key_ok = 0) {{ return 403; }} return 200; }}
    }}
}}"""
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
            wait_key on;
            {extra}
        }}
    }}
}}
{http}
"""

    def start(self, timeout: float = 20.0) -> "RtmpServer":
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

    def __enter__(self) -> "RtmpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
