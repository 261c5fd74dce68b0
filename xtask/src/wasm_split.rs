//! Splitting the playground's module in two: the functions its first render runs, which
//! load with the page, and the rest, which load after the first render.
//!
//! [`instrument`] marks every function with a flag it sets when it first runs;
//! `first_render` runs that module in headless Chromium up to the first render and reads
//! the flags back. [`split`] then writes two modules over one memory, one function table
//! and the same globals:
//!
//! - **first**: the functions that ran, plus a stub for every other function something in
//!   it can reach (a call, the function table, an export). A stub makes sure the rest is
//!   loaded (it calls the JavaScript import named [`LOADER_IMPORT`] with 1 while the exported flag
//!   [`LOADED_EXPORT`] is 0), then calls the real function through a slot of the function
//!   table that the rest fills. It also exports its memory, tables, globals and the
//!   functions the rest calls, under names starting with `~` (no wasm-bindgen export does).
//! - **rest**: every function that did not run, importing all of that from the first module
//!   (import module [`REST_IMPORTS`]), with an element segment that puts its functions into
//!   the stubs' slots when it is instantiated.
//!
//! Nothing else changes: the same instructions run, one indirect call later for what the
//! first render did not need. Functions that name data or element segments (which stay in
//! the first module) or take a function's reference stay in the first module too.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, ElementSection, Elements, EntityType, ExportKind, ExportSection,
    Function, FunctionSection, GlobalSection, ImportSection, Instruction, Module, NameMap,
    NameSection, RawSection, SectionId, TableSection,
};
use wasmparser::{
    ElementSectionReader, ExternalKind, FunctionBody, GlobalSectionReader, KnownCustom, Name,
    Operator, Parser, Payload, RefType, TableInit, TypeRef,
};

use crate::{Error, Result};

/// The import module name under which the rest finds the first module's exports.
pub const REST_IMPORTS: &str = "p";
/// The first module's exported flag (a mutable `i32` global): 1 once the rest is loaded.
pub const LOADED_EXPORT: &str = "~loaded";
/// What the name of the JavaScript import that loads the rest contains (wasm-bindgen names
/// an import `__wbg_<js name>_<hash>`).
pub const LOADER_IMPORT: &str = "dsimRestLoad";
/// The first module's exported stamp (an immutable `i32` global): [`Parts::stamp`].
pub const STAMP_EXPORT: &str = "~rest";
/// The prefix of the flags [`instrument`] exports, followed by the function's position
/// among the defined functions.
pub const RAN_PREFIX: &str = "~ran";

/// The two modules [`split`] writes, and what went where.
#[derive(Debug)]
pub struct Parts {
    /// The module loaded with the page.
    pub first: Vec<u8>,
    /// The module loaded after the first render.
    pub rest: Vec<u8>,
    /// How many functions stay in the first module (stubs not counted).
    pub kept: usize,
    /// How many functions moved to the rest.
    pub moved: usize,
    /// How many of those the first module reaches through a stub.
    pub stubs: usize,
    /// What names this pair: the first module exports it as [`STAMP_EXPORT`], and the rest
    /// is published under a file name with it, so that no cache pairs one module with the
    /// other of another build.
    pub stamp: u32,
}

/// The parts of a module the split reads.
struct Parsed<'a> {
    /// The whole module.
    data: &'a [u8],
    /// The function types, by type index (`None` for non-function types).
    types: Vec<Option<wasmparser::FuncType>>,
    /// The raw type section.
    type_section: Option<Range<usize>>,
    /// The imports, in order.
    imports: Vec<wasmparser::Import<'a>>,
    /// The raw import section.
    import_section: Option<Range<usize>>,
    /// The type index of each defined function.
    functions: Vec<u32>,
    /// The defined tables.
    tables: Vec<wasmparser::Table<'a>>,
    /// The defined memories.
    memories: Vec<wasmparser::MemoryType>,
    /// The raw memory section.
    memory_section: Option<Range<usize>>,
    /// The global section.
    globals: Option<GlobalSectionReader<'a>>,
    /// The types of the defined globals.
    global_types: Vec<wasmparser::GlobalType>,
    /// The exports.
    exports: Vec<wasmparser::Export<'a>>,
    /// The start function.
    start: Option<u32>,
    /// The element section.
    elements: Option<ElementSectionReader<'a>>,
    /// The raw data count section.
    data_count: Option<Range<usize>>,
    /// The function bodies, in order.
    bodies: Vec<FunctionBody<'a>>,
    /// The raw data section.
    data_section: Option<Range<usize>>,
    /// Function names from the `name` section, by function index.
    names: BTreeMap<u32, &'a str>,
}

impl<'a> Parsed<'a> {
    /// Reads `data`; refuses exception tags, which the split does not handle.
    fn new(data: &'a [u8]) -> Result<Self> {
        let mut parsed = Parsed {
            data,
            types: Vec::new(),
            type_section: None,
            imports: Vec::new(),
            import_section: None,
            functions: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            memory_section: None,
            globals: None,
            global_types: Vec::new(),
            exports: Vec::new(),
            start: None,
            elements: None,
            data_count: None,
            bodies: Vec::new(),
            data_section: None,
            names: BTreeMap::new(),
        };
        for payload in Parser::new(0).parse_all(data) {
            match payload.map_err(parse_error)? {
                Payload::TypeSection(reader) => {
                    parsed.type_section = Some(reader.range());
                    for group in reader {
                        for sub in group.map_err(parse_error)?.into_types() {
                            parsed.types.push(match sub.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(f) => Some(f),
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    parsed.import_section = Some(reader.range());
                    for import in reader.into_imports() {
                        parsed.imports.push(import.map_err(parse_error)?);
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        parsed.functions.push(ty.map_err(parse_error)?);
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        parsed.tables.push(table.map_err(parse_error)?);
                    }
                }
                Payload::MemorySection(reader) => {
                    parsed.memory_section = Some(reader.range());
                    for memory in reader {
                        parsed.memories.push(memory.map_err(parse_error)?);
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader.clone() {
                        parsed.global_types.push(global.map_err(parse_error)?.ty);
                    }
                    parsed.globals = Some(reader);
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        parsed.exports.push(export.map_err(parse_error)?);
                    }
                }
                Payload::StartSection { func, .. } => parsed.start = Some(func),
                Payload::ElementSection(reader) => parsed.elements = Some(reader),
                Payload::DataCountSection { range, .. } => parsed.data_count = Some(range),
                Payload::DataSection(reader) => parsed.data_section = Some(reader.range()),
                Payload::CodeSectionEntry(body) => parsed.bodies.push(body),
                Payload::TagSection(_) => {
                    return Err(Error::msg("the module has exception tags; not split"))
                }
                Payload::CustomSection(reader) => {
                    if let KnownCustom::Name(names) = reader.as_known() {
                        for name in names {
                            if let Ok(Name::Function(map)) = name {
                                for naming in map.into_iter().flatten() {
                                    parsed.names.insert(naming.index, naming.name);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(parsed)
    }

    /// How many functions are imported (they come first in the function index space).
    fn imported_functions(&self) -> u32 {
        count(
            self.imports
                .iter()
                .filter(|i| matches!(i.ty, TypeRef::Func(_))),
        )
    }

    /// The types of all globals, imported ones first.
    fn all_global_types(&self) -> Vec<wasmparser::GlobalType> {
        let imported = self.imports.iter().filter_map(|i| match i.ty {
            TypeRef::Global(g) => Some(g),
            _ => None,
        });
        imported.chain(self.global_types.iter().copied()).collect()
    }

    /// The types of all memories, imported ones first.
    fn all_memory_types(&self) -> Vec<wasmparser::MemoryType> {
        let imported = self.imports.iter().filter_map(|i| match i.ty {
            TypeRef::Memory(m) => Some(m),
            _ => None,
        });
        imported.chain(self.memories.iter().copied()).collect()
    }

    /// The type index of function `index` (imported or defined).
    fn function_type(&self, index: u32) -> Result<u32> {
        let imported = self.imported_functions();
        if index < imported {
            let import = self
                .imports
                .iter()
                .filter_map(|i| match i.ty {
                    TypeRef::Func(t) => Some(t),
                    _ => None,
                })
                .nth(index as usize);
            return import.ok_or_else(|| Error::msg(format!("no function {index}")));
        }
        self.functions
            .get((index - imported) as usize)
            .copied()
            .ok_or_else(|| Error::msg(format!("no function {index}")))
    }

    /// The raw bytes of a section, for copying it unchanged.
    fn raw(&self, id: SectionId, range: &Option<Range<usize>>) -> Option<RawSection<'a>> {
        let data = self.data;
        range.as_ref().map(|r| RawSection {
            id: id as u8,
            data: &data[r.clone()],
        })
    }
}

/// What one function body refers to.
struct References {
    /// The functions it calls or takes the reference of.
    functions: Vec<u32>,
    /// It must stay in the first module: it names a data or element segment, or takes a
    /// function's reference (which the rest could only do for functions it declares).
    pinned: bool,
}

/// Reads what `body` refers to.
fn references(body: &FunctionBody<'_>) -> Result<References> {
    let mut refs = References {
        functions: Vec::new(),
        pinned: false,
    };
    let mut reader = body.get_operators_reader().map_err(parse_error)?;
    while !reader.eof() {
        match reader.read().map_err(parse_error)? {
            Operator::Call { function_index } | Operator::ReturnCall { function_index } => {
                refs.functions.push(function_index);
            }
            Operator::RefFunc { function_index } => {
                refs.functions.push(function_index);
                refs.pinned = true;
            }
            Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::TableInit { .. }
            | Operator::ElemDrop { .. } => refs.pinned = true,
            _ => {}
        }
    }
    Ok(refs)
}

/// The functions the element section names.
fn element_functions(elements: &Option<ElementSectionReader<'_>>) -> Result<Vec<u32>> {
    let mut functions = Vec::new();
    let Some(reader) = elements else {
        return Ok(functions);
    };
    for element in reader.clone() {
        match element.map_err(parse_error)?.items {
            wasmparser::ElementItems::Functions(items) => {
                for f in items {
                    functions.push(f.map_err(parse_error)?);
                }
            }
            wasmparser::ElementItems::Expressions(_, exprs) => {
                for expr in exprs {
                    let mut ops = expr.map_err(parse_error)?.get_operators_reader();
                    while !ops.eof() {
                        if let Operator::RefFunc { function_index } =
                            ops.read().map_err(parse_error)?
                        {
                            functions.push(function_index);
                        }
                    }
                }
            }
        }
    }
    Ok(functions)
}

/// Re-encodes code with function indices mapped to their place in one of the two modules.
struct Remap {
    /// New index by old function index; `None` for functions this module lacks.
    map: Vec<Option<u32>>,
}

impl Reencode for Remap {
    type Error = String;

    fn function_index(&mut self, func: u32) -> Result<u32, reencode::Error<String>> {
        self.map
            .get(func as usize)
            .copied()
            .flatten()
            .ok_or_else(|| reencode::Error::UserError(format!("function {func} is not here")))
    }
}

/// Splits `wasm` into the functions at the positions (among the defined functions) in
/// `ran`, with the stubs of what they reach, and the rest; see the module's documentation.
/// A function that a kept function calls directly and whose name `companion` accepts stays
/// too (and so on from it): a profile misses what only runs some of the time, such as the
/// drop of a value that a later render replaces.
pub fn split(wasm: &[u8], ran: &BTreeSet<u32>, companion: &dyn Fn(&str) -> bool) -> Result<Parts> {
    let m = Parsed::new(wasm)?;
    if m.imports.iter().any(|i| matches!(i.ty, TypeRef::Table(_))) {
        return Err(Error::msg("the module imports a table; not split"));
    }
    let imported = m.imported_functions();
    let defined = count(m.bodies.iter());
    let total = imported + defined;
    let refs = m
        .bodies
        .iter()
        .map(references)
        .collect::<Result<Vec<_>>>()?;

    // What stays: what ran, what must, the start function, and the companions of those.
    let mut keep: Vec<bool> = (0..defined)
        .map(|pos| {
            ran.contains(&pos) || refs[pos as usize].pinned || m.start == Some(imported + pos)
        })
        .collect();
    let mut todo: Vec<u32> = (0..defined).filter(|&pos| keep[pos as usize]).collect();
    while let Some(pos) = todo.pop() {
        for &f in &refs[pos as usize].functions {
            let Some(callee) = f.checked_sub(imported) else {
                continue;
            };
            let companion = m.names.get(&f).is_some_and(|name| companion(name));
            if companion && !keep[callee as usize] {
                keep[callee as usize] = true;
                todo.push(callee);
            }
        }
    }
    let keep = keep;
    let moved = |index: u32| index >= imported && !keep[(index - imported) as usize];
    // Moved functions the first module reaches get a stub.
    let mut reached: BTreeSet<u32> = BTreeSet::new();
    for (pos, r) in refs.iter().enumerate() {
        if keep[pos] {
            reached.extend(r.functions.iter().copied().filter(|&f| moved(f)));
        }
    }
    reached.extend(
        element_functions(&m.elements)?
            .into_iter()
            .filter(|&f| moved(f)),
    );
    reached.extend(
        m.exports
            .iter()
            .filter(|e| e.kind == ExternalKind::Func && moved(e.index))
            .map(|e| e.index),
    );

    // The function table the stubs call through, and the slots they use.
    let (table_index, table) = m
        .tables
        .iter()
        .enumerate()
        .find(|(_, t)| t.ty.element_type == RefType::FUNCREF)
        .ok_or_else(|| Error::msg("the module has no function table; not split"))?;
    let table_index = u32::try_from(table_index).map_err(|_| Error::msg("too many tables"))?;
    let base = u32::try_from(table.ty.initial).map_err(|_| Error::msg("table too large"))?;
    let slots: BTreeMap<u32, u32> = reached.iter().copied().zip(base..).collect();
    let table_size = u64::from(base) + slots.len() as u64;
    let mut table_type = RoundtripReencoder
        .table_type(table.ty)
        .map_err(reencode_error)?;
    table_type.minimum = table_size;
    table_type.maximum = table_type.maximum.map(|max| max.max(table_size));

    // The first module: imports unchanged, then kept functions and stubs in their order,
    // then the function that makes sure the rest is loaded.
    let mut first_map: Vec<Option<u32>> = (0..imported).map(Some).collect();
    let mut next = imported;
    for index in imported..total {
        if !moved(index) || slots.contains_key(&index) {
            first_map.push(Some(next));
            next += 1;
        } else {
            first_map.push(None);
        }
    }
    let ensure = next;
    let loader = m
        .imports
        .iter()
        .filter(|i| matches!(i.ty, TypeRef::Func(_)))
        .position(|i| i.name.contains(LOADER_IMPORT))
        .ok_or_else(|| {
            Error::msg(format!(
                "the module has no import `{LOADER_IMPORT}` to load the rest with"
            ))
        })?;
    let loader = u32::try_from(loader).map_err(|_| Error::msg("too many imports"))?;
    let no_params = m
        .types
        .iter()
        .position(|t| {
            t.as_ref()
                .is_some_and(|f| f.params().is_empty() && f.results().is_empty())
        })
        .ok_or_else(|| Error::msg("the module has no type [] -> []"))?;
    let no_params = u32::try_from(no_params).map_err(|_| Error::msg("too many types"))?;
    let loader_type = m.function_type(loader)?;
    let takes_flag = m
        .types
        .get(loader_type as usize)
        .and_then(Option::as_ref)
        .is_some_and(|f| f.params() == [wasmparser::ValType::I32] && f.results().is_empty());
    if !takes_flag {
        return Err(Error::msg(format!(
            "`{LOADER_IMPORT}` must take one i32 (load at once) and return nothing"
        )));
    }
    let globals = m.all_global_types();
    let loaded_global = count(globals.iter());

    // The rest: imports of what it uses from the first module, then the moved functions.
    let mut rest_imports: Vec<u32> = Vec::new();
    let mut rest_map: Vec<Option<u32>> = vec![None; total as usize];
    for (pos, r) in refs.iter().enumerate() {
        if !keep[pos] {
            for &f in &r.functions {
                if !moved(f) && rest_map[f as usize].is_none() {
                    rest_map[f as usize] = Some(count(rest_imports.iter()));
                    rest_imports.push(f);
                }
            }
        }
    }
    let mut next = count(rest_imports.iter());
    for index in imported..total {
        if moved(index) {
            rest_map[index as usize] = Some(next);
            next += 1;
        }
    }

    let stamp = stamp_of(wasm, &keep);
    let first = first_module(
        &m,
        &keep,
        &first_map,
        &slots,
        FirstExtras {
            table_index,
            table_type,
            ensure,
            loader,
            no_params,
            loaded_global,
            rest_imports: &rest_imports,
            stamp,
        },
    )?;
    let rest = rest_module(
        &m,
        &keep,
        &rest_map,
        &rest_imports,
        &slots,
        table_index,
        table_type,
    )?;
    let moved_count = keep.iter().filter(|k| !**k).count();
    Ok(Parts {
        stamp,
        first,
        rest,
        kept: keep.len() - moved_count,
        moved: moved_count,
        stubs: slots.len(),
    })
}

/// What the first module gets besides the kept functions.
struct FirstExtras<'r> {
    /// The function table the stubs call through.
    table_index: u32,
    /// That table's type, grown by the stubs' slots.
    table_type: wasm_encoder::TableType,
    /// The index of the function that makes sure the rest is loaded.
    ensure: u32,
    /// The index of the JavaScript import that loads it.
    loader: u32,
    /// The index of the type `[] -> []`.
    no_params: u32,
    /// The index of the flag global (after all the module's globals).
    loaded_global: u32,
    /// The functions the rest imports, by old index.
    rest_imports: &'r [u32],
    /// The pair's stamp.
    stamp: u32,
}

/// Writes the first module.
fn first_module(
    m: &Parsed<'_>,
    keep: &[bool],
    map: &[Option<u32>],
    slots: &BTreeMap<u32, u32>,
    x: FirstExtras<'_>,
) -> Result<Vec<u8>> {
    let imported = m.imported_functions();
    let mut remap = Remap { map: map.to_vec() };
    let mut functions = FunctionSection::new();
    for (pos, &ty) in m.functions.iter().enumerate() {
        if map[imported as usize + pos].is_some() {
            functions.function(ty);
        }
    }
    functions.function(x.no_params);

    let mut exports = vec![
        (
            LOADED_EXPORT.to_owned(),
            ExportKind::Global,
            x.loaded_global,
        ),
        (
            STAMP_EXPORT.to_owned(),
            ExportKind::Global,
            x.loaded_global + 1,
        ),
    ];
    for i in 0..count(m.tables.iter()) {
        exports.push((format!("~t{i}"), ExportKind::Table, i));
    }
    for i in 0..count(m.all_memory_types().iter()) {
        exports.push((format!("~m{i}"), ExportKind::Memory, i));
    }
    for i in 0..x.loaded_global {
        exports.push((format!("~g{i}"), ExportKind::Global, i));
    }
    for &f in x.rest_imports {
        let index =
            map[f as usize].ok_or_else(|| Error::msg("an import of the rest is missing"))?;
        exports.push((format!("~f{f}"), ExportKind::Func, index));
    }

    let mut code = CodeSection::new();
    for (pos, body) in m.bodies.iter().enumerate() {
        let index = imported + pos as u32;
        if keep[pos] {
            remap
                .parse_function_body(&mut code, body.clone())
                .map_err(reencode_error)?;
        } else if let Some(&slot) = slots.get(&index) {
            let ty = m.functions[pos];
            let params = m.types[ty as usize]
                .as_ref()
                .map_or(0, |f| f.params().len());
            let mut stub = Function::new([]);
            stub.instruction(&Instruction::Call(x.ensure));
            for p in 0..params {
                stub.instruction(&Instruction::LocalGet(p as u32));
            }
            stub.instruction(&Instruction::I32Const(slot as i32));
            stub.instruction(&Instruction::CallIndirect {
                type_index: ty,
                table_index: x.table_index,
            });
            stub.instruction(&Instruction::End);
            code.function(&stub);
        }
    }
    let mut ensure = Function::new([]);
    ensure.instruction(&Instruction::GlobalGet(x.loaded_global));
    ensure.instruction(&Instruction::I32Eqz);
    ensure.instruction(&Instruction::If(wasm_encoder::BlockType::Empty));
    ensure.instruction(&Instruction::I32Const(1));
    ensure.instruction(&Instruction::Call(x.loader));
    ensure.instruction(&Instruction::End);
    ensure.instruction(&Instruction::End);
    code.function(&ensure);

    let mut names = names_for(m, map);
    names.append(x.ensure, "~ensure_rest_loaded");
    rewrite(
        m,
        &mut remap,
        Rewritten {
            functions,
            grown_table: Some((x.table_index, x.table_type)),
            flags: 1,
            stamp: Some(x.stamp),
            exports,
            code,
            names: Some(names),
        },
    )
}

/// What [`rewrite`] writes instead of a module's own sections.
struct Rewritten {
    /// The function section.
    functions: FunctionSection,
    /// A table (by index) given a new type; it must have no initial value.
    grown_table: Option<(u32, wasm_encoder::TableType)>,
    /// How many mutable `i32` globals, starting at 0, follow the module's own.
    flags: u32,
    /// An immutable `i32` global after those, with this value.
    stamp: Option<u32>,
    /// Exports after the module's own: name, kind, index.
    exports: Vec<(String, ExportKind, u32)>,
    /// The code section.
    code: CodeSection,
    /// The function names, if any.
    names: Option<NameMap>,
}

/// Writes the module `m` with the parts of `new`, re-encoding what refers to functions
/// (exports, the start function, element segments) with `reencoder` and copying the
/// types, imports, memories and data as they are.
fn rewrite<R>(m: &Parsed<'_>, reencoder: &mut R, new: Rewritten) -> Result<Vec<u8>>
where
    R: Reencode,
    R::Error: std::fmt::Debug,
{
    let mut module = Module::new();
    if let Some(raw) = m.raw(SectionId::Type, &m.type_section) {
        module.section(&raw);
    }
    if let Some(raw) = m.raw(SectionId::Import, &m.import_section) {
        module.section(&raw);
    }
    module.section(&new.functions);
    let mut tables = TableSection::new();
    for (i, table) in m.tables.iter().enumerate() {
        match new.grown_table {
            Some((index, ty)) if index as usize == i => {
                if !matches!(table.init, TableInit::RefNull) {
                    return Err(Error::msg("the function table has an initial value"));
                }
                tables.table(ty);
            }
            _ => reencoder
                .parse_table(&mut tables, table.clone())
                .map_err(reencode_error)?,
        }
    }
    module.section(&tables);
    if let Some(raw) = m.raw(SectionId::Memory, &m.memory_section) {
        module.section(&raw);
    }
    let mut globals = GlobalSection::new();
    if let Some(reader) = &m.globals {
        reencoder
            .parse_global_section(&mut globals, reader.clone())
            .map_err(reencode_error)?;
    }
    for _ in 0..new.flags {
        globals.global(
            wasm_encoder::GlobalType {
                val_type: wasm_encoder::ValType::I32,
                mutable: true,
                shared: false,
            },
            &ConstExpr::i32_const(0),
        );
    }
    if let Some(stamp) = new.stamp {
        globals.global(
            wasm_encoder::GlobalType {
                val_type: wasm_encoder::ValType::I32,
                mutable: false,
                shared: false,
            },
            &ConstExpr::i32_const(stamp as i32),
        );
    }
    module.section(&globals);
    let mut exports = ExportSection::new();
    for export in &m.exports {
        reencoder
            .parse_export(&mut exports, *export)
            .map_err(reencode_error)?;
    }
    for (name, kind, index) in &new.exports {
        exports.export(name, *kind, *index);
    }
    module.section(&exports);
    if let Some(start) = m.start {
        let function_index = reencoder.function_index(start).map_err(reencode_error)?;
        module.section(&wasm_encoder::StartSection { function_index });
    }
    if let Some(reader) = &m.elements {
        let mut elements = ElementSection::new();
        reencoder
            .parse_element_section(&mut elements, reader.clone())
            .map_err(reencode_error)?;
        module.section(&elements);
    }
    if let Some(raw) = m.raw(SectionId::DataCount, &m.data_count) {
        module.section(&raw);
    }
    module.section(&new.code);
    if let Some(raw) = m.raw(SectionId::Data, &m.data_section) {
        module.section(&raw);
    }
    if let Some(names) = &new.names {
        let mut section = NameSection::new();
        section.functions(names);
        module.section(&section);
    }
    Ok(module.finish())
}

/// Writes the rest module.
fn rest_module(
    m: &Parsed<'_>,
    keep: &[bool],
    map: &[Option<u32>],
    rest_imports: &[u32],
    slots: &BTreeMap<u32, u32>,
    table_index: u32,
    table_type: wasm_encoder::TableType,
) -> Result<Vec<u8>> {
    let mut remap = Remap { map: map.to_vec() };
    let mut module = Module::new();
    if let Some(raw) = m.raw(SectionId::Type, &m.type_section) {
        module.section(&raw);
    }
    let mut imports = ImportSection::new();
    for &f in rest_imports {
        imports.import(
            REST_IMPORTS,
            &format!("~f{f}"),
            EntityType::Function(m.function_type(f)?),
        );
    }
    for (i, table) in m.tables.iter().enumerate() {
        let ty = if i as u32 == table_index {
            table_type
        } else {
            RoundtripReencoder
                .table_type(table.ty)
                .map_err(reencode_error)?
        };
        imports.import(REST_IMPORTS, &format!("~t{i}"), EntityType::Table(ty));
    }
    for (i, memory) in m.all_memory_types().into_iter().enumerate() {
        let ty = RoundtripReencoder
            .memory_type(memory)
            .map_err(reencode_error)?;
        imports.import(REST_IMPORTS, &format!("~m{i}"), EntityType::Memory(ty));
    }
    for (i, global) in m.all_global_types().into_iter().enumerate() {
        let ty = RoundtripReencoder
            .global_type(global)
            .map_err(reencode_error)?;
        imports.import(REST_IMPORTS, &format!("~g{i}"), EntityType::Global(ty));
    }
    module.section(&imports);
    let mut functions = FunctionSection::new();
    for (pos, &ty) in m.functions.iter().enumerate() {
        if !keep[pos] {
            functions.function(ty);
        }
    }
    module.section(&functions);
    let mut elements = ElementSection::new();
    let filled: Vec<u32> = slots
        .keys()
        .map(|&f| map[f as usize].ok_or_else(|| Error::msg("a stub's function is missing")))
        .collect::<Result<_>>()?;
    let base = slots.values().next().copied().unwrap_or(0);
    elements.active(
        Some(table_index),
        &ConstExpr::i32_const(base as i32),
        Elements::Functions(filled.into()),
    );
    module.section(&elements);
    let mut code = CodeSection::new();
    for (pos, body) in m.bodies.iter().enumerate() {
        if !keep[pos] {
            remap
                .parse_function_body(&mut code, body.clone())
                .map_err(reencode_error)?;
        }
    }
    module.section(&code);
    let mut section = NameSection::new();
    section.functions(&names_for(m, map));
    module.section(&section);
    Ok(module.finish())
}

/// The function names of `m` at their indices in one of the two modules.
fn names_for(m: &Parsed<'_>, map: &[Option<u32>]) -> NameMap {
    let mut names: Vec<(u32, &str)> = m
        .names
        .iter()
        .filter_map(|(&old, &name)| Some((map.get(old as usize).copied().flatten()?, name)))
        .collect();
    names.sort_unstable();
    let mut map = NameMap::new();
    for (index, name) in names {
        map.append(index, name);
    }
    map
}

/// `wasm` with a flag per defined function that the function sets when it runs, exported
/// as [`RAN_PREFIX`] followed by the function's position among the defined functions.
pub fn instrument(wasm: &[u8]) -> Result<Vec<u8>> {
    let m = Parsed::new(wasm)?;
    let first_flag = count(m.all_global_types().iter());
    let defined = count(m.bodies.iter());
    let mut reencoder = RoundtripReencoder;
    let mut code = CodeSection::new();
    for (pos, body) in m.bodies.iter().enumerate() {
        let mut f = reencoder
            .new_function_with_parsed_locals(body)
            .map_err(reencode_error)?;
        f.instruction(&Instruction::I32Const(1));
        f.instruction(&Instruction::GlobalSet(first_flag + pos as u32));
        let mut reader = body.get_operators_reader().map_err(parse_error)?;
        while !reader.eof() {
            f.instruction(
                &reencoder
                    .parse_instruction(&mut reader)
                    .map_err(reencode_error)?,
            );
        }
        code.function(&f);
    }
    let mut functions = FunctionSection::new();
    for &ty in &m.functions {
        functions.function(ty);
    }
    let exports = (0..defined)
        .map(|pos| {
            (
                format!("{RAN_PREFIX}{pos}"),
                ExportKind::Global,
                first_flag + pos,
            )
        })
        .collect();
    rewrite(
        &m,
        &mut reencoder,
        Rewritten {
            functions,
            grown_table: None,
            flags: defined,
            stamp: None,
            exports,
            code,
            names: None,
        },
    )
}

/// A stamp of the split: FNV-1a over the module and which of its functions stay.
fn stamp_of(wasm: &[u8], keep: &[bool]) -> u32 {
    let bytes = wasm
        .iter()
        .copied()
        .chain(keep.iter().map(|&k| u8::from(k)));
    bytes.fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// How many items an iterator yields, as a wasm index.
fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// A parse error as the crate's error.
fn parse_error(err: wasmparser::BinaryReaderError) -> Error {
    Error::msg(format!("reading the wasm module: {err}"))
}

/// A re-encoding error as the crate's error.
fn reencode_error<E: std::fmt::Debug>(err: reencode::Error<E>) -> Error {
    Error::msg(format!("writing the wasm module: {err:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{BlockType, TypeSection, ValType};

    /// A module like wasm-bindgen's: an imported loader, a memory, a function table with
    /// an element segment, a stack-pointer global, an export, and four functions: `main`
    /// (exported) calls `helper`, which calls `deep`; `indirect` is only in the table.
    fn sample() -> Vec<u8> {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []); // 0
        types.ty().function([ValType::I32], [ValType::I32]); // 1
        types.ty().function([ValType::I32], []); // 2
        module.section(&types);
        let mut imports = ImportSection::new();
        imports.import("wbg", "__wbg_dsimRestLoad_abc", EntityType::Function(2));
        module.section(&imports);
        let mut functions = FunctionSection::new();
        for ty in [1, 1, 1, 1] {
            functions.function(ty);
        }
        module.section(&functions);
        let mut tables = TableSection::new();
        tables.table(wasm_encoder::TableType {
            element_type: wasm_encoder::RefType::FUNCREF,
            table64: false,
            minimum: 2,
            maximum: Some(2),
            shared: false,
        });
        module.section(&tables);
        let mut memories = wasm_encoder::MemorySection::new();
        memories.memory(wasm_encoder::MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        module.section(&memories);
        let mut globals = GlobalSection::new();
        globals.global(
            wasm_encoder::GlobalType {
                val_type: ValType::I32,
                mutable: true,
                shared: false,
            },
            &ConstExpr::i32_const(1024),
        );
        module.section(&globals);
        let mut exports = ExportSection::new();
        exports.export("main", ExportKind::Func, 1);
        exports.export("memory", ExportKind::Memory, 0);
        module.section(&exports);
        let mut elements = ElementSection::new();
        elements.active(
            None,
            &ConstExpr::i32_const(1),
            Elements::Functions([4].as_slice().into()),
        );
        module.section(&elements);
        let mut code = CodeSection::new();
        let body = |calls: Option<u32>| {
            let mut f = Function::new([]);
            f.instruction(&Instruction::LocalGet(0));
            if let Some(callee) = calls {
                f.instruction(&Instruction::Call(callee));
            }
            f.instruction(&Instruction::GlobalGet(0));
            f.instruction(&Instruction::I32Add);
            f.instruction(&Instruction::End);
            f
        };
        code.function(&body(Some(2))); // 1 main -> helper
        code.function(&body(Some(3))); // 2 helper -> deep
        code.function(&body(None)); // 3 deep
        let mut indirect = Function::new([]);
        indirect.instruction(&Instruction::LocalGet(0));
        indirect.instruction(&Instruction::If(BlockType::Empty));
        indirect.instruction(&Instruction::End);
        indirect.instruction(&Instruction::LocalGet(0));
        indirect.instruction(&Instruction::End);
        code.function(&indirect); // 4 indirect, in the table
        module.section(&code);
        module.finish()
    }

    fn validate(wasm: &[u8]) {
        wasmparser::Validator::new()
            .validate_all(wasm)
            .expect("a valid module");
    }

    fn exports(wasm: &[u8]) -> Vec<String> {
        let m = Parsed::new(wasm).expect("parses");
        m.exports.iter().map(|e| e.name.to_owned()).collect()
    }

    #[test]
    fn what_ran_stays_and_what_it_reaches_gets_a_stub() {
        let wasm = sample();
        validate(&wasm);
        // Only `main` (position 0) ran.
        let parts = split(&wasm, &BTreeSet::from([0]), &|_| false).expect("splits");
        validate(&parts.first);
        validate(&parts.rest);
        assert_eq!((parts.kept, parts.moved), (1, 3));
        // `helper` is called by `main`, `indirect` is in the table; `deep` is only called
        // from the rest, so it needs no stub.
        assert_eq!(parts.stubs, 2);
        let first = Parsed::new(&parts.first).expect("parses");
        // main, two stubs, the loader check.
        assert_eq!(first.bodies.len(), 4);
        let rest = Parsed::new(&parts.rest).expect("parses");
        assert_eq!(rest.bodies.len(), 3);
        // The rest fills the two new slots after the table's two.
        let first_table = &first.tables[0].ty;
        assert_eq!((first_table.initial, first_table.maximum), (4, Some(4)));
        let exported = exports(&parts.first);
        for name in [
            "main",
            "memory",
            LOADED_EXPORT,
            STAMP_EXPORT,
            "~t0",
            "~m0",
            "~g0",
        ] {
            assert!(exported.iter().any(|e| e == name), "{name} in {exported:?}");
        }
        // The rest imports memory, table and global from the first module.
        assert!(rest.imports.iter().all(|i| i.module == REST_IMPORTS));
        assert_eq!(rest.imports.len(), 3);
    }

    #[test]
    fn a_function_the_rest_calls_back_is_exported_to_it() {
        // `main` and `deep` ran; `helper` moves and calls `deep` in the first module.
        let parts = split(&sample(), &BTreeSet::from([0, 2]), &|_| false).expect("splits");
        validate(&parts.first);
        validate(&parts.rest);
        assert!(exports(&parts.first).contains(&"~f3".to_owned()));
        let rest = Parsed::new(&parts.rest).expect("parses");
        assert!(rest.imports.iter().any(|i| i.name == "~f3"));
    }

    #[test]
    fn another_split_has_another_stamp() {
        let wasm = sample();
        let one = split(&wasm, &BTreeSet::from([0]), &|_| false).expect("splits");
        let again = split(&wasm, &BTreeSet::from([0]), &|_| false).expect("splits");
        let other = split(&wasm, &BTreeSet::from([0, 2]), &|_| false).expect("splits");
        assert_eq!(one.stamp, again.stamp);
        assert_ne!(one.stamp, other.stamp);
    }

    #[test]
    fn when_everything_ran_the_rest_is_empty() {
        let parts = split(&sample(), &BTreeSet::from([0, 1, 2, 3]), &|_| false).expect("splits");
        validate(&parts.first);
        validate(&parts.rest);
        assert_eq!((parts.moved, parts.stubs), (0, 0));
    }

    #[test]
    fn a_module_without_the_loader_import_is_refused() {
        let wasm = sample();
        let renamed = {
            let needle = b"dsimRestLoad";
            let at = wasm
                .windows(needle.len())
                .position(|w| w == needle)
                .expect("present");
            let mut copy = wasm.clone();
            copy[at..at + needle.len()].copy_from_slice(b"somethingEls");
            copy
        };
        let err = split(&renamed, &BTreeSet::new(), &|_| false).expect_err("refused");
        assert!(err.to_string().contains(LOADER_IMPORT), "{err}");
    }

    #[test]
    fn instrumenting_adds_a_flag_per_function() {
        let wasm = instrument(&sample()).expect("instruments");
        validate(&wasm);
        let names = exports(&wasm);
        for pos in 0..4 {
            assert!(names.contains(&format!("{RAN_PREFIX}{pos}")));
        }
    }
}
