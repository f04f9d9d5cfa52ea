// Opens the built site from file:// in headless Chromium and checks what a
// reader gets: no console errors, no request leaving the page, map marks that
// take keyboard focus, note previews, the table filter. Saves screenshots.
//
// usage: node check.mjs <site-dir> <screenshot-dir>
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

const site = resolve(process.argv[2] ?? "site");
const shots = resolve(process.argv[3] ?? "screenshots");
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const failures = [];
const fail = (msg) => { failures.push(msg); console.error("FAIL " + msg); };
let passed = 0;
let failed = 0;
// Counts a check as passed when it added no failure.
function tally(before) {
  if (failures.length === before) passed++; else failed++;
}

async function open(path, width = 1280) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("request", (r) => { if (!r.url().startsWith("file://")) problems.push("request left the page: " + r.url()); });
  page.on("requestfailed", (r) => problems.push("request failed: " + r.url()));
  await page.goto("file://" + site + "/" + path, { waitUntil: "load" });
  return { page, problems };
}

async function check(path, name, extra) {
  const before = failures.length;
  const { page, problems } = await open(path);
  if (extra) await extra(page);
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  for (const p of problems) fail(`${path}: ${p}`);
  await page.close();
  tally(before);
}

await check("map/index.html", "map", async (page) => {
  const marks = await page.locator("svg.map-china a.mark").count();
  if (marks < 10) fail(`map: only ${marks} marks on the national map`);
  // Marks are links a keyboard reaches, with an accessible name.
  await page.locator("svg.map-china a.mark").first().focus();
  const focused = await page.evaluate(() => document.activeElement?.closest("svg") !== null && document.activeElement?.tagName.toLowerCase() === "a");
  if (!focused) fail("map: a mark does not take focus");
  const name = await page.locator("svg.map-china a.mark title").first().textContent();
  if (!name || name.length < 3) fail("map: a mark has no accessible name");
  const images = await page.evaluate(() => [...document.querySelectorAll("svg.map image")].length);
  if (images < 5) fail(`map: ${images} base maps drawn`);
});
await check("index.html", "home", async (page) => {
  await page.fill("#search-input", "huairou");
  await page.waitForSelector(".search-results li a", { timeout: 5000 }).catch(() => {});
  const hits = await page.locator(".search-results li a").count();
  if (hits < 1) fail("home: search finds nothing for \"huairou\"");
});
await check("parks/huairou-science-city/index.html", "entry", async (page) => {
  const ref = page.locator("sup.note-ref a").first();
  await ref.focus();
  const preview = await page.locator(".note-preview").count();
  if (preview !== 1) fail("entry: no note preview on keyboard focus");
});
await check("parks/index.html", "index", async (page) => {
  await page.fill(".table-filter", "huairou");
  const shown = await page.locator("table.entries tbody tr:not([hidden])").count();
  if (shown < 1 || shown > 10) fail(`index: the filter shows ${shown} rows for "huairou"`);
});
await check("sources/grasten-haakonsson-2023/index.html", "source");
// A phone-sized view of an entry.
{
  const before = failures.length;
  const { page, problems } = await open("labs/high-energy-photon-source/index.html", 390);
  await page.screenshot({ path: `${shots}/entry-phone.png`, fullPage: true });
  for (const p of problems) fail(`phone: ${p}`);
  await page.close();
  tally(before);
}

await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
