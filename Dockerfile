# Kairos image: one image for the API (`npm run api`), the worker (`npm run worker`) and the
# one-shot migration (`npm run db:migrate`); docker-compose.yml picks the command. Carries no
# secrets: all configuration comes from the environment at run time.

# --- build: full dependency tree, Prisma client generation, TypeScript compile -------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the project's postinstall (prisma generate) needs scripts/, not copied yet; it
# runs below. No dependency's install script is needed to build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# The worker's Worker Deployment build id (scripts/build-id.sh); the context has no .git, so pass
# it: --build-arg KAIROS_BUILD_ID=$(git rev-parse --short=12 HEAD). Unset: the package version.
ARG KAIROS_BUILD_ID
RUN npm run db:generate && npm run build

# --- runtime: production dependencies plus the built output ------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    KAIROS_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The client is generated in the build stage (copied below), so no install script runs here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/generated ./generated
COPY prisma ./prisma
COPY scripts ./scripts
COPY prisma.config.ts ./
USER node
EXPOSE 3000
CMD ["npm", "run", "api"]
