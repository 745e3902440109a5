# syntax=docker/dockerfile:1.7
# Vitrine's production image: one binary, the built site (hashed, brotli'd
# front end and 3D viewer) and the demo seed, on a distroless non-root base.
#
#   docker build -t vitrine .
#   docker run -p 3000:3000 vitrine
#
# The build runs the same `./x build release` as a developer machine.

FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm brotli \
 && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown && rustup component add rustfmt clippy
ENV VITRINE_CACHE=/cache CARGO_TARGET_DIR=/cache/target PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
WORKDIR /src

# Tools first, so they stay cached until their pinned versions change.
COPY Cargo.lock ./
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock) \
 && cargo install wasm-bindgen-cli --version "=$version" --root /cache/tools
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/cache/target \
    ./x build release \
 && mkdir -p /out/data \
 && cp /cache/target/release/vitrine /out/vitrine \
 && cp -r /cache/site/release /out/site

FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
WORKDIR /app
COPY --from=build /out/vitrine /app/vitrine
COPY --from=build /out/site /app/site
COPY --from=build /src/seed /app/seed
COPY --from=build --chown=nonroot:nonroot /out/data /data
# In a container the server must listen on every interface; the ALB and the
# health check reach it there. Production sets DATABASE_URL, ASSET_BASE_URL
# and VITRINE_SEED_DIR=none.
ENV VITRINE_ADDR=0.0.0.0:3000 \
    VITRINE_SITE_ROOT=/app/site \
    VITRINE_DATA_DIR=/data \
    VITRINE_SEED_DIR=/app/seed \
    VITRINE_LOG_FORMAT=json
USER nonroot:nonroot
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/app/vitrine", "healthcheck"]
ENTRYPOINT ["/app/vitrine"]
