# The course: the built site and the runner in one Node process (see compose/offset.yml).
#   docker build -f compose/offset.Dockerfile -t offset .
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node node_modules/astro/bin/astro.mjs build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4321
EXPOSE 4321
CMD ["node", "runner/src/cli/start.ts"]
