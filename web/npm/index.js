// daemonset-sim: the Kubernetes DaemonSet controller, simulated in WebAssembly.
// ESM; works in Node.js >= 18, in browsers without a bundler, and with bundlers.
import initWasm, * as core from "./daemonset_sim_web.js";
import { guarded as guardedBy, loader, utf8 } from "./shared.js";

const { init: load, ready } = loader(initWasm, new URL("./daemonset_sim_web_bg.wasm", import.meta.url), "daemonset-sim");
const guarded = (texts, run) => guardedBy(ready, texts, run);

/**
 * Loads the WebAssembly module. Idempotent: later calls return the same promise. In
 * Node.js it reads the .wasm file next to this module; in browsers it fetches it (or
 * takes `input`: a URL, a Response, bytes or a WebAssembly.Module).
 */
export function init(input) {
  return load(input);
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
    this.#yaml = yaml instanceof Uint8Array ? yaml : String(yaml);
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
