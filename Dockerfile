# syntax=docker/dockerfile:1
#
# nordbid container image: a Go builder stage, then a scratch runtime with
# the static binary (time zone data embedded), CA certificates and a
# non-root user.
#
#   docker build -t nordbid --build-arg VERSION=$(git describe --always) .
#   docker run -d -p 8080:8080 -p 127.0.0.1:8081:8081 -v nordbid-data:/data \
#       --ulimit nofile=65536:65536 nordbid
#
# Without a registry, scripts/build-image.sh builds the same runtime image
# with buildah from deploy/Containerfile.runtime; docs/deploy.md explains.

ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-bookworm AS build
# ca-certificates and tzdata are usually present in this image already;
# installing them makes the copy below independent of that.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
# The same script that prepares the buildah context lays out the image.
RUN VERSION=${VERSION} bash scripts/build-image.sh --context-only /image

FROM scratch
COPY --from=build /image/rootfs/ /
COPY --from=build --chown=65532:65532 /image/data/ /data/

# Runtime configuration: keep in sync with deploy/Containerfile.runtime.
USER 65532:65532
# The admin listener (metrics, admin API) binds all interfaces inside the
# container; publish it to the host's loopback only: -p 127.0.0.1:8081:8081.
ENV NORDBID_LISTEN=:8080 NORDBID_ADMIN_LISTEN=:8081 NORDBID_DATA_DIR=/data
EXPOSE 8080 8081
VOLUME ["/data"]
# A scratch image has no curl: nordbid probes its own /health.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["/usr/local/bin/nordbid", "doctor", "--health", "http://127.0.0.1:8080/health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/nordbid"]
CMD ["serve"]
