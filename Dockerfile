# The image the GitHub Action runs: a static cm-audit and CA certificates, nothing else.
# Published by .github/workflows/release.yml; action.yml pins the published image by version,
# so that a workflow does not compile Rust on every run.

FROM rust:1-alpine AS build
# musl-dev: the static C runtime that ring (rustls' crypto) links against.
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY rules ./rules
COPY templates ./templates
RUN cargo build --release --locked \
    && cp target/release/cm-audit /cm-audit

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /cm-audit /usr/local/bin/cm-audit
# No USER line on purpose: GitHub runs Docker actions as the image's default user and documents
# that it must be root, or the action cannot write to the workspace, GITHUB_OUTPUT and the step
# summary, which belong to the runner's user.
ENTRYPOINT ["/usr/local/bin/cm-audit", "action"]
