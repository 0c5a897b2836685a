//! Image file formats at the crate boundary (PNG in and out). Must not do device I/O.

pub mod png;
