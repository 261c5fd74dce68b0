//! Reading (and writing the little we change of) the WebAssembly binary format, without a
//! wasm crate: magic and version, then sections of `id`, LEB128 size and payload.
//!
//! [`parse`] splits a module into its sections and reads what the size report and the
//! function ordering need: the function bodies, how many functions are imported (they come
//! first in the index space), and the `name` section's function names.

use std::collections::BTreeMap;

use crate::{Error, Result};

/// The id of the custom sections (the `name` section is one).
pub const CUSTOM: u8 = 0;
/// The id of the import section.
const IMPORT: u8 = 2;
/// The id of the code section.
pub const CODE: u8 = 10;
/// The subsection of the `name` section holding function names.
const FUNCTION_NAMES: u8 = 1;
/// The magic number and version every module starts with.
const HEADER: &[u8; 8] = b"\0asm\x01\0\0\0";

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
    let mut r = Reader::new(data);
    if r.take(4)? != b"\0asm" {
        return Err(Error::msg("not a wasm module (bad magic)"));
    }
    r.take(4)?; // version
    let mut module = Module {
        sections: Vec::new(),
        imported_functions: 0,
        bodies: Vec::new(),
        names: BTreeMap::new(),
    };
    while !r.done() {
        let start = r.pos;
        let id = r.byte()?;
        let size = r.leb()?;
        let payload = r.take(to_usize(size)?)?;
        let mut p = Reader::new(payload);
        let mut custom_name = None;
        match id {
            CUSTOM => {
                let name = p.name()?;
                if name == "name" {
                    module.names = function_names(&mut p)?;
                }
                custom_name = Some(name);
            }
            IMPORT => module.imported_functions = count_imported_functions(&mut p)?,
            CODE => {
                let count = p.leb()?;
                for _ in 0..count {
                    let start = p.pos;
                    let len = p.leb()?;
                    p.take(to_usize(len)?)?;
                    module.bodies.push(&payload[start..p.pos]);
                }
            }
            _ => {}
        }
        module.sections.push(Section {
            id,
            bytes: &data[start..r.pos],
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
    let mut entries = Vec::new();
    write_leb(&mut entries, len32(names.len()));
    for (index, name) in names {
        write_leb(&mut entries, *index);
        write_name(&mut entries, name);
    }
    let mut payload = Vec::new();
    write_name(&mut payload, "name");
    payload.push(FUNCTION_NAMES);
    write_leb(&mut payload, len32(entries.len()));
    payload.extend(entries);
    let mut section = vec![CUSTOM];
    write_leb(&mut section, len32(payload.len()));
    section.extend(payload);

    let mut out = HEADER.to_vec();
    let mut placed = false;
    for s in &module.sections {
        if s.custom_name.as_deref() == Some("name") {
            if !placed {
                out.extend_from_slice(&section);
                placed = true;
            }
        } else {
            out.extend_from_slice(s.bytes);
        }
    }
    if !placed {
        out.extend(section);
    }
    out
}

/// Appends `n` as unsigned LEB128.
fn write_leb(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let low = u8::try_from(n & 0x7f).unwrap_or(0);
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

/// Appends a name: its length in LEB128, then its UTF-8 bytes.
fn write_name(out: &mut Vec<u8>, name: &str) {
    write_leb(out, len32(name.len()));
    out.extend_from_slice(name.as_bytes());
}

/// A length as `u32` (a wasm module's sizes are 32-bit; longer is not a module).
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Reads the import section's payload and counts the imported functions (kind 0), which
/// come first in the function index space.
fn count_imported_functions(p: &mut Reader<'_>) -> Result<u32> {
    let count = p.leb()?;
    let mut functions = 0;
    for _ in 0..count {
        p.name()?; // module
        p.name()?; // field
        match p.byte()? {
            0 => {
                p.leb()?; // type index
                functions += 1;
            }
            1 => {
                p.byte()?; // reference type
                p.limits()?;
            }
            2 => p.limits()?,
            3 => {
                p.byte()?; // value type
                p.byte()?; // mutability
            }
            4 => {
                p.byte()?; // attribute
                p.leb()?; // type index
            }
            kind => return Err(Error::msg(format!("unknown import kind {kind}"))),
        }
    }
    Ok(functions)
}

/// Reads the `name` section's payload (after its name) and returns the function names
/// (subsection 1) by function index; other subsections are skipped.
fn function_names(p: &mut Reader<'_>) -> Result<BTreeMap<u32, String>> {
    let mut names = BTreeMap::new();
    while !p.done() {
        let id = p.byte()?;
        let size = p.leb()?;
        let payload = p.take(to_usize(size)?)?;
        if id != FUNCTION_NAMES {
            continue;
        }
        let mut s = Reader::new(payload);
        let count = s.leb()?;
        for _ in 0..count {
            let index = s.leb()?;
            let name = s.name()?;
            names.insert(index, name);
        }
    }
    Ok(names)
}

/// A size read from the binary as `usize`.
fn to_usize(n: u32) -> Result<usize> {
    usize::try_from(n).map_err(|_| Error::msg("size does not fit in memory"))
}

/// A cursor over wasm bytes; every read fails cleanly at the end of the input.
struct Reader<'a> {
    /// The bytes being read.
    data: &'a [u8],
    /// The offset of the next byte.
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    /// True when every byte was read.
    fn done(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.data.len())
            .ok_or_else(|| Error::msg(format!("unexpected end of data at offset {}", self.pos)))?;
        let bytes = &self.data[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    /// The next byte.
    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    /// An unsigned LEB128 number of at most 32 bits.
    fn leb(&mut self) -> Result<u32> {
        let mut value: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| Error::msg("LEB128 number too large"));
            }
        }
        Err(Error::msg("LEB128 number too long"))
    }

    /// An unsigned LEB128 number of at most 64 bits (limits of 64-bit memories).
    fn leb64(&mut self) -> Result<u64> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Error::msg("LEB128 number too long"))
    }

    /// A name: a LEB128 length and that many UTF-8 bytes.
    fn name(&mut self) -> Result<String> {
        let len = self.leb()?;
        let bytes = self.take(to_usize(len)?)?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }

    /// Table or memory limits: flags, a minimum, a maximum when flag 1 is set, and a page
    /// size exponent when flag 8 is set.
    fn limits(&mut self) -> Result<()> {
        let flags = self.byte()?;
        self.leb64()?;
        if flags & 1 != 0 {
            self.leb64()?;
        }
        if flags & 8 != 0 {
            self.leb()?;
        }
        Ok(())
    }
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
        let mut wasm = HEADER.to_vec();
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

    #[test]
    fn writes_leb128() {
        let mut out = Vec::new();
        for n in [0, 127, 128, 300, u32::MAX] {
            write_leb(&mut out, n);
        }
        let mut r = Reader::new(&out);
        for n in [0, 127, 128, 300, u32::MAX] {
            assert_eq!(r.leb().expect("a number"), n);
        }
        assert!(r.done());
    }
}
