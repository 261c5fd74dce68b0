// The npm package as a user meets it: installed from the packed tarball into a fresh
// project (`cargo xtask test` does that and runs this file there with `node --test`).
// DSIM_TSC names the TypeScript compiler for the type checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { init, place, rollout, Simulation, version } from "daemonset-sim";

const here = new URL(".", import.meta.url);
const CLUSTER = readFileSync(new URL("fixtures/cluster.yaml", here), "utf8");

await init();
await init(); // idempotent

test("version is the package's", () => {
  const pkg = JSON.parse(readFileSync(new URL("node_modules/daemonset-sim/package.json", here), "utf8"));
  assert.equal(version(), pkg.version);
});

test("place gives the CLI's shape", () => {
  const p = place(CLUSTER);
  assert.equal(p.daemonSets.length, 1);
  const ds = p.daemonSets[0];
  assert.equal(`${ds.namespace}/${ds.name}`, "kube-system/fluentd");
  assert.equal(ds.desiredNumberScheduled, 3);
  const byNode = Object.fromEntries(ds.nodes.map((n) => [n.node, n]));
  assert.equal(byNode["control-plane-1"].shouldRun, false);
  assert.equal(byNode["control-plane-1"].pod, "none");
  assert.equal(byNode["control-plane-1"].reasons[0].code, "UntoleratedTaint");
  assert.equal(byNode["worker-1"].pod, "running");
  assert.deepEqual(p.warnings, []);
});

test("rollout runs to completion with kubectl's messages", () => {
  const r = rollout(CLUSTER, { setImage: "fluentd=fluentd:v1.15", readyAfter: 2 });
  assert.equal(r.daemonSet, "kube-system/fluentd");
  assert.equal(r.outcome, "complete");
  assert.notEqual(r.revisions.from, r.revisions.to);
  assert.equal(r.initial.length, 3);
  assert.equal(r.steps.at(-1).message, 'daemon set "fluentd" successfully rolled out');
  assert.equal(r.steps.at(-1).time, 6);
  for (const step of r.steps) {
    assert.ok(step.status.numberUnavailable <= 1, "maxUnavailable 1 is kept");
  }
});

test("a broken image stalls the rollout", () => {
  const r = rollout(CLUSTER, { setImage: "fluentd=fluentd:broken", failImage: "fluentd:broken" });
  assert.equal(r.outcome, "stalled");
  assert.match(r.reason, /ImagePullBackOff/);
});

test("Simulation steps forward and back, and seeks", () => {
  const s = new Simulation(CLUSTER);
  assert.equal(s.index, 0);
  assert.equal(s.state().status.desiredNumberScheduled, 3);
  const r = s.apply({ setImage: "fluentd=fluentd:v1.15" });
  assert.equal(s.length, r.steps.length);
  assert.ok(s.length > 3);
  const start = s.state();
  const from = r.revisions.from;
  assert.ok(start.nodes.filter((n) => n.shouldRun).every((n) => n.pods[0].revision === from));
  const first = s.step();
  assert.equal(first.index, 1);
  assert.deepEqual(first.step, r.steps[0]);
  const end = s.seek(s.length);
  assert.equal(end.message, 'daemon set "fluentd" successfully rolled out');
  assert.ok(end.nodes.filter((n) => n.shouldRun).every((n) => n.pods.length === 1 && n.pods[0].revision === r.revisions.to && n.pods[0].available));
  assert.equal(s.step().index, s.length, "stepping past the end stays at the end");
  const back = s.back();
  assert.equal(back.index, s.length - 1);
  assert.deepEqual(s.seek(0), start, "seeking back to 0 gives the first state again");
  assert.equal(s.back().index, 0);
  assert.deepEqual(s.seek(1), first);
  s.free();
});

test("input errors carry positions, with UTF-16 columns", () => {
  const bad = "# ünïcödé 🚀\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x, labels: {a: \"🚀\"}}\nspec:\n  tempalte: {}\n";
  assert.throws(
    () => place(bad),
    (e) => {
      assert.ok(e instanceof Error);
      assert.ok(Array.isArray(e.errors));
      const typo = e.errors.find((x) => x.path === "spec.tempalte");
      assert.ok(typo, JSON.stringify(e.errors));
      assert.equal(typo.file, "input.yaml");
      assert.equal(typo.line, 6);
      assert.equal(typo.column, 3);
      assert.match(e.message, /input\.yaml:6:3: spec\.tempalte: /);
      return true;
    },
  );
  const emoji = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: \"🚀\", image: i, x: 1}]\n";
  assert.throws(
    () => place(emoji),
    (e) => {
      const unknown = e.errors.find((x) => x.message.includes("unknown field"));
      assert.ok(unknown, JSON.stringify(e.errors));
      assert.equal(unknown.line, 9);
      // Before `x`: 41 code points, 42 UTF-16 code units (the emoji takes two).
      assert.equal(unknown.column, 43);
      return true;
    },
  );
  assert.throws(() => rollout(CLUSTER, { setImage: "nope=x:1" }), (e) => {
    assert.equal(e.errors[0].file, "--set-image");
    assert.match(e.errors[0].message, /unable to find container named "nope"/);
    return true;
  });
});

test("the TypeScript declarations describe real output and reject misuse", { skip: !process.env.DSIM_TSC }, () => {
  const tsc = process.env.DSIM_TSC;
  const p = place(CLUSTER);
  const r = rollout(CLUSTER, { setImage: "fluentd=fluentd:v1.15", at: ["3:notready:worker-2"] });
  const s = new Simulation(CLUSTER);
  s.apply({ setImage: "fluentd=fluentd:v1.15" });
  const state = s.seek(2);
  let errorValue;
  try {
    place("kind: DaemonSet\n");
  } catch (e) {
    errorValue = { errors: e.errors };
  }
  writeFileSync(
    new URL("real-output.ts", here),
    `import type { PlacementReport, Rollout, SimulationState, InputProblem } from "daemonset-sim";\n` +
      `export const placement: PlacementReport = ${JSON.stringify(p)};\n` +
      `export const rolled: Rollout = ${JSON.stringify(r)};\n` +
      `export const state: SimulationState = ${JSON.stringify(state)};\n` +
      `export const problems: InputProblem[] = ${JSON.stringify(errorValue.errors)};\n`,
  );
  const good = spawnSync(tsc, ["--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "real-output.ts", "usage.ts"], { cwd: here, encoding: "utf8" });
  assert.equal(good.status, 0, good.stdout + good.stderr);
  const misuse = spawnSync(tsc, ["--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "misuse.ts"], { cwd: here, encoding: "utf8" });
  assert.notEqual(misuse.status, 0, "misuse.ts must not compile");
  const lines = misuse.stdout.split("\n").filter((l) => l.includes("error TS"));
  const expected = readFileSync(new URL("misuse.ts", here), "utf8").split("\n").filter((l) => l.includes("// error")).length;
  assert.equal(lines.length, expected, misuse.stdout);
});
