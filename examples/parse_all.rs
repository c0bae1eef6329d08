fn main() {
    let mut total = 0usize;
    let files: Vec<_> = std::env::args().skip(1).collect();
    let data: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let t = std::time::Instant::now();
    for (f, d) in files.iter().zip(&data) {
        total += d.len();
        let doc = stenogram::parse::parse_bytes(d, Some(f)).unwrap();
        std::hint::black_box(doc);
    }
    let e = t.elapsed();
    let t2 = std::time::Instant::now();
    for d in &data {
        let text = String::from_utf8_lossy(d);
        let found = stenogram::topics::extract(&text, &[], &|_| None);
        std::hint::black_box(found);
    }
    println!(
        "{} bytes parse {:?} ({:.1} MB/s); topics over whole files {:?}",
        total,
        e,
        total as f64 / e.as_secs_f64() / 1e6,
        t2.elapsed()
    );
}
