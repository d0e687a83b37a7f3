# The production image, in two stages: Node builds the GOV.UK Frontend assets, and only the result is
# copied into a runtime image that holds Python's runtime packages (requirements.lock: no pytest,
# Playwright, ruff, mypy, Faker or pypdf, which the dev lock holds), WeasyPrint's system libraries, and
# the app, run as a non-root user. gunicorn serves the app and WhiteNoise its static files.
# `make image-check` builds it and checks all of that. No `# syntax=` line: the builder's own Dockerfile
# frontend is enough, and BuildKit would otherwise fetch one from Docker Hub.

# The base images are build arguments so that a machine that cannot reach Docker Hub can build from
# local ones (tools/local-base-images.sh); the defaults are the images this service ships on.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS assets
WORKDIR /build
COPY package.json package-lock.json ./
# Runtime packages only: axe-core (a devDependency) is for the browser tests.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint's libraries (Pango), the reports' typeface, and HarfBuzz's subsetter (faster reports).
RUN apt-get update \
    && apt-get install --no-install-recommends -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 --user-group casework
WORKDIR /app
COPY requirements.lock ./
# Runtime pins only, each with its hashes: pip refuses any file that does not match (make lock).
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY --from=assets /build/node_modules/govuk-frontend /app/node_modules/govuk-frontend
COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var \
    && chown -R casework:casework /app/var
USER casework
EXPOSE 8000
# Bind, workers and the access log: gunicorn.conf.py, read from this folder.
CMD ["gunicorn", "intervention.wsgi:application"]
