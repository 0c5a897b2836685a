//! End-to-end tests of the `huella` binary's scriptable interface (one test binary; the
//! scenarios live in `cli/`).

mod cli {
    pub mod util;

    mod audit_and_keys;
    mod crash;
    mod devices_test;
    mod import_find;
}
