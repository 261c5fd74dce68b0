// The playground's service worker: after the first visit the page works offline. Every
// request of the page's own origin is answered from the cache when it can be, and
// refreshed from the network in the background (stale-while-revalidate), so a new
// version shows on the next visit.
const CACHE = "daemonset-sim-v3";
const SHELL = ["./", "./index.html", "./style.css", "./playground.css", "./manifest.webmanifest", "./icon.svg",
  "./pkg/daemonset_sim_web.js", "./pkg/daemonset_sim_web_bg.wasm",
  "./pkg/kubectl/daemonset_sim_web.js", "./pkg/kubectl/daemonset_sim_web_bg.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const key = url.pathname.endsWith("/") ? new Request(url.origin + url.pathname) : event.request;
      const cached = await cache.match(key, { ignoreSearch: true });
      const fresh = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(key, response.clone());
          return response;
        })
        .catch(() => cached);
      return cached ?? fresh;
    }),
  );
});
