"""The production nginx configuration for the app's processes, rendered for loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from harness.deploy_paths import with_checkout_paths
from harness.processes import (
    REPO_ROOT,
    free_port,
    free_port_pair,
    stop_process_group,
    wait_for_http,
)

NGINX = "/usr/sbin/nginx"
NGINX_APP_CONF = REPO_ROOT / "deploy" / "nginx-app.conf"
RUN_PROCESSES = REPO_ROOT / "deploy" / "run-processes.sh"


def render_nginx_conf(ports: list[int], listen: int, conf: Path = NGINX_APP_CONF) -> str:
    """``conf`` (deploy/nginx-app.conf) with its upstream servers and listen port
    replaced, and its files read from this checkout (:func:`with_checkout_paths`)."""
    text = with_checkout_paths(conf.read_text())
    servers = re.findall(r"^    server 127\.0\.0\.1:\d+;\n", text, flags=re.M)
    if len(servers) < 2:
        raise ValueError("the upstream should list one server line per process")
    block = "".join(servers)
    if block not in text:
        raise ValueError("the upstream's server lines should be consecutive")
    text = text.replace(block, "".join(f"    server 127.0.0.1:{p};\n" for p in ports))
    text, listens = re.subn(
        r"^    listen 80;$", f"    listen 127.0.0.1:{listen};", text, flags=re.M
    )
    if listens != 1:
        raise ValueError("the server should listen on port 80 once")
    return text


def start_processes(
    count: int, env: dict[str, str], app_dir: Path | None = None
) -> tuple[subprocess.Popen, list[str]]:
    """``deploy/run-processes.sh`` with ``count`` processes on free ports and ``env`` added
    (DATABASE_URL, CATALOGUE_PHOTOS…), from ``app_dir`` (default: this checkout; a benchmark
    may run an export of another commit); returns the process group and the processes' base
    URLs once each answers its health check."""
    root = app_dir or REPO_ROOT
    first = free_port_pair() if count <= 2 else free_port()
    full_env = dict(os.environ, PYTHON=sys.executable, **env)
    if "DATABASE_URL" in env:
        full_env.pop("CATALOGUE_DB", None)
    proc = subprocess.Popen(
        ["bash", str(root / RUN_PROCESSES.relative_to(REPO_ROOT)), str(count), str(first)],
        cwd=root, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    bases = [f"http://127.0.0.1:{first + i}" for i in range(count)]
    try:
        for base in bases:
            wait_for_http(f"{base}/_stcore/health", proc, "run-processes.sh", 180)
    except RuntimeError:
        stop_process_group(proc)
        raise
    return proc, bases


def start_nginx(
    prefix: Path,
    ports: list[int],
    http_extra: str = "access_log off;",
    conf: Path = NGINX_APP_CONF,
) -> tuple[subprocess.Popen, str]:
    """Debian's nginx on a free loopback port running ``conf`` (deploy/nginx-app.conf,
    or an earlier commit's copy for a benchmark) in front of the app processes on ``ports``,
    in an ``http`` block with ``http_extra`` (logging); its files under ``prefix``. Returns
    the process and its base URL once the app's health check answers through it."""
    port = free_port()
    # The upstream block lists at least two servers; one process is listed twice.
    upstream = ports if len(ports) > 1 else ports * 2
    (prefix / "app.conf").write_text(render_nginx_conf(upstream, port, conf))
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log;\nevents {{ worker_connections 4096; }}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n"
        f"    default_type application/octet-stream;\n    {http_extra}\n{temp}\n"
        f"    include {prefix}/app.conf;\n}}\n"
    )
    proc = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
         "-e", str(prefix / "error.log")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/_stcore/health", proc, "nginx", seconds=30)
    except RuntimeError:
        stop_process_group(proc)
        raise
    return proc, base
