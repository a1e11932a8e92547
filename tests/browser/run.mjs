// Browser tests of the built-in theme, run against built sites that a static
// server already serves under a sub-path.
//
//   node run.mjs --site NAME=URL [--site NAME=URL ...] --screenshots DIR
//
// The site named `fixture` must be tests/browser/fixture built with the
// built-in theme: its content is known here, so filters and search are checked
// against exact results, and the detected_by and near_miss facets too. Every
// site gets the generic checks: no dead link, no request to another host, no
// console error, navigation, the dark toggle, axe-core in light and dark,
// html-validate, screenshots, and /stats/'s charts: accessible, with data
// tables, legible, and agreeing with the index and /actions/. The sample
// library also answers readers' questions (lessons about DNS, the components
// that hurt most, open action items and done ones a repeat followed) and its
// incident pages' repeats are checked against the pages they name.
//
// Prints one line per check and ends with `N passed, N failed`; exits 1 when
// any check failed.

import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";
import { HtmlValidate } from "html-validate";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const CHROMIUM = process.env.DEBRIEF_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// ---------- Arguments ----------

const sites = [];
let screenshots = "target/screenshots";
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === "--site") {
      const [name, url] = args[++i].split(/=(.*)/s);
      sites.push({ name, base: new URL(url) });
    } else if (args[i] === "--screenshots") {
      screenshots = args[++i];
    } else {
      console.error(`unknown argument: ${args[i]}`);
      process.exit(2);
    }
  }
  if (!sites.length) {
    console.error("usage: node run.mjs --site NAME=URL [...] --screenshots DIR");
    process.exit(2);
  }
}
mkdirSync(screenshots, { recursive: true });

// ---------- Reporting ----------

let passed = 0;
let failed = 0;
const check = async (name, body) => {
  try {
    await body();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    const text = (error && error.stack) || String(error);
    console.log(`not ok - ${name}\n${text.replace(/^/gm, "    ")}`);
  }
};
const assert = (condition, message) => {
  if (!condition) throw new Error(message);
};
const equal = (actual, expected, message) => {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}\n  expected: ${e}\n  actual:   ${a}`);
};

// ---------- Crawling (without a browser) ----------

const NAMED = { amp: "&", quot: "\"", apos: "'", lt: "<", gt: ">" };
const decode = (s) => s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, name) => {
  if (name[0] !== "#") return NAMED[name.toLowerCase()] ?? all;
  const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return String.fromCodePoint(code);
});

// Every page and file reachable from the home page inside the base path, with
// the links that lead nowhere.
const crawl = async (base) => {
  const pages = new Map(); // url without hash -> { status, type, html, ids }
  const dead = [];
  const queue = [new URL(base.href), new URL("404.html", base)];
  const links = [];
  const seen = new Set(queue.map((u) => u.href));
  while (queue.length) {
    const url = queue.shift();
    const response = await fetch(url, { redirect: "manual" });
    const type = response.headers.get("content-type") || "";
    const entry = { status: response.status, type, html: null, ids: new Set() };
    pages.set(url.href, entry);
    if (!type.startsWith("text/html")) {
      await response.arrayBuffer();
      continue;
    }
    entry.html = await response.text();
    for (const m of entry.html.matchAll(/\sid="([^"]+)"/g)) entry.ids.add(decode(m[1]));
    for (const m of entry.html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = decode(m[1]);
      if (/^(data|mailto|javascript):/.test(raw)) continue;
      const target = new URL(raw, url);
      if (target.origin !== base.origin) continue;
      links.push({ from: url.href, raw, target });
      if (!target.pathname.startsWith(base.pathname)) continue;
      const key = new URL(target.href);
      key.hash = "";
      key.search = "";
      if (!seen.has(key.href)) {
        seen.add(key.href);
        queue.push(key);
      }
    }
  }
  for (const { from, raw, target } of links) {
    if (!target.pathname.startsWith(base.pathname)) {
      dead.push(`${from}: ${raw} leaves the base path ${base.pathname}`);
      continue;
    }
    const key = new URL(target.href);
    key.hash = "";
    key.search = "";
    const page = pages.get(key.href);
    if (!page || page.status !== 200) {
      dead.push(`${from}: ${raw} (status ${page ? page.status : "not fetched"})`);
    } else if (target.hash && page.html && !page.ids.has(decodeURIComponent(target.hash.slice(1)))) {
      dead.push(`${from}: ${raw} (no element with that id)`);
    }
  }
  return { pages, dead };
};

// One URL per page type, from the crawled URLs.
const pageTypes = (base, pages, preferredIncident) => {
  const rel = [...pages.keys()]
    .filter((u) => pages.get(u).html)
    .map((u) => u.slice(base.href.length));
  const first = (re) => rel.find((r) => re.test(r));
  const types = {
    index: "",
    incidents: "incidents/",
    incident: (preferredIncident && rel.includes(preferredIncident) ? preferredIncident : null) ||
      first(/^incidents\/[^/]+\/$/),
    components: "components/",
    component: first(/^components\/[^/]+\/$/),
    lessons: "lessons/",
    theme: first(/^lessons\/[^/]+\/$/),
    severity: first(/^severity\/[^/]+\/$/),
    tag: first(/^tags\/[^/]+\/$/),
    organization: first(/^organizations\/[^/]+\/$/),
    actions: "actions/",
    stats: "stats/",
    search: "search/",
    about: first(/^about\/$/),
    factors: "factors/",
    "404": "404.html",
  };
  for (const [name, value] of Object.entries(types)) {
    assert(value !== undefined && value !== null, `no page of type ${name} found on ${base.href}`);
  }
  // An incident that repeats another and is repeated later, when the library
  // has one (else one that does either): its repeats section gets audited too.
  const incidents = rel.filter((r) => /^incidents\/[^/]+\/$/.test(r));
  const html = (r) => pages.get(base.href + r).html;
  const repeats = incidents.find((r) => html(r).includes("This incident repeats") && html(r).includes("Repeated later by")) ||
    incidents.find((r) => html(r).includes('id="debrief-repeats"'));
  if (repeats) types.repeats = repeats;
  // The index as a reader lands on it from a filter link: narrowed, with some
  // facet values left with nothing to show.
  if (pages.get(base.href).html.includes('data-near-miss="yes"')) types.filtered = "?near_miss=yes";
  return types;
};

// ---------- Browser helpers ----------

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const problems = []; // console errors and requests to other hosts, from every page

const open = async (site, options = {}) => {
  const context = await browser.newContext({
    viewport: { width: options.width || 1280, height: options.height || 900 },
    colorScheme: options.scheme || "light",
    javaScriptEnabled: options.javaScript !== false,
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${site.name} ${page.url()}: console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${site.name} ${page.url()}: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(site.base.origin) && !url.startsWith("data:")) {
      problems.push(`${site.name} ${page.url()}: request to another host: ${url}`);
    }
  });
  return { context, page };
};

const go = async (page, url) => {
  const response = await page.goto(url, { waitUntil: "networkidle" });
  return response;
};

const axeAudit = async (page) => {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`),
    }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
};

const visibleItems = (page) => page.$$eval(".incident-list > li", (items) =>
  items.filter((li) => !li.hidden && li.offsetParent !== null).map((li) => li.querySelector(".card-title a").textContent.trim()));

// The cells of a table (a locator) as trimmed texts, one array per row, header first.
const tableCells = (table) => table.evaluate((t) => Array.from(t.rows).map((row) =>
  Array.from(row.cells).map((c) => c.textContent.replace(/\s+/g, " ").trim())));

// Whole days from one `YYYY-MM-DD` to another.
const daysBetween = (from, to) => Math.round((Date.parse(to) - Date.parse(from)) / 86400000);

// What a reader sees of an element: its text with the spaces collapsed.
const seen = (locator) => locator.innerText().then((t) => t.replace(/\s+/g, " ").trim());

// The titles of the search results once every shard has been searched for `query`.
const searchResults = async (page, query) => {
  await page.waitForFunction((q) => {
    const status = document.getElementById("search-status");
    const text = status ? status.textContent : "";
    return text.includes(`\u201c${q}\u201d`) && !/Loading|Searching/.test(text);
  }, query, { timeout: 15000 });
  return page.$$eval("#search-results .card-title a", (links) => links.map((a) => a.textContent));
};

const validator = new HtmlValidate({
  extends: ["html-validate:standard"],
});

// ---------- Checks ----------

for (const site of sites) {
  const base = site.base;
  const at = (rel) => new URL(rel, base).href;
  let crawled = null;
  let types = null;

  await check(`${site.name}: every link inside the base path leads to a page`, async () => {
    crawled = await crawl(base);
    assert(crawled.pages.size > 10, `only ${crawled.pages.size} files reachable from ${base.href}`);
    equal(crawled.dead, [], "dead links");
    types = pageTypes(base, crawled.pages, site.name === "fixture" ? "incidents/envoy-certificate-expiry/" : null);
  });
  if (!types) continue;

  await check(`${site.name}: html-validate finds no error on any page`, async () => {
    const errors = [];
    for (const [url, page] of crawled.pages) {
      if (!page.html) continue;
      const report = await validator.validateString(page.html, url);
      for (const result of report.results) {
        for (const m of result.messages) {
          if (m.severity === 2) errors.push(`${url}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`);
        }
      }
    }
    equal(errors.slice(0, 40), [], `${errors.length} html-validate errors`);
  });

  await check(`${site.name}: index -> incident -> component -> lesson theme -> back`, async () => {
    const { context, page } = await open(site);
    try {
      const trail = [];
      const step = async (action, pattern) => {
        await Promise.all([page.waitForURL(pattern), action()]);
        await page.waitForLoadState("networkidle");
        const h1 = await page.textContent("h1");
        assert(h1 && h1.trim(), `${page.url()} has no heading`);
        trail.push(page.url());
      };
      await go(page, at(""));
      trail.push(page.url());
      await step(() => page.click(".incident-list .card-title a"), /\/incidents\/[^/]+\/$/);
      await step(() => page.click(`main .meta a[href*="/components/"]`), /\/components\/[^/]+\/$/);
      await step(() => page.click(`main a[href*="/lessons/"]:not([href$="/lessons/"])`), /\/lessons\/[^/]+\/$/);
      for (let i = trail.length - 2; i >= 0; i -= 1) {
        await page.goBack({ waitUntil: "networkidle" });
        equal(page.url(), trail[i], "back leads to the previous page");
      }
      for (const url of trail) assert(url.startsWith(base.href), `${url} is outside ${base.href}`);
    } finally {
      await context.close();
    }
  });

  await check(`${site.name}: the dark toggle is remembered across reloads and pages`, async () => {
    const { context, page } = await open(site);
    try {
      await go(page, at(""));
      const toggle = page.locator(".theme-toggle");
      equal(await toggle.getAttribute("aria-pressed"), "false", "light to begin with");
      const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await toggle.click();
      equal(await page.getAttribute("html", "data-theme"), "dark", "dark after a click");
      const after = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert(before !== after, `the background stays ${before}`);
      await page.reload({ waitUntil: "networkidle" });
      equal(await page.getAttribute("html", "data-theme"), "dark", "dark after a reload");
      equal(await page.locator(".theme-toggle").getAttribute("aria-pressed"), "true", "pressed after a reload");
      await go(page, at(types.incident));
      equal(await page.getAttribute("html", "data-theme"), "dark", "dark on another page");
      await page.locator(".theme-toggle").click();
      await page.reload({ waitUntil: "networkidle" });
      equal(await page.getAttribute("html", "data-theme"), "light", "light again after a second click");
    } finally {
      await context.close();
    }
  });

  await check(`${site.name}: open and in-progress action items past their due date are marked overdue`, async () => {
    const { context, page } = await open(site);
    try {
      // The reader's date decides; fix it so that the test does not age.
      await page.clock.setFixedTime(new Date("2025-01-15T12:00:00"));
      await go(page, at("actions/"));
      const items = await page.$$eval("[data-due][data-status]", (list) => list.map((li) => ({
        due: li.getAttribute("data-due"),
        status: li.getAttribute("data-status"),
        marked: li.classList.contains("is-overdue"),
        tag: Boolean(li.querySelector(".overdue")),
      })));
      assert(items.length > 0, "some action items have a due date");
      const expected = items.filter((i) => (i.status === "open" || i.status === "in-progress") && i.due < "2025-01-15");
      assert(expected.length > 0, `some item is overdue on 2025-01-15: ${JSON.stringify(items)}`);
      for (const item of items) {
        const late = expected.includes(item);
        equal(item.marked, late, `item due ${item.due} (${item.status}) marked`);
        equal(item.tag, late, `item due ${item.due} (${item.status}) labelled`);
      }
      equal(await page.textContent("[data-overdue-summary]"), `${expected.length} overdue`, "the count");
      assert(!(await page.$eval("[data-overdue-summary]", (el) => el.hidden)), "the count is shown");
    } finally {
      await context.close();
    }
  });

  await check(`${site.name}: /actions/ shows open and in-progress items before done ones`, async () => {
    const { context, page } = await open(site);
    try {
      await go(page, at("actions/"));
      const order = await page.$$eval("main .action-item", (items) => items.map((li) => ({
        status: li.dataset.status,
        text: li.querySelector(".action-text").textContent.trim(),
        section: li.closest("section") ? li.closest("section").id : "",
      })));
      assert(order.length > 0, "some action items");
      const finished = (a) => a.status === "done" || a.status === "wont-do";
      const first = order.findIndex(finished);
      const late = first < 0 ? -1 : order.findIndex((a, i) => i > first && !finished(a));
      const where = (a) => `the ${a.status} item "${a.text}" (#${a.section})`;
      assert(late < 0, `${late < 0 ? "" : where(order[late])} comes after ${first < 0 ? "" : where(order[first])}`);
    } finally {
      await context.close();
    }
  });

  await check(`${site.name}: every chart on /stats/ is an image named by its own <title> and <desc>, with a data table`, async () => {
    const { context, page } = await open(site);
    try {
      await go(page, at("stats/"));
      const problems = await page.evaluate(() => {
        const found = [];
        const byId = (id) => document.querySelectorAll(`[id="${CSS.escape(id)}"]`);
        const charts = Array.from(document.querySelectorAll("svg.chart"));
        if (!charts.length) found.push("no svg.chart on the page");
        charts.forEach((svg, n) => {
          const name = svg.id ? `svg#${svg.id}` : `chart ${n + 1}`;
          if (svg.getAttribute("role") !== "img") found.push(`${name}: role="${svg.getAttribute("role")}", not "img"`);
          for (const [attr, tag] of [["aria-labelledby", "title"], ["aria-describedby", "desc"]]) {
            const ids = (svg.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
            if (ids.length !== 1) {
              found.push(`${name}: ${attr}="${svg.getAttribute(attr) || ""}" should name one element`);
              continue;
            }
            const targets = byId(ids[0]);
            if (targets.length !== 1) {
              found.push(`${name}: ${attr} points at id "${ids[0]}", which ${targets.length} elements carry`);
            } else if (targets[0].localName !== tag) {
              found.push(`${name}: ${attr} points at a <${targets[0].localName}>, not a <${tag}>`);
            } else if (targets[0].parentNode !== svg) {
              found.push(`${name}: ${attr} points at the <${tag}> of another chart`);
            } else if (!targets[0].textContent.trim()) {
              found.push(`${name}: its <${tag}> is empty`);
            }
          }
        });
        for (const card of document.querySelectorAll(".chart-card")) {
          const name = card.id ? `.chart-card#${card.id}` : "a .chart-card";
          const label = card.getAttribute("aria-labelledby");
          const headings = label ? byId(label) : [];
          if (headings.length !== 1 || !card.contains(headings[0]) || !/^h[1-6]$/.test(headings[0].localName)) {
            found.push(`${name}: aria-labelledby="${label}" should point at its own heading (${headings.length} elements carry that id)`);
          }
          if (!card.querySelector("svg.chart")) continue;
          const tables = Array.from(card.querySelectorAll("details.chart-data")).filter((d) =>
            d.querySelector("summary") && d.querySelector("summary").textContent.trim() === "Data table");
          if (tables.length !== 1) found.push(`${name}: ${tables.length} "Data table" details, expected 1`);
          else if (!tables[0].querySelector("table tbody tr")) found.push(`${name}: its "Data table" has no table rows`);
        }
        // A description that says a phrase twice in a row reads as a slip.
        const stutter = /(?:^|[^\p{L}\p{N}])([\p{L}\p{N}]+(?:\s+[\p{L}\p{N}]+){2,})\s+\1(?![\p{L}\p{N}])/u;
        for (const el of document.querySelectorAll("svg.chart desc, .chart-desc")) {
          const text = el.textContent.replace(/\s+/g, " ").trim();
          const m = text.match(stutter);
          if (m) found.push(`${el.id ? `#${el.id}` : `.chart-desc of #${el.closest(".chart-card").id}`} says "${m[1]}" twice: ${text}`);
        }
        // The distributions of SPEC §10: time to detect, mitigate and resolve per
        // severity, and time to detect per detected_by.
        for (const id of ["chart-time-to-detect", "chart-time-to-mitigate", "chart-time-to-resolve", "chart-time-to-detect-by-source"]) {
          const els = byId(id);
          if (els.length !== 1 || !els[0].matches("svg.chart")) {
            found.push(`distribution chart #${id}: ${els.length} elements carry that id (${Array.from(els).map((e) => `${e.localName}.${e.getAttribute("class")}`).join(", ")}), expected one svg.chart`);
          }
        }
        return found;
      });
      equal(problems, [], "chart problems on /stats/");
    } finally {
      await context.close();
    }
  });

  await check(`${site.name}: the words of every chart on /stats/ are drawn inside it, apart, and name every column`, async () => {
    const { context, page } = await open(site);
    try {
      await go(page, at("stats/"));
      const problems = await page.evaluate(() => {
        const found = [];
        const charts = Array.from(document.querySelectorAll("svg.chart"));
        // Every word of a chart is drawn inside it, apart from the others, and
        // every column with a value has its category written under it.
        for (const svg of charts) {
          const name = svg.id ? `svg#${svg.id}` : "a chart";
          const box = svg.viewBox.baseVal;
          const texts = Array.from(svg.querySelectorAll("text")).filter((t) => t.textContent.trim());
          const boxes = texts.map((t) => ({ t: t.textContent.trim(), b: t.getBBox() }));
          for (const { t, b } of boxes) {
            // Two units of slack for the side bearings of glyphs.
            if (b.x < box.x - 2 || b.y < box.y - 2 || b.x + b.width > box.x + box.width + 2 || b.y + b.height > box.y + box.height + 2) {
              found.push(`${name}: "${t}" is drawn at x ${b.x.toFixed(1)}–${(b.x + b.width).toFixed(1)}, y ${b.y.toFixed(1)}–${(b.y + b.height).toFixed(1)}, outside the chart's ${box.width}×${box.height}`);
            }
          }
          for (let i = 0; i < boxes.length; i += 1) {
            for (let j = i + 1; j < boxes.length; j += 1) {
              const [a, b] = [boxes[i].b, boxes[j].b];
              const overlap = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 1 &&
                Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 1;
              if (overlap) found.push(`${name}: "${boxes[i].t}" and "${boxes[j].t}" are drawn over each other`);
            }
          }
          if (svg.classList.contains("chart-columns")) {
            const labels = new Set(texts.filter((t) => t.classList.contains("label")).map((t) => t.textContent.trim()));
            const categories = new Set(Array.from(svg.querySelectorAll("rect > title")).map((t) => t.textContent.split(", ")[0]));
            for (const c of categories) if (!labels.has(c)) found.push(`${name}: the column "${c}" has no label under it`);
          }
        }
        return found;
      });
      equal(problems, [], "chart text problems on /stats/");
    } finally {
      await context.close();
    }
  });

  await check(`${site.name}: the figures on /stats/ agree with the index and /actions/`, async () => {
    const { context, page } = await open(site);
    try {
      await go(page, at(""));
      const total = await page.$$eval(".incident-list > li", (items) => items.length);
      const nearMisses = await page.$$eval(`.incident-list > li[data-near-miss="yes"]`, (items) => items.length);
      await go(page, at("actions/"));
      const count = (status) => page.$$eval(`#status-${status} .action-list > li`, (items) => items.length);
      const open = await count("open");
      const inProgress = await count("in-progress");
      await go(page, at("stats/"));

      const tile = page.locator(".stat-tiles div").filter({ has: page.locator("dt", { hasText: /^Near misses$/ }) });
      const share = total ? Math.floor((100 * nearMisses) / total) : 0;
      equal(await seen(tile.locator("dd")), `${nearMisses} of ${total} (${share}%)`, "the near-miss tile");

      // The chart card under a heading (by its text: the checks above judge the labels).
      const card = (title) => page.locator(".chart-card").filter({ has: page.locator(`h2:text-is("${title}")`) });
      // A distribution counts every incident once: with a value or without.
      const distribution = async (title) => {
        const box = card(title);
        equal(await box.count(), 1, `one card "${title}"`);
        const rows = await tableCells(box.locator("details.chart-data table"));
        const head = rows[0];
        const col = (name) => {
          const i = head.indexOf(name);
          assert(i >= 0, `"${title}" table has a "${name}" column: ${head}`);
          return i;
        };
        const [n, missing] = [col("Incidents"), col("Without a value")];
        const body = rows.slice(1);
        return {
          rows: body,
          known: body.reduce((sum, r) => sum + Number(r[n]), 0),
          all: body.reduce((sum, r) => sum + Number(r[n]) + Number(r[missing]), 0),
        };
      };
      const detect = await distribution("Time to detect, by severity");
      for (const title of ["Time to detect, by severity", "Time to mitigate, by severity", "Time to resolve, by severity",
        "Time to detect, by how it was noticed"]) {
        const d = await distribution(title);
        equal(d.all, total, `"${title}": incidents with and without a value`);
      }
      const bySource = await distribution("Time to detect, by how it was noticed");
      equal(bySource.known, detect.known, "time to detect: by severity and by how it was noticed count the same incidents");

      const health = await tableCells(card("What the postmortems record").locator("details.chart-data table"));
      const healthRow = (label) => {
        const row = health.find((r) => r[0] === label);
        assert(row, `the health table has a row "${label}": ${JSON.stringify(health)}`);
        return row;
      };
      equal(Number(healthRow("With a time to detect")[1]), detect.known, "incidents with a time to detect");
      equal(healthRow("Near misses").slice(1), [String(nearMisses), `${share}%`], "near misses in the health table");

      const ages = card("Open action items by age");
      if (open + inProgress > 0) {
        const rows = (await tableCells(ages.locator("details.chart-data table"))).slice(1);
        const sum = (i) => rows.reduce((s, r) => s + Number(r[i]), 0);
        equal([sum(1), sum(2), sum(3)], [open, inProgress, open + inProgress], "open, in progress and both, against /actions/");
      } else {
        equal(await ages.locator("svg.chart").count(), 0, "no age chart without open items");
      }
    } finally {
      await context.close();
    }
  });

  await check(`${site.name}: without JavaScript the index lists everything and search explains itself`, async () => {
    const { context, page } = await open(site, { javaScript: false });
    try {
      await go(page, at(""));
      const all = await page.$$eval(".incident-list > li", (items) => items.length);
      equal((await visibleItems(page)).length, all, "every incident is visible");
      const severityLink = await page.getAttribute(".facet-severity a", "href");
      assert(severityLink && severityLink.includes("/severity/"), "the severity facet links to its page");
      await go(page, at("search/?q=x"));
      const notice = await page.textContent("main");
      assert(/needs JavaScript/.test(notice), "the search page says it needs JavaScript");
      assert(await page.$(`main a[href="${base.pathname}incidents/"]`), "the search page links to the incidents");
    } finally {
      await context.close();
    }
  });

  for (const scheme of ["light", "dark"]) {
    await check(`${site.name}: axe-core finds no serious or critical violation (${scheme})`, async () => {
      const { context, page } = await open(site, { scheme });
      const found = [];
      try {
        for (const [name, rel] of Object.entries(types)) {
          await go(page, at(name === "search" ? `${rel}?q=the` : rel));
          if (name === "search") await searchResults(page, "the");
          for (const v of await axeAudit(page)) {
            found.push(`${name} (${rel}): ${v.impact} ${v.id}: ${v.help}\n      ${v.nodes.join("\n      ")}`);
          }
        }
      } finally {
        await context.close();
      }
      equal(found, [], "violations");
    });
  }

  await check(`${site.name}: screenshots`, async () => {
    const shots = [["index", ""], ["incident", types.incident], ["stats", "stats/"], ["search", "search/?q=upgrade"]];
    for (const width of [1280, 360]) {
      for (const scheme of ["light", "dark"]) {
        const { context, page } = await open(site, { width, scheme });
        try {
          for (const [name, rel] of shots) {
            await go(page, at(rel));
            if (name === "search") await searchResults(page, "upgrade");
            const file = path.join(screenshots, `${site.name}-${name}-${width}${scheme === "dark" ? "-dark" : ""}.png`);
            await page.screenshot({ path: file, fullPage: true });
          }
        } finally {
          await context.close();
        }
      }
    }
  });

  if (site.name === "fixture") {
    await check("fixture: filters change the list and the URL, and survive a reload", async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at(""));
        equal((await visibleItems(page)).length, 4, "all four incidents at first");
        await page.click(`.facet-severity [data-value="sev1"] button`);
        equal(new URL(page.url()).searchParams.get("severity"), "sev1", "severity in the URL");
        equal((await visibleItems(page)).sort(),
          ["Envoy certificate expiry takes down the edge", "数据库连接池耗尽导致支付服务中断"], "sev1 incidents");
        equal(await page.textContent(`.facet-components [data-value="envoy"] .count`), "1", "envoy count under sev1");
        await page.click(`.facet-components [data-value="envoy"] button`);
        const url = new URL(page.url());
        equal([url.searchParams.get("severity"), url.searchParams.get("component")], ["sev1", "envoy"], "both in the URL");
        equal(await visibleItems(page), ["Envoy certificate expiry takes down the edge"], "sev1 and envoy");
        await page.reload({ waitUntil: "networkidle" });
        equal(await visibleItems(page), ["Envoy certificate expiry takes down the edge"], "after a reload");
        equal(await page.getAttribute(`.facet-components [data-value="envoy"] button`, "aria-pressed"), "true", "button pressed after reload");
        await page.click(".filter-clear");
        equal((await visibleItems(page)).length, 4, "all again after clearing");
        equal(new URL(page.url()).search, "", "no query after clearing");
        await page.fill("#filter-q", "failover");
        equal(await visibleItems(page), ["DNS failover flaps between regions for an hour"], "text filter");
        equal(new URL(page.url()).searchParams.get("q"), "failover", "text filter in the URL");
        await page.fill("#filter-q", "");
        await page.click(`.facet-years [data-value="2022"] button`);
        equal(await visibleItems(page), ["Nightly batch exhausts the shared database quota"], "year filter");
        await page.click(`.facet-years [data-value="2022"] button`);
        await page.click(`.facet-tags [data-value="tls"] button`);
        equal(await visibleItems(page), ["Envoy certificate expiry takes down the edge"], "tag filter");
        await go(page, at("?component=postgresql"));
        equal(await visibleItems(page), ["Nightly batch exhausts the shared database quota"], "a shared URL opens filtered");
      } finally {
        await context.close();
      }
    });

    await check("fixture: the detected_by and near_miss filters show exactly their incidents and live in the URL", async () => {
      const { context, page } = await open(site);
      try {
        const all = [
          "Envoy certificate expiry takes down the edge",
          "DNS failover flaps between regions for an hour",
          "数据库连接池耗尽导致支付服务中断",
          "Nightly batch exhausts the shared database quota",
        ];
        const alert = ["Envoy certificate expiry takes down the edge", "数据库连接池耗尽导致支付服务中断"];
        const facet = (name, value) => page.locator(`[data-facet="${name}"][data-value="${value}"] button`);
        const query = () => Object.fromEntries(new URL(page.url()).searchParams);
        await go(page, at(""));
        equal(await page.locator(`[data-facet="detected_by"]`).evaluateAll((lis) => lis.map((li) => [
          li.dataset.value, li.querySelector(".facet-label").textContent.trim(), li.querySelector(".count").textContent.trim(),
        ])), [["alert", "Alert", "2"], ["staff", "Staff", "1"], ["customer-support-tickets", "Customer support tickets", "1"]],
        "the Detected by facet: the named values first, then free text, as slugs");
        equal(await seen(page.locator(`[data-facet="near_miss"]`)), "Near miss 1", "the near miss facet");

        await facet("detected_by", "alert").click();
        equal(query(), { detected_by: "alert" }, "the URL after choosing Alert");
        equal(await visibleItems(page), alert, "the incidents detected by an alert");
        equal(await page.$$eval(".incident-list > li:not([hidden])", (lis) => lis.map((li) => li.dataset.detectedBy)),
          ["alert", "alert"], "every item shown carries the value");
        equal(await facet("detected_by", "alert").getAttribute("aria-pressed"), "true", "Alert is pressed");
        equal(await seen(page.locator(".filter-status")), "Showing 2 of 4 incidents", "the status");
        equal(await seen(page.locator(`[data-facet="near_miss"] .count`)), "0", "no near miss among them");
        await facet("detected_by", "alert").click();
        equal(query(), {}, "the URL after choosing Alert again");
        equal(await visibleItems(page), all, "all again");

        await facet("detected_by", "customer-support-tickets").click();
        equal(query(), { detected_by: "customer-support-tickets" }, "free text goes into the URL as its slug");
        equal(await visibleItems(page), ["DNS failover flaps between regions for an hour"], "the incident noticed by support tickets");
        await page.reload({ waitUntil: "networkidle" });
        equal(await visibleItems(page), ["DNS failover flaps between regions for an hour"], "the same after a reload");
        equal(await facet("detected_by", "customer-support-tickets").getAttribute("aria-pressed"), "true", "pressed after a reload");
        await facet("near_miss", "yes").click();
        equal(query(), { detected_by: "customer-support-tickets", near_miss: "yes" }, "both in the URL");
        equal(await visibleItems(page), [], "no near miss was noticed by support tickets");
        assert(await page.locator(".filter-none").isVisible(), "the list says nothing matches");
        await page.click(".filter-clear");
        equal(query(), {}, "no query after clearing");

        await go(page, at("?near_miss=yes"));
        equal(await visibleItems(page), ["Nightly batch exhausts the shared database quota"], "a URL with near_miss=yes shows only near misses");
        equal(await facet("near_miss", "yes").getAttribute("aria-pressed"), "true", "Near miss is pressed");
        equal(await seen(page.locator(".incident-list > li:not([hidden]) .pill-near-miss")), "Near miss", "the card says near miss");
        equal(await page.locator(`[data-facet="detected_by"]`).evaluateAll((lis) => lis.map((li) => [
          li.dataset.value, li.querySelector(".count").textContent.trim(), li.classList.contains("is-empty"),
        ])), [["alert", "0", true], ["staff", "1", false], ["customer-support-tickets", "0", true]], "Detected by counts among near misses");
        await go(page, at("incidents/?detected_by=alert&severity=sev1"));
        equal(await visibleItems(page), alert, "detected_by with another facet, from a URL on /incidents/");

        // From an incident page, "Detected by" leads to the others noticed the same way.
        await go(page, at("incidents/envoy-certificate-expiry/"));
        const by = page.locator(".meta div").filter({ has: page.locator("dt", { hasText: /^Detected by$/ }) }).locator("dd a");
        equal(await seen(by), "Alert", "the incident page says how it was noticed, as the filter does");
        await Promise.all([page.waitForURL(/\/incidents\/\?detected_by=alert$/), by.click()]);
        await page.waitForLoadState("networkidle");
        equal(await visibleItems(page), alert, "the link shows the incidents detected the same way");
      } finally {
        await context.close();
      }
    });

    await check("fixture: search ranks title, then components, then body, and highlights", async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at("search/?q=envoy"));
        equal(await searchResults(page, "envoy"), [
          "Envoy certificate expiry takes down the edge",
          "DNS failover flaps between regions for an hour",
          "Nightly batch exhausts the shared database quota",
        ], "ranked results");
        equal(await page.textContent("#search-results .card-title mark"), "Envoy", "the title match is highlighted");
        const href = await page.getAttribute("#search-results .card-title a", "href");
        equal(href, `${base.pathname}incidents/envoy-certificate-expiry/`, "results link under the base path");
        await page.fill("#search-q", "rotation runbook");
        equal(await searchResults(page, "rotation runbook"), [], "words that occur in no single incident give nothing");
        await page.fill("#search-q", "manual rotation");
        equal(await searchResults(page, "manual rotation"), ["Envoy certificate expiry takes down the edge"], "lesson text is searched");
        equal(new URL(page.url()).searchParams.get("q"), "manual rotation", "the query is in the URL");
      } finally {
        await context.close();
      }
    });

    await check("fixture: a Chinese query finds the Chinese postmortem", async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at("search/"));
        await page.fill("#search-q", "连接池");
        equal(await searchResults(page, "连接池"), ["数据库连接池耗尽导致支付服务中断"], "title match");
        equal(await page.textContent("#search-results .card-title mark"), "连接池", "highlighted");
        await page.fill("#search-q", "灰度发布");
        equal(await searchResults(page, "灰度发布"), ["数据库连接池耗尽导致支付服务中断"], "body and lesson match");
        await page.fill("#search-q", "支付网关");
        equal(await searchResults(page, "支付网关"), ["数据库连接池耗尽导致支付服务中断"], "component match");
      } finally {
        await context.close();
      }
    });

    await check("fixture: `/` focuses the header search, which leads to results", async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at(types.incident));
        await page.keyboard.press("/");
        equal(await page.evaluate(() => document.activeElement && document.activeElement.id), "site-search-q", "focused");
        await page.keyboard.type("dns");
        await Promise.all([page.waitForURL(/\/search\/\?q=dns$/), page.keyboard.press("Enter")]);
        equal((await searchResults(page, "dns"))[0], "DNS failover flaps between regions for an hour", "first result");
      } finally {
        await context.close();
      }
    });

    await check("fixture: the header search lists matching titles as you type", async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at("lessons/"));
        await page.click("#site-search-q");
        await page.keyboard.type("cert");
        await page.waitForSelector(".quick-results:not([hidden]) .quick-list a");
        equal(await page.$$eval(".quick-list .quick-title", (t) => t.map((x) => x.textContent)),
          ["Envoy certificate expiry takes down the edge"], "quick results");
        equal(await page.textContent(".quick-list mark"), "cert", "highlighted");
        await page.keyboard.press("ArrowDown");
        await Promise.all([page.waitForURL(/\/incidents\/envoy-certificate-expiry\/$/), page.keyboard.press("Enter")]);
        await page.click("#site-search-q");
        await page.keyboard.type("支付");
        await page.waitForSelector(".quick-results:not([hidden]) .quick-list a");
        equal(await page.$$eval(".quick-list .quick-title", (t) => t.map((x) => x.textContent)),
          ["数据库连接池耗尽导致支付服务中断"], "CJK quick results");
        await page.keyboard.press("Escape");
        assert(await page.$eval(".quick-results", (p) => p.hidden), "Escape closes the list");
      } finally {
        await context.close();
      }
    });

    await check("fixture: the incident page shows durations, contents, timeline and status pills", async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at("incidents/envoy-certificate-expiry/"));
        const figures = await page.$$eval(".figures div", (divs) => divs.map((d) =>
          `${d.querySelector("dt").textContent}: ${d.querySelector("dd").textContent}`));
        equal(figures, ["Time to detect: 9 min", "Time to mitigate: 31 min", "Time to resolve: 47 min"], "durations");
        const toc = await page.$$eval(".toc a", (links) => links.map((a) => a.getAttribute("href")));
        for (const href of toc) assert(await page.$(href), `contents link ${href} has a target`);
        equal(await page.$$eval(".timeline li", (li) => li.length), 4, "timeline entries");
        equal(await page.$$eval(".actions-table .status", (s) => s.map((x) => x.textContent.trim())),
          ["Done", "In progress", "Open"], "status pills");
        const themes = await page.$$eval("#debrief-lessons ~ * a.theme-link, .lesson-list a.theme-link", (a) => a.map((x) => x.getAttribute("href")));
        assert(themes.includes(`${base.pathname}lessons/monitoring/`), `lessons link their themes: ${themes}`);
        equal(await page.textContent(".pager-prev a .pager-label"), "Older", "previous by date");
      } finally {
        await context.close();
      }
    });
  } else {
    await check(`${site.name}: diagrams are drawn inline and graphs load, in both themes, with or without JavaScript`, async () => {
      const withDiagram = "incidents/monzo-linkerd-etcd-outage/";
      const scripts = async (page) => page.$$eval("script[src], link[rel=stylesheet]", (els) => els.map((e) => e.getAttribute("src") || e.getAttribute("href")));
      for (const options of [{ scheme: "light" }, { scheme: "dark" }, { javaScript: false }]) {
        const { context, page } = await open(site, options);
        try {
          await go(page, at(withDiagram));
          const drawn = await page.$$eval(".diagram-drawing svg", (svgs) => svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            return { width: box.width, height: box.height, text: svg.textContent };
          }));
          equal(drawn.length, 1, `one diagram on ${withDiagram}`);
          assert(drawn[0].width > 300 && drawn[0].height > 200, `drawn at ${drawn[0].width}x${drawn[0].height}`);
          assert(/kube-apiserver/.test(drawn[0].text) && /endpoint update never arrives/.test(drawn[0].text), "its labels are text");
          const panel = await page.$eval(".diagram-drawing", (el) => getComputedStyle(el).backgroundColor);
          equal(panel, "rgb(255, 255, 255)", "the diagram sits on a light panel");
          const source = await page.$eval(".diagram-source", (el) => ({ summary: el.querySelector("summary").textContent, code: el.querySelector("code").textContent }));
          equal(source.summary, "Diagram source", "the source is offered");
          assert(source.code.startsWith("sequenceDiagram"), "the source is the Mermaid text");
          const graph = await page.$eval('main img[src$="outage-phases.svg"]', (img) => ({ w: img.naturalWidth, lazy: img.loading, alt: img.alt }));
          assert(graph.w > 0, "the graph loaded");
          equal(graph.lazy, "lazy", "the graph loads lazily");
          assert(graph.alt.length > 20, "the graph has alt text");
          const assetsWith = await scripts(page);
          await go(page, at("incidents/jw-player-cryptominer/"));
          equal(await page.$$eval(".diagram-drawing", (d) => d.length), 0, "no diagram on an incident without one");
          equal(await scripts(page), assetsWith, "a page with a diagram loads nothing more than one without");
          if (options.scheme) {
            await go(page, at(withDiagram));
            const found = (await axeAudit(page)).map((v) => `${v.impact} ${v.id}: ${v.help}\n      ${v.nodes.join("\n      ")}`);
            equal(found, [], `axe on ${withDiagram} (${options.scheme})`);
          }
        } finally {
          await context.close();
        }
      }
    });

    // The incident pages a reader reaches from a link, checked against the crawl.
    const incidentPage = (href) => {
      const url = new URL(href);
      url.hash = "";
      assert(url.href.startsWith(at("incidents/")) && /^incidents\/[^/]+\/$/.test(url.href.slice(base.href.length)),
        `${href} is not an incident page`);
      const entry = crawled.pages.get(url.href);
      assert(entry && entry.status === 200 && entry.html, `${href} does not lead to a page (${entry ? entry.status : "not crawled"})`);
      return url.href;
    };
    const days = (n) => `${n} day${n === 1 ? "" : "s"}`;

    await check(`${site.name}: "what have we learned about DNS?" is answered by one page, the Networking and DNS theme`, async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at("lessons/"));
        const entry = page.getByRole("navigation", { name: "Themes" }).getByRole("link", { name: "Networking and DNS", exact: true });
        equal(await entry.count(), 1, "the lessons index lists the theme Networking and DNS");
        assert(await entry.isVisible(), "the theme is visible on /lessons/");
        assert(await entry.evaluate((a) => a.getBoundingClientRect().bottom <= window.innerHeight),
          "the theme is listed on the first screen of /lessons/");
        await entry.click();
        const hash = decodeURIComponent(new URL(page.url()).hash.slice(1));
        assert(hash, `following the theme goes to its section: ${page.url()}`);
        const heading = page.locator(`section[id="${hash}"] h2`).getByRole("link", { name: "Networking and DNS", exact: true });
        assert(await heading.isVisible(), `the section #${hash} leads on to the theme's page`);
        await Promise.all([page.waitForURL(at("lessons/networking/")), heading.click()]);
        await page.waitForLoadState("networkidle");
        assert((await seen(page.locator("h1"))).endsWith("Networking and DNS"), "the theme page's heading names the theme");

        const lede = await seen(page.locator(".page-header .lede"));
        const read = async (pattern, what) => {
          const region = page.getByRole("region", { name: pattern });
          equal(await region.count(), 1, `one ${what} section`);
          assert(await region.isVisible(), `the ${what} are visible`);
          const name = await seen(region.getByRole("heading").first());
          const items = await region.locator("li").evaluateAll((lis) => lis.map((li) => ({
            text: (li.querySelector(".lesson-text") || li).textContent.replace(/\s+/g, " ").trim(),
            visible: li.getClientRects().length > 0,
            incidents: Array.from(li.querySelectorAll("a[href]")).map((a) => a.href).filter((h) => /\/incidents\/[^/]+\/$/.test(h)),
          })));
          assert(items.length > 0, `the theme page shows at least one of its ${what}`);
          equal(Number(name.match(/(\d+)$/)?.[1]), items.length, `the count beside "${name}"`);
          for (const item of items) {
            assert(item.visible, `"${item.text}" is visible`);
            equal(item.incidents.length, 1, `"${item.text}" links to its incident`);
            item.incident = incidentPage(item.incidents[0]);
          }
          return items;
        };
        const lessons = await read(/^Lessons \d+$/, "lessons");
        const factors = await read(/^Contributing factors \d+$/, "contributing factors");
        assert(new RegExp(`^${lessons.length} lessons? from \\d+ incidents?, and ${factors.length} contributing factors?\\.$`).test(lede),
          `the summary counts ${lessons.length} lessons and ${factors.length} factors: ${lede}`);
        // Each one is where it says it comes from.
        for (const [items, section] of [[lessons, "#debrief-lessons"], [factors, "#debrief-factors"]]) {
          for (const item of items) {
            await go(page, item.incident);
            const texts = await page.locator(`section[aria-labelledby="${section.slice(1)}"] .lesson-text`).allTextContents();
            assert(texts.map((t) => t.replace(/\s+/g, " ").trim()).includes(item.text),
              `${item.incident} lists "${item.text}" under ${section}: ${JSON.stringify(texts)}`);
          }
        }
      } finally {
        await context.close();
      }
    });

    await check(`${site.name}: "which components hurt us most, and how badly?" is answered by /stats/ and /components/`, async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at("components/"));
        const components = await page.locator(".component-row").evaluateAll((rows) => rows.map((row) => ({
          name: row.querySelector(".component-name a").textContent.trim(),
          incidents: row.querySelector(".component-incidents").textContent.trim(),
          visible: Boolean(row.querySelector(".breakdown")) && row.querySelector(".breakdown").getClientRects().length > 0,
          bySeverity: Object.fromEntries(Array.from(row.querySelectorAll(".breakdown li")).map((li) => [
            li.querySelector(".badge").textContent.replace(/\s+/g, " ").trim(),
            Number(li.querySelector(".count").textContent),
          ])),
        })));
        assert(components.length > 0, "/components/ lists components");
        for (const c of components) {
          assert(c.visible, `${c.name} shows its counts by severity`);
          const total = Number(c.incidents.match(/^(\d+) incidents?$/)?.[1]);
          equal(Object.values(c.bySeverity).reduce((a, b) => a + b, 0), total, `${c.name}: counts by severity add up to "${c.incidents}"`);
          c.total = total;
        }
        const most = Math.max(...components.map((c) => c.total));

        await go(page, at("stats/"));
        const card = page.getByRole("region", { name: "Components with the most incidents", exact: true });
        equal(await card.count(), 1, "one card Components with the most incidents");
        const chart = card.getByRole("img", { name: "Components with the most incidents", exact: true });
        equal(await chart.count(), 1, "its chart is an image named by its title");
        const desc = await chart.evaluate((svg) => {
          const d = document.getElementById(svg.getAttribute("aria-describedby") || "");
          return d && d.parentNode === svg ? d.textContent : "";
        });
        await card.getByText("Data table", { exact: true }).click();
        const table = card.locator("details.chart-data table");
        assert(await table.isVisible(), "the data table opens");
        const rows = await tableCells(table);
        const head = rows[0];
        equal([head[0], head[head.length - 1]], ["Component", "Incidents"], "the table's columns");
        const severities = head.slice(1, -1);
        assert(severities.length > 0, "a column per severity");
        const body = rows.slice(1).map((r) => ({ name: r[0], counts: r.slice(1, -1).map(Number), total: Number(r[r.length - 1]) }));
        assert(body.length > 0, "the table lists components");
        for (const r of body) {
          equal(r.counts.reduce((a, b) => a + b, 0), r.total, `${r.name}: counts per severity add up to its total`);
          const listed = components.find((c) => c.name === r.name);
          assert(listed, `${r.name} is on /components/`);
          equal(r.total, listed.total, `${r.name}: the same total on /stats/ and /components/`);
          const perSeverity = Object.fromEntries(severities.map((s, i) => [s, r.counts[i]]).filter(([, n]) => n > 0));
          equal(perSeverity, listed.bySeverity, `${r.name}: the same counts by severity on /stats/ and /components/`);
        }
        for (let i = 1; i < body.length; i += 1) {
          assert(body[i - 1].total >= body[i].total, `the table is sorted by incidents: ${body[i - 1].name} before ${body[i].name}`);
        }
        equal(body[0].total, most, `the first row (${body[0].name}) is the component with the most incidents`);
        assert(desc.includes(body[0].name), `the chart's description names ${body[0].name}: ${desc}`);
      } finally {
        await context.close();
      }
    });

    await check(`${site.name}: "which action items are still open, and which done ones did not stop a repeat?" is answered by /actions/`, async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at("actions/"));
        const items = (section) => page.locator(`${section} .action-list > li`).evaluateAll((lis) => lis.map((li) => {
          const line = (start) => Array.from(li.querySelectorAll("p")).find((p) => p.textContent.trim().startsWith(start));
          const ref = (p) => {
            const a = p && Array.from(p.querySelectorAll("a[href]")).find((x) => /\/incidents\/[^/]+\/$/.test(x.href));
            return a ? { href: a.href, title: a.textContent.trim(), date: p.querySelector("time").getAttribute("datetime") } : null;
          };
          const done = li.querySelector(".action-done");
          return {
            text: li.querySelector(".action-text").textContent.trim(),
            status: li.querySelector(".status").textContent.trim(),
            visible: li.getClientRects().length > 0,
            done: done ? { date: done.querySelector("time").getAttribute("datetime"), text: done.textContent.replace(/\s+/g, " ").trim() } : null,
            from: ref(li.querySelector(".action-incident")),
            repeat: ref(line("Repeated")),
            repeatText: line("Repeated") ? line("Repeated").textContent.replace(/\s+/g, " ").trim() : null,
          };
        }));

        const open = await items("#status-open");
        assert(open.length > 0, "the Open section lists items");
        assert(await page.locator("#status-open").isVisible(), "the Open section is visible");
        equal(await seen(page.locator("#status-open h2")), `Open ${open.length} item${open.length === 1 ? "" : "s"}`, "the Open heading counts its items");
        for (const a of open) {
          assert(a.visible, `"${a.text}" is visible`);
          equal(a.status, "Open", `"${a.text}" is open`);
          assert(a.from, `"${a.text}" names its incident`);
          incidentPage(a.from.href);
        }

        const section = page.locator("#done-then-repeated");
        assert(await section.isVisible(), "the section Done, then repeated is visible");
        assert((await seen(section.locator("h2"))).startsWith("Done, then repeated"), "its heading");
        const repeated = await items("#done-then-repeated");
        assert(repeated.length > 0, "some done item was followed by a repeat");
        const done = await items("#status-done");
        for (const a of repeated) {
          assert(a.visible, `"${a.text}" is visible`);
          equal(a.status, "Done", `"${a.text}" is done`);
          assert(a.done && a.from && a.repeat, `"${a.text}" shows its done date, its incident and its repeat: ${JSON.stringify(a)}`);
          assert(a.repeatText.startsWith("Repeated by"), `"${a.text}": ${a.repeatText}`);
          assert(a.done.date < a.repeat.date, `"${a.text}" was done (${a.done.date}) before the repeat (${a.repeat.date})`);
          assert(a.from.date <= a.done.date, `"${a.text}" was done (${a.done.date}) after its incident (${a.from.date})`);
          assert(a.done.text.endsWith(`${days(daysBetween(a.from.date, a.done.date))} after the incident`),
            `"${a.text}": ${a.done.text}`);
          const same = done.find((d) => d.text === a.text && d.from && d.from.href === a.from.href);
          assert(same && same.repeat && same.repeat.href === a.repeat.href,
            `"${a.text}" is also under Done, marked as repeated by ${a.repeat.title}: ${JSON.stringify(same)}`);
        }
        // The repeat's own page says which incident it repeats, and this item's state.
        for (const a of repeated) {
          await go(page, incidentPage(a.repeat.href));
          const region = page.getByRole("region", { name: "Repeats", exact: true });
          assert(await region.isVisible(), `${a.repeat.href} has a visible Repeats section`);
          const earlier = await page.locator("#debrief-repeats ~ h3").evaluateAll((hs) => {
            const h = hs.find((x) => x.textContent.trim() === "This incident repeats");
            const list = h && h.nextElementSibling;
            return list ? Array.from(list.children).map((li) => ({
              href: (Array.from(li.querySelectorAll(".repeat-ref a[href]")).find((x) => /\/incidents\/[^/]+\/$/.test(x.href)) || {}).href,
              actions: Array.from(li.querySelectorAll(".repeat-actions > li")).map((x) => x.textContent.replace(/\s+/g, " ").trim()),
            })) : [];
          });
          const entry = earlier.find((e) => e.href === a.from.href);
          assert(entry, `${a.repeat.href} lists ${a.from.href} under "This incident repeats": ${JSON.stringify(earlier)}`);
          const state = `Done ${days(daysBetween(a.done.date, a.repeat.date))} before the repeat ${a.text}`;
          assert(entry.actions.includes(state), `${a.repeat.href} shows "${state}": ${JSON.stringify(entry.actions)}`);
        }
      } finally {
        await context.close();
      }
    });

    await check(`${site.name}: incident pages list what they repeat and what repeated them, with what is shared and the action items' state`, async () => {
      assert(types.repeats, "some incident of the sample has a Repeats section");
      const { context, page } = await open(site);
      const facts = new Map();
      // What one incident page shows: its date, components, themes, action items and repeats.
      const read = async (url) => {
        if (facts.has(url)) return facts.get(url);
        await go(page, url);
        const region = page.getByRole("region", { name: "Repeats", exact: true });
        const visible = (await region.count()) === 1 && (await region.isVisible());
        const fact = await page.evaluate(() => {
          const text = (el) => el.textContent.replace(/\s+/g, " ").trim();
          const hrefs = (root, selector) => root ? Array.from(root.querySelectorAll(selector)).map((a) => a.href) : [];
          const section = (id) => document.querySelector(`section[aria-labelledby="${id}"]`);
          const repeats = {};
          const own = section("debrief-repeats");
          for (const h of own ? own.querySelectorAll("h3") : []) {
            repeats[text(h)] = Array.from(h.nextElementSibling.children).map((li) => {
              const ref = li.querySelector(".repeat-ref");
              const shared = li.querySelector(".repeat-shared");
              return {
                href: hrefs(ref, "a[href]").find((x) => /\/incidents\/[^/]+\/$/.test(x)),
                date: ref.querySelector("time").getAttribute("datetime"),
                gap: text(ref.querySelector(".muted:last-child")),
                shared: text(shared),
                components: hrefs(shared, 'a[href*="/components/"]').sort(),
                themes: hrefs(shared, 'a[href*="/lessons/"]').sort(),
                actions: Array.from(li.querySelectorAll(".repeat-actions > li")).map((x) => ({
                  state: text(x.querySelector(".repeat-state")),
                  text: text(x).slice(text(x.querySelector(".repeat-state")).length).trim(),
                })),
                none: /recorded no action items/.test(li.textContent),
              };
            });
          }
          return {
            date: document.querySelector(".incident-byline time").getAttribute("datetime"),
            window: own ? Number((text(own).match(/within (\d+) days/) || [])[1]) : null,
            components: [...new Set(hrefs(document.querySelector("main .meta"), 'a[href*="/components/"]'))].sort(),
            themes: [...new Set([...hrefs(section("debrief-lessons"), "a.theme-link"), ...hrefs(section("debrief-factors"), "a.theme-link")])].sort(),
            actions: Array.from(document.querySelectorAll(".actions-table tbody tr")).map((tr) => ({
              text: text(tr.cells[0]),
              status: tr.dataset.status,
              label: text(tr.cells[1]),
              done: tr.cells[4].querySelector("time") ? tr.cells[4].querySelector("time").getAttribute("datetime") : null,
            })),
            repeats,
          };
        });
        fact.visible = visible;
        facts.set(url, fact);
        return fact;
      };
      // The state of an earlier incident's action item at the date of a later one.
      const stateAt = (a, later) => {
        if (a.status === "done" && a.done && a.done < later) return `Done ${days(daysBetween(a.done, later))} before the repeat`;
        if (a.status === "done" && a.done === later) return "Done on the day of the repeat";
        if (a.status === "done" && a.done) return `Done ${days(daysBetween(later, a.done))} after the repeat`;
        if (a.status === "done") return "Done; when is not recorded";
        if (a.status === "wont-do") return "Decided against";
        return `Not done (${a.label.toLowerCase()})`;
      };
      const intersect = (a, b) => a.filter((x) => b.includes(x));
      try {
        const pages = [...crawled.pages.keys()].filter((u) => /\/incidents\/[^/]+\/$/.test(u) &&
          crawled.pages.get(u).html && crawled.pages.get(u).html.includes('id="debrief-repeats"'));
        assert(pages.includes(at(types.repeats)), `${types.repeats} is among ${pages}`);
        for (const url of pages) {
          const p = await read(url);
          assert(p.visible, `${url}: the Repeats section is a visible region named Repeats`);
          const headings = Object.keys(p.repeats);
          assert(headings.length > 0 && headings.every((h) => h === "This incident repeats" || h === "Repeated later by"),
            `${url}: the Repeats section lists "This incident repeats" or "Repeated later by": ${headings}`);
          for (const [heading, later] of [["This incident repeats", false], ["Repeated later by", true]]) {
            for (const r of p.repeats[heading] || []) {
              const where = `${url} ${heading} ${r.href}`;
              const other = await read(incidentPage(r.href));
              const [earlier, repeat] = later ? [p, other] : [other, p];
              equal(r.date, other.date, `${where}: the date shown`);
              const gap = daysBetween(earlier.date, repeat.date);
              assert(gap >= 0 && gap <= p.window, `${where}: ${gap} days apart, within ${p.window}`);
              equal(r.gap, `${days(gap)} ${later ? "later" : "earlier"}`, `${where}: the gap`);
              assert(/^Shared components .+; shared themes .+$/.test(r.shared), `${where}: names what is shared: ${r.shared}`);
              equal(r.components, intersect(p.components, other.components), `${where}: the shared components are the ones both list`);
              assert(r.components.length > 0, `${where}: at least one shared component`);
              equal(r.themes, intersect(p.themes, other.themes).filter((t) => !t.endsWith("/lessons/other/")),
                `${where}: the shared themes are those of both incidents' lessons and factors, other aside`);
              assert(r.themes.length > 0, `${where}: at least one shared theme`);
              equal(r.actions, earlier.actions.map((a) => ({ state: stateAt(a, repeat.date), text: a.text })),
                `${where}: the earlier incident's action items and their state at ${repeat.date}`);
              equal(r.none, earlier.actions.length === 0, `${where}: says when there are no action items`);
              const back = (other.repeats[later ? "This incident repeats" : "Repeated later by"] || []).find((x) => x.href === url);
              assert(back, `${r.href} lists ${url} under "${later ? "This incident repeats" : "Repeated later by"}"`);
              equal(back.actions, r.actions, `${where}: both pages give the same action item states`);
            }
          }
        }
      } finally {
        await context.close();
      }
    });

    await check(`${site.name}: search finds incidents by a title word`, async () => {
      const { context, page } = await open(site);
      try {
        await go(page, at("search/?q=calico"));
        const found = await searchResults(page, "calico");
        assert(found.length > 0 && /Calico/.test(found[0]), `first result: ${found[0]}`);
      } finally {
        await context.close();
      }
    });
  }
}

await check("no console error and no request to another host on any page", async () => {
  equal([...new Set(problems)], [], "problems");
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
