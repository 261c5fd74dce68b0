// Types of daemonset-sim's JavaScript API. They describe exactly what the functions
// return (the same JSON as the `dsim` command line prints); a test type-checks real
// output against them under `tsc --strict`.

/** A problem in the input, 1-based; `column` counts UTF-16 code units, as editors do. */
export interface InputProblem {
  /** `input.yaml` for the main text, `to.yaml` for `options.to`, or the option's name. */
  file: string;
  line: number | null;
  column: number | null;
  /** Field path inside the object, e.g. `spec.template.spec.tolerations[0].effect`; or "". */
  path: string;
  message: string;
}

/** What `place`, `rollout`, `Simulation`, `lint` (and `daemonset-sim/kubectl`'s `KubectlSession`) throw when they cannot use the input at all. */
export interface InputError extends Error {
  errors: InputProblem[];
}

/** A warning about the input that did not stop the simulation. */
export interface Warning {
  file: string;
  line: number | null;
  column: number | null;
  path: string;
  message: string;
}

/** Why the controller decided as it did on a node, in Kubernetes' words. */
export interface Reason {
  code:
    | "NodeNameMismatch"
    | "NodeAffinityMismatch"
    | "UntoleratedTaint"
    | "Unschedulable"
    | "Preemption"
    | "DaemonPodDeleted"
    | "Cordoned"
    | "NodeNotReady";
  message: string;
}

/** The outcome on one node. */
export interface NodePlacement {
  node: string;
  /** The controller creates a daemon pod here when there is none. */
  shouldRun: boolean;
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean;
  /** What the pod ends up as after the scheduler. */
  pod: "running" | "pending" | "none";
  reasons: Reason[];
}

/** Placement of one DaemonSet. */
export interface DaemonSetPlacement {
  namespace: string;
  name: string;
  desiredNumberScheduled: number;
  nodes: NodePlacement[];
}

/** What `place` returns. */
export interface PlacementReport {
  daemonSets: DaemonSetPlacement[];
  warnings: Warning[];
}

/** Options of a rollout; every key is optional. */
export interface RolloutOptions {
  /** `kubectl set image`: `CONTAINER=IMAGE[,CONTAINER=IMAGE]` (`*` for every container). */
  setImage?: string;
  /** The updated DaemonSet as YAML or JSON text (`kubectl apply -f`). */
  to?: string;
  /** Seconds a started pod takes to become Ready (default 5). */
  readyAfter?: number;
  /** An image that cannot be pulled: its pods never become Ready. */
  failImage?: string;
  /** Several such images. */
  failImages?: string[];
  /** Nodes whose daemon pods are deleted right after the update (how OnDelete updates). */
  deletePods?: string[];
  /** Things that happen at moments: `SECONDS:ACTION[:ARGS]`, e.g. `"30:notready:worker-2"`. */
  at?: string[];
  /** Roll back once the update completes or stalls: the revision, 0 for the previous one. */
  undo?: number;
  /** Which DaemonSet, when the input has several: `NAME` or `NAMESPACE/NAME`. */
  daemonSet?: string;
}

/** The DaemonSet's status fields. */
export interface DaemonSetStatus {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
  numberMisscheduled: number;
  observedGeneration: number;
}

/** A change to one pod. */
export interface RolloutEvent {
  type: "create" | "delete" | "ready" | "available" | "failed";
  node: string;
  pod: string;
  /** The pod's `controller-revision-hash`. */
  revision: string;
  reason: string;
}

/** One controller sync, or one moment when pods or nodes changed. */
export interface RolloutStep {
  /** Seconds since the update. */
  time: number;
  /** What users and faults did at this moment, in words (absent when nothing). */
  scenario?: string[];
  events: RolloutEvent[];
  /** Pods the controller tried to create and the API server refused (absent when none). */
  failedCreates?: FailedCreate[];
  status: DaemonSetStatus;
  /** What `kubectl rollout status` prints at this moment. */
  message: string;
}

/** A pod the API server refused to create (a Namespace's Pod Security `enforce` level). */
export interface FailedCreate {
  node: string;
  /** The name `generateName` gave it. */
  pod: string;
  /** The `controller-revision-hash` it was made from. */
  revision: string;
  /** The API server's answer: `pods "NAME" is forbidden: violates PodSecurity ...`. */
  reason: string;
}

/** A pod before the update. */
export interface InitialPod {
  node: string;
  pod: string;
  revision: string;
  ready: boolean;
  available: boolean;
}

/** A ControllerRevision, as `kubectl rollout history` lists them. */
export interface HistoryEntry {
  revision: number;
  hash: string;
  changeCause: string | null;
}

/** What `rollout` returns. */
export interface Rollout {
  /** `namespace/name`. */
  daemonSet: string;
  /** e.g. `RollingUpdate (maxUnavailable 1, maxSurge 0)`. */
  strategy: string;
  revisions: { from: string; to: string };
  initial: InitialPod[];
  initialStatus: DaemonSetStatus;
  initialMessage: string;
  steps: RolloutStep[];
  outcome: "complete" | "stalled";
  /** Why it stalled, or how it completed, in words. */
  reason: string;
  history: HistoryEntry[];
  warnings: Warning[];
}

/** A daemon pod in a simulation state. */
export interface PodState {
  name: string;
  revision: string;
  scheduled: boolean;
  ready: boolean;
  available: boolean;
  /** Why it cannot become Ready, if it cannot. */
  problem: string | null;
}

/** A node in a simulation state. */
export interface NodeState {
  name: string;
  /** False once removed by a scenario. */
  present: boolean;
  cordoned: boolean;
  ready: boolean;
  shouldRun: boolean;
  shouldContinueRunning: boolean;
  /** `key=value:Effect`. */
  taints: string[];
  /** Why no new pod of the current template would run here at this moment (or notes on a surprising yes). */
  reasons: Reason[];
  pods: PodState[];
}

/** The cluster at one position of a `Simulation`. */
export interface SimulationState {
  /** 0 before the first step, up to `length`. */
  index: number;
  /** Seconds since the update. */
  time: number;
  /** The step that led here, or null at index 0. */
  step: RolloutStep | null;
  status: DaemonSetStatus;
  message: string;
  nodes: NodeState[];
}

/** A Pod Security Standards level, from the least to the most restrictive. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** A finding's stable identifier (see `docs/lint.md`). */
export type FindingCode =
  // Pod Security Standards, Baseline (warning).
  | "AppArmor"
  | "HostNamespaces"
  | "HostPorts"
  | "HostProbes"
  | "Privileged"
  | "ProcMount"
  | "SELinux"
  | "Sysctls"
  | "HostProcess"
  | "Capabilities"
  | "HostPathVolumes"
  | "Seccomp"
  // Pod Security Standards, Restricted (info).
  | "PrivilegeEscalation"
  | "RestrictedCapabilities"
  | "RestrictedProcMount"
  | "VolumeTypes"
  | "RunAsNonRoot"
  | "RunAsUser"
  | "RestrictedSeccomp"
  // Best practices.
  | "LatestTag"
  | "NoResourceRequests"
  | "NoMemoryLimit"
  | "NoReadinessProbe"
  | "NoLivenessProbe"
  | "NoControlPlaneToleration"
  | "NoPriorityClass"
  | "MaxUnavailableTooHigh"
  | "WritableHostRoot"
  | "DefaultServiceAccount"
  // What only the simulator knows.
  | "SkipsTaintedNodes"
  | "SlowRollout"
  | "HostPortWithSurge"
  | "RejectedByPodSecurity"
  | "PodSecurityWarning"
  | "PodSecurityAudit";

/** One problem found in one object. */
export interface Finding {
  code: FindingCode;
  /** `error`: the object does not work as written; `warning`: a real risk; `info`: worth knowing. */
  severity: "error" | "warning" | "info";
  /** The field it is about, e.g. `spec.template.spec.hostNetwork`. */
  path: string;
  /** What is wrong and why, in Kubernetes' words where it has them. */
  message: string;
  /** A concrete change that resolves it. */
  fix: string;
}

/** The findings about one DaemonSet or standalone Pod. */
export interface LintedObject {
  kind: "DaemonSet" | "Pod";
  /** `default` when the manifest has none. */
  namespace: string;
  name: string;
  /** The most restrictive Pod Security Standards level the pods satisfy. */
  podSecurity: PodSecurityLevel;
  /** Errors first, then warnings, then info. */
  findings: Finding[];
}

/** What `lint` returns. */
export interface LintReport {
  /** One entry per DaemonSet, then per standalone Pod, in input order. */
  objects: LintedObject[];
  warnings: Warning[];
}

/** Loads the WebAssembly module (idempotent). */
export function init(
  input?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;

/** The package version. */
export function version(): string;

/** Placement of every DaemonSet in `yaml` over its nodes. Throws an `InputError`. */
export function place(yaml: string | Uint8Array): PlacementReport;

/** A whole simulated rollout. Throws an `InputError`. */
export function rollout(yaml: string | Uint8Array, options?: RolloutOptions): Rollout;

/** A rollout to step through. */
export class Simulation {
  /** Reads the cluster (no update yet). Throws an `InputError`. */
  constructor(yaml: string | Uint8Array, options?: RolloutOptions);
  /** Applies an update and rewinds to step 0. Throws an `InputError`. */
  apply(update: RolloutOptions): Rollout;
  readonly rollout: Rollout;
  readonly length: number;
  readonly index: number;
  step(): SimulationState;
  back(): SimulationState;
  seek(index: number): SimulationState;
  state(): SimulationState;
  free(): void;
}

/** The lint of every DaemonSet and standalone Pod in `yaml`. Throws an `InputError`. */
export function lint(yaml: string | Uint8Array): LintReport;
