# syntax=docker/dockerfile:1
# PrepForge in containers (compose.yaml runs it: nginx, two web processes, a Celery worker and
# beat, PostgreSQL, Redis). Three stages: the locked dependencies, the application image, and
# nginx with the static files of the same build. Build: `docker compose build`.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- 1. dependencies, exactly as uv.lock pins them ----------------------------------------------
FROM ${PYTHON_IMAGE} AS deps
ENV UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# The uv the Makefile pins (UV_VERSION there).
RUN pip install "uv==0.13.9"
WORKDIR /app
COPY pyproject.toml uv.lock ./
# --locked: fails when uv.lock does not match pyproject.toml. The project itself is not
# installed (it runs from /app); no dev extra.
RUN uv sync --locked --no-install-project --python /usr/local/bin/python3.11

# --- 2. the application: web (granian), worker and beat run this image ------------------------
FROM ${PYTHON_IMAGE} AS app
# The judge's sandbox and the languages it offers (README "The judge"); add e.g.
# default-jdk-headless for Java. gcc also builds the judge's small helper on first use.
ARG JUDGE_PACKAGES="bubblewrap gcc g++ libc6-dev nodejs"
RUN apt-get update \
    && apt-get install -y --no-install-recommends ${JUDGE_PACKAGES} \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 prepforge \
    && useradd --system --uid 10001 --gid prepforge --home-dir /app --shell /usr/sbin/nologin prepforge
COPY --from=deps /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    PREPFORGE_VAR_DIR=/app/var MEDIA_ROOT=/data/media PRIVATE_MEDIA_ROOT=/data/private
WORKDIR /app
# The code belongs to root: the site cannot change itself; only var/ and /data are its own.
COPY . .
# Static files collected into the image (WhiteNoise's manifest; nginx gets a copy in stage 3).
# The settings need these values to load with DEBUG off; they are not kept.
RUN mkdir -p /app/var /data/media /data/private \
    && DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v 0 --ignore src \
    && chown -R prepforge:prepforge /app/var /data
USER prepforge
EXPOSE 8000
# Liveness: /health answers without touching the database. The Host header must be one the
# site allows (the first of ALLOWED_HOSTS).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].lstrip('.'); host = 'localhost' if host in ('', '*') else host; sys.exit(0 if r.urlopen(r.Request('http://127.0.0.1:8000/health', headers={'Host': host}), timeout=4).status == 200 else 1)"]
# The web process, as deploy/Procfile starts it (worker and beat override the command).
CMD ["granian", "--interface", "asginl", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "config.asgi:application"]

# --- 3. nginx in front, with deploy/nginx.conf.template and the static files ------------------
FROM nginx:1.27-bookworm AS nginx
COPY deploy/nginx.conf.template /etc/prepforge/nginx.conf.template
COPY --from=app /app/var/staticfiles /srv/static
# Fills only the template's own ${NAME}s (from the environment, see compose.yaml); nginx's
# $variables stay as they are.
CMD ["/bin/sh", "-c", "mkdir -p \"$RUN_DIR\" && envsubst '${RUN_DIR} ${MIME_TYPES} ${ACCESS_LOG} ${LISTEN} ${MAX_BODY} ${UPLOAD_BODY} ${MEDIA_PATHS} ${STATIC_ROOT} ${UPSTREAMS}' < /etc/prepforge/nginx.conf.template > \"$RUN_DIR/nginx.conf\" && exec nginx -c \"$RUN_DIR/nginx.conf\""]
