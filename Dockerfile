# review-service: the API and scheduler in one image.
# Build: docker build -t review-service .
# Run:   docker run -p 8000:8000 -e REVIEW_SERVICE_DATABASE_URL=postgresql+psycopg://... review-service
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REVIEW_SERVICE_HOST=0.0.0.0 \
    REVIEW_SERVICE_PORT=8000 \
    REVIEW_SERVICE_DATABASE_URL=sqlite:////data/review-service.db \
    REVIEW_SERVICE_MIGRATIONS_DIR=/app/migrations

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app reviewservice \
    && mkdir -p /data && chown reviewservice /data

USER reviewservice
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
# Migrations are idempotent: bring the schema up to date, then serve.
CMD ["sh", "-c", "review-service migrate && exec review-service serve"]
