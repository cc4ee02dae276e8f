#!/usr/bin/env bash
# The production-style run on one machine (`make prod`): nginx on PROD_PORT in front of two web
# processes, a Celery worker and beat, on PostgreSQL and Redis. DEBUG is off, as in production.
# Plain HTTP here: put TLS in nginx (deploy/nginx.conf.template) before real users come.
set -euo pipefail
cd "$(dirname "$0")/.."
export PROD_PORT="${PROD_PORT:-8080}" WEB1_PORT="${WEB1_PORT:-8001}" WEB2_PORT="${WEB2_PORT:-8002}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prepforge}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export DEBUG=0 ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}" TRUSTED_PROXIES="${TRUSTED_PROXIES:-127.0.0.1/32,::1/128}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}" SECURE_COOKIES="${SECURE_COOKIES:-0}" SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
export CSRF_TRUSTED_ORIGINS="${CSRF_TRUSTED_ORIGINS:-http://127.0.0.1:$PROD_PORT,http://localhost:$PROD_PORT}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PROD_PORT}"
# This run's own files (nginx's configuration, pid and temp files, beat's schedule, the secret key)
# sit under the settings' var directory, so two runs with their own PREPFORGE_VAR_DIR never share one.
export PREPFORGE_PROD_DIR="${PREPFORGE_VAR_DIR:-$PWD/var}/prod"
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$PREPFORGE_PROD_DIR/metrics}"
mkdir -p "$PREPFORGE_PROD_DIR"
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s "$PREPFORGE_PROD_DIR/secret-key" ] || (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > "$PREPFORGE_PROD_DIR/secret-key")
  SECRET_KEY="$(cat "$PREPFORGE_PROD_DIR/secret-key")"
  export SECRET_KEY
fi
# A fresh metrics directory for the processes about to start (prometheus-client's multiprocess mode).
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
.venv/bin/python manage.py ensure_database
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput -v 0 --ignore src  # the bundles in dist/ are served, not their sources
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py seed_challenges
export PREPFORGE_NGINX_CONF="$PREPFORGE_PROD_DIR/nginx.conf"
.venv/bin/python manage.py render_nginx_conf "$PREPFORGE_NGINX_CONF" --listen "127.0.0.1:$PROD_PORT" \
  --upstream "127.0.0.1:$WEB1_PORT" --upstream "127.0.0.1:$WEB2_PORT" --run-dir "$PREPFORGE_PROD_DIR"
echo ""
echo "  PrepForge (production-style) on http://127.0.0.1:$PROD_PORT/  (nginx -> web :$WEB1_PORT and :$WEB2_PORT)"
echo ""
exec .venv/bin/honcho -f deploy/Procfile start
