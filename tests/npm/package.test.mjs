// The npm package as a user meets it: installed from the packed tarball into a fresh
// project (`cargo xtask test` does that and runs this file there with `node --test`).
// DSIM_TSC names the TypeScript compiler for the type checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { init, lint, place, rollout, Simulation, version } from "daemonset-sim";
import * as main from "daemonset-sim";
import { init as initKubectl, kubectl, KubectlSession } from "daemonset-sim/kubectl";

const here = new URL(".", import.meta.url);
const CLUSTER = readFileSync(new URL("fixtures/cluster.yaml", here), "utf8");

await init();
await init(); // idempotent
await initKubectl();

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
  // A node tainted during the update says why it has no pod from then on.
  s.apply({ setImage: "fluentd=fluentd:v1.15", at: ["1:taint:worker-2:dedicated=db:NoExecute"] });
  const worker2 = (state) => state.nodes.find((n) => n.name === "worker-2");
  assert.deepEqual(worker2(s.seek(0)).reasons, []);
  const tainted = worker2(s.seek(s.length));
  assert.equal(tainted.shouldRun, false);
  assert.equal(tainted.reasons[0].code, "UntoleratedTaint");
  assert.match(tainted.reasons[0].message, /untolerated taint \{dedicated: db\}/);
  s.free();
});

test("the text can be given as bytes (a file read without an encoding), with the same answers and positions", () => {
  const bytes = readFileSync(new URL("fixtures/cluster.yaml", here));
  assert.deepEqual(place(bytes), place(CLUSTER));
  assert.deepEqual(lint(bytes), lint(CLUSTER));
  const bad = "# ünïcödé 🚀\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec:\n  tempalte: {}\n";
  assert.throws(() => place(new TextEncoder().encode(bad)), (e) => {
    const typo = e.errors.find((x) => x.path === "spec.tempalte");
    assert.ok(typo, JSON.stringify(e.errors));
    assert.deepEqual([typo.line, typo.column], [6, 3]);
    return true;
  });
  assert.throws(() => place(Uint8Array.of(0x6b, 0x3a, 0xff, 0x0a)), (e) => {
    assert.match(e.errors[0].message, /not UTF-8/);
    assert.deepEqual([e.errors[0].line, e.errors[0].column], [1, 3]);
    return true;
  });
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

test("lint gives the CLI's report: the level and the findings", () => {
  const report = lint(CLUSTER);
  assert.equal(report.objects.length, 1);
  const ds = report.objects[0];
  assert.equal(ds.kind, "DaemonSet");
  assert.equal(`${ds.namespace}/${ds.name}`, "kube-system/fluentd");
  assert.equal(ds.podSecurity, "baseline");
  const codes = ds.findings.map((f) => f.code);
  assert.ok(codes.includes("SkipsTaintedNodes"), codes.join(", "));
  assert.ok(codes.includes("NoResourceRequests"), codes.join(", "));
  const tainted = ds.findings.find((f) => f.code === "SkipsTaintedNodes");
  assert.equal(tainted.severity, "warning");
  assert.match(tainted.message, /control-plane-1/);
  assert.ok(ds.findings.every((f) => ["error", "warning", "info"].includes(f.severity) && f.fix));
  assert.deepEqual(report.warnings, []);
  assert.throws(() => lint("apiVersion: v1\nkind: Node\nmetadata: {name: n}\n"), (e) => {
    assert.match(e.errors[0].message, /no DaemonSet or Pod found/);
    return true;
  });
  assert.throws(() => lint("kind: DaemonSet\n"), (e) => Array.isArray(e.errors) && e.errors.length > 0);
});

test("kubectl lives in its own entry point, so the main module stays small", () => {
  assert.equal(main.kubectl, undefined);
  assert.equal(main.KubectlSession, undefined);
  const pkg = JSON.parse(readFileSync(new URL("node_modules/daemonset-sim/package.json", here), "utf8"));
  assert.ok(pkg.exports["./kubectl"]);
});

test("the widget's loader names its second part by a literal a bundler can follow, and the package has it", () => {
  const widget = new URL("node_modules/daemonset-sim/playground/", here);
  const snippets = new URL("snippets/", widget);
  const scripts = readdirSync(snippets, { recursive: true })
    .filter((f) => f.endsWith(".js"))
    .map((f) => readFileSync(new URL(f, snippets), "utf8"));
  const named = scripts.flatMap((text) => [...text.matchAll(/new URL\("\.\.\/\.\.\/(daemonset_sim_web_rest\.[0-9a-f]{8}\.wasm)", import\.meta\.url\)/g)].map((m) => m[1]));
  assert.equal(named.length, 1, "one loader, with the stamped name");
  const rest = readFileSync(new URL(named[0], widget));
  assert.equal(rest.subarray(0, 4).toString("latin1"), "\0asm");
  // The first part exports the stamp it was split with, which the loader checks the name against.
  const first = readFileSync(new URL("daemonset_sim_web_bg.wasm", widget)).toString("latin1");
  assert.ok(first.includes("~rest"));
});

test("the package's modules name no path of the machine that built them", () => {
  for (const file of ["daemonset_sim_web_bg.wasm", "kubectl/daemonset_sim_web_bg.wasm", "playground/daemonset_sim_web_bg.wasm"]) {
    const wasm = readFileSync(new URL(`node_modules/daemonset-sim/${file}`, here)).toString("latin1");
    // Panic locations name the dependencies' files: as `crates/NAME-VERSION/src/...`.
    assert.match(wasm, /crates\/serde_json-[0-9.]+\/src\//, file);
    for (const machine of ["/.cargo/", "/home/", "/root/", "/registry/src/"]) {
      assert.ok(!wasm.includes(machine), `${file} contains ${machine}`);
    }
  }
});

test("a kubectl session keeps the cluster between commands", () => {
  const k = kubectl(CLUSTER);
  assert.ok(k instanceof KubectlSession);
  const get = k.run("kubectl get ds -n kube-system");
  assert.equal(get.exitCode, 0, get.stderr);
  assert.equal(get.stderr, "");
  const [header, row] = get.stdout.split("\n");
  assert.match(header, /^NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE$/);
  assert.match(row, /^fluentd +3 +3 +3 +3 +3 +<none> +/);
  const set = k.run("set image daemonset/fluentd fluentd=fluentd:v1.15 -n kube-system");
  assert.equal(set.exitCode, 0, set.stderr);
  assert.equal(set.stdout, "daemonset.apps/fluentd image updated\n");
  const status = k.run("rollout status daemonset/fluentd -n kube-system");
  assert.equal(status.exitCode, 0, status.stderr);
  assert.match(status.stdout, /daemon set "fluentd" successfully rolled out\n$/);
  const pods = k.run("get pods -n kube-system -o wide | grep fluentd");
  assert.equal(pods.stdout.trim().split("\n").length, 3, pods.stdout);
  const ds = JSON.parse(k.run("get ds fluentd -n kube-system -o json").stdout);
  assert.equal(ds.spec.template.spec.containers[0].image, "fluentd:v1.15");
  const unknown = k.run("get nope");
  assert.equal(unknown.exitCode, 1);
  assert.equal(unknown.stdout, "");
  assert.match(unknown.stderr, /^error: the server doesn't have a resource type "nope"\n$/);
  k.free();
  assert.throws(() => k.run("get ds"), /freed/);
  assert.throws(() => new KubectlSession("kind: DaemonSet\n"), (e) => Array.isArray(e.errors));
  assert.throws(() => kubectl(CLUSTER, { readyAfter: "soon" }), (e) => e.errors[0].file === "readyAfter");
});

test("kubectl apply -f reads the files given with the command", () => {
  const k = new KubectlSession(CLUSTER, { readyAfter: 2 });
  const updated = CLUSTER.split("---")[0].replace("fluentd:v1.14", "fluentd:v1.16");
  const apply = k.run("apply -f ds.yaml", { "ds.yaml": updated });
  assert.equal(apply.exitCode, 0, apply.stderr);
  assert.equal(apply.stdout, "daemonset.apps/fluentd configured\n");
  const missing = k.run("apply -f other.yaml");
  assert.equal(missing.exitCode, 1);
  assert.match(missing.stderr, /the path "other.yaml" does not exist/);
  k.free();
});

test("the TypeScript declarations describe real output and reject misuse", { skip: !process.env.DSIM_TSC }, () => {
  const tsc = process.env.DSIM_TSC;
  const p = place(CLUSTER);
  const r = rollout(CLUSTER, { setImage: "fluentd=fluentd:v1.15", at: ["3:notready:worker-2"] });
  const s = new Simulation(CLUSTER);
  s.apply({ setImage: "fluentd=fluentd:v1.15" });
  const state = s.seek(2);
  const linted = lint(CLUSTER);
  const k = kubectl(CLUSTER);
  const ran = [k.run("get ds -A"), k.run("get nope")];
  k.free();
  let errorValue;
  try {
    place("kind: DaemonSet\n");
  } catch (e) {
    errorValue = { errors: e.errors };
  }
  writeFileSync(
    new URL("real-output.ts", here),
    `import type { PlacementReport, Rollout, SimulationState, InputProblem, LintReport } from "daemonset-sim";\n` +
      `import type { KubectlResult } from "daemonset-sim/kubectl";\n` +
      `export const placement: PlacementReport = ${JSON.stringify(p)};\n` +
      `export const rolled: Rollout = ${JSON.stringify(r)};\n` +
      `export const state: SimulationState = ${JSON.stringify(state)};\n` +
      `export const problems: InputProblem[] = ${JSON.stringify(errorValue.errors)};\n` +
      `export const linted: LintReport = ${JSON.stringify(linted)};\n` +
      `export const ran: KubectlResult[] = ${JSON.stringify(ran)};\n`,
  );
  const good = spawnSync(tsc, ["--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "real-output.ts", "usage.ts"], { cwd: here, encoding: "utf8" });
  assert.equal(good.status, 0, good.stdout + good.stderr);
  const misuse = spawnSync(tsc, ["--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "misuse.ts"], { cwd: here, encoding: "utf8" });
  assert.notEqual(misuse.status, 0, "misuse.ts must not compile");
  const lines = misuse.stdout.split("\n").filter((l) => l.includes("error TS"));
  const expected = readFileSync(new URL("misuse.ts", here), "utf8").split("\n").filter((l) => l.includes("// error")).length;
  assert.equal(lines.length, expected, misuse.stdout);
});
