# SNT Portal image: the web app (gunicorn), the Celery worker and beat all run from it.
# docker-compose.yml describes the stack; these machines have no Docker engine, so CI checks
# the compose file with `docker compose config` and runs the same services directly.

# --- front-end assets: govuk-frontend from npm, the portal's Sass compiled to CSS --------------
FROM node:22-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/ static/
RUN npm run build

# --- the application -----------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    PATH="/app/.venv/bin:$PATH"

RUN pip install --no-cache-dir "uv==0.13.9" \
    && useradd --system --create-home --home-dir /home/app --uid 10001 app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# Only govuk-frontend is needed at run time (staticfiles reads its dist/ folder).
COPY --from=assets /app/node_modules/govuk-frontend node_modules/govuk-frontend
COPY --from=assets /app/static/build static/build

# collectstatic needs settings to load: a throwaway key, never used at run time.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput -v 0

USER app
EXPOSE 8000
CMD ["gunicorn", "snt_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
