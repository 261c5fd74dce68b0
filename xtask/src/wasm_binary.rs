//! Splitting a WebAssembly module into its sections (magic and version, then sections of
//! `id`, LEB128 size and payload), read with `wasmparser`, and writing the little we change
//! of it with `wasm-encoder`.
//!
//! [`parse`] splits a module into its sections and reads what the size report and the
//! function ordering need: the function bodies, how many functions are imported (they come
//! first in the index space), and the `name` section's function names.

use std::collections::BTreeMap;

use wasm_encoder::{NameMap, NameSection};
use wasmparser::{
    BinaryReader, CodeSectionReader, ImportSectionReader, Name, NameSectionReader, TypeRef,
};

use crate::{Error, Result};

/// The id of the custom sections (the `name` section is one).
pub const CUSTOM: u8 = 0;
/// The id of the import section.
const IMPORT: u8 = 2;
/// The id of the code section.
pub const CODE: u8 = 10;

/// One section of a module.
#[derive(Debug)]
pub struct Section<'a> {
    /// The section id ([`CUSTOM`], [`CODE`], ...).
    pub id: u8,
    /// The whole section: id, size and payload.
    pub bytes: &'a [u8],
    /// The payload (for a custom section, its name included).
    pub payload: &'a [u8],
    /// A custom section's name (`name`, `producers`, ...); `None` for the others.
    pub custom_name: Option<String>,
}

/// A module split into its sections, with what is read from them.
#[derive(Debug)]
pub struct Module<'a> {
    /// The sections, in order.
    pub sections: Vec<Section<'a>>,
    /// How many functions are imported: the defined ones are numbered after them.
    pub imported_functions: u32,
    /// The body of each defined function, in order, with the LEB128 size in front of it
    /// (as it is in the code section).
    pub bodies: Vec<&'a [u8]>,
    /// The function names of the `name` section, by function index (imports included).
    pub names: BTreeMap<u32, String>,
}

impl Module<'_> {
    /// The name of the defined function at `position` in the code section, if any.
    pub fn body_name(&self, position: usize) -> Option<&str> {
        let index = u32::try_from(position)
            .ok()?
            .checked_add(self.imported_functions)?;
        self.names.get(&index).map(String::as_str)
    }
}

/// Splits `data` into sections and reads the imports, the bodies and the function names.
pub fn parse(data: &[u8]) -> Result<Module<'_>> {
    let mut r = BinaryReader::new(data, 0);
    if r.read_bytes(4).map_err(parse_error)? != b"\0asm" {
        return Err(Error::msg("not a wasm module (bad magic)"));
    }
    r.read_bytes(4).map_err(parse_error)?; // version
    let mut module = Module {
        sections: Vec::new(),
        imported_functions: 0,
        bodies: Vec::new(),
        names: BTreeMap::new(),
    };
    while !r.eof() {
        let start = r.original_position();
        let id = r.read_u8().map_err(parse_error)?;
        let size = r.read_var_u32().map_err(parse_error)?;
        let at = r.original_position();
        let payload = r.read_bytes(to_usize(size)?).map_err(parse_error)?;
        let reader = || BinaryReader::new(payload, at);
        let mut custom_name = None;
        match id {
            CUSTOM => {
                let mut p = reader();
                let name = p.read_string().map_err(parse_error)?;
                if name == "name" {
                    let rest = p.read_bytes(p.bytes_remaining()).map_err(parse_error)?;
                    let position = p.original_position() - rest.len();
                    module.names = function_names(rest, position)?;
                }
                custom_name = Some(name.to_owned());
            }
            IMPORT => {
                let imports = ImportSectionReader::new(reader()).map_err(parse_error)?;
                for import in imports.into_imports() {
                    if matches!(import.map_err(parse_error)?.ty, TypeRef::Func(_)) {
                        module.imported_functions += 1;
                    }
                }
            }
            CODE => {
                let code = CodeSectionReader::new(reader()).map_err(parse_error)?;
                // Each body from the end of the one before: its LEB128 size included.
                let mut from = code.original_position() - at;
                for body in code {
                    let to = body.map_err(parse_error)?.range().end - at;
                    module.bodies.push(&payload[from..to]);
                    from = to;
                }
            }
            _ => {}
        }
        module.sections.push(Section {
            id,
            bytes: &data[start..r.original_position()],
            payload,
            custom_name,
        });
    }
    Ok(module)
}

/// `module` with its `name` section replaced by one that names each function of
/// `names` (by function index), in place of the old one or at the end when it had none.
/// Every other section is copied as it is.
pub fn with_function_names(module: &Module<'_>, names: &[(u32, String)]) -> Vec<u8> {
    let mut map = NameMap::new();
    for (index, name) in names {
        map.append(*index, name);
    }
    let mut name_section = NameSection::new();
    name_section.functions(&map);
    let mut encoded = wasm_encoder::Module::new();
    encoded.section(&name_section);
    let encoded = encoded.finish();
    let (header, section) = encoded.split_at(8);

    let mut out = header.to_vec();
    let mut placed = false;
    for s in &module.sections {
        if s.custom_name.as_deref() == Some("name") {
            if !placed {
                out.extend_from_slice(section);
                placed = true;
            }
        } else {
            out.extend_from_slice(s.bytes);
        }
    }
    if !placed {
        out.extend_from_slice(section);
    }
    out
}

/// The function names (subsection 1) of a `name` section's payload after its name, which
/// starts at `offset` in the module, by function index; other subsections are skipped.
fn function_names(payload: &[u8], offset: usize) -> Result<BTreeMap<u32, String>> {
    let mut names = BTreeMap::new();
    for subsection in NameSectionReader::new(BinaryReader::new(payload, offset)) {
        if let Name::Function(map) = subsection.map_err(parse_error)? {
            for naming in map {
                let naming = naming.map_err(parse_error)?;
                names.insert(naming.index, naming.name.to_owned());
            }
        }
    }
    Ok(names)
}

/// A size read from the binary as `usize`.
fn to_usize(n: u32) -> Result<usize> {
    usize::try_from(n).map_err(|_| Error::msg("size does not fit in memory"))
}

/// A parse error as the crate's error.
fn parse_error(err: wasmparser::BinaryReaderError) -> Error {
    Error::msg(format!("reading the wasm module: {err}"))
}

#[cfg(test)]
pub mod tests {
    //! A tiny module for the tests of this module and of its users.

    use super::*;

    /// A length that fits in one LEB128 byte, as the tiny test module needs.
    fn byte_len(n: usize) -> u8 {
        u8::try_from(n)
            .ok()
            .filter(|&b| b < 0x80)
            .expect("test lengths fit in one LEB128 byte")
    }

    /// `s` as a wasm name: its length, then its bytes.
    fn name(s: &str) -> Vec<u8> {
        let mut v = vec![byte_len(s.len())];
        v.extend_from_slice(s.as_bytes());
        v
    }

    /// A section (or `name` subsection): `id`, its size, and `payload`.
    fn section(id: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![id, byte_len(payload.len())];
        v.extend_from_slice(payload);
        v
    }

    /// A module with one imported function (index 0), two functions (indexes 1 and 2,
    /// bodies of 5 and 3 bytes), a data section of 7 bytes, and names for the two
    /// functions, the `name` section last.
    pub fn module() -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        // One type: () -> ().
        wasm.extend(section(1, &[1, 0x60, 0, 0]));
        // Import env.f, a function of type 0.
        let mut import = vec![1];
        import.extend(name("env"));
        import.extend(name("f"));
        import.extend([0, 0]);
        wasm.extend(section(2, &import));
        // Two functions of type 0.
        wasm.extend(section(3, &[2, 0, 0]));
        // Bodies: no locals, then instructions.
        let first = [0, 0x01, 0x01, 0x01, 0x0b]; // nop nop nop end
        let second = [0, 0x10, 0x00]; // call 0 (no end: the parser does not care)
        let mut code = vec![2, 5];
        code.extend(first);
        code.push(3);
        code.extend(second);
        wasm.extend(section(10, &code));
        wasm.extend(section(11, &[0; 7]));
        // The name section: a module name subsection (skipped), then function names.
        let mut names = vec![2];
        names.push(1);
        names.extend(name("_ZN13daemonset_sim8manifest4read17h0123456789abcdefE"));
        names.push(2);
        names.extend(name("_ZN4core3fmt5write17h0123456789abcdefE"));
        let mut custom = name("name");
        custom.extend(section(0, &name("m")));
        custom.extend(section(1, &names));
        wasm.extend(section(0, &custom));
        wasm
    }

    /// Where the `name` section of [`module`] starts (it is last): 2 bytes (id and size)
    /// before its name.
    pub fn name_section_start(wasm: &[u8]) -> usize {
        wasm.windows(5)
            .position(|w| w == b"\x04name")
            .expect("the test module has a name section")
            - 2
    }

    #[test]
    fn reads_sections_bodies_and_names() {
        let wasm = module();
        let m = parse(&wasm).expect("the test module parses");
        let ids: Vec<u8> = m.sections.iter().map(|s| s.id).collect();
        assert_eq!(ids, [1, 2, 3, 10, 11, 0]);
        assert_eq!(m.imported_functions, 1);
        assert_eq!(m.bodies, [&[5, 0, 1, 1, 1, 0x0b][..], &[3, 0, 0x10, 0][..]]);
        assert_eq!(
            m.body_name(1),
            Some("_ZN4core3fmt5write17h0123456789abcdefE")
        );
        assert_eq!(m.body_name(2), None);
        assert_eq!(m.sections[5].custom_name.as_deref(), Some("name"));
        let total: usize = m.sections.iter().map(|s| s.bytes.len()).sum();
        assert_eq!(total + 8, wasm.len());
    }

    #[test]
    fn renames_functions_and_keeps_the_rest() {
        let wasm = module();
        let m = parse(&wasm).expect("the test module parses");
        let renamed = with_function_names(&m, &[(1, "b".to_owned()), (2, "a".to_owned())]);
        let r = parse(&renamed).expect("the renamed module parses");
        assert_eq!(r.body_name(0), Some("b"));
        assert_eq!(r.body_name(1), Some("a"));
        assert_eq!(r.bodies, m.bodies);
        let at = name_section_start(&wasm);
        assert_eq!(renamed[..at], wasm[..at]);
        // Without a name section, one is added at the end.
        let bare = parse(&wasm[..at]).expect("the module without names parses");
        let renamed = with_function_names(&bare, &[(2, "x".to_owned())]);
        let named = parse(&renamed).expect("the named module parses");
        assert_eq!(named.body_name(1), Some("x"));
    }

    #[test]
    fn rejects_bad_input() {
        let wasm = module();
        assert!(parse(&wasm[..wasm.len() - 3]).is_err());
        assert!(parse(b"nope").is_err());
    }
}
