# RoamSign server image (issue 24): multi-stage, non-root, read-only root filesystem, data as a volume.
#   docker build -t roamsign .
#   docker run --read-only --tmpfs /tmp -v roamsign-data:/data -p 8787:8787 \
#     -e ROAMSIGN_PUBLIC_URL=https://roamsign.agency.gov.my -e ROAMSIGN_SMTP_URL=smtp://mail:587 roamsign
# See docs/operations.md "Container" for the compose file (RoamSign + PostgreSQL + gate).

# 1. Dependencies, with the tools native modules (better-sqlite3, pkcs11js) may need to compile.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install scripts run only for the native modules the server loads. esbuild stays: the server builds
# the widget, dialog and GPKI Mobile bundles in memory at start.
RUN npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 pkcs11js esbuild \
 && npm cache clean --force
# The server as plain JavaScript (issue 22: no TypeScript compiled on the first requests).
COPY tsconfig.json ./
COPY scripts/buildServer.ts ./scripts/
COPY server ./server
COPY shared ./shared
COPY gate ./gate
COPY widget ./widget
COPY docs ./docs
RUN npx tsx scripts/buildServer.ts

# 2. Run time: the slim image, the app owned by root and read-only to the server's user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    ROAMSIGN_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=deps /app/dist/prod ./dist/prod
# The data folder (SQLite database, master.key): a volume owned by the unprivileged `node` user (uid 1000).
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
VOLUME ["/data"]
USER node
EXPOSE 8787
# Readiness (database answers, not draining); liveness alone is /api/v1/health.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/api/v1/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop): readiness turns 503, the listener closes, requests in flight finish (10 s), exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/prod/server/main.js"]
