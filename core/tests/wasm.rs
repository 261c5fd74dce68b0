//! The placement cases again, compiled to WebAssembly and run in a real headless browser,
//! so the core is proven to give the same answers there.
#![cfg(target_arch = "wasm32")]

mod rollout_support;
mod support;

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn kubernetes_cases_in_the_browser() {
    for (name, yaml, expect) in support::CASES {
        if let Err(e) = support::check_case(name, yaml, expect) {
            panic!("{e}");
        }
    }
}

#[wasm_bindgen_test]
fn rollout_cases_in_the_browser() {
    for (name, yaml, expect) in rollout_support::CASES {
        if let Err(e) = rollout_support::check_case(name, yaml, expect) {
            panic!("{e}");
        }
    }
}
