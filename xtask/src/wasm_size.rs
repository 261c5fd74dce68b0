//! What takes the space in a WebAssembly module: its code bytes grouped by crate (and, for
//! `daemonset_sim`, by module), and its other sections.
//!
//! Cargo builds the modules with their `name` custom section (the mangled Rust symbol of
//! every function; the build strips it after ordering the functions, see `wasm_order`), and
//! [`analyse`] reads it with [`wasm_binary::parse`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::cmd;
use crate::site::{self, relative};
use crate::wasm_binary::{self, CODE, CUSTOM};
use crate::{Context, Result};

/// The group of the crates `core`, `alloc` and `std`.
pub const STD: &str = "Rust standard library";
/// The group of functions without a name, or whose name is not a Rust path (e.g. `memcpy`).
pub const OTHER: &str = "other";
/// The group of wasm-bindgen's descriptor functions, which the `wasm-bindgen` CLI reads and
/// then removes (with their exports), so they are only in the module cargo builds.
pub const DESCRIPTORS: &str = "wasm-bindgen descriptors (not shipped)";
/// The crate whose modules get rows of their own.
const OUR_CRATE: &str = "daemonset_sim";
/// How many crates the report lists.
const TOP_CRATES: usize = 12;
/// How many `daemonset_sim` modules the report lists.
const TOP_MODULES: usize = 12;
/// How many other sections the report lists.
const TOP_SECTIONS: usize = 4;

/// Where a module's bytes go.
#[derive(Debug, Default)]
pub struct Breakdown {
    /// The size of the whole file.
    pub file: u64,
    /// The payload size of the code section.
    pub code: u64,
    /// How many functions the code section holds.
    pub functions: usize,
    /// How many of them the `name` section names.
    pub named: usize,
    /// Code bytes per crate (see [`group`]), largest first.
    pub crates: Vec<(String, u64)>,
    /// Code bytes per module of `daemonset_sim` (`daemonset_sim::manifest`, ...), largest first.
    pub modules: Vec<(String, u64)>,
    /// Payload bytes of every other section but the custom ones (`data section`, ...),
    /// largest first.
    pub sections: Vec<(String, u64)>,
    /// The bytes of the custom sections (names, debug info, ...), headers included: the
    /// shipped module is stripped of them.
    pub custom: u64,
    /// The function bodies of the code section, in order, gzipped together.
    pub code_gzipped: u64,
    /// For the rows of [`Breakdown::crates`] and [`Breakdown::modules`] the report lists:
    /// how much smaller the gzipped code would be without that row's functions. Repeated
    /// code (the instances of one generic function) compresses well, so this can be far
    /// smaller than the row's share of the raw bytes, and it is what a download saves.
    pub gzip_savings: BTreeMap<String, u64>,
    /// The payload of each row of [`Breakdown::sections`], gzipped alone.
    pub sections_gzipped: BTreeMap<String, u64>,
}

/// Builds the web crate for wasm as the shipped module is built (cargo keeps the function
/// names; the shipped module loses them after `wasm-bindgen`); with `playground`, the
/// playground's module. Returns the path of the module, which the next build overwrites.
pub fn build_named(playground: bool) -> Result<PathBuf> {
    let features: &[&str] = if playground { &["playground"] } else { &[] };
    cmd::run(&mut site::wasm_build(features))?;
    Ok(site::cargo_wasm())
}

/// Reads `wasm` (a module built with names, see [`build_named`]) and prints what takes the
/// space under a header line `label`: the largest crates and the modules of `daemonset_sim`
/// with their share of the code section, then the largest other sections with their share
/// of the module without its custom sections (which the shipped module is stripped of).
pub fn report(label: &str, wasm: &Path) -> Result<()> {
    let data = std::fs::read(wasm).context(|| format!("reading {}", wasm.display()))?;
    let b = analyse(&data).context(|| format!("parsing {}", wasm.display()))?;
    let without_custom = b.file.saturating_sub(b.custom);
    println!(
        "    {label}, built with names: {}",
        relative(wasm).display()
    );
    println!(
        "      {} as rustc writes it, before wasm-bindgen (and wasm-opt), without its custom \
         sections (names, debug info: {} more, not shipped)",
        cmd::bytes(without_custom),
        kb(b.custom)
    );
    println!(
        "      code section {} in {} functions ({} named)",
        cmd::bytes(b.code),
        b.functions,
        b.named
    );
    if b.named == 0 {
        cmd::warn("the module has no function names: was it built with strip = false?");
    }
    println!(
        "      its function bodies gzipped together: {}; the last column says how much \
         smaller that would be without the row (what leaving it out saves in the download)",
        kb(b.code_gzipped)
    );
    println!("      code by crate (share of the code section; gzipped saving):");
    print_rows(&b.crates, TOP_CRATES, b.code, &b.gzip_savings);
    println!("      code of {OUR_CRATE} by module (share of the code section; gzipped saving):");
    print_rows(&b.modules, TOP_MODULES, b.code, &b.gzip_savings);
    println!("      other sections (share of the module without custom sections; gzipped alone):");
    print_rows(
        &b.sections,
        TOP_SECTIONS,
        without_custom,
        &b.sections_gzipped,
    );
    Ok(())
}

/// Prints the first `top` of `rows` as `name  size  percent of total  gzipped`, where
/// `gzipped` is the row's figure in `gzipped` (blank when it has none), then how much the
/// rest hold together.
fn print_rows(rows: &[(String, u64)], top: usize, total: u64, gzipped: &BTreeMap<String, u64>) {
    let width = rows
        .iter()
        .take(top)
        .map(|(name, _)| name.len())
        .fold(28, usize::max);
    for (name, n) in rows.iter().take(top) {
        let gz = gzipped.get(name).map(|g| kb(*g)).unwrap_or_default();
        println!(
            "        {name:<width$}  {:>11}  {:>5.1}%  {gz:>11}",
            kb(*n),
            percent(*n, total)
        );
    }
    let rest = &rows[top.min(rows.len())..];
    if !rest.is_empty() {
        let sum: u64 = rest.iter().map(|(_, n)| n).sum();
        let more = format!("({} more)", rest.len());
        println!(
            "        {more:<width$}  {:>11}  {:>5.1}%",
            kb(sum),
            percent(sum, total)
        );
    }
}

/// A byte count in KB (1000 bytes, as [`cmd::bytes`] counts), e.g. `123.4 KB`, or in
/// bytes below 1 KB.
fn kb(n: u64) -> String {
    if n < 1000 {
        return format!("{n} bytes");
    }
    // Precision loss is irrelevant for a printed size.
    #[allow(clippy::cast_precision_loss)]
    let kb = n as f64 / 1e3;
    format!("{kb:.1} KB")
}

/// `part` as a percentage of `total` (0 when `total` is 0).
fn percent(part: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    // Precision loss is irrelevant for a printed share.
    #[allow(clippy::cast_precision_loss)]
    let share = part as f64 * 100.0 / total as f64;
    share
}

/// Parses a wasm binary and groups its bytes. Each function counts its body with the
/// LEB128 size in front of it, so the groups add up to the code section less the function
/// count at its start.
pub fn analyse(data: &[u8]) -> Result<Breakdown> {
    let wasm = wasm_binary::parse(data)?;
    let bodies = &wasm.bodies;
    let mut sections: BTreeMap<String, u64> = BTreeMap::new();
    let mut sections_gzipped: BTreeMap<String, u64> = BTreeMap::new();
    let mut code = 0;
    let mut custom = 0;
    for section in &wasm.sections {
        let size = len64(section.payload.len());
        match section.id {
            CODE => code = size,
            CUSTOM => custom += len64(section.bytes.len()),
            id => {
                *sections.entry(section_name(id)).or_default() += size;
                let gzipped = site::gzip_len(section.payload)?;
                *sections_gzipped.entry(section_name(id)).or_default() += gzipped;
            }
        }
    }
    let mut crates: BTreeMap<String, u64> = BTreeMap::new();
    let mut modules: BTreeMap<String, u64> = BTreeMap::new();
    let mut named = 0;
    // The crate and module of each body, for the gzipped savings below.
    let mut owners: Vec<(String, Option<String>)> = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.iter().enumerate() {
        let bytes = len64(body.len());
        let (krate, module) = match wasm.body_name(i) {
            Some(name) => {
                named += 1;
                group(&format!("{:#}", rustc_demangle::demangle(name)))
            }
            None => (OTHER.to_owned(), None),
        };
        *crates.entry(krate.clone()).or_default() += bytes;
        if let Some(module) = &module {
            *modules.entry(module.clone()).or_default() += bytes;
        }
        owners.push((krate, module));
    }
    let crates = largest_first(crates);
    let modules = largest_first(modules);
    let code_gzipped = site::gzip_len(&bodies.concat())?;
    let mut gzip_savings = BTreeMap::new();
    let listed = crates
        .iter()
        .take(TOP_CRATES)
        .chain(modules.iter().take(TOP_MODULES));
    for (row, _) in listed {
        let without: Vec<u8> = bodies
            .iter()
            .zip(&owners)
            .filter(|(_, (krate, module))| krate != row && module.as_ref() != Some(row))
            .flat_map(|(body, _)| body.iter().copied())
            .collect();
        let saving = code_gzipped.saturating_sub(site::gzip_len(&without)?);
        gzip_savings.insert(row.clone(), saving);
    }
    Ok(Breakdown {
        file: len64(data.len()),
        code,
        functions: bodies.len(),
        named,
        crates,
        modules,
        sections: largest_first(sections),
        custom,
        code_gzipped,
        gzip_savings,
        sections_gzipped,
    })
}

/// The rows of `map`, largest first (then by name).
fn largest_first(map: BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = map.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// A row name for a non-custom section, e.g. `data section`.
fn section_name(id: u8) -> String {
    let name = match id {
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "data count",
        13 => "tag",
        _ => return format!("section {id}"),
    };
    format!("{name} section")
}

/// The group of a demangled function name (as `{:#}` prints it, without hashes): its crate
/// shown as a report row, and for `daemonset_sim` its module (`daemonset_sim::manifest`).
///
/// The rule, kept simple: the owner is the first segment of the outermost path, where
/// - a plain path `krate::a::b` belongs to `krate`;
/// - a trait impl `<T as Trait>::method` (and nested ones, `<<T as A>::x as B>::y`)
///   belongs to the crate of the Self type `T` when it is a path, e.g.
///   `<k8s_openapi::...::PodSpec as serde::de::Deserialize>::deserialize` to `k8s_openapi`;
///   when `T` is not a path (`&U`, `[U]`, `(U, V)`, `str`, `u8`) it belongs to the trait's
///   crate, and an inherent impl on such a type (`<str>::to_lowercase`) to the standard
///   library, the only crate that can write one;
/// - generic arguments never count: `<alloc::vec::Vec<daemonset_sim::X> as Clone>::clone`
///   and `core::ptr::drop_in_place<daemonset_sim::X>` are the standard library's, since
///   their outermost path is.
///
/// `core`, `alloc` and `std` are shown as [`STD`]; wasm-bindgen's `__wbindgen_describe_*`
/// functions as [`DESCRIPTORS`]; any other name that is no Rust path (`memcpy`, exports) as
/// [`OTHER`]. A function directly in `daemonset_sim`'s root (a two-segment path)
/// is in the module `daemonset_sim (crate root)`.
pub fn group(demangled: &str) -> (String, Option<String>) {
    if demangled.starts_with("__wbindgen_describe") {
        return (DESCRIPTORS.to_owned(), None);
    }
    let Some(path) = owner_path(demangled) else {
        return (OTHER.to_owned(), None);
    };
    let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let Some(&krate) = segments.first() else {
        return (OTHER.to_owned(), None);
    };
    match krate {
        "core" | "alloc" | "std" => (STD.to_owned(), None),
        OUR_CRATE => {
            let module = match segments.get(1) {
                Some(module) if segments.len() > 2 => format!("{OUR_CRATE}::{module}"),
                _ => format!("{OUR_CRATE} (crate root)"),
            };
            (OUR_CRATE.to_owned(), Some(module))
        }
        _ => (krate.to_owned(), None),
    }
}

/// The path that decides the owner of `name` (see [`group`]), cut before its first generic
/// argument or other non-path character; `None` when there is no `krate::` path.
fn owner_path(name: &str) -> Option<&str> {
    let inner = name.trim_start_matches('<');
    if let Some(path) = leading_path(inner) {
        return Some(path);
    }
    if inner.len() == name.len() {
        return None; // not a trait impl: a bare symbol like `memcpy`
    }
    match inner.find(" as ") {
        Some(at) => leading_path(&inner[at + " as ".len()..]),
        // An inherent impl on a type that is no path (`<str>::to_lowercase`, `<u128>::…`):
        // only the standard library can write those.
        None => Some("core"),
    }
}

/// The path at the start of `s` (identifiers joined by `::`), when it has at least two
/// segments.
fn leading_path(s: &str) -> Option<&str> {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    let path = &s[..end];
    let first = path.split("::").next().unwrap_or("");
    let is_path =
        !first.is_empty() && path.len() > first.len() + 2 && path[first.len()..].starts_with("::");
    is_path.then_some(path)
}

/// A length as `u64` (lossless on every target this runs on).
fn len64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm_binary::tests::{module, name_section_start};

    #[test]
    fn groups_code_bytes_by_crate_and_module() {
        let wasm = module();
        let at = name_section_start(&wasm);
        let b = analyse(&wasm).expect("the test module parses");
        assert_eq!(b.file, len64(wasm.len()));
        assert_eq!(b.functions, 2);
        assert_eq!(b.named, 2);
        assert_eq!(b.code, 11);
        // Each body counts with its one-byte size prefix: 1 + 5 and 1 + 3.
        assert_eq!(
            b.crates,
            vec![("daemonset_sim".to_owned(), 6), (STD.to_owned(), 4)]
        );
        assert_eq!(b.modules, vec![("daemonset_sim::manifest".to_owned(), 6)]);
        let sections: BTreeMap<String, u64> = b.sections.into_iter().collect();
        assert_eq!(sections.get("data section"), Some(&7));
        assert_eq!(sections.get("type section"), Some(&4));
        assert_eq!(sections.get("import section"), Some(&9));
        assert_eq!(b.custom, len64(wasm.len() - at));
        assert!(!sections.contains_key("code section"));
    }

    #[test]
    fn says_what_each_row_saves_gzipped() {
        let b = analyse(&module()).expect("the test module parses");
        // The bodies with their size prefixes, as in the code section.
        let ours = [5, 0, 0x01, 0x01, 0x01, 0x0b];
        let std = [3, 0, 0x10, 0x00];
        let gz = |bytes: &[u8]| site::gzip_len(bytes).expect("gzip in memory");
        assert_eq!(b.code_gzipped, gz(&[&ours[..], &std[..]].concat()));
        let saving = |row: &str| b.gzip_savings.get(row).copied();
        assert_eq!(saving("daemonset_sim"), Some(b.code_gzipped - gz(&std)));
        assert_eq!(saving("daemonset_sim::manifest"), saving("daemonset_sim"));
        assert_eq!(saving(STD), Some(b.code_gzipped - gz(&ours)));
        assert_eq!(b.sections_gzipped.get("data section"), Some(&gz(&[0; 7])));
    }

    #[test]
    fn unnamed_functions_are_other() {
        let mut wasm = module();
        wasm.truncate(name_section_start(&wasm));
        let b = analyse(&wasm).expect("the test module parses");
        assert_eq!(b.named, 0);
        assert_eq!(b.crates, vec![(OTHER.to_owned(), 10)]);
        assert!(b.modules.is_empty());
    }

    #[test]
    fn groups_demangled_names() {
        let ours = |m: &str| ("daemonset_sim".to_owned(), Some(m.to_owned()));
        let other = |c: &str| (c.to_owned(), None);
        assert_eq!(
            group("daemonset_sim::kubectl::describe::{{closure}}"),
            ours("daemonset_sim::kubectl")
        );
        assert_eq!(
            group("daemonset_sim::manifest::read::<alloc::string::String>"),
            ours("daemonset_sim::manifest")
        );
        assert_eq!(
            group("daemonset_sim::place"),
            ours("daemonset_sim (crate root)")
        );
        assert_eq!(
            group("<daemonset_sim::manifest::Doc as serde::de::Deserialize>::deserialize"),
            ours("daemonset_sim::manifest")
        );
        assert_eq!(
            group(
                "<<k8s_openapi::v1_37::api::core::v1::PodSpec as serde::de::Deserialize>\
                 ::deserialize::__Visitor as serde::de::Visitor>::visit_map"
            ),
            other("k8s_openapi")
        );
        assert_eq!(group("core::fmt::write"), other(STD));
        assert_eq!(group("std::io::stdio::_print"), other(STD));
        assert_eq!(
            group("<alloc::vec::Vec<daemonset_sim::manifest::Doc> as core::clone::Clone>::clone"),
            other(STD)
        );
        assert_eq!(
            group("core::ptr::drop_in_place<daemonset_sim::sim::Sim>"),
            other(STD)
        );
        assert_eq!(group("<&T as core::fmt::Debug>::fmt"), other(STD));
        assert_eq!(
            group("<[u8] as serde_json::value::index::Index>::index_into"),
            other("serde_json")
        );
        assert_eq!(
            group("<str as serde::ser::Serialize>::serialize"),
            other("serde")
        );
        assert_eq!(
            group("<daemonset_sim_web::Playground>::render"),
            other("daemonset_sim_web")
        );
        assert_eq!(group("<str>::to_lowercase"), other(STD));
        assert_eq!(group("<[u8]>::to_vec"), other(STD));
        assert_eq!(
            group("__wbindgen_describe_placeJson_28695ac2f90bfd88"),
            other(DESCRIPTORS)
        );
        assert_eq!(group("placeJson_28695ac2f90bfd88"), other(OTHER));
        assert_eq!(group("memcpy"), other(OTHER));
        assert_eq!(group(""), other(OTHER));
    }

    #[test]
    fn demangles_both_manglings_without_hashes() {
        let legacy = rustc_demangle::demangle("_ZN4core3fmt5write17h0123456789abcdefE");
        assert_eq!(format!("{legacy:#}"), "core::fmt::write");
        // v0: `<u8 as core::fmt::Debug>::fmt`... built by hand would be long; a plain path:
        let v0 = rustc_demangle::demangle("_RNvNtCs1234_13daemonset_sim8manifest4read");
        assert_eq!(format!("{v0:#}"), "daemonset_sim::manifest::read");
    }
}
