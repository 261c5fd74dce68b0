// The playground in a real headless Chromium, as a user meets it. Run by `cargo xtask
// test` with DSIM_SITE (the built page), DSIM_CHROMIUM (the browser) and
// DSIM_PLAYWRIGHT (playwright-core's directory); serves the page on 127.0.0.1 itself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, readdir } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { createRequire } from "node:module";
import { inflateRawSync } from "node:zlib";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.DSIM_PLAYWRIGHT);
const SITE = process.env.DSIM_SITE;
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };

let server, browser, base;
const outside = [];
const consoleErrors = [];

before(async () => {
  server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const [root, rest] = path.startsWith("/npm/") && process.env.DSIM_NPM_PACKAGE
      ? [process.env.DSIM_NPM_PACKAGE, path.slice(4)]
      : [SITE, path];
    const file = join(root, rest.endsWith("/") ? rest + "index.html" : rest);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({ executablePath: process.env.DSIM_CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(url = base, context) {
  const ctx = context ?? (await browser.newContext());
  const page = await ctx.newPage();
  page.on("request", (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith("data:")) outside.push(r.url());
  });
  page.on("console", (m) => {
    // Offline reloads log the failed network refresh of the service worker; that is expected.
    if (m.type() === "error" && !/ERR_INTERNET_DISCONNECTED/.test(m.text())) consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("[data-desired]");
  return { page, ctx };
}

const attr = (page, selector, name) => page.getAttribute(selector, name);

// Starts the update a user starts most: a new fluentd image, from the update box.
async function startUpdate(page) {
  await page.fill('input[aria-label="CONTAINER=IMAGE"]', "fluentd=fluentd:v1.15");
  await page.click('[data-action="start-update"]');
}

test("the guide's first example on the sample cluster shows where pods land, and why not", async () => {
  const started = Date.now();
  const { page, ctx } = await open();
  console.log(`# first render from the local server: ${Date.now() - started} ms (budget 1000 ms)`);
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "3");
  assert.equal(await page.locator("[data-node]").count(), 5);
  assert.equal(await attr(page, '[data-node="gpu-1"]', "data-pod"), "none");
  assert.equal(await attr(page, '[data-node="control-plane-1"]', "data-pod"), "none");
  assert.equal(await attr(page, '[data-node="worker-3"]', "data-pod"), "running");
  assert.match(await page.textContent('[data-node="gpu-1"]'), /untolerated taint \{nvidia\.com\/gpu: present\}/);
  assert.match(await page.textContent('[data-node="control-plane-1"]'), /untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}/);
  // The editors highlight YAML: keys, under the text the user edits.
  assert.ok((await page.locator('.highlight .y-key').count()) > 10);
  assert.equal((await page.locator('.highlight').first().textContent()).trimEnd(), (await page.locator('[data-editor="daemonset"]').inputValue()).trimEnd());
  await page.screenshot({ path: join(SITE, "..", "playground.png"), fullPage: true });
  await ctx.close();
});

test("every example of the guide loads as a preset", async () => {
  const { page, ctx } = await open();
  const labels = await page.locator('[data-preset="select"] option:not([disabled])').allTextContents();
  assert.equal(labels.length, 10);
  await page.selectOption('[data-preset="select"]', { label: "Node selection (nodeSelector)" });
  await page.waitForSelector('[data-desired="2"]');
  assert.match(await page.textContent('[data-preset="note"]'), /monitoring=enabled/);
  await page.selectOption('[data-preset="select"]', { label: "System pattern (tolerate everything, host network and PID)" });
  await page.waitForSelector('[data-desired="5"]');
  await page.selectOption('[data-preset="select"]', { label: "ServiceAccount (as in the guide: no selector)" });
  await page.waitForSelector(".errors");
  assert.match(await page.textContent(".errors"), /spec\.selector/);
  for (const label of labels.filter((l) => !l.startsWith("ServiceAccount"))) {
    await page.selectOption('[data-preset="select"]', { label });
    await page.waitForSelector("[data-desired]");
    assert.equal(await page.locator(".errors").count(), 0, label);
  }
  await ctx.close();
});

test("an error shows its line and never clears the editor; text survives a reload", async () => {
  const { page, ctx } = await open();
  const editor = page.locator('[data-editor="daemonset"]');
  const text = (await editor.inputValue()).replace("  template:", "  tempalte:");
  await editor.fill(text);
  await page.waitForSelector(".errors");
  const errors = await page.textContent(".errors");
  assert.match(errors, /daemonset\.yaml line 9, column 3: spec\.tempalte: /);
  assert.equal(await editor.inputValue(), text);
  // The gutter marks the line, and says why on hover.
  assert.match(await page.getAttribute('.gutter [data-line="9"].marked', "title"), /spec\.tempalte/);
  // The highlighted text underlines the error from its column, with the message.
  assert.equal(await page.textContent('.highlight [data-error-at="9:3"]'), "tempalte:");
  assert.match(await page.getAttribute('.highlight [data-error-at="9:3"]', "title"), /spec\.tempalte/);
  await page.reload();
  await page.waitForSelector('[data-editor="daemonset"]');
  assert.equal(await page.locator('[data-editor="daemonset"]').inputValue(), text);
  await ctx.close();
});

// The text in the highlighted copy before an error marker on its line, and the marker's text.
const beforeMarker = (page, hook) => page.evaluate((hook) => {
  const marker = document.querySelector(`[data-error-at="${hook}"]`);
  const range = document.createRange();
  range.setStart(marker.closest(".highlight"), 0);
  range.setEndBefore(marker);
  return { before: range.toString().split("\n").pop(), text: marker.textContent };
}, hook);

test("an error marker sits at the line and column the error reports", async () => {
  const { page, ctx } = await open();
  const editor = page.locator('[data-editor="cluster"]');
  const lines = (await editor.inputValue()).split("\n");
  const line = lines.findIndex((l) => l.includes("nvidia.com/gpu") && l.includes("effect: NoSchedule")) + 1;
  assert.ok(line > 0);
  lines[line - 1] = lines[line - 1].replace("effect: NoSchedule", "effect: NoSchedul");
  await editor.fill(lines.join("\n"));
  await page.waitForSelector(".errors");
  const [, reported, column] = (await page.textContent(".errors")).match(/cluster\.yaml line (\d+), column (\d+): [^\n]*effect: Unsupported value: "NoSchedul"/);
  assert.equal(Number(reported), line);
  const hook = `${line}:${column}`;
  assert.match(await page.getAttribute(`.layers:has([data-editor="cluster"]) [data-error-at="${hook}"]`, "title"), /Unsupported value: "NoSchedul"/);
  // The marker starts exactly at that column of that line.
  const { before, text } = await beforeMarker(page, hook);
  assert.equal(before, lines[line - 1].slice(0, Number(column) - 1));
  assert.ok(lines[line - 1].slice(Number(column) - 1).startsWith(text), `${text} at ${hook}`);
  // Fixing the text removes it.
  lines[line - 1] = lines[line - 1].replace("NoSchedul}", "NoSchedule}");
  await editor.fill(lines.join("\n"));
  await page.waitForSelector("[data-error-at]", { state: "detached" });
  await ctx.close();
});

test("an update steps forward to the end and back", async () => {
  const { page, ctx } = await open();
  await startUpdate(page);
  await page.waitForSelector('[data-rollout-outcome="running"]');
  let steps = 0;
  while ((await attr(page, "[data-rollout-outcome]", "data-rollout-outcome")) === "running") {
    await page.click('[data-action="step-forward"]');
    steps += 1;
    if (steps === 3) {
      await page.screenshot({ path: join(SITE, "..", "playground-rollout.png"), fullPage: true });
    }
    assert.ok(steps < 100, "the rollout should end");
  }
  assert.equal(await attr(page, "[data-rollout-outcome]", "data-rollout-outcome"), "complete");
  for (const node of ["worker-1", "worker-2", "worker-3"]) {
    assert.equal(await attr(page, `[data-node="${node}"]`, "data-updated"), "true", node);
  }
  assert.match(await page.textContent(".message"), /daemon set "log-collector" successfully rolled out/);
  await page.click('[data-action="step-back"]');
  assert.equal(await attr(page, "[data-rollout-outcome]", "data-rollout-outcome"), "running");
  assert.equal(await page.locator('[data-updated="false"]').count(), 1);
  await ctx.close();
});

test("a node going NotReady mid-rollout is simulated from that moment", async () => {
  const { page, ctx } = await open();
  await startUpdate(page);
  await page.click('[data-action="step-forward"]');
  await page.click('[data-node="worker-2"] [data-action="notready"]');
  await page.waitForSelector('[data-faults="list"]');
  assert.match(await page.textContent('[data-faults="list"]'), /worker-2 goes NotReady at 0s/);
  await page.fill('input[aria-label="Timeline"]', await attr(page, 'input[aria-label="Timeline"]', "max"));
  // Its pod stops being Ready and is replaced at once; the unreachable NoSchedule taint
  // keeps a new one off the node, which leaves desiredNumberScheduled.
  await page.waitForSelector('[data-rollout-outcome="complete"]');
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "2");
  assert.equal(await attr(page, '[data-node="worker-2"]', "data-pod"), "none");
  await ctx.close();
});

// The page as a user compares it: outcome, step, faults, node edits and every card.
const snapshot = (page) => page.evaluate(() => ({
  outcome: document.querySelector("[data-rollout-outcome]").dataset.rolloutOutcome,
  position: document.querySelector(".position").textContent,
  desired: document.querySelector("[data-desired]").dataset.desired,
  faults: document.querySelector('[data-faults="list"]')?.textContent ?? "",
  edits: document.querySelector('[data-kubectl="edits"]')?.textContent ?? "",
  broken: document.querySelector('.rollout input[type="checkbox"]').checked,
  cards: [...document.querySelectorAll("[data-node]")].map((n) => [n.dataset.node, n.dataset.pod, n.dataset.updated ?? "", n.querySelector(".pods")?.textContent ?? "", [...n.querySelectorAll("[data-flag]")].map((f) => f.textContent).join(",")]),
}));

test("usable by keyboard alone: start an update, step through it, scrub the timeline", async () => {
  const { page, ctx } = await open();
  // Tab leaves an editor rather than being typed into it.
  await page.focus('[data-editor="daemonset"]');
  await page.keyboard.press("Tab");
  assert.notEqual(await page.evaluate(() => document.activeElement?.dataset?.editor), "daemonset");
  // Enter in the update box starts the update.
  await page.focus('input[aria-label="CONTAINER=IMAGE"]');
  await page.keyboard.press("Control+A");
  await page.keyboard.type("fluentd=fluentd:v1.15");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-rollout-outcome="running"]');
  // The step buttons answer Enter and Space, and show where the focus is.
  await page.focus('[data-action="step-forward"]');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), "none");
  await page.keyboard.press("Enter");
  await page.keyboard.press(" ");
  await page.waitForFunction(() => document.querySelector('input[aria-label="Timeline"]').value === "2");
  // The timeline moves with the keys a slider takes.
  await page.focus('input[aria-label="Timeline"]');
  await page.keyboard.press("End");
  await page.waitForSelector('[data-rollout-outcome="complete"]');
  await page.keyboard.press("Home");
  await page.waitForFunction(() => document.querySelector('input[aria-label="Timeline"]').value === "0");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelector(".position").textContent.startsWith("step 1 of"));
  // Stepping back to the start disables Back, and the focus passes to Forward rather than
  // falling to the page; at the end it passes back the same way.
  await page.focus('[data-action="step-back"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.dataset?.action === "step-forward");
  const last = Number(await attr(page, 'input[aria-label="Timeline"]', "max"));
  await page.focus('input[aria-label="Timeline"]');
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction((n) => document.querySelector('input[aria-label="Timeline"]').value === String(n), last - 1);
  await page.focus('[data-action="step-forward"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-rollout-outcome="complete"]');
  await page.waitForFunction(() => document.activeElement?.dataset?.action === "step-back");
  // A card's buttons are reachable and work from the keyboard too.
  await page.focus('[data-node="worker-1"] [data-action="fault-cordon"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-fault^="0:cordon:worker-1"], [data-fault*=":cordon:worker-1"]');
  await ctx.close();
});

test("every control has an accessible name, and no id is used twice", async () => {
  const { page, ctx } = await open();
  // With an update running and the template editor open, so that their controls exist too.
  await startUpdate(page);
  await page.click('[data-action="edit-template"]');
  await page.waitForSelector('[data-editor="updated"]');
  const unnamed = await page.evaluate(() => {
    // The accessible name as a screen reader finds it, for the ways this page gives one.
    const name = (el) => {
      if (el.getAttribute("aria-label")) return el.getAttribute("aria-label");
      const by = el.getAttribute("aria-labelledby");
      if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? "").join(" ").trim();
      const label = el.id && document.querySelector(`label[for="${el.id}"]`);
      if (label) return label.textContent.trim();
      const wrapping = el.closest("label");
      if (wrapping) return wrapping.textContent.trim();
      if (["BUTTON", "SUMMARY", "A"].includes(el.tagName)) return el.textContent.trim() || el.getAttribute("title");
      return el.getAttribute("title");
    };
    return [...document.querySelectorAll("button, input, select, textarea, a[href], summary")]
      .filter((el) => !name(el))
      .map((el) => el.outerHTML.slice(0, 120));
  });
  assert.deepEqual(unnamed, []);
  const repeated = await page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  assert.deepEqual(repeated, []);
  await ctx.close();
});

test("an update by editing the DaemonSet: apply a changed template, step through it, share it", async () => {
  const { page, ctx } = await open();
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "3");
  await page.click('[data-action="edit-template"]');
  const updated = page.locator('[data-editor="updated"]');
  const original = await updated.inputValue();
  assert.match(original, /name: log-collector/);
  // A mistake in the edited DaemonSet is shown at its line, and the update cannot start.
  await updated.fill(original.replace("    spec:\n      containers:", "    spec:\n      tolerations: 5\n      containers:"));
  await page.waitForSelector('[data-update="template"] .errors');
  assert.match(await page.textContent('[data-update="template"] .errors'), /updated\.yaml line 14/);
  assert.ok(await page.isDisabled('[data-action="start-apply"]'));
  // Tolerating the control-plane taint and a new image: the control plane joins the rollout.
  const edited = original
    .replace("fluentd:v1.14", "fluentd:v1.15")
    .replace("    spec:\n      containers:", "    spec:\n      tolerations:\n      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}\n      containers:");
  await updated.fill(edited);
  await page.waitForFunction(() => !document.querySelector('[data-update="template"] .errors'));
  await page.click('[data-action="start-apply"]');
  await page.waitForSelector('[data-rollout-outcome="running"]');
  assert.match(await page.textContent('[data-node="control-plane-1"] .reasons'), /untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}/);
  await page.fill('input[aria-label="Timeline"]', await attr(page, 'input[aria-label="Timeline"]', "max"));
  await page.waitForSelector('[data-rollout-outcome="complete"]');
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "4");
  assert.equal(await attr(page, '[data-node="control-plane-1"]', "data-pod"), "running");
  assert.equal(await attr(page, '[data-node="control-plane-1"]', "data-updated"), "true");
  assert.equal(await attr(page, '[data-node="gpu-1"]', "data-pod"), "none");
  // Closing the editor keeps its text.
  await page.click('[data-action="close-template"]');
  assert.equal(await page.locator('[data-editor="updated"]').count(), 0);
  await page.click('[data-action="edit-template"]');
  assert.equal(await page.locator('[data-editor="updated"]').inputValue(), edited);
  // The share link carries the edited DaemonSet and reloads into the same rollout.
  const steps = await attr(page, 'input[aria-label="Timeline"]', "max");
  await page.click('[data-action="share"]');
  await page.waitForFunction(() => location.hash.includes("&zto="));
  const hash = await page.evaluate(() => location.hash);
  assert.doesNotMatch(hash, /setImage=/);
  const packedTo = new URLSearchParams(hash.slice(1)).get("zto");
  assert.equal(inflateRawSync(Buffer.from(packedTo, "base64url")).toString("utf8"), edited);
  assert.match(hash, new RegExp(`&step=${steps}$`));
  await page.reload();
  await page.waitForSelector('[data-rollout-outcome="complete"]');
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "4");
  assert.equal(await attr(page, 'input[aria-label="Timeline"]', "max"), steps);
  assert.equal(await page.locator('[data-editor="updated"]').inputValue(), edited);
  // Without a link, the page reads back the edited DaemonSet kept in the browser.
  await page.goto(base);
  await page.waitForSelector("[data-desired]");
  await page.click('[data-action="edit-template"]');
  assert.equal(await page.locator('[data-editor="updated"]').inputValue(), edited);
  await page.click('[data-action="reset-template"]');
  assert.equal(await page.locator('[data-editor="updated"]').inputValue(), await page.locator('[data-editor="daemonset"]').inputValue());
  await ctx.close();
});

test("a share link carries node edits and faults, and reloads into the same rollout", async () => {
  const { page, ctx } = await open();
  await page.fill('[data-kubectl="command"]', "kubectl label nodes worker-1 disk=ssd");
  await page.click('[data-action="kubectl"]');
  await page.waitForSelector('[data-kubectl="edits"]');
  await page.click('[data-node="control-plane-1"] [data-action="delete-node"]');
  await page.waitForSelector('[data-node="control-plane-1"]', { state: "detached" });
  await page.click('[data-action="add-node"]');
  await page.waitForSelector('[data-node="new-node-1"][data-pod="running"]');
  await startUpdate(page);
  await page.click('[data-action="step-forward"]');
  await page.click('[data-node="worker-2"] [data-action="notready"]');
  await page.waitForSelector('[data-faults="list"]');
  await page.click('[data-action="step-forward"]');
  await page.click('[data-action="step-forward"]');
  await page.click('[data-node="new-node-1"] [data-action="fault-drain"]');
  await page.waitForSelector('[data-fault$=":drain:new-node-1"]');
  const before = await snapshot(page);
  assert.equal(before.outcome, "running");
  assert.match(before.faults, /worker-2 goes NotReady at 0s.*new-node-1 drained at \d+s/);
  assert.match(before.edits, /kubectl label nodes worker-1 disk=ssd.*kubectl delete node control-plane-1.*add node new-node-1/);
  await page.click('[data-action="share"]');
  await page.waitForFunction(() => location.hash.includes("&fault="));
  const link = page.url();
  const params = new URLSearchParams(new URL(link).hash.slice(1));
  assert.deepEqual(params.getAll("edit"), ["kubectl label nodes worker-1 disk=ssd", "kubectl delete node control-plane-1", "add node new-node-1 (a copy of worker-1)"]);
  assert.equal(params.getAll("fault").length, 2);
  assert.equal(params.get("setImage"), "fluentd=fluentd:v1.15");
  // The text is the editors' text as typed, the edits apart, compressed (`z=`, raw
  // DEFLATE) since that is shorter than plain base64url (`yaml=`).
  assert.equal(params.get("yaml"), null);
  const stream = inflateRawSync(Buffer.from(params.get("z"), "base64url")).toString("utf8");
  assert.match(stream, /name: control-plane-1/);
  assert.ok(params.get("z").length < Buffer.from(stream, "utf8").toString("base64url").length / 2);

  const other = await open(link);
  await other.page.waitForSelector('[data-faults="list"]');
  assert.deepEqual(await snapshot(other.page), before);
  // Both play out the same to the end.
  for (const p of [page, other.page]) {
    await p.fill('input[aria-label="Timeline"]', await attr(p, 'input[aria-label="Timeline"]', "max"));
    await p.waitForSelector('[data-rollout-outcome="complete"]');
  }
  assert.deepEqual(await snapshot(other.page), await snapshot(page));
  await other.ctx.close();
  await ctx.close();
});

test("faults from a card change the rollout: a deleted pod, a drain, a NoExecute taint", async () => {
  const { page, ctx } = await open();
  await startUpdate(page);
  await page.click('[data-action="step-forward"]');
  const [, from, to] = (await page.textContent(".strategy")).match(/revision (\w+) → (\w+)/);
  const steps = Number(await attr(page, 'input[aria-label="Timeline"]', "max"));
  // Without faults worker-1 is replaced first: its old pod is deleted at the first step.
  assert.equal(await attr(page, '[data-node="worker-1"]', "data-pod"), "none");
  assert.match(await page.textContent('[data-node="worker-3"] .pods'), new RegExp(`\\(${from}, available\\)`));
  // Deleting worker-3's pod now: the controller recreates it on the new revision at once,
  // so worker-3 is replaced first and the update needs one step less.
  await page.click('[data-node="worker-3"] [data-action="fault-delete-pod"]');
  await page.waitForSelector('[data-faults="list"]');
  assert.match(await page.textContent('[data-faults="list"]'), /worker-3: its daemon pod deleted at 0s/);
  assert.match(await page.textContent('[data-node="worker-3"] .pods'), new RegExp(`\\(${to}, starting\\)`));
  assert.match(await page.textContent('[data-node="worker-1"] .pods'), new RegExp(`\\(${from}, available\\)`));
  assert.equal(Number(await attr(page, 'input[aria-label="Timeline"]', "max")), steps - 1);
  // Removing the fault gives the rollout back.
  await page.click('[data-fault="0:delete-pod:worker-3"] [data-action="remove-fault"]');
  await page.waitForSelector('[data-faults="list"]', { state: "detached" });
  assert.equal(Number(await attr(page, 'input[aria-label="Timeline"]', "max")), steps);
  // A drain cordons the node; daemon pods tolerate that and the node is updated anyway.
  await page.click('[data-node="worker-2"] [data-action="fault-drain"]');
  await page.waitForSelector('[data-fault="0:drain:worker-2"]');
  // A NoExecute taint evicts worker-3's pod and keeps it off: one node fewer to update.
  await page.click('[data-node="worker-3"] [data-action="fault-noexecute"]');
  await page.waitForSelector('[data-fault^="0:taint:worker-3:"]');
  await page.fill('input[aria-label="Timeline"]', await attr(page, 'input[aria-label="Timeline"]', "max"));
  await page.waitForSelector('[data-rollout-outcome="complete"]');
  assert.equal(await attr(page, '[data-node="worker-2"]', "data-updated"), "true");
  assert.equal(await page.textContent('[data-node="worker-2"] [data-flag="cordoned"]'), "cordoned");
  assert.equal(await attr(page, '[data-node="worker-3"]', "data-pod"), "none");
  assert.match(await page.textContent('[data-node="worker-3"] .taints'), /node\.kubernetes\.io\/out-of-service=nodeshutdown:NoExecute/);
  // The card says why, as the controller sees the node at that moment; not before.
  assert.match(await page.textContent('[data-node="worker-3"] .reasons'), /untolerated taint \{node\.kubernetes\.io\/out-of-service: nodeshutdown\}/);
  await page.fill('input[aria-label="Timeline"]', "0");
  await page.waitForFunction(() => document.querySelector('[data-node="worker-3"]').dataset.pod === "running");
  assert.doesNotMatch(await page.textContent('[data-node="worker-3"] .reasons'), /untolerated taint/);
  assert.match(await page.textContent('[data-node="worker-3"] .reasons'), /the node is cordoned/);
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "3");
  await page.fill('input[aria-label="Timeline"]', await attr(page, 'input[aria-label="Timeline"]', "max"));
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "2");
  assert.match(await page.textContent(".outcome"), /all 2 nodes that should run the pod run revision/);
  await ctx.close();
});

test("a broken image stalls the rollout", async () => {
  const { page, ctx } = await open();
  await page.fill('input[aria-label="CONTAINER=IMAGE"]', "fluentd=fluentd:broken");
  await page.check('input[type="checkbox"]');
  await page.click('[data-action="start-update"]');
  await page.fill('input[aria-label="Timeline"]', await attr(page, 'input[aria-label="Timeline"]', "max"));
  await page.waitForSelector('[data-rollout-outcome="stalled"]');
  assert.match(await page.textContent(".outcome"), /ImagePullBackOff/);
  await ctx.close();
});

test("a #yaml= link loads its text and &setImage= prepares the update", async () => {
  const ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n";
  const nodes = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\n";
  const yaml = Buffer.from(ds + "---\n" + nodes, "utf8").toString("base64url");
  const { page, ctx } = await open(`${base}#yaml=${yaml}&setImage=${encodeURIComponent("a=agent:2")}`);
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "2");
  assert.deepEqual(await page.locator("[data-node]").evaluateAll((els) => els.map((e) => e.dataset.node)), ["n1", "n2"]);
  await page.waitForSelector('[data-rollout-outcome="running"]');
  assert.match(await page.textContent(".strategy"), /revision \w+ → \w+/);
  await ctx.close();
});

test("a link that cannot be decoded says so, and the page starts from what the browser kept", async () => {
  for (const hash of ["#z=AAAA", "#yaml=%%%"]) {
    const { page, ctx } = await open(`${base}${hash}`);
    assert.equal(await attr(page, "#status", "data-kind"), "error");
    assert.match(await page.textContent("#status"), /The link's #(z|yaml)= could not be decoded \(.+\), so the page shows the text kept in this browser instead\./);
    assert.match(await page.locator('[data-editor="daemonset"]').inputValue(), /kind: DaemonSet/);
    await ctx.close();
  }
});

test("after the first visit the page works offline", async () => {
  const { page, ctx } = await open();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForSelector("[data-desired]");
  await ctx.setOffline(true);
  await page.reload();
  await page.waitForSelector("[data-desired]");
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "3");
  // An update runs on the module's second part, kept for offline use too.
  await startUpdate(page);
  await page.waitForSelector('[data-rollout-outcome="running"]');
  await ctx.close();
});

test("the module's second part is fetched after the first render, and what needs it before it arrives loads it at once", async () => {
  // Without the service worker, which copies every module for offline use once the app is up.
  const ctx = await browser.newContext({ serviceWorkers: "block" });
  const page = await ctx.newPage();
  // When the verdicts first show, in the page's clock.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector("[data-desired]")) {
        window.renderedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(base);
  await page.waitForSelector("[data-desired]");
  const { renderedAt, requestedAt } = await page.evaluate(async () => {
    const rest = () => performance.getEntriesByType("resource").find((e) => /\/daemonset_sim_web_rest\.[0-9a-f]{8}\.wasm$/.test(e.name));
    while (!rest()) await new Promise((done) => setTimeout(done, 20));
    return { renderedAt: window.renderedAt, requestedAt: rest().startTime };
  });
  assert.ok(renderedAt < requestedAt, `rendered at ${renderedAt} ms, second part requested at ${requestedAt} ms`);
  await ctx.close();

  // The second part held back: the first render and an update (the first part holds what
  // they run) go on without it; a preset, whose merge explanation is in the second part,
  // loads it at once and shows.
  const slow = await browser.newContext({ serviceWorkers: "block" });
  let held = 0;
  await slow.route(/daemonset_sim_web_rest\.[0-9a-f]{8}\.wasm$/, async (route) => {
    held += 1;
    if (held === 1) await new Promise((done) => setTimeout(done, 3000));
    await route.continue();
  });
  const slowPage = await slow.newPage();
  slowPage.on("pageerror", (e) => consoleErrors.push(String(e)));
  await slowPage.goto(base);
  await slowPage.waitForSelector("[data-desired]");
  await startUpdate(slowPage);
  await slowPage.waitForSelector('[data-rollout-outcome="running"]');
  await slowPage.click('[data-action="step-forward"]');
  assert.equal(held, 1, "the update asked nothing of the second part");
  await slowPage.selectOption('[data-preset="select"]', { label: "Node selection (nodeSelector)" });
  await slowPage.waitForSelector('[data-desired="2"]');
  assert.match(await slowPage.textContent('[data-preset="note"]'), /monitoring=enabled/);
  assert.equal(held, 2, "the held-back download, then the one the preset needed at once");
  await slow.close();

  // No second part at all (the network gone after the first load): the page says so,
  // and the text stays.
  const gone = await browser.newContext({ serviceWorkers: "block" });
  await gone.route(/daemonset_sim_web_rest\.[0-9a-f]{8}\.wasm$/, (route) => route.abort());
  const gonePage = await gone.newPage();
  await gonePage.goto(base);
  await gonePage.waitForSelector("[data-desired]");
  const typed = await gonePage.inputValue("textarea >> nth=0");
  await gonePage.selectOption('[data-preset="select"]', { label: "Node selection (nodeSelector)" });
  await gonePage.waitForSelector('#status[data-kind="error"]');
  assert.match(await gonePage.textContent("#status"), /could not load the rest of its module .*Reload the page; what you typed is kept\./);
  assert.ok(typed.length > 0 && (await gonePage.evaluate(() => Object.keys(localStorage).length)) > 0, "the text is kept in this browser");
  await gone.close();
});

test("nodes are edited in place as kubectl would, and verdicts follow at once", async () => {
  const { page, ctx } = await open();
  await page.fill('[data-kubectl="command"]', "kubectl taint nodes worker-1 dedicated=db:NoExecute");
  await page.click('[data-action="kubectl"]');
  await page.waitForSelector('[data-node="worker-1"][data-pod="none"]');
  assert.equal(await page.textContent('[data-kubectl="reply"]'), "node/worker-1 tainted");
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "2");
  assert.match(await page.textContent('[data-node="worker-1"]'), /untolerated taint \{dedicated: db\}/);
  await page.click('[data-node="worker-2"] [data-action="cordon"]');
  assert.equal(await page.textContent('[data-kubectl="reply"]'), "node/worker-2 cordoned");
  assert.equal(await attr(page, '[data-node="worker-2"]', "data-pod"), "running", "daemon pods tolerate cordoned nodes");
  await page.click('[data-node="gpu-1"] [data-action="delete-node"]');
  await page.waitForSelector('[data-node="gpu-1"]', { state: "detached" });
  await page.click('[data-action="add-node"]');
  await page.waitForSelector('[data-node="new-node-1"]');
  // The new node is a copy of worker-1, taint included, so it gets no pod either.
  assert.equal(await attr(page, '[data-node="new-node-1"]', "data-pod"), "none");
  assert.match(await page.textContent('[data-node="new-node-1"]'), /dedicated=db:NoExecute/);
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "2");
  await page.fill('[data-kubectl="command"]', "taint nodes nowhere a=b:NoSchedule");
  await page.click('[data-action="kubectl"]');
  assert.equal(await page.textContent('[data-kubectl="reply"]'), 'Error from server (NotFound): nodes "nowhere" not found');
  await page.click('[data-action="undo-edit"]');
  await page.waitForSelector('[data-node="new-node-1"]', { state: "detached" });
  await ctx.close();
});

test("the kubectl emulator is downloaded only when the terminal is first used", async () => {
  // Without the service worker, which copies every module for offline use once the app is up.
  const ctx = await browser.newContext({ serviceWorkers: "block" });
  const page = await ctx.newPage();
  const kubectl = [];
  page.on("request", (r) => {
    if (r.url().includes("/pkg/kubectl/")) kubectl.push(r.url());
  });
  await page.goto(base);
  await page.waitForSelector("[data-desired]");
  const shown = await page.textContent('[data-terminal="output"]');
  assert.equal(shown, "");
  assert.deepEqual(kubectl, []);
  // Commands typed while the module loads wait for it, and answer in order.
  for (const command of ["get nodes", "get ds", "get pods"]) {
    await page.fill('[data-terminal="input"]', command);
    await page.click('[data-action="terminal-run"]');
  }
  await page.waitForFunction(() => document.querySelector('[data-terminal="output"]').textContent.includes("$ kubectl get pods"));
  // The "Running…" line shows only while a command waits.
  await page.waitForSelector('[data-terminal="waiting"]', { state: "detached" });
  assert.ok(kubectl.some((url) => url.endsWith("/pkg/kubectl/daemonset_sim_web_bg.wasm")), JSON.stringify(kubectl));
  const out = await page.textContent('[data-terminal="output"]');
  const at = (text) => out.indexOf(text);
  assert.ok(at("$ kubectl get nodes") >= 0 && at("control-plane-1") > at("$ kubectl get nodes"), out);
  assert.ok(at("$ kubectl get ds") > at("control-plane-1"), out);
  assert.ok(at("$ kubectl get pods") > at("$ kubectl get ds"), out);
  await ctx.close();
});

test("the kubectl terminal answers the guide's commands", async () => {
  const { page, ctx } = await open();
  await page.fill('[data-terminal="input"]', "kubectl get ds");
  await page.click('[data-action="terminal-run"]');
  await page.waitForFunction(() => document.querySelector('[data-terminal="output"]').textContent.includes("log-collector"));
  const out = await page.textContent('[data-terminal="output"]');
  assert.match(out, /\$ kubectl get ds\nNAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE\nlog-collector +3 +3 +3 +3 +3 +<none>/);
  await page.click('button:has-text("set image daemonset/log-collector fluentd=fluentd:v1.15")');
  await page.click('button:has-text("rollout status daemonset/log-collector")');
  await page.waitForFunction(() => document.querySelector('[data-terminal="output"]').textContent.includes("successfully rolled out"));
  assert.match(await page.textContent('[data-terminal="output"]'), /daemonset\.apps\/log-collector image updated/);
  await ctx.close();
});

test("a lesson loads its example, checks its task as the text changes, and runs its commands", async () => {
  const { page, ctx } = await open();
  assert.equal(await page.locator("[data-lesson]").count(), 0);
  assert.equal(await page.locator('[data-lesson-select="select"] option:not([value=""])').count(), 12);
  await page.selectOption('[data-lesson-select="select"]', "scheduling");
  await page.waitForSelector('[data-lesson="scheduling"]');
  // Opening a lesson keeps the editors' text; only its load button replaces it.
  const editor = page.locator('[data-editor="daemonset"]');
  assert.match(await editor.inputValue(), /name: log-collector/);
  await page.click('[data-lesson="scheduling"] [data-action="lesson-load"][data-preset-file="node-selection.yaml"]');
  await page.waitForSelector('[data-desired="2"]');
  await page.waitForSelector('[data-task-done="false"]');
  assert.match(await page.textContent("[data-task-done]"), /control-plane-1: node\(s\) didn't match Pod's node affinity\/selector/);
  // Run on the control-plane node: tolerate its taint instead of selecting labelled nodes.
  const text = (await editor.inputValue()).replace(
    '      nodeSelector:\n        monitoring: "enabled"\n',
    "      tolerations:\n      - key: node-role.kubernetes.io/control-plane\n        operator: Exists\n        effect: NoSchedule\n",
  );
  assert.match(text, /tolerations:/);
  await editor.fill(text);
  await page.waitForSelector('[data-task-done="true"]');
  assert.match(await page.textContent("[data-task-done]"), /✓ Done/);
  assert.equal(await attr(page, '[data-node="control-plane-1"]', "data-pod"), "running");
  await page.click('[data-lesson-command="kubectl describe node control-plane-1 | grep Taints"]');
  await page.waitForFunction(() => document.querySelector('[data-terminal="output"]').textContent.includes("Taints:"));
  assert.match(
    await page.textContent('[data-terminal="output"]'),
    /\$ kubectl describe node control-plane-1 \| grep Taints\nTaints: +node-role\.kubernetes\.io\/control-plane:NoSchedule\n/,
  );
  // The open lesson is remembered across a reload, and fits a phone's width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.waitForSelector('[data-lesson="scheduling"] [data-task-done="true"]');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
  await ctx.close();
});

test("a cluster file loads through the file input", async () => {
  const { page, ctx } = await open();
  const nodes = Array.from({ length: 3000 }, (_, i) =>
    `- apiVersion: v1\n  kind: Node\n  metadata:\n    name: node-${String(i).padStart(4, "0")}\n    labels: {kubernetes.io/os: linux}\n  status:\n    allocatable: {cpu: "4", memory: 16Gi, pods: "110"}\n`).join("");
  await page.setInputFiles('[data-load="cluster"]', { name: "nodes.yaml", mimeType: "text/yaml", buffer: Buffer.from("apiVersion: v1\nkind: List\nitems:\n" + nodes) });
  await page.waitForSelector('[data-desired="3000"]');
  // Thousands of nodes are summarised, not drawn all at once.
  assert.ok((await page.locator("[data-node]").count()) <= 300);
  await page.fill(".filter", "node-2999");
  await page.waitForSelector('[data-node="node-2999"]');
  assert.equal(await page.locator("[data-node]").count(), 1);
  await ctx.close();
});

test("node cards agree with the shared Kubernetes cases", async () => {
  const dir = new URL("../cases/placement/", import.meta.url);
  const names = (await readdir(dir)).filter((f) => f.endsWith(".expect.json")).map((f) => f.replace(".expect.json", ""));
  assert.ok(names.length >= 10);
  const { page, ctx } = await open();
  for (const name of names) {
    const yaml = await readFile(new URL(`${name}.yaml`, dir), "utf8");
    const expect = JSON.parse(await readFile(new URL(`${name}.expect.json`, dir), "utf8"));
    await page.goto(`${base}#yaml=${Buffer.from(yaml, "utf8").toString("base64url")}`);
    await page.reload();
    await page.waitForSelector("[data-desired]");
    const desired = Object.values(expect.nodes).filter((n) => n.shouldRun).length;
    assert.equal(await attr(page, "[data-desired]", "data-desired"), String(desired), name);
    for (const [node, want] of Object.entries(expect.nodes)) {
      const pod = await attr(page, `[data-node="${node}"]`, "data-pod");
      assert.ok(pod !== null, `${name}: card for ${node}`);
      if (want.pod) assert.equal(pod, want.pod, `${name}: ${node}`);
      else if (want.shouldRun === false && want.shouldContinueRunning === false) assert.equal(pod, "none", `${name}: ${node}`);
    }
  }
  await ctx.close();
});

test("a 5,000-node kubectl dump goes from file to verdicts", { skip: !process.env.DSIM_NODES_5000 }, async () => {
  const { page, ctx } = await open();
  const dump = await readFile(process.env.DSIM_NODES_5000);
  // Timed inside the page from the moment the file is chosen: handing 29 MB to the
  // browser through the test driver takes seconds of its own, which no user waits for.
  await page.evaluate(() => {
    document.querySelector('[data-load="cluster"]').addEventListener("change", () => { window.chosenAt = performance.now(); }, { once: true });
  });
  const started = Date.now();
  await page.setInputFiles('[data-load="cluster"]', { name: "nodes-5000.yaml", mimeType: "text/yaml", buffer: dump });
  await page.waitForFunction(() => Number(document.querySelector("[data-desired]")?.dataset.desired) > 1000, null, { timeout: 60000 });
  const inPage = await page.evaluate(() => performance.now() - window.chosenAt);
  const total = Date.now() - started;
  console.log(`# 5,000-node dump (${(dump.length / 1e6).toFixed(1)} MB) from file to verdicts: ${inPage.toFixed(0)} ms in the page (budget 1000 ms); ${total} ms with the test driver's transfer of the file`);
  // Verdicts come from a read for placement only; the terminal still sees whole nodes.
  const first = await attr(page, "[data-node]", "data-node");
  await page.fill('[data-terminal="input"]', `kubectl describe node ${first}`);
  await page.click('[data-action="terminal-run"]');
  await page.waitForFunction(() => document.querySelector('[data-terminal="output"]').textContent.includes("System Info:"), null, { timeout: 30000 });
  const described = await page.textContent('[data-terminal="output"]');
  assert.match(described, /Annotations: +(?!<none>)\S+/);
  assert.match(described, /Kubelet Version: +v\d/);
  assert.ok((await page.locator("[data-node]").count()) <= 300);
  // Too large for localStorage, the dump is kept in IndexedDB and read back on reload.
  const desired = await attr(page, "[data-desired]", "data-desired");
  await page.waitForFunction(() => localStorage.getItem("daemonset-sim:cluster:indexeddb") !== null, null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => localStorage.getItem("daemonset-sim:cluster:indexeddb")), String(dump.length));
  assert.equal(await page.evaluate(() => localStorage.getItem("daemonset-sim:cluster")), null);
  const reloaded = Date.now();
  await page.reload();
  await page.waitForFunction((d) => document.querySelector("[data-desired]")?.dataset.desired === d && !document.querySelector("[data-restoring]"), desired, { timeout: 60000 });
  console.log(`# reload to verdicts, the dump read back from IndexedDB: ${Date.now() - reloaded} ms`);
  assert.match(await page.textContent('[data-editor="cluster-summary"]'), /29\.4 MB of cluster YAML/);
  // A small cluster loaded over it is what the next reload shows.
  const small = "apiVersion: v1\nkind: Node\nmetadata:\n  name: only-node\n";
  await page.setInputFiles('[data-load="cluster"]', { name: "small.yaml", mimeType: "text/yaml", buffer: Buffer.from(small) });
  await page.waitForSelector('[data-node="only-node"]');
  await page.reload();
  await page.waitForSelector('[data-node="only-node"]');
  assert.equal(await page.locator('[data-editor="cluster"]').inputValue(), small);
  assert.equal(await page.evaluate(() => localStorage.getItem("daemonset-sim:cluster:indexeddb")), null);
  // And the 29 MB copy in IndexedDB is deleted.
  await page.waitForFunction(() => new Promise((resolve) => {
    const open = indexedDB.open("daemonset-sim");
    open.onsuccess = () => {
      const get = open.result.transaction("texts").objectStore("texts").get("daemonset-sim:cluster");
      get.onsuccess = () => { open.result.close(); resolve(get.result === undefined); };
      get.onerror = () => resolve(false);
    };
    open.onerror = () => resolve(false);
  }), null, { timeout: 10000 });
  await ctx.close();
});

test("the npm package's widget mounts into a page", { skip: !process.env.DSIM_NPM_PACKAGE }, async () => {
  const { page, ctx } = await open(`${base}npm/playground/example.html`);
  assert.equal(await attr(page, "[data-desired]", "data-desired"), "2");
  assert.equal(await attr(page, '[data-node="gpu-1"]', "data-pod"), "none");
  await page.waitForSelector('[data-rollout-outcome="running"]');
  // The widget's styles stay inside it: the host page's heading keeps the browser's style.
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("h1")).fontFamily), await page.evaluate(() => getComputedStyle(document.body).fontFamily));
  // A second widget on the same page, started with node edits and a broken update.
  await page.evaluate(async () => {
    const { mount } = await import("./index.js");
    const div = document.createElement("div");
    div.id = "second";
    document.body.append(div);
    const nodes = ["a", "b", "c"].map((n) => `---\napiVersion: v1\nkind: Node\nmetadata: {name: ${n}}\n`).join("");
    await mount(div, {
      yaml: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers: [{name: agent, image: \"agent:1\"}]\n" + nodes,
      edits: ["kubectl taint nodes c dedicated=db:NoSchedule"],
      setImage: "agent=agent:2",
      brokenImage: true,
      step: 1000,
      shareUrl: "https://playground.example/daemonset-sim/",
    });
  });
  await page.waitForSelector('#second [data-desired="2"]');
  assert.equal(await attr(page, '#second [data-node="c"]', "data-pod"), "none");
  await page.waitForSelector('#second [data-rollout-outcome="stalled"]');
  // Without `shareUrl` a widget has no share button; with it, links lead to that page
  // and the host page's address stays as it was.
  assert.equal(await page.locator('#sim [data-action="share"]').count(), 0);
  const address = page.url();
  await page.click('#second [data-action="share"]');
  await page.waitForSelector('#second [data-share="link"]');
  const link = await page.inputValue('#second [data-share="link"]');
  assert.ok(link.startsWith("https://playground.example/daemonset-sim/#z="), link);
  assert.match(link, /&setImage=agent%3Dagent%3A2&brokenImage=1&step=\d+&edit=kubectl%20taint%20nodes%20c%20dedicated%3Ddb%3ANoSchedule/);
  assert.equal(page.url(), address);
  await page.waitForSelector('#second [data-share="note"]');
  // The widget's terminal loads the package's kubectl module, over the widget's cluster
  // with its node edits.
  await page.fill('#second [data-terminal="input"]', "describe node c");
  await page.click('#second [data-action="terminal-run"]');
  await page.waitForFunction(() => document.querySelector('#second [data-terminal="output"]').textContent.includes("Taints:"));
  assert.match(await page.textContent('#second [data-terminal="output"]'), /Taints: +dedicated=db:NoSchedule/);
  await ctx.close();
});

test("screenshots: light and dark, wide and narrow", async () => {
  const shots = [
    { name: "light-wide", colorScheme: "light", viewport: { width: 1280, height: 900 } },
    { name: "dark-wide", colorScheme: "dark", viewport: { width: 1280, height: 900 } },
    { name: "light-narrow", colorScheme: "light", viewport: { width: 390, height: 844 } },
    { name: "dark-narrow", colorScheme: "dark", viewport: { width: 390, height: 844 } },
  ];
  for (const shot of shots) {
    const ctx = await browser.newContext({ colorScheme: shot.colorScheme, viewport: shot.viewport });
    const { page } = await open(base, ctx);
    await startUpdate(page);
    for (let i = 0; i < 3; i++) await page.click('[data-action="step-forward"]');
    await page.screenshot({ path: join(SITE, "..", `playground-${shot.name}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${shot.name}: the page is ${overflow}px wider than the window`);
    await ctx.close();
  }
});

test("the page asks nothing of any other origin, and logs no errors", () => {
  assert.deepEqual(outside, []);
  assert.deepEqual(consoleErrors, []);
});
