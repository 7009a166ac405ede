"""The production nginx configuration for several app processes, rendered for loopback."""

from __future__ import annotations

import re

from harness.processes import REPO_ROOT

NGINX = "/usr/sbin/nginx"
NGINX_APP_MULTI_CONF = REPO_ROOT / "deploy" / "nginx-app-multi.conf"
RUN_PROCESSES = REPO_ROOT / "deploy" / "run-processes.sh"


def render_nginx_conf(ports: list[int], listen: int) -> str:
    """deploy/nginx-app-multi.conf with its upstream servers and listen port replaced."""
    text = NGINX_APP_MULTI_CONF.read_text()
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
