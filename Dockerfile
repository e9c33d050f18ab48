# Image of the Mini Market dashboard: gunicorn serving minimarket_dash.wsgi:server on :8080.
# Built and run where a Docker engine exists (not on the project's CI machines, see README).
# tests/ops/test_deploy_files.py plays these steps without Docker and serves the result.

# --- build: the wheel, which carries pages/ and assets/ inside the package -------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY minimarket_dash ./minimarket_dash
COPY pages ./pages
COPY assets ./assets

# The build context has no .git (see .dockerignore), so setuptools-scm gets the version from
# this argument: the image tag (v1.2.0-rc1 -> 1.2.0rc1). /health and --version report it.
ARG VERSION=0.0.0
RUN SETUPTOOLS_SCM_PRETEND_VERSION="${VERSION#v}" pip wheel --no-deps --wheel-dir /dist .

# --- final: the locked dependencies, then the wheel; no source tree in /app ------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# /app holds only what the dashboard writes (logs/, data/) and the health probe; the app,
# its pages and assets live in site-packages (config.app_folder finds them there).
WORKDIR /app

RUN groupadd --system --gid 10001 dashboard \
    && useradd --system --uid 10001 --gid dashboard --home-dir /app --shell /usr/sbin/nologin dashboard

# The exact versions the tests passed with (bash scripts/lock.sh rewrites the lock).
COPY requirements/app.lock /tmp/app.lock
RUN pip install --require-hashes -r /tmp/app.lock && rm /tmp/app.lock

COPY --from=build /dist /tmp/dist
RUN pip install --no-deps /tmp/dist/minimarket_dash-*.whl && rm -r /tmp/dist \
    && mkdir -p /app/logs /app/data \
    && chown dashboard:dashboard /app/logs /app/data

COPY deploy/healthcheck.py ./deploy/healthcheck.py

ARG VERSION=0.0.0
LABEL org.opencontainers.image.version=$VERSION

ENV DASHBOARD_BIND=0.0.0.0:8080 \
    DASHBOARD_LOG_DIR=/app/logs

USER dashboard
EXPOSE 8080

# /health needs no key; the probe sends a Host from DASHBOARD_ALLOWED_HOSTS (see the script).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]

# The gunicorn settings come from the installed package (there is no checkout to point at);
# read once at start: Compose recreates the container to apply new settings (RUNBOOK).
ENTRYPOINT ["gunicorn", "-c", "python:minimarket_dash.gunicorn_conf", "minimarket_dash.wsgi:server"]
