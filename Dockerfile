# Image of the Mini Market dashboard: gunicorn serving minimarket_dash.wsgi:server on :8080.
# Built and run where a Docker engine exists (not on the project's CI machines, see README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The app finds pages/ and assets/ next to its package (config.PROJECT_ROOT is the parent of
# minimarket_dash/), so the source tree lives in /app and is installed in editable mode:
# the imported package is /app/minimarket_dash and PROJECT_ROOT is /app.
WORKDIR /app

RUN groupadd --system --gid 10001 dashboard \
    && useradd --system --uid 10001 --gid dashboard --home-dir /app --shell /usr/sbin/nologin dashboard

COPY pyproject.toml README.md ./
COPY minimarket_dash ./minimarket_dash
COPY pages ./pages
COPY assets ./assets
COPY deploy/healthcheck.py ./deploy/healthcheck.py

# The build context has no .git (see .dockerignore), so setuptools-scm gets the version from
# this argument: the image tag (v1.2.0-rc1 -> 1.2.0rc1). /health and --version report it.
ARG VERSION=0.0.0
LABEL org.opencontainers.image.version=$VERSION
RUN SETUPTOOLS_SCM_PRETEND_VERSION="${VERSION#v}" pip install -e . \
    && mkdir -p /app/logs /app/data \
    && chown dashboard:dashboard /app/logs /app/data

ENV DASHBOARD_BIND=0.0.0.0:8080 \
    DASHBOARD_LOG_DIR=/app/logs

USER dashboard
EXPOSE 8080

# /health needs no key; the probe sends a Host from DASHBOARD_ALLOWED_HOSTS (see the script).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]

ENTRYPOINT ["gunicorn", "-c", "minimarket_dash/gunicorn_conf.py", "minimarket_dash.wsgi:server"]
