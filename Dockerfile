# syntax=docker/dockerfile:1
# kube-herald: one image, one CLI (`kube-herald collector|notifier|replay|route test|…`).
#   docker build -t kube-herald:local --build-arg VERSION=$(git describe --always) --build-arg REVISION=$(git rev-parse HEAD) .
# Node is pinned to the version the project runs on (root package.json devDependency "node").
ARG NODE_VERSION=24.21.0

# ---- build: full install (dev tools), type-check and compile every workspace with tsc -b ----
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /src
ENV CI=true NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
COPY bin ./bin
COPY libs ./libs
COPY services ./services
RUN npm ci --no-audit --no-fund
# tsconfig.build.json: the services, the CLI and the libs they reference (the root tsconfig.json also
# builds bench/, which is not in the build context).
RUN npx tsc -b tsconfig.build.json
# Keep only what runs: package.json files and compiled JavaScript (no sources, tests or build info).
RUN set -eu; \
    for ws in libs/* services/*; do \
      rm -rf "$ws/src" "$ws/test" "$ws/dist/test" "$ws/node_modules"; \
      find "$ws" -name '*.tsbuildinfo' -delete; \
    done

# ---- runtime: production dependencies only, non-root, tini as PID 1 ----
FROM node:${NODE_VERSION}-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="kube-herald" \
      org.opencontainers.image.description="Kubernetes Event alerting for fleets of clusters: collector (Kubernetes Events to Kafka) and notifier (Kafka to DingTalk)" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"

# tini forwards SIGTERM to node and reaps zombies, so each service's graceful close runs on `docker stop`
# and on pod termination.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kube-herald \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin kube-herald

WORKDIR /app
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false \
    NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/libs ./libs
COPY --from=build /src/services ./services
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
RUN npm cache clean --force
RUN printf '#!/bin/sh\nexec node /app/bin/kube-herald.mjs "$@"\n' > /usr/local/bin/kube-herald \
    && chmod 0755 /usr/local/bin/kube-herald

USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/kube-herald"]
CMD ["--help"]
