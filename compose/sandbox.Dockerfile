# The image each sandboxed run starts from (RUNNER_ENGINE=docker): Node 24, kafkajs and the `lab` module, Python 3
# with confluent-kafka and kafka-python, no root.
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

# Python snippets (lang "py"): Debian's python3 and the pinned clients, as the runner installs them on a host.
FROM node:24-slim AS python
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-pip >/dev/null && rm -rf /var/lib/apt/lists/*
COPY runner/python/requirements.txt /src/requirements.txt
RUN python3 -m pip install --quiet --disable-pip-version-check --no-input --only-binary=:all: --root-user-action=ignore \
  --target /opt/offset/python/site -r /src/requirements.txt

FROM node:24-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 >/dev/null && rm -rf /var/lib/apt/lists/*
COPY --from=python /opt/offset/python/site /opt/offset/python/site
COPY runner/python/lab.py /opt/offset/python/lab/lab.py
COPY --from=runtime /runtime /opt/offset/runtime
# Snippets are written to work/ (a tmpfs at run time) so `import "lab"` finds ../node_modules by walking up.
USER node
WORKDIR /opt/offset/runtime/work
ENV NODE_ENV=production
ENTRYPOINT ["node"]
CMD ["/opt/offset/runtime/bootstrap.mjs", "/opt/offset/runtime/work"]
