// daemonset-sim: the Kubernetes DaemonSet controller, simulated in WebAssembly.
// ESM; works in Node.js >= 18, in browsers without a bundler, and with bundlers.
import initWasm, * as core from "./daemonset_sim_web.js";

let loading = null;
let loaded = false;

/**
 * Loads the WebAssembly module. Idempotent: later calls return the same promise. In
 * Node.js it reads the .wasm file next to this module; in browsers it fetches it (or
 * takes `input`: a URL, a Response, bytes or a WebAssembly.Module).
 */
export function init(input) {
  if (!loading) {
    loading = (async () => {
      let source = input;
      if (source === undefined && typeof process === "object" && process.versions && process.versions.node) {
        const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ "node:fs/promises");
        source = await fs.readFile(new URL("./daemonset_sim_web_bg.wasm", import.meta.url));
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
    throw new Error("daemonset-sim: call `await init()` before using it");
  }
}

/** The column of a position in UTF-16 code units (what editors count), from code points. */
function utf16Column(text, line, column) {
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
 * The UTF-8 bytes of `text` for the core. The platform's encoder is native; a string
 * handed over as it is would be copied by a JavaScript loop over every character.
 */
function utf8(text) {
  return encoder.encode(String(text));
}

function guarded(texts, run) {
  ready();
  try {
    return run();
  } catch (thrown) {
    throw inputError(thrown, texts);
  }
}

/** The version of the package, e.g. "0.1.0". */
export function version() {
  ready();
  return core.version();
}

/** Placement of every DaemonSet in `yaml` over its nodes: the shape `dsim place -o json` prints. */
export function place(yaml) {
  return guarded({ "input.yaml": yaml }, () => JSON.parse(core.placeRaw(utf8(yaml))));
}

function handle(yaml, options) {
  const texts = { "input.yaml": yaml, "to.yaml": options && options.to };
  return guarded(texts, () => new core.RolloutHandle(utf8(yaml), JSON.stringify(options ?? {})));
}

/** A whole simulated rollout: the shape `dsim rollout -o json` prints. */
export function rollout(yaml, options) {
  const h = handle(yaml, options);
  try {
    return JSON.parse(h.toJson());
  } finally {
    h.free();
  }
}

/**
 * A rollout you can step through: `apply` an update, then `step`, `back`, `seek` and
 * read `state()` (every node and its pods at that moment).
 */
export class Simulation {
  #yaml;
  #options;
  #handle = null;
  #rollout = null;
  #index = 0;

  constructor(yaml, options = {}) {
    this.#yaml = String(yaml);
    this.#options = { ...options };
    this.#run({});
  }

  #run(update) {
    const next = handle(this.#yaml, { ...this.#options, ...update });
    if (this.#handle) this.#handle.free();
    this.#handle = next;
    this.#rollout = JSON.parse(next.toJson());
    this.#index = 0;
  }

  /** Applies an update (`setImage`, `to`, and the other rollout options) and rewinds to step 0. */
  apply(update) {
    this.#run(update ?? {});
    return this.#rollout;
  }

  /** The simulated rollout. */
  get rollout() {
    return this.#rollout;
  }

  /** The number of steps. */
  get length() {
    return this.#rollout.steps.length;
  }

  /** The current position: 0 before the first step, `length` after the last. */
  get index() {
    return this.#index;
  }

  /** Moves one step forward (no further than the end) and returns the state. */
  step() {
    return this.seek(this.#index + 1);
  }

  /** Moves one step back (no further than the start) and returns the state. */
  back() {
    return this.seek(this.#index - 1);
  }

  /** Moves to step `index` (clamped to 0..length) and returns the state. */
  seek(index) {
    const i = Math.trunc(Number(index));
    this.#index = Number.isFinite(i) ? Math.max(0, Math.min(this.length, i)) : 0;
    return this.state();
  }

  /** Every node and its daemon pods at the current position, with the step that led there. */
  state() {
    if (!this.#handle) throw new Error("daemonset-sim: this Simulation was freed");
    const s = JSON.parse(this.#handle.stateJson(this.#index));
    const step = this.#index > 0 ? this.#rollout.steps[this.#index - 1] : null;
    return {
      index: this.#index,
      time: s.time,
      step,
      status: step ? step.status : this.#rollout.initialStatus,
      message: step ? step.message : this.#rollout.initialMessage,
      nodes: s.nodes,
    };
  }

  /** Frees the WebAssembly memory now rather than when garbage collected. */
  free() {
    if (this.#handle) this.#handle.free();
    this.#handle = null;
  }
}

/**
 * The lint of every DaemonSet and standalone Pod in `yaml`: the shape `dsim lint -o json`
 * prints (`objects`, each with its Pod Security level and findings), plus `warnings`.
 */
export function lint(yaml) {
  return guarded({ "input.yaml": yaml }, () => JSON.parse(core.lintRaw(utf8(yaml))));
}

/**
 * kubectl against the simulated cluster in `yaml`: `run("get ds -A")` returns what kubectl
 * would print, `{ stdout, stderr, exitCode }`. Changes and the simulated clock carry over
 * from one command to the next.
 */
export class KubectlSession {
  #handle;

  constructor(yaml, options = {}) {
    const opts = options ?? {};
    this.#handle = guarded({ "input.yaml": yaml }, () => new core.KubectlSession(utf8(yaml), JSON.stringify(opts)));
  }

  /**
   * Runs one command line (a leading `kubectl` is optional; shell quoting and `| grep`
   * work). `files` maps paths to text for `apply -f PATH`.
   */
  run(line, files) {
    if (!this.#handle) throw new Error("daemonset-sim: this KubectlSession was freed");
    const result = JSON.parse(this.#handle.run(String(line), files === undefined ? undefined : JSON.stringify(files)));
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  }

  /** Frees the WebAssembly memory now rather than when garbage collected. */
  free() {
    if (this.#handle) this.#handle.free();
    this.#handle = null;
  }
}

/** A new `KubectlSession` over the cluster in `yaml`. */
export function kubectl(yaml, options) {
  return new KubectlSession(yaml, options);
}
