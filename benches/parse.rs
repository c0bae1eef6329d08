//! The parser over the whole White House sample: bytes read per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;

fn sample() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wh-briefings");
    let (files, _) = stenogram::commands::collect_files(&[root]);
    files
        .into_iter()
        .map(|f| (f.display().to_string(), std::fs::read(&f).unwrap()))
        .collect()
}

fn parse_sample(c: &mut Criterion) {
    let files = sample();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("white-house-sample", |b| {
        b.iter(|| {
            for (name, data) in &files {
                std::hint::black_box(stenogram::parse::parse_bytes(data, Some(name)).unwrap());
            }
        })
    });
    group.bench_function("white-house-sample-with-topics", |b| {
        b.iter(|| {
            for (name, data) in &files {
                let doc = stenogram::parse::parse_bytes(data, Some(name)).unwrap();
                std::hint::black_box(stenogram::store::write::Prepared::new(doc));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse_sample);
criterion_main!(benches);
