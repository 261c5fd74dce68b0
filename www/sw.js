// The playground's service worker: after the first visit the page works offline. Every
// request of the page's own origin is answered from the cache when it can be, and
// refreshed from the network in the background (stale-while-revalidate), so a new
// version shows on the next visit.
const CACHE = "daemonset-sim-v4";
const SHELL = ["./", "./index.html", "./style.css", "./playground.css", "./manifest.webmanifest", "./icon.svg"];

// The modules and their scripts (the playground's two parts, its snippets, the kubectl
// module) are listed by the build in pkg/files.json.
async function moduleFiles() {
  const response = await fetch("./pkg/files.json", { cache: "no-cache" });
  if (!response.ok) throw new Error("pkg/files.json: HTTP " + response.status);
  return (await response.json()).map((file) => "./pkg/" + file);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([caches.open(CACHE), moduleFiles()])
      .then(([cache, files]) => cache.addAll([...SHELL, ...files]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The rest of the playground's module is named with its build's stamp; once a new one is
// kept, the others are of older builds.
const REST = /\/daemonset_sim_web_rest\.[0-9a-f]+\.wasm$/;
async function forgetOtherRests(cache, url) {
  if (!REST.test(url.pathname)) return;
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (REST.test(path) && path !== url.pathname) await cache.delete(request);
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const key = url.pathname.endsWith("/") ? new Request(url.origin + url.pathname) : event.request;
      const cached = await cache.match(key, { ignoreSearch: true });
      const fresh = fetch(event.request)
        .then((response) => {
          if (response.ok) {
            cache.put(key, response.clone());
            forgetOtherRests(cache, url);
          }
          return response;
        })
        .catch(() => cached);
      return cached ?? fresh;
    }),
  );
});
