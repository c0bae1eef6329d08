fn main() {
    let files: Vec<_> = std::env::args().skip(1).collect();
    let data: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let t = std::time::Instant::now();
    let texts: Vec<String> = data
        .iter()
        .map(|d| stenogram::parse::decode::decode(d).unwrap())
        .collect();
    println!("decode {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let blocks: Vec<_> = texts
        .iter()
        .map(|x| stenogram::parse::blocks::split(x, stenogram::parse::Format::Markdown))
        .collect();
    println!("blocks {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for x in &texts {
        std::hint::black_box(
            stenogram::parse::parse_text(x, stenogram::parse::Format::Markdown).unwrap(),
        );
    }
    println!("parse_text {:?} ({} docs)", t.elapsed(), blocks.len());
}
