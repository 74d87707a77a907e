# The store as a container image: the standalone server (next.config.ts `output: "standalone"`),
# non-root, Node as PID 1 so SIGTERM reaches it (lib/server/shutdown.ts drains within 8 s).
# docs/deploy.md says how to run it; scripts/container.mjs builds and tries it here.
#
#   docker build -t plural-upi-storefront .
#   docker run --rm -e DATABASE_URL=postgresql://... plural-upi-storefront node scripts/db-prepare.mjs   # migrate on deploy
#   docker run -d -p 3000:3000 -e DATABASE_URL=postgresql://... -e APP_URL=https://shop.example.com ... plural-upi-storefront
#
# Without an image registry (this project's CI): --build-arg BASE=<a local node:20-bookworm-slim>.
ARG BASE=node:20-bookworm-slim
# Where the standalone folder comes from: `build` (the stage below: installs and builds inside, the
# default) or `prebuilt` (a .next/standalone built and completed on a machine of the same Debian and
# Node, as CI has just done: `podman build --build-arg STANDALONE=prebuilt --ignorefile
# .dockerignore.prebuilt`; the build stage is then skipped).
ARG STANDALONE=build

# ---- build: dependencies (better-sqlite3 compiles when no prebuilt binary can be fetched), then next build
FROM ${BASE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
# npm ci's postinstall generates the Prisma clients with this one script: editing any other file
# leaves the dependency layer cached.
COPY scripts/prisma.mjs ./scripts/prisma.mjs
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- prebuilt: the standalone folder as built outside (scripts/container.mjs --prebuilt)
FROM ${BASE} AS prebuilt
COPY .next/standalone /app/.next/standalone

FROM ${STANDALONE} AS standalone

# ---- run: the standalone folder only (server.js, the traced node_modules, static files, migrations)
FROM ${BASE} AS run
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000
# A user of its own; it owns only what the store writes (the sandbox's state file, a SQLite file if used).
RUN groupadd --system --gid 1001 store \
 && useradd --system --uid 1001 --gid store --no-create-home store \
 && mkdir -p /app/.sandbox /app/data \
 && chown store:store /app/.sandbox /app/data
COPY --from=standalone --chown=root:root /app/.next/standalone ./
USER store
EXPOSE 3000
# Readiness: the database and Plural answer (503 while draining on SIGTERM). Node's fetch: no curl in the image.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# Exec form: node is PID 1 and receives SIGTERM itself (no shell in between).
CMD ["node", "server.js"]
