# The mock as a service: `docker build -t basic-admin-mock .` (docs/docker.md; scripts/docker-check.mjs proves it).
# Node 26 is the Active LTS line (since October 2026, maintained until April 2029, a year past 24); better-sqlite3 12
# supports it (engines 20.x to 26.x) and .ci/run passes the whole suite on it as well as on Node 20.

# Build: every dependency, for tsc only. No install scripts: nothing here needs better-sqlite3's native addon.
FROM node:26-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.mjs ./scripts/
COPY src ./src
RUN npm run build

# Production dependencies, installed once, with the toolchain the addon needs (prebuilt binary or compiled here).
# The root's prepare script (tsc) is skipped, then only better-sqlite3's install runs. Its compile intermediates
# and SQLite's sources go (26 MB): at run time it loads build/Release/better_sqlite3.node alone.
FROM node:26-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . && rm -rf build deps src \
 && mkdir -p build/Release && mv better_sqlite3.node build/Release/

# Runtime: the same Debian and Node as the addon was built for, no compiler, no npm cache, no dev dependency.
FROM node:26-bookworm-slim
# tini as PID 1 hands docker stop's SIGTERM to Node (a graceful shutdown) and reaps zombies.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown node:node /data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3003 DATABASE_PATH=/data/basic-admin.db
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY migrations ./migrations
COPY openapi ./openapi
COPY --from=build /app/dist/src ./dist/src
# A fresh named volume starts as a copy of /data, owned by node, so the server can write it.
VOLUME /data
USER node
EXPOSE 3003
# Every 5 s: healthy about 5 s after start (Docker 20.10 has no --start-interval); one short node process each time.
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/cli.js", "serve"]

# Last, so that a new version rebuilds no layer. The release workflow passes the tag's version; the check, package.json's.
ARG VERSION=dev
LABEL org.opencontainers.image.title="basic-admin-mock" \
      org.opencontainers.image.description="A stateful reference server for the project-keys part of the Basic Admin API" \
      org.opencontainers.image.source="https://github.com/basic-admin-mock/basic-admin-mock" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="$VERSION"
