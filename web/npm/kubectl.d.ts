// Types of daemonset-sim/kubectl: kubectl against the simulated cluster.

import type { InputError } from "./index.js";

export type { InputError };

/** Options of a kubectl session; every key is optional. */
export interface KubectlOptions {
  /** Seconds a started pod takes to become Ready (default 5). */
  readyAfter?: number;
  /** Images that cannot be pulled: their pods stay in ImagePullBackOff. */
  failImages?: string[];
}

/** What one kubectl command line printed, and the exit code kubectl would end with. */
export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Loads the WebAssembly module with the kubectl emulator (idempotent). */
export function init(
  input?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;

/** kubectl against a simulated cluster; changes and the clock carry over between commands. */
export class KubectlSession {
  /** Reads the cluster (DaemonSets, Nodes, Pods). Throws an `InputError`. */
  constructor(yaml: string | Uint8Array, options?: KubectlOptions);
  /**
   * Runs one command line, e.g. `"get ds -A"` or `"kubectl rollout status ds/agent"`.
   * `files` maps paths to text for `apply -f PATH`.
   */
  run(line: string, files?: Record<string, string>): KubectlResult;
  free(): void;
}

/** A new `KubectlSession` over the cluster in `yaml`. Throws an `InputError`. */
export function kubectl(yaml: string | Uint8Array, options?: KubectlOptions): KubectlSession;
