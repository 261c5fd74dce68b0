// Internal helpers of daemonset-sim's entry points (not part of the API): loading a
// WebAssembly module once, handing text to it, and turning its errors into `Error`s.

/**
 * A loader for one WebAssembly module: `init(input)` loads it once (later calls return the
 * same promise; in Node.js it reads `wasmFile`, a URL next to the caller, and in browsers
 * fetches it unless given `input`: a URL, a Response, bytes or a WebAssembly.Module), and
 * `ready()` throws unless it has loaded.
 */
export function loader(initWasm, wasmFile, name) {
  let loading = null;
  let loaded = false;
  function init(input) {
    if (!loading) {
      loading = (async () => {
        let source = input;
        if (source === undefined && typeof process === "object" && process.versions && process.versions.node) {
          const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ "node:fs/promises");
          source = await fs.readFile(wasmFile);
        }
        await initWasm(source === undefined ? undefined : { module_or_path: source });
        loaded = true;
      })();
      loading.catch(() => {
        loading = null;
      });
    }
    return loading;
  }
  function ready() {
    if (!loaded) {
      throw new Error(`${name}: call \`await init()\` before using it`);
    }
  }
  return { init, ready };
}

/** The column of a position in UTF-16 code units (what editors count), from code points. */
function utf16Column(text, line, column) {
  if (text instanceof Uint8Array) {
    text = new TextDecoder().decode(text);
  }
  if (typeof text !== "string" || !line || !column) {
    return column ?? null;
  }
  const lines = text.split("\n");
  const row = lines[line - 1];
  if (row === undefined) {
    return column;
  }
  return Array.from(row).slice(0, column - 1).join("").length + 1;
}

/** Turns an error thrown by the core (JSON `{"errors": [...]}`) into an `Error` with `errors`. */
function inputError(thrown, texts) {
  let parsed;
  try {
    parsed = JSON.parse(thrown && thrown.message);
  } catch {
    return thrown;
  }
  if (!parsed || !Array.isArray(parsed.errors)) {
    return thrown;
  }
  const errors = parsed.errors.map((d) => ({
    file: d.file,
    line: d.line ?? null,
    column: utf16Column(texts[d.file], d.line, d.column),
    path: d.path,
    message: d.message,
  }));
  const text = errors
    .map((e) => {
      let where = e.file;
      if (e.line) where += ":" + e.line + (e.column ? ":" + e.column : "");
      return where + ": " + (e.path ? e.path + ": " : "") + e.message;
    })
    .join("\n");
  const error = new Error(text);
  error.errors = errors;
  return error;
}

const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of `text` for the core: bytes as they are (a file read without an
 * encoding, e.g. Node's `readFileSync(path)`), anything else as a string encoded by the
 * platform's encoder, which is native (a string handed over as it is would be copied by a
 * JavaScript loop over every character).
 */
export function utf8(text) {
  if (text instanceof Uint8Array) {
    return text;
  }
  return encoder.encode(String(text));
}

/**
 * Runs `run` once the module is `ready`, turning what the core throws about `texts` (file
 * name to text, for UTF-16 columns) into an `Error` with `errors`.
 */
export function guarded(ready, texts, run) {
  ready();
  try {
    return run();
  } catch (thrown) {
    throw inputError(thrown, texts);
  }
}
