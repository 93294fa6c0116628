// The console's offline shell, so that a phone whose network drops at the fair (a venue's Wi-Fi,
// a crowd on one cell) still opens the console: the badge and agenda kept on the phone, the
// check-in page and its waiting scans.
// - The page at / is read from the network first and kept; the kept copy answers when the network
//   fails, answers with a server error, or is silent for SLOW_MS.
// - The scripts and the style sheet are addressed by version (/static/core.js?v=…): a version's
//   files never change, so the kept ones answer first, and a page always loads the files of its
//   own version, whichever copy of the page was given.
// - API calls are never kept here: they go to the network as if this worker were not there.
// The gateway serves this file at /sw.js with its version and files filled in.
const VERSION = "__VERSION__";
const SHELL = __FILES__;
const CACHE = "ocopfair-shell-" + VERSION;
const SLOW_MS = 4000;

self.addEventListener("install", (ev) => {
  // Past the browser's own cache: a version's files are read as the gateway serves them now.
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL.map((u) => new Request(u, { cache: "reload" })))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ocopfair-shell-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && url.pathname === "/") ev.respondWith(page(ev));
  else if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) ev.respondWith(file(ev, url.pathname + url.search));
});

const kept = (key) => caches.open(CACHE).then((c) => c.match(key));
// keep stores a copy of a good answer under key while the worker is kept alive for it.
function keep(ev, key, res) {
  if (res.ok) {
    const copy = res.clone();
    const put = caches.open(CACHE).then((c) => c.put(key, copy));
    try {
      ev.waitUntil(put);
    } catch (e) {
      // The kept copy answered already (a slow network) and the event is over: the copy is
      // still stored while the worker runs.
    }
  }
  return res;
}

// page answers / with the network's copy (keeping it), or with the kept one when the network
// fails, answers with a server error (a proxy in front of a gateway that is down), or is slower
// than SLOW_MS.
function page(ev) {
  const net = fetch(ev.request).then((res) => (res.status >= 500 ? kept("/").then((hit) => hit || res) : keep(ev, "/", res)));
  const failed = net.catch(() => kept("/").then((hit) => hit || Response.error()));
  const slow = new Promise((resolve) => setTimeout(resolve, SLOW_MS)).then(() => kept("/")).then((hit) => hit || failed);
  return Promise.race([failed, slow]);
}

// file answers a versioned script or style sheet with the kept copy, or else the network's
// (kept for next time: another version's page may ask for files this worker did not install).
function file(ev, key) {
  return kept(key).then((hit) => hit || fetch(ev.request).then((res) => keep(ev, key, res)));
}
