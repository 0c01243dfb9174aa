/*
 * kb-widget.js: suggest knowledge-base articles while a customer writes a support ticket.
 *
 * One tag on the ticket page (every attribute is documented in manual/widget.md):
 *
 *   <script src="https://help.example.com/assets/kb/kb-widget.js"
 *           data-api="https://help.example.com/api" defer></script>
 *
 * finds the subject and message fields of WHMCS (six, twenty-one: #inputSubject,
 * #inputMessage) and HESK 3.x (input[name=subject], textarea[name=message]), then the
 * documented defaults (#subject, #message). data-form="whmcs|hesk|custom" picks one
 * product; data-subject / data-body name other fields. Or mark a form (or any element)
 * with data-kb-widget and the same data attributes.
 * Plain JavaScript, no dependencies, no requests except to the configured API. Everything
 * the API returns is inserted as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var LEVELS = { critical: "Critical", high: "High", medium: "Medium", low: "Low" };
  var FORMS = {
    whmcs: { subject: ["#inputSubject"], body: ["#inputMessage"] },
    hesk: { subject: ["input[name=subject]"], body: ["textarea[name=message]"] },
    custom: { subject: ["#subject"], body: ["#message"] },
  };
  // The API's limits: POST /api/suggest takes 500 + 10,000 characters in a body of at
  // most KB_MAX_BODY_BYTES (65,536 by default: any such ticket fits) bytes of UTF-8 JSON.
  var SUBJECT_MAX = 500;
  var BODY_MAX = 10000;
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

  function warn(text) {
    if (window.console && console.warn) console.warn("kb-widget: " + text);
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

  function bytes(text) {
    return typeof TextEncoder === "function" ? new TextEncoder().encode(text).length : unescape(encodeURIComponent(text)).length;
  }

  /*
   * Secrets, checked here on the whole text before anything is sent: /api/suggest checks
   * only what it receives (the first 10,000 characters), /api/secrets the rest (see
   * checkRest), and this check covers the time before they answer. A port of the shapes of
   * kb_text/secrets.py that need no context window: a credential word with its value,
   * PINs next to "PIN", URL credentials, private keys, tokens by shape, card numbers.
   * The API's detector also reads values in the sentences after a credential word.
   */
  var PW = "(?:passwords?|passwd|passwort|kennwort|passcode|passphrase|pass|pwd|pw|contrase[nñ]a|clave|mot\\s+de\\s+passe|mdp|senha|wachtwoord|parola|has[lł]o|heslo|l[oö]senord|salasana|[sş]ifre|пароль)";
  var SHAPES = [
    ["private_key", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY/],
    ["api_token", /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{4,}|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|\b(?:ghp|gho|ghs|github_pat|glpat|xox[abposr]|sk_live|rk_live)[-_][A-Za-z0-9_-]{16,}\b|\b(?:bearer|cpanel|whm)\s+(?:[\w.-]+\s*:\s*)?[A-Za-z0-9_\-.=+/]{20,}|(?:api[_\s-]?(?:key|token)|access[_\s-]?token|auth[_\s-]?token|client[_\s-]?secret)\s*(?:is|[:=])\s*['"]?[A-Za-z0-9_\-.=+/]{16,}|(?:^|[^A-Za-z0-9])(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{32}(?![A-Za-z0-9])/i],
    ["password", /\b[a-z][a-z0-9+.-]*:\/\/[^\s:\/@]+:[^\s@\/]+@/i],
    ["support_pin", /\b(?:support\s+)?pin(?:\s+(?:code|number))?\s*(?:is|was|=|:|#|-)?\s*(?:is\s+)?(\d{4,8}|\d{1,4}(?:[ .-]\d{1,4}){1,7})(?![\d.,\/:-]*\d)/i],
  ];
  var PW_DELIMITED = new RegExp("(?:^|[^\\w-])" + PW + "(?:\\s+(?:for|of|to|on|de|für|pour|para)(?:\\s+[^\\s:=]{1,30}){1,4}?)?\\s*(?:\\b(?:is|was|ist|es|est|é)(?!\\w)|:|=|->)\\s*['\"“‘«]?([^\\s'\"”’»]+)", "gi");
  var PW_BARE = new RegExp("(?:^|[^\\w-])" + PW + "[ \\t]+['\"“‘«]?([^\\s'\"”’»]+)", "gi");
  var NOT_VALUES = /^(?:a|an|the|is|not|no|now|correct|incorrect|wrong|right|invalid|valid|expired|same|different|changed|reset|rejected|accepted|required|missing|empty|blank|too|very|still|also|always|never|set|saved|fine|ok|okay|working|in|on|of|for|from|to|at|by|with|that|this|what|it|my|your|and|or|but|if|when|yes|no|true|false|none|null|hidden|redacted|below|above|field|box|manager|policy|please|again|here|there)$/i;
  // The default texts of search/deflect/policy.yml (the API answers with the site's own).
  var MESSAGES = {
    password: "Your text seems to contain a password. Remove it before sending: we never need your password. If you have already sent it anywhere, change it now.",
    support_pin: "Your text seems to contain your Support PIN. The PIN is only for verifying you in live chat: do not write it in tickets or emails.",
    api_token: "Your text seems to contain an API token. Remove it, and revoke the token in WHM » Manage API Tokens if it was shared anywhere.",
    private_key: "Your text seems to contain a private key. Remove it: we never need your private key. If it was shared, generate a new key and certificate (re-key).",
    card_number: "Your text seems to contain a payment card number. Remove it: we never ask for card details in a ticket. Pay invoices in the client area only.",
  };

  function passwordValue(value, delimited) {
    value = value.replace(delimited ? /[.,;)]+$/ : /[.,;:!?)]+$/, "");
    if (value.length < 3 || NOT_VALUES.test(value) || /^[*•xX#._-]{3,}$/.test(value)) return false;
    if (/@/.test(value) || /:\/\//.test(value) || /^\d+(?:\.\d+)+$/.test(value)) return false;
    var digit = /\d/.test(value), alpha = /[^\W\d_]/.test(value), symbol = /[^\w]/.test(value);
    if (delimited) return /^\d+$/.test(value) ? value.length >= 4 : !/(?:ed|ing|ly)$/i.test(value) || digit || symbol;
    // "password Bluefin2024!": only a value that is clearly not a word counts.
    var word = /^[^\W\d_]+$/.test(value) && value === value.toLowerCase() && value.length < 14;
    return alpha && (digit || symbol || /[A-Z]/.test(value.slice(1))) && !word;
  }

  function luhn(digits) {
    var total = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = +digits[digits.length - 1 - i];
      if (i % 2) d = d > 4 ? d * 2 - 9 : d * 2;
      total += d;
    }
    return total % 10 === 0;
  }

  function findSecrets(text) {
    text = text.normalize ? text.normalize("NFKC") : text;
    var kinds = [];
    function add(kind) {
      if (kinds.indexOf(kind) < 0) kinds.push(kind);
    }
    SHAPES.forEach(function (s) {
      if (s[1].test(text)) add(s[0]);
    });
    var m;
    [[PW_DELIMITED, true], [PW_BARE, false]].forEach(function (p) {
      p[0].lastIndex = 0;
      while ((m = p[0].exec(text))) if (passwordValue(m[1], p[1])) add("password");
    });
    var cards = /(?:^|[^\d.,\/-])(\d(?:[ -]?\d){12,18})(?![\d.,\/-])/g;
    while ((m = cards.exec(text))) if (luhn(m[1].replace(/\D/g, ""))) add("card_number");
    return kinds;
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

  // The first selector that matches a field; the message field's form is preferred for
  // the subject. Returns [element or null, selectors tried].
  function find(selectors, form) {
    for (var i = 0; i < selectors.length; i++) {
      var all = document.querySelectorAll(selectors[i]);
      for (var j = 0; j < all.length; j++) if (!form || all[j].form === form) return all[j];
    }
    return null;
  }

  function Widget(options) {
    this.o = options;
    this.body = find(options.body);
    if (!this.body) {
      warn("no message field found: tried " + options.body.join(", ") + ". Set data-body (and data-subject) to your form's fields, or data-form=\"whmcs\"|\"hesk\" (manual/widget.md).");
      return;
    }
    this.subject = find(options.subject, this.body.form) || find(options.subject);
    this.budget = options.maxBytes;
    var id = "kb-widget-" + ++count;
    var root = (this.root = el("section", "kb-widget"));
    root.id = id;
    root.setAttribute("aria-labelledby", id + "-title");
    this.titleId = id + "-title";
    // One polite live region announces a short summary of every new answer.
    this.status = el("p", "kb-widget__status");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.panel = el("div", "kb-widget__panel");
    this.panel.hidden = true;
    root.appendChild(this.status);
    root.appendChild(this.panel);
    var target = options.target && document.querySelector(options.target);
    if (target) target.appendChild(root);
    else this.body.parentNode.insertBefore(root, this.body.nextSibling);

    var self = this;
    var timer = null;
    this.seen = null;
    // Fields change without an input event too (a draft restored by the host's script,
    // autofill, a value set by another widget): compare their values now and then.
    function changed() {
      var now = self.values();
      if (now === self.seen) return;
      self.seen = now;
      self.decided = false; // typing again reopens the question
      clearTimeout(timer);
      timer = setTimeout(function () {
        self.ask();
      }, options.delay);
    }
    this.changed = changed;
    ["input", "change"].forEach(function (type) {
      self.body.addEventListener(type, changed);
      if (self.subject) self.subject.addEventListener(type, changed);
    });
    setInterval(changed, 750);
    if (document.readyState !== "complete") window.addEventListener("load", changed);
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
    this.prefill();
    changed();
  }

  // "Open a ticket" under an article: ?subject=...&message=... fill empty fields (WHMCS
  // does this itself); the text typed so far is never replaced.
  Widget.prototype.prefill = function () {
    var q = new URLSearchParams(location.search);
    var subject = q.get("subject"), message = q.get("message");
    if (this.subject && subject && !this.subject.value) this.subject.value = subject.slice(0, SUBJECT_MAX);
    if (message && !this.body.value) {
      this.body.value = message.slice(0, BODY_MAX) + "\n\n";
      this.prefilled = this.body.value;
    }
  };

  Widget.prototype.values = function () {
    return (this.subject ? String(this.subject.value || "") : "") + "\n" + String(this.body.value || "");
  };

  Widget.prototype.say = function (text) {
    this.status.textContent = text;
  };

  // What the API accepts: at most 500 + 10,000 characters and the byte budget in all.
  Widget.prototype.text = function () {
    var ticket = {
      subject: this.subject ? String(this.subject.value || "").slice(0, SUBJECT_MAX) : "",
      body: String(this.body.value || "").slice(0, BODY_MAX),
    };
    var budget = this.budget - 64; // headroom for the JSON around the two strings
    while (ticket.subject && bytes(JSON.stringify(ticket.subject)) > budget / 2) ticket.subject = ticket.subject.slice(0, Math.floor(ticket.subject.length * 0.9));
    var lo = 0, hi = ticket.body.length, room = budget - bytes(JSON.stringify(ticket.subject));
    if (bytes(JSON.stringify(ticket.body)) > room) {
      while (lo < hi) {
        var mid = Math.ceil((lo + hi) / 2);
        if (bytes(JSON.stringify(ticket.body.slice(0, mid))) <= room) lo = mid;
        else hi = mid - 1;
      }
      ticket.body = ticket.body.slice(0, lo);
    }
    return ticket;
  };

  Widget.prototype.ask = function () {
    var whole = this.values();
    this.secrets = findSecrets(whole);
    var ticket = this.text();
    this.checkRest(ticket);
    var typed = ticket.body === this.prefilled ? "" : ticket.subject + ticket.body;
    var key = ticket.subject + "\n" + ticket.body;
    if (key === this.last && !this.retry) return;
    this.last = key;
    this.retry = false;
    if (typed.trim().length < this.o.minChars) {
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
        if (response.status === 413 && self.budget > 2048) {
          // The API takes less than data-max-bytes says: send less, once more.
          self.budget = Math.floor(self.budget / 2);
          self.retry = true;
          warn("the API refused " + self.o.maxBytes + " bytes (413): set data-max-bytes to its KB_MAX_BODY_BYTES.");
          return self.ask();
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json().then(function (data) {
          if (self.pending === controller) self.render(data);
        });
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        if (error instanceof TypeError) self.explain();
        // Offline, rate limited or no API: the form works as before, without suggestions.
        self.render(null);
      });
  };

  /*
   * The text beyond what /api/suggest takes (a password under a long pasted log) goes to
   * /api/secrets, the API's own detector, in parts that fit the body limit; each part
   * starts a little before the previous one ends, so a password word and its value are
   * never cut apart. Only the warnings come back; nothing is stored.
   */
  var OVERLAP = 300, MAX_PARTS = 32;
  Widget.prototype.checkRest = function (ticket) {
    var subject = this.subject ? String(this.subject.value || "") : "";
    var body = String(this.body.value || "");
    var rest = subject.length > ticket.subject.length ? subject.slice(Math.max(0, ticket.subject.length - OVERLAP)) + "\n" : "";
    if (body.length > ticket.body.length) rest += body.slice(Math.max(0, ticket.body.length - OVERLAP));
    if (rest === this.restChecked) return;
    this.restChecked = rest;
    this.restSecrets = [];
    if (!rest) return;
    // JSON writes a character in at most 6 bytes (\uXXXX): every part fits the budget.
    var size = Math.max(512, Math.floor((this.budget - 64) / 6)), parts = [];
    for (var at = 0; at < rest.length && parts.length < MAX_PARTS; at += size - OVERLAP) parts.push(rest.slice(at, at + size));
    if (parts.length === MAX_PARTS && (MAX_PARTS * (size - OVERLAP)) < rest.length) warn("the ticket is too long to check all of it with the API; the widget's own check read it all.");
    var self = this, found = [];
    parts
      .reduce(function (previous, part) {
        return previous.then(function () {
          if (self.restChecked !== rest) return;
          return fetch(self.o.api + "/secrets", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ text: part }),
            credentials: "omit",
          }).then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json().then(function (data) {
              (Array.isArray(data.secrets) ? data.secrets : []).forEach(function (s) {
                if (s && s.type && s.message && !found.some(function (f) { return f.type === s.type; })) found.push({ type: String(s.type), message: String(s.message) });
              });
            });
          });
        });
      }, Promise.resolve())
      .catch(function () {
        // Offline or limited: the widget's own check still warns about what it knows.
      })
      .then(function () {
        if (self.restChecked !== rest || !found.length) return;
        self.restSecrets = found;
        self.render(self.shown);
      });
  };

  // A request the browser refused outright: from another origin that is mostly CORS.
  Widget.prototype.explain = function () {
    if (this.explained) return;
    this.explained = true;
    var api = new URL(this.o.api, location.href);
    if (api.origin !== location.origin) {
      warn("no answer from " + this.o.api + " for this page (" + location.origin + "). If the API is up, add " + location.origin + " to its KB_CORS_ORIGINS (the kb plugin's cors_origins for kb serve): browsers block cross-origin answers without it.");
    } else {
      warn("no answer from " + this.o.api + ": suggestions are off, the form works as before.");
    }
  };

  Widget.prototype.section = function (className, heading) {
    var box = el("div", "kb-widget__box " + className);
    if (heading) box.appendChild(el("h3", "kb-widget__heading", heading));
    this.panel.appendChild(box);
    return box;
  };

  Widget.prototype.render = function (data) {
    this.shown = data;
    var panel = this.panel;
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (!data || typeof data !== "object") data = {};
    var said = [];
    // The API's warnings, then those the local check found in text the API did not get.
    var secrets = (Array.isArray(data.secrets) ? data.secrets : []).filter(function (s) {
      return s && s.message;
    });
    (this.restSecrets || []).forEach(function (found) {
      if (!secrets.some(function (s) { return s.type === found.type; })) secrets.push(found);
    });
    (this.secrets || []).forEach(function (kind) {
      if (!secrets.some(function (s) { return s.type === kind; })) secrets.push({ type: kind, message: MESSAGES[kind] });
    });
    var articles = (Array.isArray(data.articles) ? data.articles : []).slice(0, this.o.max);
    var title = el("h2", "kb-widget__title", articles.length ? "Before you send: these may help" : "Before you send");
    title.id = this.titleId;
    panel.appendChild(title);
    if (secrets.length) {
      var warnBox = this.section("kb-widget__secrets", "Remove secrets before you send");
      secrets.forEach(function (s) {
        warnBox.appendChild(el("p", "kb-widget__secret", s.message));
      });
      said.push("Warning: your text seems to contain a secret.");
    }
    var scope = data.out_of_scope;
    if (scope && scope.message) {
      this.section("kb-widget__scope", "Outside our support").appendChild(el("p", null, scope.message));
      said.push("This request may be outside our support.");
    }
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
      var prio = this.section("kb-widget__priority", null).appendChild(el("p"));
      prio.appendChild(document.createTextNode("Suggested priority: "));
      prio.appendChild(el("span", "kb-widget__badge kb-widget__badge--" + data.priority, level));
      if (data.priority_reason) prio.appendChild(document.createTextNode(" " + data.priority_reason));
    }
    var channel = data.channel;
    if (channel && channel.message) {
      var heading = channel.recommended === "chat" ? "Live chat is enough" : "How to reach us";
      this.section("kb-widget__channel", heading).appendChild(el("p", null, channel.message));
    }
    if (articles.length) this.actions();
    if (this.decided && this.confirmation) panel.appendChild(this.confirmation);
    panel.hidden = panel.childNodes.length <= 1;
    if (panel.hidden) panel.removeChild(title); // no heading over nothing
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
      if (self.confirmation && self.confirmation.parentNode) self.confirmation.parentNode.removeChild(self.confirmation);
      self.confirmation = el("p", "kb-widget__confirm kb-widget__confirm--" + kind, message);
      self.panel.appendChild(self.confirmation);
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
    var preset = FORMS[d.form];
    if (d.form && !preset) warn("data-form=\"" + d.form + "\" is not one of whmcs, hesk, custom: trying them all.");
    // Named fields first, then the preset, else every product we know, then the defaults.
    var subject = preset ? preset.subject.slice() : FORMS.whmcs.subject.concat(FORMS.hesk.subject, FORMS.custom.subject);
    var body = preset ? preset.body.slice() : FORMS.whmcs.body.concat(FORMS.hesk.body, FORMS.custom.body);
    if (d.subject) subject.unshift(d.subject);
    if (d.body) body.unshift(d.body);
    return {
      api: apiUrl.replace(/\/+$/, ""),
      site: safeUrl(d.site || apiUrl.replace(/\/api$/, "") + "/", document.baseURI) || document.baseURI,
      subject: subject,
      body: body,
      target: d.target || null,
      max: num(d.max, 5, 1, 5),
      delay: num(d.delay, 400, 0, 5000),
      minChars: num(d.minChars, 12, 1, 1000),
      maxBytes: num(d.maxBytes, 65536, 1024, 1048576),
      events: d.events !== "off",
    };
  }

  function attach(node) {
    if (node.__kbWidget) return;
    node.__kbWidget = new Widget(options(node));
  }

  function scan() {
    var marked = document.querySelectorAll("[data-kb-widget]");
    // The script tag itself configures a widget unless it only loads the code for marked forms.
    if (script && (script.hasAttribute("data-api") || script.hasAttribute("data-body") || !marked.length)) attach(script);
    for (var i = 0; i < marked.length; i++) attach(marked[i]);
  }

  if (script && script.getAttribute("data-css") !== "none") ensureCss(script.src);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  // Material for MkDocs' instant navigation swaps pages without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(scan);
})();
