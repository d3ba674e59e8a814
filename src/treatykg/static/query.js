// The query page of `treatykg serve`: examples (the named queries), prefixes, a results
// table, and the query of a link (?query=…) run at once. Every value is put in the page as text (textContent), never as markup.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("tkg-data").textContent);
  const form = document.getElementById("form");
  const textarea = document.getElementById("query");
  const select = document.getElementById("example");
  const about = document.getElementById("about");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");

  document.getElementById("endpoint").textContent = new URL(data.endpoint, location.href).href;
  if (data.site) {
    const link = document.getElementById("site-link");
    link.href = data.site;
    link.hidden = false;
  }
  document.getElementById("limits").textContent =
    "Time limit " + data.timeout + " s" + (data.allowService ? "; SERVICE allowed" : "; no SERVICE (remote calls are off)");

  const prefixLines = Object.entries(data.prefixes).map(([p, iri]) => "PREFIX " + p + ": <" + iri + ">").join("\n");
  const known = Object.entries(data.prefixes).sort((a, b) => b[1].length - a[1].length);

  data.examples.forEach((ex, i) => {
    const option = document.createElement("option");
    option.value = String(i);
    option.textContent = ex.name + (ex.service && !data.allowService ? " (needs serve --allow-service)" : "");
    select.appendChild(option);
  });
  function choose(i) {
    const ex = data.examples[i];
    if (!ex) return;
    textarea.value = ex.query;
    about.textContent = ex.description;
  }
  select.addEventListener("change", () => choose(Number(select.value)));
  const first = data.examples.findIndex((ex) => ex.name === "documents");
  select.value = String(first >= 0 ? first : 0);
  choose(Number(select.value));
  if (!data.examples.length) textarea.value = prefixLines + "\n\nSELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20\n";

  function shorten(iri) {
    for (const [p, ns] of known) {
      if (iri.startsWith(ns) && iri.length > ns.length) {
        try { return p + ":" + decodeURIComponent(iri.slice(ns.length)); } catch (e) { return p + ":" + iri.slice(ns.length); }
      }
    }
    return iri;
  }
  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.className = "iri";
      td.title = term.value;
      td.textContent = shorten(term.value);
    } else {
      td.textContent = typeof term.value === "string" ? term.value : JSON.stringify(term.value);
      if (term["xml:lang"]) td.lang = term["xml:lang"];
      if (/XMLSchema#(date|dateTime|gYear|gYearMonth)$/.test(term.datatype || "")) td.className = "date";
    }
    return td;
  }
  function show(json) {
    results.replaceChildren();
    if (typeof json.boolean === "boolean") {
      const p = document.createElement("p");
      p.textContent = json.boolean ? "true" : "false";
      results.appendChild(p);
      return 0;
    }
    const vars = json.head.vars;
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    vars.forEach((v) => { const th = document.createElement("th"); th.scope = "col"; th.textContent = v; head.appendChild(th); });
    const body = table.createTBody();
    json.results.bindings.forEach((b) => { const tr = body.insertRow(); vars.forEach((v) => tr.appendChild(cell(b[v]))); });
    results.appendChild(table);
    return json.results.bindings.length;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    status.textContent = "running …";
    const started = performance.now();
    try {
      const response = await fetch(data.endpoint, {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
        body: new URLSearchParams({query: textarea.value}),
      });
      const text = await response.text();
      if (!response.ok) throw new Error("HTTP " + response.status + ": " + text);
      let json;
      try { json = JSON.parse(text); } catch (e) {
        results.replaceChildren();
        const pre = document.createElement("pre");
        pre.textContent = text;
        results.appendChild(pre);
        status.textContent = "done";
        return;
      }
      const rows = show(json);
      status.textContent = (rows === 1 ? "1 row" : rows + " rows") + " in " + ((performance.now() - started) / 1000).toFixed(2) + " s";
    } catch (e) {
      status.textContent = "";
      errorBox.textContent = String(e.message || e);
      errorBox.hidden = false;
    }
  });

  // A link may carry a query (/?query=…): `serve` sends a browser asking for an IRI that has no
  // page of the site here, with the query that lists what the collection says about it.
  const asked = new URLSearchParams(location.search).get("query");
  if (asked) {
    textarea.value = asked;
    about.textContent = "the query of the link you followed";
    form.requestSubmit();
  }
})();
