// daemonset-sim/kubectl: kubectl against the simulated cluster, as `dsim kubectl` runs it.
// The kubectl emulator runs in a WebAssembly module of its own (`kubectl/`), loaded by
// this entry's own `init()`: pages that only place and roll out never download it. The
// playground widget loads the same module when its terminal is first used.
import initWasm, { KubectlSession as CoreSession } from "./kubectl/daemonset_sim_web.js";
import { guarded as guardedBy, loader, utf8 } from "./shared.js";

const { init: load, ready } = loader(initWasm, new URL("./kubectl/daemonset_sim_web_bg.wasm", import.meta.url), "daemonset-sim/kubectl");
const guarded = (texts, run) => guardedBy(ready, texts, run);

/**
 * Loads the WebAssembly module with the kubectl emulator. Idempotent. In Node.js it reads
 * the .wasm file from the package; in browsers it fetches it (or takes `input`: a URL, a
 * Response, bytes or a WebAssembly.Module).
 */
export function init(input) {
  return load(input);
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
    this.#handle = guarded({ "input.yaml": yaml }, () => new CoreSession(utf8(yaml), JSON.stringify(opts)));
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
