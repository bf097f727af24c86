# hedgebot: keeps spot holdings hedged with short perpetual futures.
#
#   docker build -t hedgebot .
#   docker run --read-only --tmpfs /tmp -v hedgebot-data:/data \
#     -v "$PWD/config:/config:ro" --env-file .env hedgebot
#
# The install steps live in deploy/install.sh, which CI (.ci/lint-deploy.sh) runs in a fresh
# virtualenv, so what the image runs is what CI proved.

FROM python:3.11-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY deploy/install.sh ./deploy/install.sh
RUN sh deploy/install.sh /src /opt/hedgebot/venv /wheels

FROM python:3.11-slim-bookworm
LABEL org.opencontainers.image.title="hedgebot" \
      org.opencontainers.image.description="Keeps spot crypto holdings hedged with short perpetual futures" \
      org.opencontainers.image.licenses="MIT"
# HOME=/tmp: anything that insists on writing a dot-file lands on the tmpfs, so the image
# runs with a read-only root filesystem (only /data and /tmp are written).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    PATH=/opt/hedgebot/venv/bin:$PATH
RUN groupadd --system --gid 10001 hedgebot \
 && useradd --system --uid 10001 --gid hedgebot --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin hedgebot \
 && install -d -o hedgebot -g hedgebot -m 0750 /data
COPY --from=builder /opt/hedgebot/venv /opt/hedgebot/venv
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080
# slim has no curl; the API's /healthz answers 503 (urlopen raises) when cycles are stale.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["hedgebot"]
CMD ["run", "-c", "/config/hedgebot.yaml"]
