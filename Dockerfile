# syntax=docker/dockerfile:1
# chirp's images, one target per binary, all from Debian 12:
#
#   docker build --target chirp-userd -t chirp-userd .
#
# chirp-userd, chirp-tweetd, chirp-notifyd, chirp-discoveryd and
# chirp-gateway. The build stage runs the project's Makefile; each image
# then holds its one binary, the runtime libraries that binary links and
# its data (migrations, the API document), and runs as user chirp (uid
# 10001) with a health check on GET /status. docker-compose.yml builds
# them all. DEBIAN_IMAGE names the base: a local Debian 12 image where no
# registry can be reached (deploy/compose.local.yml, tests/compose/run.sh).
ARG DEBIAN_IMAGE=debian:12-slim

FROM ${DEBIAN_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
	build-essential pkg-config libpq-dev libwebsockets-dev \
	libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libsodium-dev \
	libncurses-dev libhttp-parser-dev libnats-dev python3-flasgger && \
	rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the five server programs; the clients are not in any image. The
# migrations are copied with their links followed (cp -L): a migration
# shared by the databases is one file and links, and each image has only
# its own folder.
RUN make -j"$(nproc)" BUILD=build WERROR=1 build/bin/chirp-userd \
	build/bin/chirp-tweetd build/bin/chirp-notifyd \
	build/bin/chirp-discoveryd build/bin/chirp-gateway && \
	install -d /out/bin /out/share/chirp && \
	install -m 755 build/bin/chirp-* /out/bin/ && \
	cp -rL sql /out/share/chirp/sql && \
	cp docs/openapi.json docs/docs.html /out/share/chirp/ && \
	install -d /out/share/chirp/swagger-ui && \
	cp /usr/lib/python3/dist-packages/flasgger/ui3/static/swagger-ui-bundle.js \
	    /usr/lib/python3/dist-packages/flasgger/ui3/static/swagger-ui.css \
	    /out/share/chirp/swagger-ui/

# What every image shares: the user, and no state in the image. A
# process's relative defaults (.chirp/...) land in its home, but a
# deployment names every secret file (CHIRP_*_SECRET_FILE).
FROM ${DEBIAN_IMAGE} AS runtime
RUN useradd --system --uid 10001 --user-group --create-home \
	--home-dir /var/lib/chirp --shell /usr/sbin/nologin chirp
WORKDIR /var/lib/chirp
# GET /status over bash's /dev/tcp, so that no HTTP client is installed:
# healthy on 200, not on 503 ("degraded") or no answer.
RUN printf '%s\n' '#!/bin/bash' \
	'# chirp-health PORT: GET /status answers 200' \
	'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1' \
	'printf "GET /status HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3' \
	'read -r -t 5 proto status rest <&3 && [ "$status" = 200 ]' \
	>/usr/local/bin/chirp-health && chmod 755 /usr/local/bin/chirp-health
ENV CHIRP_BIND=0.0.0.0

# The services and discovery: libpq, libmicrohttpd, jansson, libsodium,
# the NATS client and http-parser (what `objdump -p` lists as NEEDED).
FROM runtime AS service
RUN apt-get update && apt-get install -y --no-install-recommends \
	libpq5 libmicrohttpd12 libjansson4 libsodium23 libnats3.4 \
	libhttp-parser2.9 && \
	rm -rf /var/lib/apt/lists/*

FROM service AS chirp-userd
COPY --from=build /out/bin/chirp-userd /usr/local/bin/
COPY --from=build /out/share/chirp/sql/user /usr/local/share/chirp/sql/user
ENV CHIRP_SQL_DIR=/usr/local/share/chirp/sql/user
USER chirp
EXPOSE 8000
HEALTHCHECK --interval=5s --timeout=6s --start-period=30s --retries=3 \
	CMD chirp-health "${CHIRP_USERD_PORT:-${CHIRP_PORT:-8000}}"
CMD ["chirp-userd"]

FROM service AS chirp-tweetd
COPY --from=build /out/bin/chirp-tweetd /usr/local/bin/
COPY --from=build /out/share/chirp/sql/tweet /usr/local/share/chirp/sql/tweet
ENV CHIRP_SQL_DIR=/usr/local/share/chirp/sql/tweet
USER chirp
EXPOSE 8010
HEALTHCHECK --interval=5s --timeout=6s --start-period=30s --retries=3 \
	CMD chirp-health "${CHIRP_TWEETD_PORT:-${CHIRP_PORT:-8010}}"
CMD ["chirp-tweetd"]

FROM service AS chirp-notifyd
COPY --from=build /out/bin/chirp-notifyd /usr/local/bin/
COPY --from=build /out/share/chirp/sql/notify /usr/local/share/chirp/sql/notify
ENV CHIRP_SQL_DIR=/usr/local/share/chirp/sql/notify
USER chirp
EXPOSE 8020
HEALTHCHECK --interval=5s --timeout=6s --start-period=30s --retries=3 \
	CMD chirp-health "${CHIRP_NOTIFYD_PORT:-${CHIRP_PORT:-8020}}"
CMD ["chirp-notifyd"]

FROM service AS chirp-discoveryd
COPY --from=build /out/bin/chirp-discoveryd /usr/local/bin/
USER chirp
EXPOSE 8040
HEALTHCHECK --interval=5s --timeout=6s --start-period=10s --retries=3 \
	CMD chirp-health "${CHIRP_DISCOVERYD_PORT:-${CHIRP_PORT:-8040}}"
CMD ["chirp-discoveryd"]

# The gateway: libwebsockets and its libev loop (event_loop's default)
# instead of libmicrohttpd.
FROM runtime AS chirp-gateway
RUN apt-get update && apt-get install -y --no-install-recommends \
	libpq5 libwebsockets17 libwebsockets-evlib-ev libmicrohttpd12 \
	libjansson4 libsodium23 libnats3.4 libhttp-parser2.9 && \
	rm -rf /var/lib/apt/lists/*
COPY --from=build /out/bin/chirp-gateway /usr/local/bin/
COPY --from=build /out/share/chirp/openapi.json /out/share/chirp/docs.html \
	/usr/local/share/chirp/
# /docs renders with Swagger UI's two files, from Debian's python3-flasgger
# in the build stage (the image itself has no Python).
COPY --from=build /out/share/chirp/swagger-ui /usr/local/share/chirp/swagger-ui
ENV CHIRP_OPENAPI_FILE=/usr/local/share/chirp/openapi.json \
	CHIRP_DOCS_FILE=/usr/local/share/chirp/docs.html \
	CHIRP_SWAGGER_UI_DIR=/usr/local/share/chirp/swagger-ui
USER chirp
EXPOSE 8030
HEALTHCHECK --interval=5s --timeout=6s --start-period=30s --retries=3 \
	CMD chirp-health "${CHIRP_GATEWAY_PORT:-${CHIRP_PORT:-8030}}"
CMD ["chirp-gateway"]
