// Debrief built-in theme: progressive enhancement only. Every page works
// without this file; it adds a light/dark toggle to the site header.
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

  const init = () => {
    if (document.querySelector(".theme-toggle")) return;
    const host = document.querySelector(".site-header .header-inner") ||
      document.querySelector(".site-header") ||
      document.querySelector("body > header");
    if (!host) return;

    const button = document.createElement("button");
    button.type = "button";
    button.className = "theme-toggle";
    const icon = document.createElement("span");
    icon.className = "theme-toggle-icon";
    icon.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.textContent = "Dark mode";
    button.append(icon, label);

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

    if (media) {
      const follow = () => {
        if (!stored()) sync();
      };
      if (typeof media.addEventListener === "function") {
        media.addEventListener("change", follow);
      } else if (typeof media.addListener === "function") {
        media.addListener(follow);
      }
    }

    host.appendChild(button);
    sync();
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
