# Build: the release binary, with its templates, static files and migrations compiled in.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY templates templates
COPY static static
COPY migrations migrations
COPY reference reference
COPY benches benches
RUN cargo build --release --locked --bin stenogram

# Run: a small image, a non-root user, the database in a volume.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /var/lib/stenogram --create-home stenogram \
    && mkdir -p /var/lib/stenogram/data && chown stenogram /var/lib/stenogram/data
COPY --from=build /src/target/release/stenogram /usr/local/bin/stenogram
USER stenogram
WORKDIR /var/lib/stenogram
ENV STENOGRAM_ADDR=0.0.0.0:8080 STENOGRAM_DB=/var/lib/stenogram/data/stenogram.db
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["stenogram"]
CMD ["serve"]
