// Misuse the declarations must reject under `tsc --strict`: one error per marked line.
import { lint, place, rollout, Simulation } from "daemonset-sim";
import { kubectl } from "daemonset-sim/kubectl";

const report = place("");
const a: string = report.daemonSets[0].nodes[0].shouldRun; // error: boolean is not string
const b: "running" = report.daemonSets[0].nodes[0].pod; // error: "pending" | "none" not assignable
rollout("", { setImage: 3 }); // error: number is not string
rollout("", { readyAfter: "5" }); // error: string is not number
place(42); // error: number is not string
new Simulation("").seek("2"); // error: string is not number
const c: number = rollout("").steps[0].events[0].type; // error: union of literals is not number
const d = report.daemonSets[0].nodes[0].reasons[0].code === "Nope"; // error: no overlap
const e = lint("").objects[0].podSecurity === "unrestricted"; // error: not a level
const f: string = kubectl("").run("get ds").exitCode; // error: number is not string
kubectl("", { readyAfter: "5" }); // error: string is not number
console.log(a, b, c, d, e, f);
