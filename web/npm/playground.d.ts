// Types of daemonset-sim/playground, the embeddable playground widget.

/** What the widget starts with; every key is optional. */
export interface PlaygroundOptions {
  /** One YAML stream with the DaemonSet and the cluster, or the DaemonSet alone when `cluster` is given. */
  yaml?: string;
  /** The cluster: Nodes (a `kubectl get nodes -o yaml` dump works) and optionally Pods. */
  cluster?: string;
  /** An update to prepare: `CONTAINER=IMAGE`. */
  setImage?: string;
  /** Or an update by `kubectl apply`: the DaemonSet as edited (YAML), e.g. with a changed template or strategy. */
  to?: string;
  /** With `setImage` or `to`: the new images cannot be pulled, so the update stalls. */
  brokenImage?: boolean;
  /** With `setImage` or `to`: faults during the update, as `dsim rollout --at` takes them (`"5:notready:worker-1"`). */
  faults?: string[];
  /** With `setImage` or `to`: the step of the update to show (0 is before it starts). */
  step?: number;
  /** Node edits as kubectl commands (`"kubectl cordon worker-1"`, `"kubectl taint nodes gpu-1 k=v:NoSchedule"`), applied in order. */
  edits?: string[];
  /** Keep what the reader types in this browser under this key (`localStorage`, IndexedDB for texts over 2 MB), and on the next visit show it instead of `yaml` and `cluster`. */
  storageKey?: string;
  /** The address of a playground page (e.g. `"https://example.com/playground/"`): the widget gets a share button whose links (`#yaml=...`) open the scenario there. The host page's address is left alone. Without it, no share button. */
  shareUrl?: string;
}

/** Loads the widget's WebAssembly module (idempotent). */
export function init(
  input?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;

/** Splits one YAML stream into its DaemonSet documents and the rest. */
export function splitStream(text: string): { daemonSet: string; cluster: string };

/** Mounts the playground into an element (or the first element matching a selector). */
export function mount(element: Element | string, options?: PlaygroundOptions): Promise<void>;
