# syntax=docker/dockerfile:1
# scripts/docker-recipe.mjs replays this file without Docker (in .ci/run): an instruction it does not know fails it.

# Builder: python3, make and g++ for better-sqlite3's native addon, dev dependencies for tsc.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY openapi ./openapi
# npm ci compiles the addon and runs the prepare script (tsc, src/ to dist/); then only production dependencies stay.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund
# Becomes /data below: a volume mounted there starts with this folder's owner, and root's would leave node unable to write.
RUN mkdir data

# Runtime: the builder's Debian and Node (the addon is bound to both), without the compiler; non-root.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3003 DATABASE_PATH=/data/basic-admin.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/openapi ./openapi
COPY --from=build --chown=node:node /app/data /data
VOLUME /data
USER node
EXPOSE 3003
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini forwards SIGTERM to Node, so docker stop is a graceful shutdown.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/cli.js", "serve"]
