// The playground's timing budgets, in a real headless Chromium: run by `cargo xtask bench`
// with DSIM_SITE (the built page), DSIM_CHROMIUM, DSIM_PLAYWRIGHT (playwright-core's
// directory), DSIM_NODES_5000 (the generated 5,000-node dump) and DSIM_RUNS. Serves the
// page on 127.0.0.1 itself and prints medians against the budgets; asserts nothing.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.DSIM_PLAYWRIGHT);
const SITE = process.env.DSIM_SITE;
const RUNS = Math.max(1, Number(process.env.DSIM_RUNS ?? 5));
const BUDGET_MS = 1000;
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };

// Gzipped when the browser asks for it, as a web server would send the page.
const gzipped = new Map();
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
  const file = join(SITE, path.endsWith("/") ? path + "index.html" : path);
  try {
    let body = await readFile(file);
    const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream" };
    if (/\bgzip\b/.test(req.headers["accept-encoding"] ?? "") && body.length > 1024) {
      if (!gzipped.has(file)) gzipped.set(file, gzipSync(body));
      body = gzipped.get(file);
      headers["content-encoding"] = "gzip";
    }
    res.writeHead(200, headers);
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.DSIM_CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
const dump = await readFile(process.env.DSIM_NODES_5000);

// When the verdicts first show, in the page's clock (from the start of the navigation).
const watchVerdicts = () => {
  new MutationObserver((_, observer) => {
    if (document.querySelector("[data-desired]")) {
      window.renderedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

// A network a visitor may have: 10 Mbit/s down, 40 ms of latency.
const NETWORK = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 };

const firstRender = [], overNetwork = [], fromFile = [], reload = [];
for (let run = 0; run < RUNS; run++) {
  // A first visit over that network.
  const slow = await browser.newContext();
  const slowPage = await slow.newPage();
  const cdp = await slow.newCDPSession(slowPage);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", NETWORK);
  await slowPage.addInitScript(watchVerdicts);
  await slowPage.goto(base);
  await slowPage.waitForSelector("[data-desired]");
  overNetwork.push(await slowPage.evaluate(() => window.renderedAt));
  await slow.close();

  // A first visit: a fresh browser profile, nothing cached, no service worker yet.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.addInitScript(watchVerdicts);
  await page.goto(base);
  await page.waitForSelector("[data-desired]");
  firstRender.push(await page.evaluate(() => window.renderedAt));

  // The dump chosen in the file input, timed from the input's change event (handing
  // 29 MB to the browser through the driver takes seconds no user waits for).
  await page.evaluate(() => {
    document.querySelector('[data-load="cluster"]').addEventListener("change", () => { window.chosenAt = performance.now(); }, { once: true });
  });
  await page.setInputFiles('[data-load="cluster"]', { name: "nodes-5000.yaml", mimeType: "text/yaml", buffer: dump });
  await page.waitForFunction(() => Number(document.querySelector("[data-desired]")?.dataset.desired) > 1000, null, { timeout: 60000 });
  fromFile.push(await page.evaluate(() => performance.now() - window.chosenAt));

  // A reload with that dump: the text read back from the browser's storage.
  await page.waitForTimeout(1500);
  await page.reload();
  await page.waitForFunction(() => Number(document.querySelector("[data-desired]")?.dataset.desired) > 1000, null, { timeout: 60000 });
  reload.push(await page.evaluate(() => performance.now()));
  await ctx.close();
}
await browser.close();
server.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const line = (label, xs, budget) => {
  const m = median(xs);
  const verdict = budget === undefined ? "" : `, budget < ${budget} ms: ${m < budget ? "met" : "NOT met"}`;
  console.log(`    ${label}: median ${m.toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} (${xs.length} runs)${verdict}`);
};
line("first render from a local server (navigation to verdicts)", firstRender, BUDGET_MS);
line("first render over 10 Mbit/s with 40 ms latency, gzipped (navigation to verdicts)", overNetwork);
line(`${(dump.length / 1e6).toFixed(1)} MB, 5,000-node dump from file to verdicts`, fromFile, BUDGET_MS);
line("reload with that dump, to verdicts (navigation to verdicts)", reload);
