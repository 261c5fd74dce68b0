//! The quick text work of daemonset-sim's reading, in a crate of its own so that the
//! WebAssembly build can optimise it for speed while the rest is optimised for size (see
//! the `wasm-release` profile): the tree every document is read into, the block reader for
//! the YAML `kubectl get -o yaml` prints, cutting a stream into documents and a large list
//! into items, checking how deep flow collections nest, and mapping over pieces on every core.

pub mod block;
pub mod flow;
pub mod parallel;
pub mod split;
pub mod tree;
