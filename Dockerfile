# The Grantor reference server (apps/server) as a small, non-root image.
#   docker build -t grantor .
#   docker run -p 3000:3000 -e ISSUER=http://localhost:3000 -e DATABASE_URL=postgres://… grantor
# Stage 1 builds the workspace and deploys apps/server with its production dependencies only (pnpm deploy);
# stage 2 is that directory on a slim Node image, run as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.8
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm exec turbo run build --filter=@grantor/server... \
 && pnpm --filter=@grantor/server deploy --prod --legacy /app \
 && rm -rf /app/src

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}${new URL(process.env.ISSUER ?? 'http://x').pathname.replace(/\\/$/, '')}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The server migrates the database at start; `docker run … grantor client list` runs the grantor command.
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["serve"]
