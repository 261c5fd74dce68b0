// daemonset-sim/playground: the playground as a widget for any page.
//   import { mount } from "daemonset-sim/playground";
//   import "daemonset-sim/playground/style.css";   // or a <link> to it
//   await mount(document.querySelector("#sim"), { yaml: "...DaemonSet and Nodes..." });
import initWasm, { mountPlayground } from "./daemonset_sim_web.js";

let loading = null;

/** The kubectl module, for the terminal: loaded on its first command, not with the page. */
async function loadKubectl() {
  const kubectl = await import("../kubectl/daemonset_sim_web.js");
  await kubectl.default();
  return kubectl;
}

/** Loads the playground's WebAssembly module (idempotent). */
export function init(input) {
  if (!loading) {
    loading = initWasm(input === undefined ? undefined : { module_or_path: input });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Splits one YAML stream into its DaemonSet documents and the rest (the cluster). */
export function splitStream(text) {
  const docs = String(text).split(/^---[ \t]*$/m);
  const isDs = (d) => /^kind:\s*DaemonSet\s*$/m.test(d);
  return {
    daemonSet: docs.filter(isDs).map((d) => d.trim()).join("\n---\n"),
    cluster: docs.filter((d) => !isDs(d)).map((d) => d.trim()).filter(Boolean).join("\n---\n"),
  };
}

/**
 * Mounts the playground into `element` (an Element or a selector). Options: `yaml` (one
 * stream with the DaemonSet and the cluster, or just the DaemonSet when `cluster` is
 * given), `cluster`, `setImage` (`"container=image"`, prepares that update), `to` (the
 * DaemonSet edited, as YAML: applying it is the update, instead of `setImage`),
 * `brokenImage` (the new image cannot be pulled), `faults` (`"SECONDS:ACTION[:NODE]"`, as
 * `dsim rollout --at` takes them), `step` (the rollout step to show), `edits` (node edits
 * as kubectl commands, e.g. `"kubectl cordon worker-1"`, applied in order), `storageKey`
 * (keep what the reader types in this browser under this key, and show it again on the
 * next visit instead of `yaml` and `cluster`), `shareUrl` (the address of a playground page:
 * the widget then has a share button whose links open the scenario there; the host page's
 * address is left alone).
 */
export async function mount(element, options = {}) {
  const target = typeof element === "string" ? document.querySelector(element) : element;
  if (!target) throw new Error(`daemonset-sim/playground: no element ${element}`);
  await init();
  let texts = {};
  if (options.yaml !== undefined && options.cluster === undefined) {
    texts = splitStream(options.yaml);
  } else if (options.yaml !== undefined || options.cluster !== undefined) {
    texts = { daemonSet: options.yaml ?? "", cluster: options.cluster ?? "" };
  }
  const { setImage, to, brokenImage, faults, step, edits, storageKey, shareUrl } = options;
  const restore = storageKey !== undefined;
  const share = shareUrl === undefined ? undefined : String(shareUrl);
  mountPlayground(target, JSON.stringify({ ...texts, setImage, to, brokenImage, faults, step, edits, storageKey, restore, share }), loadKubectl);
}
