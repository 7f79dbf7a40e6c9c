# The journeys CLI as an image, for the consumer and the collector of
# docker-compose.yml (`docker compose build`): dependencies are installed and
# the TypeScript compiled once, at build time, not at every container start.
# Node 24 is the active LTS (Node 20 is end of life). Debian, not Alpine:
# chDB's native library (@chdb/lib-linux-*-gnu) needs glibc.
ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies only, for the runtime image. --ignore-scripts: the
# `prepare` script builds from src/, which this stage does not have, and no
# production dependency needs an install script (chdb's is a no-op).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Every dependency (TypeScript among them), then the compiled dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# The CLI reads package.json (version), sql/ and pipelines/ at run time,
# relative to dist/.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY sql ./sql
COPY pipelines ./pipelines
USER node
ENTRYPOINT ["node", "bin/journeys.js"]
CMD ["--help"]
