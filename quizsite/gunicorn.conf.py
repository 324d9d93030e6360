"""gunicorn settings for production: `gunicorn -c quizsite/gunicorn.conf.py quizsite.wsgi`.

Each value reads the environment so that several servers can run side by
side (the load test starts two on different ports). Workers (one process
per core) and threads (4 each, overlapping the waits on PostgreSQL) were
chosen by measurement: README, "Production and scale-out".
"""

import multiprocessing
import os

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Importing Django once in the master, before forking, halves start-up time and
# shares memory. Nothing opens a database or Redis connection at import.
preload_app = True

# A request that takes 30 s is stuck; the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Connections from a load balancer are reused.
keepalive = 5
# Recycle workers now and then, against slow leaks, staggered so that not all
# restart at once.
max_requests = 5000
max_requests_jitter = 500

# Request size limits at the server, before Django reads a byte: the request
# line and headers. Bodies are capped by Django's DATA_UPLOAD_MAX_MEMORY_SIZE
# (settings) and, in front, by the proxy (client_max_body_size in nginx).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Logs to stderr, for the platform to collect. The access log is off by
# default (the proxy in front logs requests); ACCESS_LOG=1 turns it on.
errorlog = "-"
accesslog = "-" if os.environ.get("ACCESS_LOG") == "1" else None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a proxy on the same host or network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
