// The console's offline shell. The page and its scripts are read from the network first and kept
// here, so that a phone whose network drops at the fair (a venue's Wi-Fi, a crowd on one cell)
// still opens the console: the badge and agenda kept on the phone, the check-in page and its
// waiting scans.
// A network that answers nothing for a few seconds gives the copy kept here instead. API calls
// are never kept here: they go to the network as if this worker were not there.
// The gateway serves this file at /sw.js with its files' version and list filled in.
const VERSION = "__VERSION__";
const SHELL = __FILES__;
const CACHE = "ocopfair-shell-" + VERSION;
const SLOW_MS = 4000;

self.addEventListener("install", (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
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
  const key = req.mode === "navigate" && url.pathname === "/" ? "/" : SHELL.includes(url.pathname) ? url.pathname : "";
  if (!key) return;
  ev.respondWith(fromNetwork(req, key));
});

// fromNetwork answers with the network's copy (keeping it), with the kept one when the network
// fails or answers with a server error, or with the kept one when the network is slower than
// SLOW_MS.
function fromNetwork(req, key) {
  const kept = () => caches.open(CACHE).then((c) => c.match(key));
  const net = fetch(req).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(key, copy));
      return res;
    }
    // A proxy in front of a gateway that is down answers 502 or 503: the kept copy is better.
    return res.status >= 500 ? kept().then((hit) => hit || res) : res;
  });
  const failed = net.catch(() => kept().then((hit) => hit || Response.error()));
  const slow = new Promise((resolve) => setTimeout(resolve, SLOW_MS)).then(kept).then((hit) => hit || failed);
  return Promise.race([failed, slow]);
}
