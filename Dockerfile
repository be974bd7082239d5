# dossier: build and test in one stage, run from a slim image.
#
#   docker build -t dossier .
#   docker run -p 8080:8080 -v dossier-data:/data dossier
#
# The first start creates /data/dossier.db from the sample corpus. Configure
# with DOSSIER_<SECTION>_<KEY> variables, a file (--config), or flags.

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential meson ninja-build pkg-config python3 \
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libinih-dev zlib1g-dev \
      iso-codes wamerican tzdata \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN rm -rf build* \
 && meson setup build --buildtype=release \
 && ninja -C build \
 && meson test -C build --print-errorlogs --no-suite browser \
 && DESTDIR=/out meson install -C build --no-rebuild \
 && mkdir -p /out/usr/share/dossier \
 && cp -r static /out/usr/share/dossier/static \
 && rm -f /out/usr/share/dossier/static/meson.build \
 && cp config.example.ini /out/usr/share/dossier/

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libmicrohttpd12 libjansson4 libsqlite3-0 libinih1 zlib1g curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin dossier \
 && mkdir -p /data && chown dossier:dossier /data
COPY --from=build /out/ /
ENV DOSSIER_SERVER_LISTEN=0.0.0.0:8080 \
    DOSSIER_SERVER_STATIC_DIR=/usr/share/dossier/static
USER dossier
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080${DOSSIER_SERVER_BASE_PATH:-}/api/v1/health >/dev/null || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/dossier"]
CMD ["serve"]
