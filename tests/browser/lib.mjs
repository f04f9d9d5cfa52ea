// What the browser checks share: one headless Chromium, pages opened from
// file:// or over http, every problem a page shows (console errors, page
// errors, failed requests, requests leaving the site) counted as a failure,
// axe-core, and the tally that sets the exit code.
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

export const site = resolve(process.argv[2] ?? "site");
export const shots = resolve(process.argv[3] ?? "screenshots");
// Over http: the URL the site is served at (under a subpath); else file://.
export const base = process.argv[4] ?? "file://" + site + "/";
export const mode = base.startsWith("file:") ? "file" : "http";
mkdirSync(shots, { recursive: true });

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const failures = [];
let passed = 0;
let failed = 0;
export function fail(msg) {
  failures.push(msg);
  console.error(`FAIL [${mode}] ${msg}`);
}

/** Runs one named check; it passes when it adds no failure and throws nothing. */
export async function check(name, body) {
  const before = failures.length;
  try {
    await body();
  } catch (e) {
    fail(`${name}: ${e.message.split("\n")[0]}`);
  }
  if (failures.length === before) {
    passed++;
    console.log(`ok   [${mode}] ${name}`);
  } else failed++;
}

/** Opens `path` (relative to the site) in a fresh context; `problems` collects what went wrong. */
export async function open(path, { viewport = DESKTOP, colorScheme = "light", media = "screen" } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  await page.emulateMedia({ media });
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("request", (r) => { if (!r.url().startsWith(base)) problems.push("request left the site: " + r.url()); });
  // A request cancelled because the page closed (a favicon still loading) is no failure.
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  await page.goto(base + path, { waitUntil: "load" });
  const close = async () => {
    for (const p of problems) fail(`${path}: ${p}`);
    await context.close();
  };
  return { page, problems, close };
}

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");

/** axe-core's serious and critical violations on the page, as lines. */
export async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ["violations"], preload: false })).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`));
  return violations;
}

/** The atlas's own data: entries by id, and site features by id. */
export const atlas = JSON.parse(readFileSync(`${site}/data/atlas.json`, "utf8"));
export const byId = new Map(atlas.entries.map((e) => [e.id, e]));
export const sites = new Map(JSON.parse(readFileSync(`${site}/data/sites.geojson`, "utf8"))
  .features.map((f) => [f.properties.id, { ...f.properties, located: f.geometry !== null }]));

/** The entry id an href inside the site points at (`../parks/x/index.html` -> `x`). */
export function idOf(href) {
  const parts = href.replace(/index\.html$/, "").replace(/#.*$/, "").split("/").filter(Boolean);
  return parts[parts.length - 1];
}

export async function finish() {
  await browser.close();
  console.log(`browser (${mode}): ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
