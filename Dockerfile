# debate-bot in a container: `debate-bot run` serves every platform whose credentials are set.
#   docker build -t debate-bot .
#   docker run --env-file .env -v debate-data:/app/data -p 3000:3000 -p 8080:8080 debate-bot
# compose.yaml runs it beside PostgreSQL; docs/deploy.md has the rest.
FROM python:3.11-slim

# MPLCONFIGDIR: matplotlib keeps its font cache there, the home folder not being the bot's to
# write. HEALTH_PORT: /healthz and /metrics for the HEALTHCHECK below, with or without Slack's
# HTTP port.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    HEALTH_PORT=8080

WORKDIR /app

# Every dependency ships as a wheel for this image (numpy, scikit-learn, lxml, asyncpg), so no
# compiler is needed. The slack and discord extras bring prometheus-client for /metrics.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
RUN pip install ".[discord,slack,postgres]" \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin debate \
    && mkdir /app/data \
    && chown debate:debate /app/data

USER debate

# The default database, sqlite+aiosqlite:///data/debate.db, is /app/data/debate.db: keep it on a
# volume. With PostgreSQL (DATABASE_URL), nothing is written here.
VOLUME ["/app/data"]

# 3000: Slack's request URL in HTTP mode (SLACK_PORT); 8080: /healthz and /metrics.
EXPOSE 3000 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"HEALTH_PORT\"]}/healthz', timeout=4)"]

# SIGTERM (docker stop) stops it cleanly: no new requests, votes under way committed and answered.
ENTRYPOINT ["debate-bot"]
CMD ["run"]
