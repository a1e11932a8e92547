// Debrief built-in theme: progressive enhancement only. Every page works
// without this file; it adds the light/dark toggle, the `/` shortcut to the
// search box, the index filters and the search results.
(() => {
  "use strict";

  const KEY = "debrief-theme";
  const root = document.documentElement;
  const media = typeof window.matchMedia === "function"
    ? window.matchMedia("(prefers-color-scheme: dark)")
    : null;

  // localStorage can throw (privacy modes, file://): the toggle then works
  // for the page but is not remembered.
  const stored = () => {
    try {
      const value = window.localStorage.getItem(KEY);
      return value === "dark" || value === "light" ? value : null;
    } catch (e) {
      return null;
    }
  };
  const remember = (value) => {
    try {
      window.localStorage.setItem(KEY, value);
    } catch (e) {
      // Not remembered; nothing else to do.
    }
  };
  const effective = () => {
    const set = root.getAttribute("data-theme");
    if (set === "dark" || set === "light") return set;
    return media && media.matches ? "dark" : "light";
  };

  const saved = stored();
  if (saved) root.setAttribute("data-theme", saved);

  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "class") node.className = value;
      else node.setAttribute(name, value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  };

  // Text compared case-insensitively, with full-width forms folded (NFKC).
  const norm = (text) => String(text || "").normalize("NFKC").toLowerCase();
  const terms = (query) => norm(query).split(/\s+/).filter(Boolean);
  const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  // Appends `text` to `node`, wrapping every match of `re` in <mark>.
  const highlight = (node, text, re) => {
    if (!re) {
      node.append(text);
      return node;
    }
    let last = 0;
    for (const m of text.matchAll(re)) {
      if (!m[0]) continue;
      node.append(text.slice(last, m.index), el("mark", null, m[0]));
      last = m.index + m[0].length;
    }
    node.append(text.slice(last));
    return node;
  };
  const matcher = (words) => words.length
    ? new RegExp(words.map(escapeRe).sort((a, b) => b.length - a.length).join("|"), "giu")
    : null;

  // ---------- Theme toggle ----------

  const initToggle = () => {
    if (document.querySelector(".theme-toggle")) return;
    const host = document.querySelector(".site-header .header-inner");
    if (!host) return;
    const icon = el("span", { class: "theme-toggle-icon", "aria-hidden": "true" });
    const button = el("button", { type: "button", class: "theme-toggle" },
      icon, el("span", { class: "theme-toggle-label" }, "Dark mode"));
    const sync = () => {
      const dark = effective() === "dark";
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      icon.textContent = dark ? "\u263E" : "\u2600";
    };
    button.addEventListener("click", () => {
      const next = effective() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      remember(next);
      sync();
    });
    if (media && typeof media.addEventListener === "function") {
      media.addEventListener("change", () => {
        if (!stored()) sync();
      });
    }
    host.appendChild(button);
    sync();
  };

  // ---------- `/` focuses the search box ----------

  const initShortcut = () => {
    document.addEventListener("keydown", (event) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      const box = document.getElementById("search-q") || document.getElementById("site-search-q");
      if (!box) return;
      event.preventDefault();
      box.focus();
      box.select();
    });
  };

  // ---------- Index filters ----------

  const FACETS = ["severity", "component", "year", "tag", "detected_by", "near_miss"];

  const initFilters = () => {
    const bar = document.querySelector(".filter-bar");
    const list = document.querySelector(".incident-list[data-filterable]");
    if (!bar || !list) return;
    const items = Array.from(list.children).map((li) => ({
      li,
      text: norm(li.textContent),
      values: {
        severity: [li.dataset.severity],
        component: (li.dataset.components || "").split(" ").filter(Boolean),
        year: [li.dataset.year],
        tag: (li.dataset.tags || "").split(" ").filter(Boolean),
        detected_by: li.dataset.detectedBy ? [li.dataset.detectedBy] : [],
        near_miss: li.dataset.nearMiss ? [li.dataset.nearMiss] : [],
      },
    }));
    const input = bar.querySelector("input");
    const status = bar.querySelector(".filter-status");
    const clear = bar.querySelector(".filter-clear");
    const none = document.querySelector(".filter-none");
    const state = { q: "" };
    const params = new URLSearchParams(window.location.search);
    for (const f of FACETS) state[f] = params.get(f) || "";
    state.q = params.get("q") || "";
    input.value = state.q;

    // Each facet entry becomes a toggle button; its links stay reachable
    // from the incident cards and the component and tag pages.
    const buttons = [];
    for (const li of document.querySelectorAll(".facets [data-facet]")) {
      const button = el("button", { type: "button", class: "facet-btn", "aria-pressed": "false" });
      for (const child of Array.from(li.childNodes)) {
        if (child.nodeType === 1 && child.tagName === "A") {
          const span = el("span", { class: child.className || "facet-label" });
          if (child.getAttribute("style")) span.setAttribute("style", child.getAttribute("style"));
          span.append(...child.childNodes);
          button.append(span);
          child.remove();
        } else {
          button.append(child);
        }
      }
      li.append(button);
      const facet = li.dataset.facet;
      const value = li.dataset.value;
      button.addEventListener("click", () => {
        state[facet] = state[facet] === value ? "" : value;
        update(true);
      });
      buttons.push({ li, button, facet, value, count: button.querySelector(".count") });
    }

    // True when `item` passes every active filter except the one on `skip`.
    const passes = (item, skip, textOk) => {
      if (!textOk) return false;
      for (const f of FACETS) {
        if (f !== skip && state[f] && !item.values[f].includes(state[f])) return false;
      }
      return true;
    };

    // One pass over the list: what is shown, and for each facet value how many
    // incidents choosing it would show (counting with the other facets applied).
    const update = (push) => {
      const words = terms(state.q);
      const counts = new Map();
      let shown = 0;
      for (const item of items) {
        const textOk = words.every((t) => item.text.includes(t));
        const ok = passes(item, null, textOk);
        item.li.hidden = !ok;
        if (ok) shown += 1;
        for (const f of FACETS) {
          if (!passes(item, f, textOk)) continue;
          for (const v of item.values[f]) {
            const key = `${f}\u0000${v}`;
            counts.set(key, (counts.get(key) || 0) + 1);
          }
        }
      }
      for (const b of buttons) {
        const n = counts.get(`${b.facet}\u0000${b.value}`) || 0;
        if (b.count) b.count.firstChild.textContent = String(n);
        const active = state[b.facet] === b.value;
        b.button.setAttribute("aria-pressed", active ? "true" : "false");
        b.li.classList.toggle("is-empty", n === 0 && !active);
      }
      const filtered = FACETS.some((f) => state[f]) || state.q;
      status.textContent = filtered
        ? `Showing ${shown} of ${items.length} incidents`
        : `${items.length} incidents`;
      clear.hidden = !filtered;
      if (none) none.hidden = shown > 0;
      if (push) {
        const next = new URLSearchParams(window.location.search);
        for (const f of FACETS) {
          if (state[f]) next.set(f, state[f]);
          else next.delete(f);
        }
        if (state.q) next.set("q", state.q);
        else next.delete("q");
        const query = next.toString();
        window.history.replaceState(null, "",
          window.location.pathname + (query ? `?${query}` : "") + window.location.hash);
      }
    };

    input.addEventListener("input", () => {
      state.q = input.value.trim();
      update(true);
    });
    bar.addEventListener("submit", (event) => event.preventDefault());
    clear.addEventListener("click", () => {
      for (const f of FACETS) state[f] = "";
      state.q = "";
      input.value = "";
      update(true);
      input.focus();
    });
    bar.hidden = false;
    const panel = document.querySelector(".facets");
    panel.classList.add("is-interactive");
    // On a phone the facets fold away behind a button so the list comes first.
    const fold = panel.querySelector(".facets-toggle");
    const groups = panel.querySelector(".facet-groups");
    if (fold && groups) {
      fold.hidden = false;
      groups.classList.add("is-collapsible");
      fold.addEventListener("click", () => {
        const open = !panel.classList.contains("is-open");
        panel.classList.toggle("is-open", open);
        fold.setAttribute("aria-expanded", open ? "true" : "false");
        fold.textContent = open ? "Hide filters" : "Show filters";
      });
    }
    update(false);
  };

  // ---------- Search ----------

  // A severity badge from the index's `[key, label, emoji, color]`.
  const badge = (sev) => {
    const [key, label, emoji, color] = sev;
    return el("span", { class: `badge sev-${key.toLowerCase()}`, style: `--sev: ${color}` },
      el("span", { class: "badge-emoji", "aria-hidden": "true" }, emoji), ` ${label}`);
  };

  // The incidents of the index head, with normalised titles and components.
  const headDocs = (data) => {
    const names = data.components;
    const normNames = names.map(norm);
    return data.docs.map(([title, slug, date, severity, components]) => ({
      title, slug, date, severity,
      components: components.map((c) => names[c]),
      nTitle: norm(title),
      nComponents: components.map((c) => normNames[c]),
    }));
  };

  // Points for one word in a title: more when it starts a word.
  const titleScore = (doc, w) => {
    const at = doc.nTitle.indexOf(w);
    if (at < 0) return 0;
    return at === 0 || /[\s\p{P}]/u.test(doc.nTitle[at - 1]) ? 120 : 100;
  };

  const fetchJson = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.json();
  });

  // A window of `text` around the first match of `re`, with ellipses.
  const snippet = (text, re, width) => {
    re.lastIndex = 0;
    const m = re.exec(text);
    re.lastIndex = 0;
    if (!m) return null;
    const start = Math.max(0, m.index - Math.floor(width / 3));
    const end = Math.min(text.length, start + width);
    return (start > 0 ? "\u2026" : "") + text.slice(start, end) + (end < text.length ? "\u2026" : "");
  };

  const initSearch = () => {
    const host = document.getElementById("search-results");
    const input = document.getElementById("search-q");
    if (!host || !input) return;
    const form = input.form;
    const status = document.getElementById("search-status");
    const headUrl = host.dataset.index;
    let head = null;
    let docs = [];
    let loadedShards = 0;
    let shardsStarted = false;
    let failed = false;

    const loadShards = async () => {
      if (shardsStarted) return;
      shardsStarted = true;
      const base = new URL(headUrl, window.location.href);
      for (let n = 0; n < head.shards.length; n += 1) {
        try {
          const shard = await fetchJson(new URL(head.shards[n], base).href);
          const offset = n * head.shard_size;
          shard.forEach((entry, i) => {
            const doc = docs[offset + i];
            if (!doc) return;
            doc.summary = entry[0];
            doc.lessons = entry[1];
            doc.body = entry[2];
            doc.nSummary = norm(entry[0]);
            doc.nLessons = entry[1].map(norm);
            doc.nBody = norm(entry[2]);
          });
        } catch (e) {
          failed = true;
        }
        loadedShards = n + 1;
        run();
      }
    };

    // Title before components and lessons before summary and body.
    const score = (doc, words) => {
      let total = 0;
      for (const w of words) {
        let s = titleScore(doc, w);
        if (doc.nComponents.some((c) => c.includes(w))) s += 40;
        if (doc.nLessons && doc.nLessons.some((l) => l.includes(w))) s += 30;
        if (doc.nSummary && doc.nSummary.includes(w)) s += 12;
        if (doc.nBody && doc.nBody.includes(w)) s += 5;
        if (s === 0) return 0;
        total += s;
      }
      return total;
    };


    const result = (doc, re) => {
      const title = highlight(el("a", { href: head.prefix + doc.slug + "/" }), doc.title, re);
      const meta = el("p", { class: "card-meta" },
        el("time", { datetime: doc.date }, doc.date), " ", badge(head.severities[doc.severity] || ["", "", "", ""]));
      if (doc.components.length) {
        meta.append(highlight(el("span", { class: "result-components" }), doc.components.join(", "), re));
      }
      const item = el("li", { class: "result" },
        el("article", { class: "card", style: `--sev: ${(head.severities[doc.severity] || [])[3] || "transparent"}` },
          el("h2", { class: "card-title" }, title), meta));
      const fields = [
        ["Lesson", (doc.lessons || []).find((l) => re && (re.lastIndex = 0, re.test(l)))],
        ["Summary", doc.summary],
        ["Postmortem", doc.body],
      ];
      for (const [label, text] of fields) {
        if (!text || !re) continue;
        const part = snippet(text, re, 220);
        if (part) {
          item.firstChild.append(highlight(el("p", { class: "result-snippet" },
            el("span", { class: "result-field" }, `${label}: `)), part, re));
          break;
        }
      }
      if (!item.querySelector(".result-snippet") && doc.summary) {
        item.firstChild.append(el("p", { class: "result-snippet" }, doc.summary.slice(0, 220)));
      }
      return item;
    };

    const LIMIT = 50;
    const run = () => {
      if (!head) return;
      const query = input.value.trim();
      const words = terms(query);
      host.replaceChildren();
      if (!words.length) {
        status.textContent = `Type to search ${docs.length} incidents.`;
        return;
      }
      if (!shardsStarted) loadShards();
      const found = [];
      for (const doc of docs) {
        const s = score(doc, words);
        if (s > 0) found.push([s, doc]);
      }
      found.sort((a, b) => b[0] - a[0] || (a[1].date < b[1].date ? 1 : a[1].date > b[1].date ? -1 : 0));
      const re = matcher(words);
      const list = el("ol", { class: "incident-list search-list" });
      for (const [, doc] of found.slice(0, LIMIT)) list.append(result(doc, re));
      if (found.length) host.append(list);
      const pending = loadedShards < head.shards.length
        ? " Searching the full text\u2026" : "";
      const shown = found.length > LIMIT ? ` (showing the first ${LIMIT})` : "";
      status.textContent = (found.length
        ? `${found.length} incident${found.length === 1 ? "" : "s"} match \u201c${query}\u201d${shown}.`
        : `No incident matches \u201c${query}\u201d.`) + pending +
        (failed ? " Part of the index could not be loaded." : "");
    };

    let timer = 0;
    const schedule = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        const q = input.value.trim();
        const url = window.location.pathname + (q ? `?q=${encodeURIComponent(q)}` : "");
        window.history.replaceState(null, "", url);
        run();
      }, 80);
    };
    input.addEventListener("input", schedule);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });

    input.value = new URLSearchParams(window.location.search).get("q") || "";
    status.textContent = "Loading the search index\u2026";
    fetchJson(headUrl).then((data) => {
      head = data;
      docs = headDocs(data);
      run();
    }).catch(() => {
      status.textContent = "The search index could not be loaded.";
    });
    if (!input.value) input.focus();
  };


  // ---------- Quick results under the header search box ----------

  // Titles and components only, from the small index head: the full text stays
  // on the search page, which "Search all text" opens with the same query.
  const initQuickSearch = () => {
    const input = document.getElementById("site-search-q");
    const form = input && input.form;
    if (!form || !form.dataset.index) return;
    let loading = null;
    let head = null;
    let docs = [];
    const panel = el("div", { class: "quick-results", id: "quick-results" });
    panel.hidden = true;
    form.append(panel);
    const load = () => {
      if (!loading) {
        loading = fetchJson(form.dataset.index).then((data) => {
          head = data;
          docs = headDocs(data);
        }).catch(() => {});
      }
      return loading;
    };
    const close = () => {
      panel.hidden = true;
    };
    const show = () => {
      const query = input.value.trim();
      const words = terms(query);
      panel.replaceChildren();
      if (!head || !words.length) {
        close();
        return;
      }
      const found = [];
      for (const doc of docs) {
        let total = 0;
        for (const w of words) {
          const s = titleScore(doc, w) + (doc.nComponents.some((c) => c.includes(w)) ? 40 : 0);
          if (s === 0) {
            total = 0;
            break;
          }
          total += s;
        }
        if (total > 0) found.push([total, doc]);
      }
      found.sort((a, b) => b[0] - a[0] || (a[1].date < b[1].date ? 1 : a[1].date > b[1].date ? -1 : 0));
      const re = matcher(words);
      const list = el("ul", { class: "quick-list" });
      for (const [, doc] of found.slice(0, 6)) {
        list.append(el("li", null, el("a", { href: head.prefix + doc.slug + "/" },
          highlight(el("span", { class: "quick-title" }), doc.title, re),
          el("span", { class: "quick-meta" }, badge(head.severities[doc.severity] || ["", "", "", ""]), ` ${doc.date}`))));
      }
      const all = el("a", { class: "quick-all", href: `${form.action}?q=${encodeURIComponent(query)}` },
        "Search all text \u2192");
      panel.append(el("p", { class: "quick-status" }, found.length
        ? `${found.length} title${found.length === 1 ? "" : "s"} or components match`
        : "No title or component matches"), list, all);
      panel.hidden = false;
    };
    input.addEventListener("focus", load);
    input.addEventListener("input", () => load().then(show));
    const links = () => Array.from(panel.querySelectorAll("a"));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        close();
        input.focus();
        return;
      }
      if (panel.hidden || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
      const all = links();
      const at = all.indexOf(document.activeElement);
      const next = event.key === "ArrowDown" ? at + 1 : at - 1;
      event.preventDefault();
      if (next < 0) input.focus();
      else if (next < all.length) all[next].focus();
    });
    form.addEventListener("focusout", (event) => {
      if (!form.contains(event.relatedTarget)) close();
    });
  };

  const init = () => {
    initToggle();
    initShortcut();
    initFilters();
    initSearch();
    initQuickSearch();
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// Action items: an open or in-progress item whose `data-due` date has passed is
// marked overdue. This is judged here, with the reader's date, so that a build
// never depends on the day it runs; without JS the due date is still shown.
(() => {
  "use strict";
  const items = document.querySelectorAll("[data-due][data-status]");
  if (!items.length) return;
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  let overdue = 0;
  items.forEach((item) => {
    const status = item.getAttribute("data-status");
    const due = item.getAttribute("data-due");
    if ((status !== "open" && status !== "in-progress") || !(due < today)) return;
    overdue += 1;
    item.classList.add("is-overdue");
    const time = item.querySelector(".action-due") || item.querySelector(`time[datetime="${due}"]`);
    const host = time && (time.classList.contains("action-due") ? time : time.parentElement);
    if (host && !host.querySelector(".overdue")) {
      const tag = document.createElement("strong");
      tag.className = "overdue";
      tag.textContent = "Overdue";
      host.append(tag);
    }
  });
  const summary = document.querySelector("[data-overdue-summary]");
  if (summary && overdue) {
    summary.textContent = `${overdue} overdue`;
    summary.hidden = false;
  }
})();
