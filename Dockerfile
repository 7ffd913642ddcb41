# syntax=docker/dockerfile:1
# afk's image: build with dev dependencies, run with production ones only.
#   docker build -t afk .
#   docker run --read-only --tmpfs /tmp -p 3000:3000 --env-file afk.env afk
# test/deploy/dockerfile.test.ts checks this file (there is no Docker engine in CI).

# ---- build: compile TypeScript to dist/ ----
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime ----
FROM node:24-slim AS runtime
# Node does not act on SIGTERM while it is PID 1 (it installs no handler, and PID 1 gets
# no default actions), so Kubernetes would wait the whole grace period and then SIGKILL.
# tini is PID 1, forwards the signal, and reaps children.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# V8 and glibc sized for a small service (README, "Memory"): afk's live heap is ~30 MB
# with 1,000 runs, and by default V8 lets the heap grow to ~4× that before a full GC and
# keeps 16 MB semi-spaces, and glibc keeps an arena per thread; none of it is given back.
# These keep the resident set under ~110 MB (from ~230 MB after 100,000 deliveries).
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=2" \
  MALLOC_ARENA_MAX=2 \
  NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=3000 \
  LOG_FORMAT=json \
  NPM_CONFIG_CACHE=/tmp/.npm \
  NPM_CONFIG_UPDATE_NOTIFIER=false
# What afk reads at run time: package.json ("type": "module" makes dist/*.js ES modules;
# Probot reads its name and version), dist/, the production node_modules, and app.yml
# (the manifest Probot registers the app from; `afk doctor` compares the installation
# with it). Everything stays owned by root: the app cannot change its own code.
COPY package.json package-lock.json app.yml ./
# No package in the lockfile has an install script (the test checks it).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf /tmp/.npm /root/.npm
COPY --from=build /app/dist ./dist
# The image's `node` user, by number so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000
# The root filesystem may be read-only: nothing here writes outside /tmp.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# `npm start` without the build (and without npm, which would sit between tini and node).
CMD ["node", "dist/main.js"]
