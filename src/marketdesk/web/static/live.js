// The front page's live market line: one EventSource onto the edition's stream (the URL is in
// the market line's data-live attribute); each "market" event carries the banner and strip as
// JSON, which this script writes into the page with textContent only (no HTML is parsed).
(function () {
  "use strict";
  var line = document.querySelector("[data-live]");
  if (!line || typeof window.EventSource !== "function") {
    return;
  }
  var banner = line.querySelector(".market-status");
  var list = line.querySelector(".strip");
  var empty = line.querySelector(".strip-box .empty");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) {
      node.className = cls;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function item(q) {
    var li = el("li", (q.trend || "") + (q.current === false ? " stale" : ""));
    var name = el("span", "name");
    var link = el("a", null, q.name);
    link.href = q.url;
    name.appendChild(link);
    li.appendChild(name);
    li.appendChild(el("span", "last", q.display.last));
    if (q.display.change !== null) {
      var change = q.display.change;
      if (q.display.change_pct !== null) {
        change += " " + q.display.change_pct;
      }
      li.appendChild(el("span", "change", change));
    }
    var when = el("time", "when", q.when);
    when.setAttribute("datetime", q.at);
    when.title = q.source + ", " + q.at;
    li.appendChild(when);
    li.setAttribute("data-at", q.at);
    return li;
  }

  function render(data) {
    if (banner) {
      banner.textContent = data.market_status || "";
      banner.hidden = !data.market_status;
      banner.classList.toggle("open", data.market_open === true);
    }
    if (!list) {
      return;
    }
    var before = {};
    Array.prototype.forEach.call(list.children, function (li) {
      var a = li.querySelector(".name a");
      if (a) {
        before[a.getAttribute("href")] = li.querySelector(".last").textContent;
      }
    });
    var fresh = document.createDocumentFragment();
    data.strip.forEach(function (q) {
      var li = item(q);
      if (q.url in before && before[q.url] !== q.display.last) {
        li.classList.add("ticked");
      }
      fresh.appendChild(li);
    });
    // A keyboard user tabbing along the strip keeps their place across an update.
    var focused = list.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
    list.replaceChildren(fresh);
    if (focused !== null) {
      var again = list.querySelector('a[href="' + CSS.escape(focused) + '"]');
      if (again) {
        again.focus({ preventScroll: true });
      }
    }
    if (empty) {
      empty.hidden = data.strip.length > 0;
    }
    line.setAttribute("data-as-of", data.as_of);
    window.setTimeout(function () {
      Array.prototype.forEach.call(list.querySelectorAll(".ticked"), function (li) {
        li.classList.remove("ticked");
      });
    }, 1500);
  }

  var source = new EventSource(line.getAttribute("data-live"));
  source.addEventListener("market", function (event) {
    render(JSON.parse(event.data));
  });
  source.addEventListener("open", function () {
    line.setAttribute("data-live-state", "open");
  });
  source.addEventListener("error", function () {
    // The browser reconnects by itself (the stream's retry field says when).
    line.setAttribute("data-live-state", "reconnecting");
  });
})();
