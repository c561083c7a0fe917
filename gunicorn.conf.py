"""gunicorn's settings for factcheck (docs/deploy.md): ``gunicorn -c gunicorn.conf.py``.

Every value can be changed from the environment (GUNICORN_*), so that one file serves every
host. gunicorn sits behind a reverse proxy (nginx, Caddy, a load balancer) that ends TLS, limits
the request body (docs/uploads.md) and buffers slow clients.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
wsgi_app = "factcheck.wsgi:application"
# Threads let a worker process answer other clicks while one waits on the database; the desk's
# requests are short (ms), but a draft import from a link waits on the network (10 s at most).
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
threads = _int("GUNICORN_THREADS", 4)
# Longer than the slowest request we allow (a link import: DRAFT_FETCH_TIMEOUT_SECONDS, 10 s;
# a large upload's analysis runs in the worker), shorter than a client gives up.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A worker process is replaced after this many requests (with jitter, so not all at once):
# whatever a library leaks is given back.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Which proxies' X-Forwarded-* headers gunicorn believes: only the proxy's own address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request line and header limits as gunicorn's defaults; the body is limited by the proxy and
# Django (DATA_UPLOAD_MAX_MEMORY_SIZE, DRAFT_MAX_BYTES).
limit_request_line = 8190
limit_request_fields = 100
# Logs to standard error; the access log is the proxy's, with the same X-Request-ID.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# The workers' heartbeat files in memory: on a slow or container disk a heartbeat write can
# stall long enough for the arbiter to kill a healthy worker (gunicorn's FAQ).
SHM = "/dev/shm"  # noqa: S108 - a folder gunicorn writes its own heartbeat files into
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (SHM if os.path.isdir(SHM) else None)
