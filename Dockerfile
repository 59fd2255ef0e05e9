# syntax=docker/dockerfile:1
# ispw-mcp container image. Two stages: the builder installs with `npm ci`, compiles and prunes
# dev dependencies; the runtime is distroless Node 24 (nonroot, no shell, no package manager)
# holding only the bundled server, undici and yaml, the packages' licences and package.json.
# Both bases are build arguments so mirrored or air-gapped registries (and the local bases made by
# scripts/image/base-images.sh) work; the defaults are pinned by digest (Renovate/Dependabot bump
# the digest within the tag). Build reproducibly with SOURCE_DATE_EPOCH and a fixed timestamp:
# see scripts/image/build.sh and docs/container.md.
ARG BUILDER_IMAGE=docker.io/library/node:24-trixie-slim@sha256:c319bb4fac67c01ced508b67193a0397e02d37555d8f9b72958649efd302b7f8
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian13:nonroot@sha256:9eeb7f5887d0e239e78264b06f7f11d2e14be534050481803a9e4728fcdd278e

FROM ${BUILDER_IMAGE} AS build
# Part of every later layer's cache key: a layer cached under another commit's timestamp must not be
# reused, or the rebuild of the same commit would carry different file times (reproducibility).
ARG SOURCE_DATE_EPOCH=0
ENV SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH}
# An npm mirror for air-gapped builds; credentials and CAs come as build secrets, never as args.
ARG NPM_CONFIG_REGISTRY=https://registry.npmjs.org/
ENV NPM_CONFIG_REGISTRY=${NPM_CONFIG_REGISTRY} \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency runs code at install time (none of ours needs an install script).
# Optional secrets: `npmrc` (registry auth) and `npm_ca` (extra CA bundle, e.g. a TLS-inspecting proxy).
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=secret,id=npm_ca,target=/run/secrets/npm_ca \
    NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.mjs ./scripts/bundle.mjs
COPY src ./src
COPY simulator ./simulator
# The image runs the bundled build (dist/bundle, scripts/bundle.mjs): the packages' code is in it,
# except undici and yaml, which it loads from node_modules on first use. Of every other production
# package only package.json and the licence and notice files stay: they are the licence texts that
# must ship with the bundled code, and what the image SBOM (syft) lists the packages from.
# From undici and yaml, drop what Node never loads: TypeScript, declarations, source maps and docs.
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
    && rm -f node_modules/.package-lock.json \
    && find node_modules -type f ! -path 'node_modules/undici/*' ! -path 'node_modules/yaml/*' \
         ! -name package.json ! -iname 'licen[cs]e*' ! -iname 'notice*' ! -iname 'copying*' -delete \
    && find node_modules -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' \
         -o -name '*.tsbuildinfo' -o \( -name '*.md' ! -iname 'licen*' ! -iname 'notice*' ! -iname 'copying*' \) \) -delete \
    && find node_modules -type d -empty -delete

FROM ${RUNTIME_IMAGE}
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
# As in the build stage: keeps layers cached under another commit's timestamp out of this build.
ARG SOURCE_DATE_EPOCH=0
LABEL org.opencontainers.image.title="ispw-mcp" \
      io.github.ispw-mcp.source-date-epoch="${SOURCE_DATE_EPOCH}" \
      org.opencontainers.image.description="MCP server for BMC AMI DevX Code Pipeline (ISPW) through the CES REST API" \
      org.opencontainers.image.source="https://github.com/ispw-mcp/ispw-mcp" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      io.modelcontextprotocol.server.name="io.github.ispw-mcp/ispw-mcp"
# HTTP mode listens on all interfaces inside the container; Host/Origin checks still apply
# (set ISPW_MCP_ALLOWED_HOSTS to the names clients use).
# A fixed 32 MB V8 semi-space: Node otherwise sizes the young generation from the memory limit
# (2 MB under 512 MiB: ~50 % more CPU per call under load; 128 MB without a limit: ~55 MB more
# RSS). Measurements in docs/container.md ("Memory"); keep it when overriding NODE_OPTIONS.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=32 \
    ISPW_MCP_HOST=0.0.0.0 \
    ISPW_MCP_PORT=8080
WORKDIR /app
# Owned by root and not writable by the server's user: the code cannot be changed at run time.
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
# The bundle takes the place of the tsc build, so /app/dist/src/main.js stays the entry (probes,
# charts and runbooks name it); its source maps name /app/src/… files in stack traces.
COPY --from=build /src/dist/bundle ./dist/src
USER 65532:65532
EXPOSE 8080
# No HEALTHCHECK: the default mode is stdio. For HTTP, probe /readyz (Kubernetes httpGet) or run
# the exec probe ["/nodejs/bin/node", "/app/dist/src/main.js", "healthcheck"] (docs/container.md).
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/main.js"]
CMD ["serve"]
