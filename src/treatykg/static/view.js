(function(){
  "use strict";
  var facts = JSON.parse(document.getElementById("facts").textContent);
  var tip = document.getElementById("tip");
  var current = document.getElementById("current");
  var active = [];
  function el(tag, cls, text){ var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function describe(f, box){
    while (box.firstChild) box.removeChild(box.firstChild);
    var head = el("div");
    head.appendChild(el("span", "f", f.field));
    head.appendChild(document.createTextNode(" · " + f.kind_en + " " + f.kind_zh));
    box.appendChild(head);
    var val = el("div", null, "");
    val.appendChild(el("strong", null, f.value));
    val.lang = "zh";
    box.appendChild(val);
    var q = el("div", null, "«" + f.exact + "» [" + f.start + ":" + f.end + "]");
    q.lang = "zh";
    box.appendChild(q);
    if (f.statement) box.appendChild(el("div", "st", f.statement));
    else if (f.node) box.appendChild(el("div", "st", f.node));
    if (f.wikidata) box.appendChild(el("div", "st", "wikidata: " + f.wikidata));
  }
  function setActive(id){
    active.forEach(function(e){ e.classList.remove("active"); });
    active = Array.prototype.slice.call(document.querySelectorAll('[data-ann="' + id + '"]'));
    active.forEach(function(e){ e.classList.add("active"); });
  }
  function show(target){
    var id = target.getAttribute("data-ann");
    var f = facts[id];
    if (!f) return;
    describe(f, tip);
    describe(f, current);
    setActive(id);
    tip.hidden = false;
    var r = target.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = Math.max(4, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.top = top + "px";
    tip.style.left = left + "px";
  }
  function hide(){ tip.hidden = true; }
  var text = document.getElementById("text");
  text.addEventListener("mouseover", function(ev){ var t = ev.target.closest(".hl"); if (t) show(t); });
  text.addEventListener("mouseout", function(ev){ var t = ev.target.closest(".hl"); if (t && !t.contains(ev.relatedTarget) && document.activeElement !== t) hide(); });
  text.addEventListener("focusin", function(ev){ var t = ev.target.closest(".hl"); if (t) show(t); });
  text.addEventListener("focusout", hide);
  text.addEventListener("click", function(ev){ var t = ev.target.closest(".hl"); if (!t) return; var first = document.getElementById("ann-" + t.getAttribute("data-ann")); if (first && document.activeElement !== first) first.focus(); });
  document.addEventListener("keydown", function(ev){ if (ev.key === "Escape") hide(); });
  Array.prototype.forEach.call(document.querySelectorAll("button.field[data-target]"), function(b){
    b.addEventListener("click", function(){
      var t = document.getElementById(b.getAttribute("data-target"));
      if (!t) return;
      t.scrollIntoView({block: "center"});
      t.focus({preventScroll: true});
    });
  });
})();
