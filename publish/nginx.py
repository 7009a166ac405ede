"""Serve a built site through Debian's nginx with the shipped ``deploy/nginx-site.conf``
on a loopback port: for the tests, the benchmark and a local preview.

The server block is the deployment file itself, with only ``listen``, ``server_name`` and
``root`` replaced; nginx runs in the foreground under a temporary ``-p`` prefix.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = "/usr/sbin/nginx"
SITE_CONF = Path(__file__).resolve().parents[1] / "deploy" / "nginx-site.conf"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_block(site_dir: Path, port: int) -> str:
    """``deploy/nginx-site.conf`` listening on 127.0.0.1:``port`` with ``root site_dir``."""
    conf = SITE_CONF.read_text(encoding="utf-8")
    conf = re.sub(r"^\s*listen \[::\]:80;\n", "", conf, flags=re.M)
    conf = re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", conf, flags=re.M)
    conf = re.sub(r"^(\s*)server_name [^;]+;", r"\1server_name localhost;", conf, flags=re.M)
    conf = re.sub(r"^(\s*)root [^;]+;", rf"\1root {site_dir};", conf, flags=re.M)
    return conf


def main_config(prefix: Path, site_dir: Path, port: int, workers: int = 1) -> str:
    """A whole nginx.conf under ``prefix`` that includes :func:`server_block`."""
    (prefix / "site.conf").write_text(server_block(site_dir, port), encoding="utf-8")
    temp = {name: prefix / "tmp" / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes {workers};\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log warn;\n"
        "events { worker_connections 2048; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        "  access_log off;\n  sendfile on;\n  keepalive_timeout 30;\n"
        f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n"
        f"  scgi_temp_path {temp['scgi']};\n  include {prefix}/site.conf;\n}}\n"
    )


@contextmanager
def serve(
    site_dir: str | os.PathLike,
    prefix: str | os.PathLike,
    workers: int = 1,
    port: int | None = None,
) -> Iterator[str]:
    """Run nginx for ``site_dir`` (prefix dir ``prefix``) on ``port`` (default a free one);
    yields ``http://127.0.0.1:PORT``."""
    if not Path(NGINX).exists():
        raise FileNotFoundError(f"{NGINX} is missing: apt-get install nginx")
    prefix = Path(prefix)
    prefix.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, Path(site_dir).absolute(), port, workers), encoding="utf-8")
    proc = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"nginx exited with {proc.returncode}: {out}{log}")
            try:
                urllib.request.urlopen(f"{url}/robots.txt", timeout=1).read()  # noqa: S310 - http
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not answer within 20 s") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
