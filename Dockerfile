# The Qualys CS API simulator as a container image, built FROM scratch from this machine's node binary,
# the libraries it links and the bundled simulator (a self-contained file: no node_modules).
# The build context is prepared by a script; the Dockerfile alone cannot build from the repository root:
#   npm run build && scripts/prepare-image-context.sh           # → .image-context/
#   docker build -t qcs-gitops-simulator:local .image-context
#   docker run --rm --network host -e PORT=8080 qcs-gitops-simulator:local
# See docs/containers.md. The simulator listens on 127.0.0.1 only: run it with --network host.
FROM scratch
LABEL org.opencontainers.image.title="qcs-gitops-simulator" \
      org.opencontainers.image.description="In-memory Qualys Container Security API simulator (qcs-gitops)" \
      org.opencontainers.image.licenses="Apache-2.0" \
      io.qcs-gitops.image="simulator"
COPY rootfs/ /
COPY simulator.js /app/simulator.js
ENV PORT=8080 \
    NODE_ENV=production
WORKDIR /tmp
USER 65534:65534
ENTRYPOINT ["/usr/bin/node", "/app/simulator.js"]
