# syntax=docker/dockerfile:1
# The TokenLedger receiver image: `tokenledger serve` by default, any other subcommand as arguments
# (`docker run IMAGE migrate`, `docker run IMAGE demo`).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# Matches "packageManager" in package.json, so pnpm does not fetch a second copy of itself.
ARG PNPM_VERSION=10.34.9
RUN npm install -g pnpm@${PNPM_VERSION}
WORKDIR /src
# Dependencies first, from the lockfile alone: this layer is reused until pnpm-lock.yaml changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline && pnpm build
# pnpm 10 deploys a workspace that does not inject its packages only with --legacy
# (https://pnpm.io/cli/deploy): the receiver and its production dependencies, workspace packages
# included, copied into a self-contained /out.
RUN pnpm --filter @tokenledger/receiver --prod deploy --legacy /out

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: the server writes nothing to its own files.
COPY --from=build /out ./
USER node
EXPOSE 4318
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4318)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/tokenledger.js"]
CMD ["serve"]
