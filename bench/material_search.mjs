// Material for MkDocs' own search worker, run in Node.js over a built site's index.
//
//   node bench/material_search.mjs --worker WORKER_JS --index SEARCH_INDEX_JSON [--suggest]
//                                  [--rewrite KB_SEARCH_JS]
//
// WORKER_JS is the worker that mkdocs-material ships
// (material/templates/assets/javascripts/workers/search.*.min.js) and runs, unchanged, in
// the browser. This script gives it what a dedicated web worker has (`self`,
// `addEventListener("message")`, `postMessage`, `importScripts`) and talks to it with
// Material's own messages (integrations/search/worker/message): SETUP with the index, as
// the bundle (and kb-search.js) sends it, then one QUERY per line of stdin. With
// --rewrite, each query first goes through that script's exactWordsFirst(), as
// kb-search.js sends the bundle's queries to the worker on a site we built.
//
// stdin:  one JSON string per line: the query as the search box holds it.
// stdout: first {"ready": true}, then one line per query:
//         {"items": [[location, ...], ...], "warnings": n}
//         `items` is the worker's RESULT, one list per article in the worker's order (the
//         article's entries: the page and its sections), reduced to their locations;
//         `warnings` counts what the worker warned about (e.g. a query lunr rejected).
//
// Nothing a query contains is ever printed: the worker's console.warn names the query,
// so warnings are counted, not shown. A worker that answers out of protocol stops the run
// with a message on stderr and exit status 1.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import vm from "node:vm";

// Material's SearchMessageType (a TypeScript const enum, so numbers on the wire).
const SETUP = 0;
const READY = 1;
const QUERY = 2;
const RESULT = 3;

function fail(message) {
  process.stderr.write(`material_search.mjs: ${message}\n`);
  process.exit(1);
}

const { values: args } = parseArgs({
  options: {
    worker: { type: "string" },
    index: { type: "string" },
    suggest: { type: "boolean", default: false },
    rewrite: { type: "string" },
  },
});
if (!args.worker || !args.index) {
  fail("usage: node material_search.mjs --worker WORKER_JS --index SEARCH_INDEX_JSON [--suggest]");
}
const workerFile = resolve(args.worker);
const rewrite = args.rewrite
  ? createRequire(import.meta.url)(resolve(args.rewrite)).exactWordsFirst
  : (query) => query;
if (typeof rewrite !== "function") fail(`${args.rewrite}: expected it to export exactWordsFirst`);

// -- the web worker's global scope -------------------------------------------------------

let warnings = 0;
console.warn = () => {
  warnings += 1;
};

const listeners = [];
let answer = null; // resolves the message being waited for

globalThis.self = globalThis;
globalThis.addEventListener = (type, listener) => {
  if (type === "message") listeners.push(listener);
};
globalThis.postMessage = (message) => {
  if (answer === null) fail(`the worker posted a message nobody asked for: ${describe(message)}`);
  const settle = answer;
  answer = null;
  settle(structuredClone(message)); // what crosses a worker boundary is a structured clone
};
// Synchronous, as in a worker; Material loads lunr-languages this way for a non-English
// site ("../lunr/min/lunr.de.min.js", relative to the worker script).
globalThis.importScripts = (...urls) => {
  for (const url of urls) {
    const file = resolve(dirname(workerFile), url);
    vm.runInThisContext(readFileSync(file, "utf8"), { filename: file });
  }
};

// Only the type: a RESULT holds the query's terms.
function describe(message) {
  if (message === null || typeof message !== "object") return `a ${typeof message}`;
  return `a message of type ${JSON.stringify(message.type)}`;
}

function post(message) {
  return new Promise((settle) => {
    answer = settle;
    const event = { type: "message", data: structuredClone(message) };
    for (const listener of listeners) listener(event);
  });
}

process.on("exit", () => {
  if (answer !== null) {
    process.stderr.write(
      "material_search.mjs: the worker never answered: Material's search worker protocol " +
        "(SETUP/READY/QUERY/RESULT) may have changed\n",
    );
    process.exitCode = 1;
  }
});

// -- run it ------------------------------------------------------------------------------

vm.runInThisContext(readFileSync(workerFile, "utf8"), { filename: workerFile });
if (listeners.length !== 1) {
  fail(`expected the worker to listen for "message" once, it did ${listeners.length} times`);
}

const index = JSON.parse(readFileSync(args.index, "utf8"));
if (!Array.isArray(index.docs) || typeof index.config !== "object") {
  fail(`${args.index}: expected Material's search index ({"config": ..., "docs": [...]})`);
}
const ready = await post({
  type: SETUP,
  data: { config: index.config, docs: index.docs, options: { suggest: args.suggest } },
});
if (ready?.type !== READY) {
  fail(`expected READY (type ${READY}) after SETUP, got ${describe(ready)}`);
}
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const query = JSON.parse(line);
  if (typeof query !== "string") fail(`expected a JSON string per line, got a ${typeof query}`);
  warnings = 0;
  const result = await post({ type: QUERY, data: rewrite(query) });
  if (result?.type !== RESULT || !Array.isArray(result.data?.items)) {
    fail(`expected RESULT (type ${RESULT}) with data.items, got ${describe(result)}`);
  }
  const items = result.data.items.map((group) => {
    if (!Array.isArray(group) || !group.every((item) => typeof item?.location === "string")) {
      fail("expected RESULT items to be lists of entries with a location");
    }
    return group.map((item) => item.location);
  });
  process.stdout.write(`${JSON.stringify({ items, warnings })}\n`);
}
