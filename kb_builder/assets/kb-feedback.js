/*
 * kb-feedback.js: "Was this article helpful?" on article pages, view counting, and the
 * event channel other widgets use for analytics (manual/analytics.md).
 *
 * - On an article page it counts the view (POST /api/views), and only when the API
 *   answers does it show the Yes / No buttons (and the view count when the plugin's
 *   show_views is on): on a static host without the API nothing appears.
 * - The visitor's vote is remembered in this browser (localStorage, the article path and
 *   "yes" or "no", nothing else) and shown again on a later visit.
 * - No asks "What was missing?" (optional, at most 500 characters) and links to the
 *   host's ticket form (the plugin's ticket_url) with ?subject=...&message=... naming the
 *   article's title and URL.
 * - Other scripts record events without knowing the API's address:
 *     document.dispatchEvent(new CustomEvent("kb:event",
 *       { detail: { type: "search_no_results", query: "mx record" } }));
 *   or window.kbFeedback.event("deflected", { path: "email/quota.md" }).
 *
 * Plain JavaScript, no dependencies, no cookies, no requests except to this
 * site's /api/. Everything shown is inserted as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var COMMENT_MAX = 500;
  var QUERY_MAX = 100;
  var TYPES = ["suggestions_shown", "suggestion_opened", "deflected", "ticket_filed",
               "search_no_results", "search_no_click"];
  var TICKET_PAGE = "support/open-a-ticket/";
  var STORE = "kb-feedback:";

  function meta(name) {
    var node = document.querySelector('meta[name="' + name + '"]');
    return node ? node.getAttribute("content") : null;
  }

  // The vote given earlier in this browser: true, false or null. Storage may be off.
  function earlier(path) {
    try {
      var v = window.localStorage.getItem(STORE + path);
      return v === "yes" ? true : v === "no" ? false : null;
    } catch (e) {
      return null;
    }
  }

  function remember(path, helpful) {
    try {
      window.localStorage.setItem(STORE + path, helpful ? "yes" : "no");
    } catch (e) { /* private mode: not remembered */ }
  }

  // The host's ticket form with the article named (title and address, never a file path).
  function ticketLink(root) {
    var url = new URL(meta("kb:ticket-url") || TICKET_PAGE, root);
    var title = meta("kb:title") || document.title;
    var here = location.href.split("#")[0].split("?")[0];
    url.searchParams.set("subject", "Question about: " + title);
    url.searchParams.set("message", "About the article \u201c" + title + "\u201d (" + here + "):");
    return url.href;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  // Material writes the page's relative path to the site root into #__config ("../..").
  function siteRoot() {
    var base = ".";
    var config = document.getElementById("__config");
    if (config) {
      try {
        var parsed = JSON.parse(config.textContent || "{}");
        if (parsed && typeof parsed.base === "string") base = parsed.base;
      } catch (e) { /* keep "." */ }
    }
    return new URL(base.replace(/\/*$/, "/"), location.href);
  }

  // The plugin may name the article (<meta name="kb:path" content="email/quota.md">);
  // otherwise: articles live in a section folder, so email/quota/ is email/quota.md,
  // while email/ (a landing page), tags/ and the home page are not articles.
  function articlePath(root) {
    var meta = document.querySelector('meta[name="kb:path"]');
    if (meta) return meta.getAttribute("content") || null;
    var here = decodeURIComponent(location.pathname);
    var top = decodeURIComponent(root.pathname);
    if (here.indexOf(top) !== 0) return null;
    var rel = here.slice(top.length).replace(/index\.html$/, "");
    if (!/^([A-Za-z0-9_][A-Za-z0-9_.-]*\/){2,}$/.test(rel)) return null;
    return rel.replace(/\/$/, "") + ".md";
  }

  function Api(root) {
    this.base = new URL("api/", root);
  }

  Api.prototype.post = function (endpoint, data) {
    return fetch(new URL(endpoint, this.base).href, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
      credentials: "omit",
      keepalive: true
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.status === 204 ? null : response.json();
    });
  };

  function isStats(data, path) {
    return data && data.path === path && typeof data.views === "number" &&
      typeof data.helpful === "number" && typeof data.not_helpful === "number";
  }

  function countsText(stats) {
    var parts = [];
    if (meta("kb:views") === "on") parts.push("Views: " + stats.views);
    if (stats.helpful > 0) parts.push(stats.helpful + " found this helpful");
    return parts.join(" \u00b7 ");
  }

  function Feedback(api, path, root, stats) {
    var self = this;
    this.api = api;
    this.path = path;
    this.root = el("section", "kb-feedback");
    this.root.setAttribute("aria-labelledby", "kb-feedback-title");
    var title = el("h2", "kb-feedback__title", "Was this article helpful?");
    title.id = "kb-feedback-title";
    var group = el("div", "kb-feedback__buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", "kb-feedback-title");
    this.like = this.button("Yes", "kb-feedback__like", function () { self.vote(true); });
    this.dislike = this.button("No", "kb-feedback__dislike", function () { self.vote(false); });
    group.appendChild(this.like);
    group.appendChild(this.dislike);
    this.counts = el("p", "kb-feedback__counts");
    this.status = el("p", "kb-feedback__status");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");

    this.more = el("form", "kb-feedback__more");
    this.more.hidden = true;
    var label = el("label", "kb-feedback__label", "What was missing? (optional)");
    label.htmlFor = "kb-feedback-comment";
    this.comment = el("textarea", "kb-feedback__comment");
    this.comment.id = "kb-feedback-comment";
    this.comment.maxLength = COMMENT_MAX;
    this.comment.rows = 3;
    this.comment.setAttribute("aria-describedby", "kb-feedback-hint");
    var hint = el("p", "kb-feedback__hint",
      "At most " + COMMENT_MAX + " characters. Never include a password or your Support PIN.");
    hint.id = "kb-feedback-hint";
    var send = el("button", "md-button kb-feedback__send", "Send");
    send.type = "submit";
    this.ticket = el("a", "md-button kb-feedback__ticket", "Open a ticket");
    this.ticket.href = ticketLink(root);
    [label, this.comment, hint, send, this.ticket].forEach(function (n) { self.more.appendChild(n); });
    this.more.addEventListener("submit", function (event) {
      event.preventDefault();
      self.vote(false, self.comment.value.slice(0, COMMENT_MAX));
    });

    [title, group, this.counts, this.status, this.more].forEach(function (n) {
      self.root.appendChild(n);
    });
    this.show(stats);
    var before = earlier(path);
    if (before !== null) {
      this.pressed(before);
      this.status.textContent = "You answered " + (before ? "Yes" : "No") + " earlier. You can change your answer.";
    }
  }

  Feedback.prototype.pressed = function (helpful) {
    this.like.setAttribute("aria-pressed", String(helpful));
    this.dislike.setAttribute("aria-pressed", String(!helpful));
  };

  Feedback.prototype.button = function (label, className, onClick) {
    var b = el("button", "md-button kb-feedback__vote " + className, label);
    b.type = "button";
    b.setAttribute("aria-pressed", "false");
    b.addEventListener("click", onClick);
    return b;
  };

  Feedback.prototype.show = function (stats) {
    this.counts.textContent = countsText(stats);
    this.counts.hidden = !this.counts.textContent;
  };

  Feedback.prototype.vote = function (helpful, comment) {
    var self = this;
    var body = { path: this.path, helpful: helpful };
    if (comment) body.comment = comment;
    this.status.textContent = "Sending\u2026";
    this.api.post("feedback", body).then(function (stats) {
      if (!isStats(stats, self.path)) throw new Error("unexpected answer");
      self.pressed(helpful);
      remember(self.path, helpful);
      self.show(stats);
      if (helpful) {
        self.more.hidden = true;
        self.status.textContent = "Thanks for your feedback.";
      } else if (comment) {
        self.status.textContent = "Thanks: your comment was sent to the authors.";
      } else {
        self.more.hidden = false;
        self.status.textContent = "Thanks. What was missing? You can also open a ticket.";
        self.comment.focus();
      }
    }).catch(function () {
      self.status.textContent = "Your feedback could not be sent. Please try again later.";
    });
  };

  function place(section) {
    var article = document.querySelector("article.md-content__inner") ||
      document.querySelector("article");
    if (!article) return false;
    var before = article.querySelector(".kb-block--related, .kb-block--more");
    if (before && before.parentNode === article) article.insertBefore(section, before);
    else article.appendChild(section);
    return true;
  }

  function start() {
    var root = siteRoot();
    var api = new Api(root);
    window.kbFeedback = {
      /** Record an analytics event; never throws, never reports failure. */
      event: function (type, detail) {
        if (TYPES.indexOf(type) < 0) return;
        var body = { type: type };
        if (detail && typeof detail.path === "string") body.path = detail.path;
        if (detail && typeof detail.query === "string" && detail.query.trim()) {
          body.query = detail.query.trim().slice(0, QUERY_MAX);
        }
        api.post("events", body).catch(function () { /* analytics is best effort */ });
      }
    };
    document.addEventListener("kb:event", function (event) {
      var detail = event.detail || {};
      window.kbFeedback.event(detail.type, detail);
    });

    var path = articlePath(root);
    if (!path || document.querySelector(".kb-feedback")) return;
    api.post("views", { path: path }).then(function (stats) {
      if (!isStats(stats, path)) return;
      place(new Feedback(api, path, root, stats).root);
    }).catch(function () { /* no API here (a static host): show nothing */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
