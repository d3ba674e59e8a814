(function(){
  "use strict";
  // served by `treatykg serve` (the site at /site/, the query page at /): show the way there
  var q = document.getElementById("query-link");
  // (the link has no href in the file: from the file system it would lead nowhere)
  if (!q || !/^https?:$/.test(location.protocol) || location.pathname.indexOf("/site/") !== 0) return;
  var a = q.querySelector("a");
  a.setAttribute("href", a.getAttribute("data-target"));
  q.hidden = false;
})();
(function(){
  "use strict";
  var table = document.getElementById("documents");
  if (!table) return;
  var heads = table.querySelectorAll("thead th");
  Array.prototype.forEach.call(heads, function(th, col){
    var b = th.querySelector("button");
    if (!b) return;
    b.addEventListener("click", function(){
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(heads, function(h){ h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function(a, b){
        var x = a.cells[col].getAttribute("data-sort") || a.cells[col].textContent;
        var y = b.cells[col].getAttribute("data-sort") || b.cells[col].textContent;
        var c = x < y ? -1 : x > y ? 1 : 0;
        return dir === "ascending" ? c : -c;
      });
      rows.forEach(function(r){ body.appendChild(r); });
      var status = document.getElementById("sort-status");
      if (status) status.textContent = "Sorted by " + b.textContent.trim() + ", " + dir + ".";
    });
  });
})();
