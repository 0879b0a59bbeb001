# review-service: the API and scheduler in one image.
# Build: docker build -t review-service .
# Run:   docker run -p 8000:8000 -v "$PWD/data:/data" review-service        (SQLite in /data)
#   or:  docker run -p 8000:8000 -e REVIEW_SERVICE_DATABASE_URL=postgresql+psycopg://... review-service
# Behind a reverse proxy, trust its X-Forwarded-* headers by naming it:
#        -e REVIEW_SERVICE_FORWARDED_ALLOW_IPS=10.0.0.5   (default 127.0.0.1; empty trusts none)

# Build the wheel (migrations ship inside it) in a stage of its own.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY src ./src
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REVIEW_SERVICE_HOST=0.0.0.0 \
    REVIEW_SERVICE_PORT=8000 \
    REVIEW_SERVICE_DATABASE_URL=sqlite:////data/review-service.db \
    REVIEW_SERVICE_FORWARDED_ALLOW_IPS=127.0.0.1

COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /data --no-create-home reviewservice \
    && mkdir -p /data && chown reviewservice /data

# A bind-mounted /data replaces the directory and its owner: the host directory must be
# writable by uid 10001 (e.g. `chown 10001 data`), or run with `--user "$(id -u)"`.
USER 10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
# /ready: the database answers and its schema is current (/health only says the process lives).
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ready')"
# Migrations are idempotent: bring the schema up to date, then serve.
CMD ["sh", "-c", "review-service migrate && exec review-service serve"]
