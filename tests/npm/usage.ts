// Ordinary use of the API, which must compile under `tsc --strict`.
import { init, place, rollout, Simulation, version, type InputError } from "daemonset-sim";

await init();
const yaml: string = "";
const report = place(yaml);
const running: boolean = report.daemonSets[0].nodes[0].shouldRun;
const pod: "running" | "pending" | "none" = report.daemonSets[0].nodes[0].pod;
const r = rollout(yaml, { setImage: "a=b", readyAfter: 3, at: ["5:cordon:n"] });
const outcome: "complete" | "stalled" = r.outcome;
const s = new Simulation(yaml);
s.apply({ to: yaml });
const n: number = s.step().status.numberAvailable;
try {
  place(yaml);
} catch (e) {
  const line: number | null = (e as InputError).errors[0].line;
  console.log(line);
}
console.log(version(), running, pod, outcome, n);
