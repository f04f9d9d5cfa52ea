// The browser suite: headless Chromium reads the built site as a demanding
// reader would, on a phone (390 x 844, and 320 wide), on a desktop
// (1280 x 800), in light and dark mode and printed, from file:// or over
// http under a subpath. Any failed check makes the exit code 1. Saves
// screenshots (and print PDFs) to look at.
//
// usage: node check.mjs <site-dir> <screenshot-dir> [<base-url>]
import { readdirSync, existsSync } from "node:fs";
import {
  site, shots, base, mode, PHONE, DESKTOP, open, check, fail, axe, atlas, byId, sites, idOf, finish,
} from "./lib.mjs";

// One page of each type (404 only over http: it links from the site's absolute path).
const PAGE_TYPES = [
  "index.html",
  "parks/index.html",
  "labs/index.html",
  "programs/index.html",
  "institutions/index.html",
  "parks/huairou-science-city/index.html",
  "labs/high-energy-photon-source/index.html",
  "programs/torch-program/index.html",
  "institutions/chinese-academy-of-sciences/index.html",
  "sources/index.html",
  "sources/grasten-haakonsson-2023/index.html",
  "map/index.html",
  "timeline/index.html",
  "designation/index.html",
  "designation/national-high-tech-zone/index.html",
  "about/index.html",
  ...(mode === "http" ? ["404.html"] : []),
].filter((p) => p === "404.html" || existsSync(`${site}/${p}`));
const ENTRIES = ["parks", "programs", "labs", "institutions"].flatMap((kind) =>
  readdirSync(`${site}/${kind}`)
    .filter((d) => existsSync(`${site}/${kind}/${d}/index.html`))
    .map((d) => `${kind}/${d}/index.html`));
const shot = (path, suffix) => `${shots}/${mode}-${path.replace(/\/?index\.html$/, "").replace(/[/.]/g, "_") || "home"}-${suffix}.png`;

// Every page type loads without an error or a request leaving the site;
// screenshots on a phone and a desktop.
await check("page types load cleanly (phone and desktop screenshots)", async () => {
  for (const path of PAGE_TYPES) {
    for (const [viewport, name] of [[DESKTOP, "desktop"], [PHONE, "phone"]]) {
      const { page, close } = await open(path, { viewport });
      await page.screenshot({ path: shot(path, name), fullPage: name === "phone" && path.startsWith("parks/h") });
      await close();
    }
  }
});

// Zero serious or critical axe-core violations, light and dark.
for (const colorScheme of ["light", "dark"]) {
  await check(`axe-core: no serious or critical violation in ${colorScheme} mode`, async () => {
    for (const path of PAGE_TYPES) {
      const { page, close } = await open(path, { colorScheme });
      for (const v of await axe(page)) fail(`${path} (${colorScheme}): ${v}`);
      await close();
    }
  });
}

await check("no horizontal overflow at 320 px", async () => {
  for (const path of PAGE_TYPES) {
    const { page, close } = await open(path, { viewport: { width: 320, height: 700 } });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 320) fail(`${path}: ${width} px wide at 320`);
    await close();
  }
});

// On a phone an entry's text comes first: its first paragraph starts on the
// first screen, and the fact box comes after the text in keyboard order.
await check(`phone: text before facts on all ${ENTRIES.length} entry pages`, async () => {
  const { page, close } = await open("index.html", { viewport: PHONE });
  let worst = [0, ""];
  for (const path of ENTRIES) {
    await page.goto(base + path);
    const r = await page.evaluate(() => {
      const p = document.querySelector(".entry-body p");
      const facts = document.querySelector(".facts");
      return {
        top: p ? p.getBoundingClientRect().top + window.scrollY : null,
        order: p && facts ? p.compareDocumentPosition(facts) & Node.DOCUMENT_POSITION_FOLLOWING : 1,
      };
    });
    if (r.top === null) continue;
    if (r.top > worst[0]) worst = [r.top, path];
    if (r.top >= PHONE.height) fail(`${path}: first paragraph at ${Math.round(r.top)} px, below the first screen`);
    if (!r.order) fail(`${path}: the facts come before the text`);
  }
  console.log(`     lowest first paragraph: ${Math.round(worst[0])} px (${worst[1]})`);
  await close();
});

// Map marks: a target a finger can hit, only China's sites on China's maps,
// a legend, a label on focus and on hover, clusters that open.
const MAP_PAGES = ["map/index.html", "index.html", "parks/huairou-science-city/index.html"];
for (const [viewport, name] of [[PHONE, "phone"], [DESKTOP, "desktop"]]) {
  await check(`maps (${name}): marks of at least 24 px, China's sites only on China's maps`, async () => {
    for (const path of MAP_PAGES) {
      const { page, close } = await open(path, { viewport });
      const marks = await page.evaluate(() => [...document.querySelectorAll("svg.map a.mark")]
        .filter((a) => a.getClientRects().length && getComputedStyle(a.closest(".level") ?? a).display !== "none")
        .map((a) => {
          const r = a.getBoundingClientRect();
          return {
            map: a.closest("svg").getAttribute("class"),
            href: a.getAttribute("href"),
            sites: JSON.parse(a.getAttribute("data-sites") || "null"),
            w: r.width, h: r.height,
          };
        }));
      if (!marks.length) fail(`${path}: no visible mark`);
      for (const m of marks) {
        if (m.w < 24 || m.h < 24) fail(`${path}: a mark (${m.href}) is ${m.w.toFixed(1)} x ${m.h.toFixed(1)} px`);
        const world = m.map.includes("map-world");
        for (const href of m.sites ? m.sites.map((s) => s[0]) : [m.href]) {
          const id = idOf(href);
          const country = byId.get(id)?.country;
          const inChina = !country || country === "China";
          if (!world && !inChina) fail(`${path}: ${id} (${country}) drawn on ${m.map}`);
          if (world && inChina) fail(`${path}: ${id}, in China, drawn on the world map`);
        }
      }
      await close();
    }
  });
}

await check("maps: a legend names park, lab and institution; every visible mark is counted", async () => {
  for (const path of ["map/index.html", "index.html"]) {
    const { page, close } = await open(path);
    const legend = await page.locator(".map-legend").first().textContent();
    for (const word of ["Park", "Lab", "Institution"]) {
      if (!legend.includes(word)) fail(`${path}: the legend does not name ${word}`);
    }
    // Every site in China appears on the national map once (alone or in a cluster).
    const drawn = await page.evaluate(() => [...document.querySelectorAll("svg.map-china a.mark")]
      .filter((a) => getComputedStyle(a.closest(".level") ?? a).display !== "none")
      .reduce((n, a) => n + (a.classList.contains("cluster") ? JSON.parse(a.dataset.sites).length : 1), 0));
    const expected = [...sites.values()].filter((s) => s.located && (s.country === "China" || s.country == null)).length;
    if (drawn !== expected) fail(`${path}: ${drawn} sites on the map of China, ${expected} located in China`);
    await close();
  }
});

await check("maps: a mark shows its name on keyboard focus and on hover", async () => {
  for (const viewport of [PHONE, DESKTOP]) {
    const { page, close } = await open("map/index.html", { viewport });
    const visible = page.locator("svg.map-yangtze-delta a.mark:visible");
    const label = async (mark) => mark.locator("text.label").evaluate((t) => {
      const r = t.getBoundingClientRect();
      return getComputedStyle(t).display !== "none" && r.width > 20 ? t.textContent : "";
    });
    // Keyboard: Tab from the element before the map reaches its first mark.
    await page.locator("#yangtze-delta h2").evaluate((h) => { h.tabIndex = -1; h.focus(); });
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.matches("svg.map a.mark"));
    if (!focused) fail(`map (${viewport.width}): Tab does not reach a mark`);
    const onFocus = await page.evaluate(() => {
      const t = document.activeElement?.querySelector("text.label");
      return t && getComputedStyle(t).display !== "none" ? t.textContent : "";
    });
    if (!onFocus) fail(`map (${viewport.width}): a focused mark shows no label`);
    const other = visible.nth(1);
    await other.hover();
    if (!(await label(other))) fail(`map (${viewport.width}): a hovered mark shows no label`);
    await page.screenshot({ path: shot("map", `label-${viewport.width}`) });
    await close();
  }
});

await check("maps: a cluster opens the list of its sites, and Escape closes it", async () => {
  const { page, close } = await open("map/index.html", { viewport: PHONE });
  const cluster = page.locator("svg.map-china a.cluster:visible").first();
  const n = (await cluster.evaluate((a) => JSON.parse(a.dataset.sites))).length;
  await cluster.focus();
  await page.keyboard.press("Enter");
  const links = await page.locator(".map-popup li a").count();
  if (links !== n) fail(`the cluster of ${n} lists ${links} sites`);
  const inPopup = await page.evaluate(() => !!document.activeElement?.closest(".map-popup"));
  if (!inPopup) fail("focus does not move into the opened list");
  // Its label, which the list repeats, does not cover the map meanwhile.
  await cluster.hover();
  const label = await cluster.locator(".label").first().evaluate((el) => getComputedStyle(el).display);
  if (label !== "none") fail("the cluster's label shows over the map while its list is open");
  await page.screenshot({ path: shot("map", "cluster-open-phone") });
  await page.keyboard.press("Escape");
  if (await page.locator(".map-popup").count()) fail("Escape does not close the list");
  const back = await page.evaluate(() => document.activeElement?.classList.contains("cluster"));
  if (!back) fail("focus does not return to the cluster");
  await close();
});

await check("entry: a note reference previews its note on keyboard focus", async () => {
  const { page, close } = await open("parks/huairou-science-city/index.html");
  await page.locator("sup.note-ref a").first().focus();
  if ((await page.locator(".note-preview").count()) !== 1) fail("no note preview on keyboard focus");
  await close();
});

// The filter finds every national high-tech zone by its designation's label.
await check("index: the filter finds every high-tech zone by its label", async () => {
  const { page, close } = await open("parks/index.html");
  const zones = atlas.entries
    .filter((e) => e.kind === "park" && e.designation === "national-high-tech-zone")
    .map((e) => e.id).sort();
  if (zones.length < 2) fail(`only ${zones.length} high-tech zones in data/atlas.json`);
  for (const q of ["high-tech industrial", "National high-tech industrial development zone"]) {
    await page.fill(".table-filter", q);
    const shown = (await page.locator("table.entries tbody tr:not([hidden]) td:first-child a")
      .evaluateAll((as) => as.map((a) => a.getAttribute("href")))).map(idOf).sort();
    const missing = zones.filter((z) => !shown.includes(z));
    if (missing.length) fail(`"${q}" misses ${missing.join(", ")}`);
  }
  // Sorting by "Since" keeps blank cells last both ways.
  await page.fill(".table-filter", "");
  const since = page.locator("table.entries").first().locator("thead th").nth(4).locator("button");
  for (const way of ["ascending", "descending"]) {
    await since.click();
    const cells = await page.locator("table.entries").first().locator("tbody tr td:nth-child(5)").allTextContents();
    const firstBlank = cells.findIndex((c) => !c.trim());
    if (firstBlank >= 0 && cells.slice(firstBlank).some((c) => c.trim())) fail(`blank "Since" cells are not last (${way})`);
  }
  await close();
});

// Search finds entries by English name, Chinese name (one character is
// enough), toneless pinyin (spaced or joined) and abbreviations; an entry
// whose whole name or alias is the query comes first.
await check("search: English, Chinese, pinyin and abbreviations", async () => {
  const { page, close } = await open("index.html");
  // [query, entry, whether the query is the entry's whole name or alias]
  const cases = [
    ["huairou", "huairou-science-city", false],
    ["怀柔科学城", "huairou-science-city", true],
    ["huairou kexuecheng", "huairou-science-city", true],
    ["huai rou ke xue cheng", "huairou-science-city", false],
    ["huairoukexuecheng", "huairou-science-city", true],
    ["ZGC", "zhongguancun", true],
    ["CAS", "chinese-academy-of-sciences", true],
    ["MLP", "medium-long-term-plan-2006", true],
    ["NKP", "national-key-rd-program", true],
    ["中关村", "zhongguancun", false],
    ["zhongguancun", "zhongguancun", false],
  ];
  for (const [q, id, named] of cases) {
    if (!byId.has(id)) continue;
    await page.fill("#search-input", q);
    await page.waitForSelector(".search-results li", { timeout: 5000 }).catch(() => {});
    const hits = (await page.locator(".search-results li a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))).map(idOf);
    if (!hits.includes(id)) fail(`search "${q}" does not find ${id} (found ${hits.slice(0, 3).join(", ") || "nothing"})`);
    else if (named && hits[0] !== id) fail(`search "${q}" lists ${id}, so named, after ${hits.slice(0, hits.indexOf(id)).join(", ")}`);
  }
  await page.fill("#search-input", "怀");
  await page.waitForSelector(".search-results li a", { timeout: 5000 }).catch(() => {});
  if (!(await page.locator(".search-results li a").count())) fail("a one-character Chinese query finds nothing");
  await close();
});

await check("timeline: whole titles at a readable size on a phone", async () => {
  const { page, close } = await open("timeline/index.html", { viewport: PHONE });
  const r = await page.evaluate(() => [...document.querySelectorAll(".timeline-rows a")].map((a) => ({
    size: parseFloat(getComputedStyle(a).fontSize), text: a.textContent,
  })));
  if (!r.length) fail("no program on the timeline");
  for (const x of r) {
    if (x.size < 12) fail(`"${x.text}" at ${x.size} px`);
    if (x.text.endsWith("…")) fail(`"${x.text}" is cut`);
  }
  await close();
});

// Printed, an entry reads like a report: text first, the BibTeX shown, few pages.
await check("print: an entry prints as a report", async () => {
  const path = "parks/huairou-science-city/index.html";
  const { page, close } = await open(path, { media: "print" });
  const bibtex = await page.locator("pre.bibtex").evaluate((p) => p.getBoundingClientRect().height > 20);
  if (!bibtex) fail("the BibTeX is not printed");
  const urls = await page.evaluate(() => [...document.querySelectorAll(".entry-body a[href^='http']")]
    .every((a) => getComputedStyle(a, "::after").content.includes("http")));
  if (!urls) fail("an outside link prints without its address");
  const pdf = await page.pdf({ path: `${shots}/${mode}-huairou-print.pdf`, format: "A4" });
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  console.log(`     Huairou prints on ${pages} A4 pages`);
  if (pages > 5) fail(`Huairou prints on ${pages} pages`);
  await close();
});

await finish();
