"""gunicorn settings for Tawasul: `gunicorn -c deploy/gunicorn.conf.py tawasul.wsgi`.

Every value can be changed from the environment (the systemd unit reads it from
/etc/tawasul/env). Static files are served by whitenoise from the same processes, so no
separate static server is needed.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "tawasul.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn's own convention; the default suits a machine that only serves Tawasul.
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak in any library cannot grow without end.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# The reverse proxy in front (nginx, a load balancer) sets X-Forwarded-Proto; trust it only
# from the addresses listed here (the Django side is TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Paths only: query strings and referrers can carry search terms, names or tokens, which have
# no place in an access log. %(U)s is the path without the query string. The request id lets
# a line be matched with its audit entries.
access_log_format = (
    '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}o)s'
)

# systemd already supervises the process (reload with `systemctl reload`, i.e. SIGHUP); the
# control socket would only be one more file to secure.
control_socket_disable = True
