//! End-to-end tests of the `huella` binary's scriptable interface (one test binary; the
//! scenarios live in `cli/`).

#[path = "common/tmpfs.rs"]
mod tmpfs;

mod cli {
    pub mod util;

    mod audit_and_keys;
    mod closed_pipe;
    mod crash;
    mod devices_test;
    mod durability;
    mod enroll_review;
    mod flipped_bits;
    mod hub_store;
    mod import_find;
    mod io_errors;
    mod language;
    mod readme;
    mod reliability;
}
