//! One module per CLI command group: argument glue that calls the workflows and prints.
//! Commands print results on stdout through [`out`] (a closed pipe ends them quietly), in the
//! words of [`text`] (Spanish or English; the contract lines scripts parse are fixed); device
//! reads go through [`scan`]. Errors bubble up to `main`, which prints one line. No command
//! opens the store or writes an audit entry: the workflows do.

pub mod arco;
pub mod backup;
pub mod central;
pub mod console;
pub mod demo;
pub mod devices;
pub mod devices_test;
pub mod document;
pub mod enroll;
pub mod eval;
pub mod hub_store;
pub mod out;
pub mod person;
pub mod policy;
pub mod proof;
pub mod retention;
pub mod review;
pub mod sample;
pub mod scan;
pub mod sim;
pub mod station;
pub mod sync;
pub mod text;

pub mod movement;
pub mod report;
pub mod restriction;
