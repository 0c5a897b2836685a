//! Console benchmarks (filled below).

fn main() {}
