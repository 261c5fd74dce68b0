//! Web bindings.
