// Live reload for `debrief serve`: reloads the page when the site is rebuilt and
// shows the build's report over the page when a change breaks it. Only `serve`
// puts this script in its answers; built sites never contain it.
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = me.getAttribute("data-debrief-generation");
  var source = new EventSource(me.getAttribute("data-debrief-events"));

  function overlay(report) {
    var box = document.getElementById("debrief-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "debrief-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
        "background:rgba(20,20,24,.94);color:#f5f5f5;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      var title = document.createElement("p");
      title.style.cssText = "margin:0 0 1rem;color:#ff8a80;font-weight:bold";
      title.textContent = "The site does not build; showing the last version that did.";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    // textContent, never innerHTML: the report quotes the author's files.
    box.querySelector("pre").textContent = report;
  }

  source.addEventListener("ready", function (event) {
    // A new stream after a restart or a missed rebuild: reload only if stale.
    if (event.data !== generation) {
      location.reload();
    }
  });
  source.addEventListener("reload", function () {
    location.reload();
  });
  source.addEventListener("failure", function (event) {
    overlay(event.data);
  });
})();
