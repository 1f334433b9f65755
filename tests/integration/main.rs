//! The integration tests, as one test binary: each module below was its own binary once, but
//! every binary instantiated the library's generic code anew (18 binaries took 21 of CI's
//! minutes to build on a 2-core Xeon VM); one binary instantiates it once.
//!
//! Run one part with a filter: `cargo test --release --test integration -- dist::`.

mod common;
mod conv_util;
mod dist_suite;
mod grad_support;

mod cli;
mod conv_reference;
mod conv_scipy;
mod conv_vjp;
mod demo;
mod dist;
mod dist_conv;
mod errors;
mod grad_adjoint;
mod grad_fd;
mod into_and_inplace;
mod lanes_read_in_place;
mod lone_long_lanes;
mod native_kernels;
mod properties;
mod reference;
mod selftest;
mod semantics;
mod streamed_outputs;
