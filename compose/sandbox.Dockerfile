# The image each sandboxed run starts from (RUNNER_ENGINE=docker): Node 24, kafkajs and the `lab` module, no root.
#   docker build -f compose/sandbox.Dockerfile -t offset-sandbox .
FROM node:24-slim AS runtime
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts are skipped: the runtime needs kafkajs and esbuild's prebuilt binary, which arrives as a plain package.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY runner/src runner/src
# The same builder the runner uses (runtime.ts), so the image and the host runtime cannot drift apart.
RUN node --input-type=module -e "\
  import fs from 'node:fs'; \
  const { prepareRuntime } = await import('./runner/src/sandbox/runtime.ts'); \
  const runtime = await prepareRuntime('/build'); \
  fs.renameSync(runtime.root, '/runtime'); \
  fs.mkdirSync('/runtime/work')"

FROM node:24-slim
COPY --from=runtime /runtime /opt/offset/runtime
# Snippets are written to work/ (a tmpfs at run time) so `import "lab"` finds ../node_modules by walking up.
USER node
WORKDIR /opt/offset/runtime/work
ENV NODE_ENV=production
ENTRYPOINT ["node"]
CMD ["/opt/offset/runtime/bootstrap.mjs", "/opt/offset/runtime/work"]
