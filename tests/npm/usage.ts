// Ordinary use of the API, which must compile under `tsc --strict`.
import { init, lint, place, rollout, Simulation, version, type InputError } from "daemonset-sim";
import { init as initKubectl, kubectl, KubectlSession, type KubectlResult } from "daemonset-sim/kubectl";

await init();
await initKubectl();
const yaml: string = "";
const report = place(yaml);
const running: boolean = report.daemonSets[0].nodes[0].shouldRun;
const pod: "running" | "pending" | "none" = report.daemonSets[0].nodes[0].pod;
const r = rollout(yaml, { setImage: "a=b", readyAfter: 3, at: ["5:cordon:n"] });
const outcome: "complete" | "stalled" = r.outcome;
const s = new Simulation(yaml);
s.apply({ to: yaml });
const n: number = s.step().status.numberAvailable;
const why: string[] = s.state().nodes.flatMap((node) => node.reasons.map((reason) => reason.code));
const lintReport = lint(yaml);
const level: "privileged" | "baseline" | "restricted" = lintReport.objects[0].podSecurity;
const errors = lintReport.objects.flatMap((o) => o.findings).filter((f) => f.severity === "error");
const session = kubectl(yaml, { readyAfter: 2, failImages: ["x:broken"] });
const result: KubectlResult = session.run("kubectl get ds -A");
const code: number = result.exitCode;
const out: string = new KubectlSession(yaml).run("apply -f ds.yaml", { "ds.yaml": yaml }).stdout;
session.free();
try {
  place(yaml);
} catch (e) {
  const line: number | null = (e as InputError).errors[0].line;
  console.log(line);
}
console.log(version(), running, pod, outcome, n, why, level, errors.length, code, out);
