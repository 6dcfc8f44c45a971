"""gunicorn settings for `make serve` (gunicorn -c fengtai_assess/gunicorn.py fengtai_assess.wsgi).

Everything an operator tunes comes from the environment: HOST and PORT (bind), GUNICORN_WORKERS
(default 2 × cores + 1), GUNICORN_TIMEOUT (seconds a request may take, default 300).
"""

import multiprocessing
import os

wsgi_app = "fengtai_assess.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count() + 1)

# Sync workers: one request per process, so a slow upload never starves another request of
# its database connection. A sync worker is killed when one request outlasts `timeout`; a
# submission may carry 200 MB of evidence, which over a 10 Mbit/s office line takes nearly
# three minutes to arrive (nginx in front buffers the body and hands it over at loopback speed).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# Request line and headers stay at gunicorn's safe limits; the body's limits are the app's
# (EVIDENCE_MAX_FILE_MB, EVIDENCE_MAX_SUBMISSION_MB), enforced while it streams to disk.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
# The address nginx passes on is trusted only from nginx itself on the same machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), which two
# instances on one machine would fight over; nothing here uses it.
control_socket_disable = True
