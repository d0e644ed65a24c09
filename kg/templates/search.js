// Offline search over every label and alternative label (window.KG_SEARCH, from
// search-index.js beside the page's language root). Accents, case and punctuation do not
// matter: the same normalisation as kg.names.normalise_name. Results are built with
// textContent, so a name is never HTML.
(function () {
  "use strict";
  const box = document.getElementById("search-box");
  const list = document.getElementById("search-results");
  if (!box || !list || !window.KG_SEARCH) return;
  const up = box.dataset.up || "";
  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim();
  }
  function show() {
    const wanted = normalise(box.value);
    list.replaceChildren();
    if (!wanted) return;
    const found = [];
    for (const entry of window.KG_SEARCH) {
      const keys = entry[0];
      const at = keys.indexOf(wanted);
      if (at >= 0) found.push([at === 0 || keys[at - 1] === " " || keys[at - 1] === "\n" ? 0 : 1, entry]);
      if (found.length >= 500) break;
    }
    found.sort((x, y) => x[0] - y[0] || x[1][1].localeCompare(y[1][1]));
    for (const [, entry] of found.slice(0, 50)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = up + entry[3];
      link.textContent = entry[1];
      item.appendChild(link);
      if (entry[2]) item.appendChild(document.createTextNode(" · " + entry[2]));
      list.appendChild(item);
    }
    if (!found.length) {
      const item = document.createElement("li");
      item.textContent = box.dataset.empty || "";
      list.appendChild(item);
    }
  }
  box.addEventListener("input", show);
  show();
})();
