/*
 * kb-widget.js: suggest knowledge-base articles while a customer writes a support ticket.
 *
 * Attach it to any ticket form with one tag (every attribute is documented in
 * manual/widget.md):
 *
 *   <script src="/assets/kb/kb-widget.js" data-api="/api"
 *           data-subject="#subject" data-body="#message" defer></script>
 *
 * or mark a form (or any element) with data-kb-widget and the same data attributes.
 * Plain JavaScript, no dependencies, no requests except to the configured API. Everything
 * the API returns is inserted as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var LEVELS = { critical: "Critical", high: "High", medium: "Medium", low: "Low" };
  var count = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  function num(value, fallback, min, max) {
    var n = parseInt(value, 10);
    return isNaN(n) ? fallback : Math.min(max, Math.max(min, n));
  }

  // Only http(s) links, resolved against the site's base URL; anything else is dropped.
  function safeUrl(url, base) {
    try {
      var u = new URL(String(url), base);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function ensureCss(src) {
    if (!src || document.querySelector("link[data-kb-widget-css]")) return;
    var links = document.querySelectorAll("link[rel=stylesheet]");
    for (var i = 0; i < links.length; i++) {
      if (/kb-widget\.css(\?|$)/.test(links[i].href)) return;
    }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = src.replace(/kb-widget(\.min)?\.js(\?.*)?$/, "kb-widget.css");
    link.setAttribute("data-kb-widget-css", "");
    document.head.appendChild(link);
  }

  function Widget(options) {
    this.o = options;
    this.subject = document.querySelector(options.subject);
    this.body = document.querySelector(options.body);
    if (!this.body) return;
    var id = "kb-widget-" + ++count;
    var root = (this.root = el("section", "kb-widget"));
    root.id = id;
    root.setAttribute("aria-labelledby", id + "-title");
    var title = el("h2", "kb-widget__title", "Before you send: these may help");
    title.id = id + "-title";
    // One polite live region announces a short summary of every new answer.
    this.status = el("p", "kb-widget__status");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.panel = el("div", "kb-widget__panel");
    this.panel.hidden = true;
    root.appendChild(this.status);
    this.panel.appendChild(title);
    root.appendChild(this.panel);
    var target = options.target && document.querySelector(options.target);
    if (target) target.appendChild(root);
    else this.body.parentNode.insertBefore(root, this.body.nextSibling);

    var self = this;
    var timer = null;
    function schedule() {
      self.decided = false; // typing again reopens the question
      clearTimeout(timer);
      timer = setTimeout(function () {
        self.ask();
      }, options.delay);
    }
    this.body.addEventListener("input", schedule);
    if (this.subject) this.subject.addEventListener("input", schedule);
    var form = this.body.form;
    if (form) {
      form.addEventListener("submit", function (event) {
        self.fileTicket(); // sent anyway, after seeing suggestions
        if (form.hasAttribute("data-kb-demo")) {
          event.preventDefault();
          self.say("Demo form: nothing was sent.");
        }
      });
    }
    // "Open a ticket" from an article's feedback box names the article: ?article=email/quota.md
    var named = new URLSearchParams(location.search).get("article");
    if (named && /^[a-z0-9_-]+(\/[a-z0-9_.-]+)*\.md$/i.test(named) && !(this.body.value || "").trim()) {
      this.body.value = "About the article " + named + ":\n\n";
      this.opened = named;
    }
    if ((this.body.value || "").trim()) schedule();
  }

  Widget.prototype.say = function (text) {
    this.status.textContent = text;
  };

  Widget.prototype.text = function () {
    return {
      subject: this.subject ? String(this.subject.value || "").slice(0, 500) : "",
      body: String(this.body.value || "").slice(0, 10000),
    };
  };

  Widget.prototype.ask = function () {
    var ticket = this.text();
    var key = ticket.subject + "\n" + ticket.body;
    if (key === this.last) return;
    this.last = key;
    if (key.trim().length < this.o.minChars) {
      this.render(null);
      return;
    }
    if (this.pending) this.pending.abort();
    var controller = (this.pending = typeof AbortController === "function" ? new AbortController() : null);
    var self = this;
    fetch(this.o.api + "/suggest", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(ticket),
      credentials: "omit",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (self.pending === controller) self.render(data);
      })
      .catch(function (error) {
        // Offline, rate limited or no API: the form works as before, without suggestions.
        if (!error || error.name !== "AbortError") self.render(null);
      });
  };

  Widget.prototype.section = function (className, heading) {
    var box = el("div", "kb-widget__box " + className);
    if (heading) box.appendChild(el("h3", "kb-widget__heading", heading));
    this.panel.appendChild(box);
    return box;
  };

  Widget.prototype.render = function (data) {
    var panel = this.panel;
    while (panel.childNodes.length > 1) panel.removeChild(panel.lastChild);
    if (!data || typeof data !== "object") {
      panel.hidden = true;
      if (!this.decided) this.say("");
      return;
    }
    var said = [];
    var secrets = Array.isArray(data.secrets) ? data.secrets : [];
    if (secrets.length) {
      var warn = this.section("kb-widget__secrets", "Remove secrets before you send");
      secrets.forEach(function (s) {
        warn.appendChild(el("p", "kb-widget__secret", s && s.message));
      });
      said.push("Warning: your text seems to contain a secret.");
    }
    var scope = data.out_of_scope;
    if (scope && scope.message) {
      this.section("kb-widget__scope", "Outside our support").appendChild(el("p", null, scope.message));
      said.push("This request may be outside our support.");
    }
    var articles = (Array.isArray(data.articles) ? data.articles : []).slice(0, this.o.max);
    if (articles.length) {
      var box = this.section("kb-widget__articles", "Articles that may solve it");
      var list = el("ul", "kb-widget__list");
      var base = this.o.site;
      var self = this;
      var top = articles[0] && typeof articles[0].path === "string" ? articles[0].path : null;
      if (top && top !== this.top) this.send("suggestions_shown", top);
      this.top = top;
      articles.forEach(function (a) {
        var href = a && safeUrl(a.url, base);
        if (!href) return;
        var item = el("li", "kb-widget__item");
        var link = el("a", "kb-widget__link", a.title);
        link.href = href;
        link.addEventListener("click", function () {
          self.opened = typeof a.path === "string" ? a.path : null;
          self.send("suggestion_opened", self.opened);
        });
        link.target = "_blank";
        link.rel = "noopener";
        item.appendChild(link);
        if (a.summary) item.appendChild(el("p", "kb-widget__summary", a.summary));
        list.appendChild(item);
      });
      box.appendChild(list);
      said.push(list.childNodes.length + (list.childNodes.length === 1 ? " article" : " articles") + " may answer your question.");
    }
    var level = LEVELS[data.priority];
    if (level) {
      var prio = this.section("kb-widget__priority", null);
      prio.appendChild(el("p", null, "Suggested priority: " + level + ". " + (data.priority_reason || "")));
    }
    var channel = data.channel;
    if (channel && channel.message) {
      var heading = channel.recommended === "chat" ? "Live chat is enough" : "How to reach us";
      this.section("kb-widget__channel", heading).appendChild(el("p", null, channel.message));
    }
    if (articles.length) this.actions();
    panel.hidden = panel.childNodes.length <= 1;
    if (!this.decided) this.say(said.join(" "));
  };

  Widget.prototype.actions = function () {
    var self = this;
    var box = this.section("kb-widget__actions", null);
    var solved = el("button", "kb-widget__button", "This solved my problem");
    var help = el("button", "kb-widget__button kb-widget__button--secondary", "I still need help");
    solved.type = help.type = "button";
    function done(kind, message) {
      // Keep this answer on screen even if a suggestion already on its way re-renders.
      self.decided = true;
      self.say(message);
      self.root.dispatchEvent(new CustomEvent("kb-widget:" + kind, { bubbles: true, detail: { articles: self.paths() } }));
      if (kind === "solved") self.send("deflected", self.opened || self.top);
      else self.fileTicket();
    }
    solved.addEventListener("click", function () {
      done("solved", "Glad it helped. You do not need to send this ticket.");
    });
    help.addEventListener("click", function () {
      done("need-help", "Please finish and send your ticket.");
      var form = self.body.form;
      var submit = form && form.querySelector("[type=submit]");
      (submit || self.body).focus();
    });
    box.appendChild(solved);
    box.appendChild(help);
  };

  // Deflection analytics: which suggestions were shown, opened, solved the problem, or
  // did not (a ticket anyway). Only event types and article paths: never ticket text.
  Widget.prototype.send = function (type, path) {
    if (!this.o.events || typeof fetch !== "function") return;
    var body = { type: type };
    if (path) body.path = path;
    fetch(this.o.api + "/events", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      keepalive: true,
    }).catch(function () {
      /* analytics is best effort */
    });
  };

  Widget.prototype.fileTicket = function () {
    if (this.filed || !this.top) return;
    this.filed = true;
    this.send("ticket_filed", this.opened || this.top);
  };

  Widget.prototype.paths = function () {
    var out = [];
    var links = this.panel.querySelectorAll(".kb-widget__link");
    for (var i = 0; i < links.length; i++) out.push(links[i].getAttribute("href"));
    return out;
  };

  function options(node) {
    var d = node.dataset;
    var api = (d.api || "/api").replace(/\/+$/, "");
    var apiUrl = safeUrl(api, document.baseURI) || "";
    return {
      api: apiUrl.replace(/\/+$/, ""),
      site: safeUrl(d.site || apiUrl.replace(/\/api$/, "") + "/", document.baseURI) || document.baseURI,
      subject: d.subject || "#subject",
      body: d.body || "#message",
      target: d.target || null,
      max: num(d.max, 5, 1, 5),
      delay: num(d.delay, 400, 0, 5000),
      minChars: num(d.minChars, 12, 1, 1000),
      events: d.events !== "off",
    };
  }

  function attach(node) {
    if (node.__kbWidget) return;
    node.__kbWidget = new Widget(options(node));
  }

  function scan() {
    if (script && (script.hasAttribute("data-body") || script.hasAttribute("data-api"))) attach(script);
    var nodes = document.querySelectorAll("[data-kb-widget]");
    for (var i = 0; i < nodes.length; i++) attach(nodes[i]);
  }

  if (script && script.getAttribute("data-css") !== "none") ensureCss(script.src);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  // Material for MkDocs' instant navigation swaps pages without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(scan);
})();
