# copydesk in one image: the web UI (`copydesk serve`) and the tracker (`copydesk run`) run from
# it as two containers sharing the database on the /data volume. See README, "Container".
FROM python:3.11-slim-bookworm

# Debian's Chromium renders `[sources.NAME] render = true` pages (Playwright drives it; no
# browser is downloaded). curl is not needed: the health check uses Python.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir '.[postgres,parquet,render]' \
    && useradd --create-home --uid 10001 copydesk \
    && mkdir /data && chown copydesk /data

USER copydesk
# The working folder holds the database and (optionally) copydesk.toml: both live on the volume.
WORKDIR /data
VOLUME /data
ENV COPYDESK_DB=sqlite:////data/copydesk.db \
    PYTHONUNBUFFERED=1
EXPOSE 8000

ENTRYPOINT ["copydesk"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
