# syntax=docker/dockerfile:1
# One image for the Ballast controller and workers; the command picks the process (the default is a
# worker; the controller runs `node workers/controller-main.js`). Build: docker build -t ballast .
ARG NODE_VERSION=24.21.0
ARG GO_VERSION=1.26.8

# 1. helm, kustomize and sops (Kustomization decryption), built from source at the versions the
#    tests run (tools/toolchain/versions.ts; test/unit/deploy/dockerfile.test.ts keeps the two in step).
FROM golang:${GO_VERSION}-trixie AS tools
ARG HELM_VERSION=v4.3.1
ARG KUSTOMIZE_VERSION=v5.8.2
ARG SOPS_VERSION=v3.13.3
ENV CGO_ENABLED=0 GOBIN=/out GOFLAGS=-trimpath
RUN go install -ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}" \
      "helm.sh/helm/v4/cmd/helm@${HELM_VERSION}" \
 && go install -ldflags="-s -w" "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" \
 && go install -ldflags="-s -w" "github.com/getsops/sops/v3/cmd/sops@${SOPS_VERSION}"

# 2. Production npm dependencies only: the image runs compiled JavaScript, so neither tsx nor
#    TypeScript is in it.
FROM node:${NODE_VERSION}-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The compiled JavaScript and the workflow bundle (`npm run build`, tools/build.ts): compiled
#    once here, so workers neither transform TypeScript (about 60 MiB more per worker) nor run
#    webpack at start; workers check the bundle's key against their own (compiled) sources.
FROM node:${NODE_VERSION}-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY api ./api
COPY activities ./activities
COPY client ./client
COPY workers ./workers
COPY workflows ./workflows
COPY tools/build.ts tools/bundle.ts ./tools/
RUN node --import tsx tools/build.ts

# 4. The runtime. git and openssh-client fetch GitRepositories; util-linux's setpriv starts helm
#    with a parent-death signal (activities/helm/helm-cli.ts); tini is PID 1, so the orphans of git
#    and helm are reaped and SIGTERM reaches node, which drains (workers/shutdown.ts).
FROM node:${NODE_VERSION}-trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git openssh-client tini util-linux \
 && rm -rf /var/lib/apt/lists/*
COPY --from=tools /out/helm /out/kustomize /out/sops /usr/local/bin/
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/node_modules/.cache/ballast ./node_modules/.cache/ballast
COPY package.json ./
COPY --from=build /app/dist/api ./api
COPY --from=build /app/dist/activities ./activities
COPY --from=build /app/dist/client ./client
COPY --from=build /app/dist/workers ./workers
COPY --from=build /app/dist/workflows ./workflows
# The CRDs, for client/install-crds.ts.
COPY config/crd ./config/crd
# The artifact store; a named volume mounted here starts out owned by the runtime user.
RUN mkdir -p /var/lib/ballast/artifacts && chown 1000:1000 /var/lib/ballast/artifacts
ENV NODE_ENV=production \
    BALLAST_ARTIFACT_DIR=/var/lib/ballast/artifacts
# The image's `node` user, by number, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# 9290: controller HTTP (health, metrics, API, receivers); 9291: worker HTTP; 9292: worker SDK metrics.
EXPOSE 9290 9291 9292
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "workers/worker-main.js"]
