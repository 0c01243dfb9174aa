/*
 * kb-search.js: the header search box (Material for MkDocs) answered by the knowledge
 * base's own search API (synonyms, typo tolerance, snippets) when the site is served with
 * it (`kb serve`, or a deployment with the API).
 *
 * On load it asks GET <api>/health. Only if that answers {"status": "ok"} does it take
 * over: Material's result list and meta line are swapped for ours (Material keeps
 * rendering into its detached originals, unseen), and every input goes to GET <api>/search.
 * Otherwise nothing changes and Material's built-in client-side search keeps working, so
 * search works on a purely static host too.
 *
 * Material's own search (a lunr web worker fed search/search_index.json) is started only
 * when it answers: when the API does not (static host, timeout) or an API search fails.
 * This script runs before Material's bundle (our template override puts it there) and
 *  - takes the name off the search form, which is what makes the bundle fetch
 *    search_index.json on load (it still does on a page opened from one of Material's
 *    results, `?h=...`: the bundle highlights the terms with the index's settings);
 *  - hands the bundle a stand-in for the one Worker it creates from __config.search,
 *    which holds the bundle's messages until startMaterialSearch() creates the real
 *    worker, feeds it the index as the bundle would have, and relays its answers.
 * Material waits for the worker's READY before it sends a query, so nothing is lost.
 *
 * The API base is data-api on this script tag, else <meta name="kb-api" content="...">,
 * else "api/" under the site root. Results are built with createElement/textContent only;
 * a snippet's <mark> highlights are rebuilt from its text, never inserted as HTML.
 *
 * The queries the bundle sends Material's worker go through exactWordsFirst() (below).
 *
 * Either way, a search that finds nothing ("No matching documents") shows the next steps
 * the page carries in <template id="kb-search-help"> (other words, the sections, a
 * ticket; escaped by the build), and [data-kb-open-search] buttons (the 404 page) open
 * the search box.
 */
(function () {
  "use strict";

  // Material's worker appends "*" to every plain term, so "site" also matches "sites",
  // "site?" and "sitemap", and an article whose words share the prefixes of the query's
  // in more forms outranks the article that has the very words ("site is down": seven
  // articles came before "My website is down"). Each plain word is also sent as itself
  // with a boost: a term ending in "^N" gets no "*" from the worker, so the exact word
  // counts EXACT_WORD_BOOST times, its prefix forms once. A query that uses lunr's own
  // syntax (quotes, field:, ^, ~, *, a leading + or -) is sent as it was typed.
  var EXACT_WORD_BOOST = 100;
  var WORD = /^[\p{L}\p{N}_'\u2019]+(?:\.[\p{L}\p{N}_]+)*$/u;
  var HAN = /\p{sc=Han}/u; // the worker splits Han text into its own terms
  var SYNTAX = /["*:^~]|(?:^|\s)[+-]/;

  function exactWordsFirst(query) {
    query = String(query);
    if (SYNTAX.test(query)) return query;
    return query
      .split(/(\s+)/)
      .map(function (part) {
        return WORD.test(part) && !HAN.test(part)
          ? part + "^" + EXACT_WORD_BOOST + " " + part
          : part;
      })
      .join("");
  }

  // bench/material_search.mjs requires this file for exactWordsFirst alone.
  if (typeof module === "object" && module.exports) {
    module.exports = { EXACT_WORD_BOOST: EXACT_WORD_BOOST, exactWordsFirst: exactWordsFirst };
  }
  if (typeof document === "undefined") return;

  var script = document.currentScript;

  function config() {
    var node = document.getElementById("__config");
    try {
      return node ? JSON.parse(node.textContent || "{}") : {};
    } catch (e) {
      return {};
    }
  }

  var cfg = config();
  // "/" on the 404 page (absolute links there), "../.." on an article: one slash after it.
  var siteRoot = new URL(String(cfg.base || ".").replace(/\/*$/, "/"), location.href);
  var meta = document.querySelector("meta[name=kb-api]");
  var api = (script && script.getAttribute("data-api")) || (meta && meta.getAttribute("content")) || "api";
  var apiRoot = new URL(api.replace(/\/*$/, "/"), siteRoot);
  var t = cfg.translations || {};

  var startMaterialSearch = holdMaterialSearch();

  // Material's worker and its index, held back until startMaterialSearch() (see above).
  // Returns the function that starts them; a no-op where there is nothing to hold back.
  function holdMaterialSearch() {
    var RealWorker = window.Worker;
    var form = document.forms.namedItem("search");
    if (
      !cfg.search ||
      !form ||
      location.protocol === "file:" || // Material's file:// search has its own loader
      typeof RealWorker !== "function" ||
      typeof EventTarget !== "function" ||
      typeof MessageEvent !== "function"
    ) {
      return function () {};
    }
    var SETUP = 0; // Material's SearchMessageType.SETUP
    var QUERY = 2; // and .QUERY (its data: the search box's value)
    var workerUrl = new URL(cfg.search, location.href).href;
    // On a page opened from a Material result the bundle fetches the index itself (it
    // highlights the terms with its settings) and sends SETUP; elsewhere we do, later.
    var bundleSendsIndex = new URLSearchParams(location.search).has("h");
    if (!bundleSendsIndex) form.removeAttribute("name");
    var wanted = false;
    var held = null;

    function HeldWorker(url, options) {
      var stand = new EventTarget();
      var queue = [];
      var real = null;
      stand.postMessage = function (message) {
        if (message && message.type === QUERY && typeof message.data === "string") {
          message = { type: QUERY, data: exactWordsFirst(message.data) };
        }
        if (real) real.postMessage(message);
        else queue.push(message);
      };
      stand.terminate = function () {
        queue = [];
        if (real) real.terminate();
      };
      stand.start = function () {
        if (real) return;
        real = new RealWorker(url, options);
        real.addEventListener("message", function (event) {
          stand.dispatchEvent(new MessageEvent("message", { data: event.data }));
        });
        real.addEventListener("error", function () {
          stand.dispatchEvent(new Event("error"));
        });
        function flush() {
          queue.splice(0).forEach(function (message) {
            real.postMessage(message);
          });
        }
        if (bundleSendsIndex) {
          flush();
          return;
        }
        fetch(new URL("search/search_index.json", siteRoot).href, { credentials: "same-origin" })
          .then(function (r) {
            if (!r.ok) throw new Error("HTTP " + r.status);
            return r.json();
          })
          .then(function (index) {
            var features = Array.isArray(cfg.features) ? cfg.features : [];
            real.postMessage({
              type: SETUP,
              data: {
                config: index.config,
                docs: index.docs,
                options: { suggest: features.indexOf("search.suggest") !== -1 }
              }
            });
            flush();
          })
          .catch(function (error) {
            console.warn("kb-search: Material's search index could not be loaded:", error);
          });
      };
      return stand;
    }

    window.Worker = function (url, options) {
      if (held || new URL(String(url), location.href).href !== workerUrl) {
        return new RealWorker(url, options);
      }
      window.Worker = RealWorker; // the one worker we hold is made: nothing else to wrap
      held = HeldWorker(url, options);
      if (wanted) held.start();
      return held;
    };
    window.Worker.prototype = RealWorker.prototype;

    return function () {
      wanted = true;
      if (held) held.start();
    };
  }

  function tr(key, fallback) {
    return typeof t[key] === "string" ? t[key] : fallback;
  }

  function decode(text) {
    return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, function (_, name) {
      return { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" }[name];
    });
  }

  // "a <mark>b</mark> c" (escaped HTML from the API) -> text nodes and <mark> elements.
  function snippet(parent, html) {
    String(html || "")
      .split(/<mark>|<\/mark>/)
      .forEach(function (part, i) {
        var text = decode(part.replace(/<[^>]*>/g, ""));
        if (!text) return;
        if (i % 2) {
          var mark = document.createElement("mark");
          mark.textContent = text;
          parent.appendChild(mark);
        } else {
          parent.appendChild(document.createTextNode(text));
        }
      });
  }

  function safeUrl(url) {
    try {
      var u = new URL(String(url), siteRoot);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function enable(input, result) {
    var oldMeta = result.querySelector(".md-search-result__meta");
    var oldList = result.querySelector(".md-search-result__list");
    if (!oldMeta || !oldList) return;
    var metaLine = oldMeta.cloneNode(false);
    var list = oldList.cloneNode(false);
    metaLine.textContent = tr("search.result.placeholder", "Type to start searching");
    metaLine.setAttribute("aria-live", "polite");
    list.setAttribute("role", "list");
    list.hidden = false;
    oldMeta.replaceWith(metaLine);
    oldList.replaceWith(list);
    document.documentElement.setAttribute("data-kb-search", "api");
    var active = true;

    // An API search failed (down, overloaded): Material's own search answers from now on.
    function handBack() {
      if (!active) return;
      active = false;
      clearTimeout(timer);
      if (pending) pending.abort();
      metaLine.replaceWith(oldMeta);
      list.replaceWith(oldList);
      document.documentElement.setAttribute("data-kb-search", "static");
      startMaterialSearch();
    }

    var timer = null;
    var pending = null;
    var last = null;
    // What the content-gap report needs: searches that found nothing, or found results
    // nobody opened. Sent (by kb-feedback.js) once the reader has settled on a query.
    var seen = { query: "", count: 0, clicked: false, reported: true };
    var settle = null;

    function emit(type, query) {
      document.dispatchEvent(new CustomEvent("kb:event", { detail: { type: type, query: query } }));
    }

    function finish() {
      if (seen.reported || !seen.query) return;
      seen.reported = true;
      if (seen.count === 0) emit("search_no_results", seen.query);
      else if (!seen.clicked) emit("search_no_click", seen.query);
    }

    list.addEventListener("click", function () {
      seen.clicked = true;
    });
    window.addEventListener("pagehide", finish);
    var toggle = document.querySelector("[data-md-toggle=search]");
    if (toggle) {
      toggle.addEventListener("change", function () {
        if (!toggle.checked) setTimeout(finish, 0);
      });
    }

    function render(query, data) {
      while (list.firstChild) list.removeChild(list.firstChild);
      var hits = (data && Array.isArray(data.results) && data.results) || [];
      clearTimeout(settle);
      if (!query) {
        metaLine.textContent = tr("search.result.placeholder", "Type to start searching");
        return;
      }
      var count = hits.length;
      if (data) {
        if (seen.query && seen.query !== query && query.indexOf(seen.query) !== 0) finish();
        seen = { query: query, count: count, clicked: false, reported: false };
        if (count === 0) settle = setTimeout(finish, 2000);
      }
      metaLine.textContent =
        count === 0
          ? tr("search.result.none", "No matching documents")
          : count === 1
            ? tr("search.result.one", "1 matching document")
            : tr("search.result.other", "# matching documents").replace("#", String(count));
      if (data && typeof data.did_you_mean === "string" && data.did_you_mean) {
        var suggestion = data.did_you_mean;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "kb-search-did-you-mean";
        button.textContent = suggestion;
        button.addEventListener("click", function () {
          input.value = suggestion;
          input.focus();
          run();
        });
        metaLine.appendChild(document.createTextNode(" · Did you mean "));
        metaLine.appendChild(button);
        metaLine.appendChild(document.createTextNode("?"));
      }
      hits.forEach(function (hit) {
        var href = hit && safeUrl(hit.url);
        if (!href) return;
        var item = document.createElement("li");
        item.className = "md-search-result__item kb-search-result";
        var link = document.createElement("a");
        link.className = "md-search-result__link";
        link.href = href;
        link.tabIndex = -1;
        var article = document.createElement("article");
        article.className = "md-search-result__article md-typeset";
        article.setAttribute("data-md-score", String(Number(hit.score) || 0));
        var icon = document.createElement("div");
        icon.className = "md-search-result__icon md-icon";
        var title = document.createElement("h1");
        title.textContent = String(hit.title || "");
        var text = document.createElement("p");
        snippet(text, hit.snippet || hit.summary);
        article.appendChild(icon);
        article.appendChild(title);
        article.appendChild(text);
        link.appendChild(article);
        item.appendChild(link);
        list.appendChild(item);
      });
    }

    function run() {
      if (!active) return;
      var query = input.value.trim();
      if (query === last) return;
      last = query;
      if (pending) pending.abort();
      if (!query) {
        render("", null);
        return;
      }
      var controller = (pending = new AbortController());
      var url = new URL("search", apiRoot);
      url.searchParams.set("q", query.slice(0, 500));
      url.searchParams.set("limit", "20");
      fetch(url.href, { credentials: "omit", signal: controller.signal })
        .then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        })
        .then(function (data) {
          if (pending === controller) render(query, data);
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return;
          if (pending === controller) handBack();
        });
    }

    // Capture phase: our handler runs before Material's, for typing and pasting alike.
    input.addEventListener(
      "input",
      function () {
        if (!active) return;
        clearTimeout(timer);
        timer = setTimeout(run, 120);
      },
      true
    );
    input.addEventListener(
      "keyup",
      function () {
        if (!active) return;
        clearTimeout(timer);
        timer = setTimeout(run, 120);
      },
      true
    );
    if (input.value) run();
  }

  // Under "No matching documents", Material's or ours: what to do next.
  function nextSteps(input, result) {
    var template = document.getElementById("kb-search-help");
    if (!template || !template.content) return;
    var help = template.content.firstElementChild.cloneNode(true);
    help.hidden = true;
    result.appendChild(help);
    var none = tr("search.result.none", "No matching documents");
    function update() {
      var meta = result.querySelector(".md-search-result__meta");
      var list = result.querySelector(".md-search-result__list");
      var empty = !list || !list.querySelector("li");
      var text = meta ? meta.textContent.trim() : "";
      var hide = !(input.value.trim() && empty && text.indexOf(none) === 0);
      if (help.hidden !== hide) help.hidden = hide;
    }
    new MutationObserver(update).observe(result, { childList: true, subtree: true, characterData: true });
    input.addEventListener("input", function () {
      setTimeout(update, 0);
    });
    update();
  }

  function openSearchButtons(input) {
    var toggle = document.querySelector("[data-md-toggle=search]");
    if (!toggle) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-kb-open-search]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (!toggle.checked) toggle.click();
        input.focus();
      });
    });
  }

  function start() {
    var input = document.querySelector("[data-md-component=search-query]");
    var result = document.querySelector("[data-md-component=search-result]");
    if (input && result) {
      nextSteps(input, result);
      openSearchButtons(input);
    }
    // Material's search dialog has no accessible name (axe: aria-dialog-name).
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || "Search");
    }
    if (!input || !result || typeof fetch !== "function" || typeof AbortController !== "function") {
      startMaterialSearch();
      return;
    }
    var controller = new AbortController();
    var timeout = setTimeout(function () {
      controller.abort();
    }, 3000);
    fetch(new URL("health", apiRoot).href, { credentials: "omit", signal: controller.signal })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        clearTimeout(timeout);
        if (data && data.status === "ok") enable(input, result);
        else startMaterialSearch();
      })
      .catch(function () {
        // No API here (static hosting): Material's own search answers.
        startMaterialSearch();
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
