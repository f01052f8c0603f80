// sw.js is pop3lab's service worker: after one visit the site works
// offline, and a return visit starts from the device instead of the
// network.
//
// `pop3lab build` writes the build's hash into the line `const build = …`
// below, so every new build is a new worker script: the browser notices it
// at the next visit, installs it beside the running one (it fills its own
// cache) and it waits until the page lets it take over (the page shows "A
// new version is ready — reload"). Every file of a build comes from the
// cache of that build, so the page, its scripts, the program and the course
// always belong together.
//
// The scope is the worker's own directory, so the site works under any
// sub-path; caches are named after the scope, so two sites on one origin
// keep theirs apart.
"use strict";

const build = "unbuilt";

const prefix = "pop3lab " + self.registration.scope + " ";
const cacheName = prefix + build;

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(prefix) && name !== cacheName) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

// The page asks the waiting worker to take over when the learner chooses
// to reload.
self.addEventListener("message", (event) => {
  if (event.data === "take-over") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(self.registration.scope)) {
    return;
  }
  const name = request.url.slice(self.registration.scope.length).split(/[?#]/)[0];
  if (name === "sw.js") {
    return;
  }
  event.respondWith(answer(request, name));
});

// precache fills this build's cache with every file that app.json lists.
// The requests revalidate what the browser's HTTP cache holds (a file just
// downloaded by the first visit costs a 304, not a second download), and an
// app.json of another build fails the install, to be tried again at the
// next visit.
async function precache() {
  const response = await fetch("app.json", { cache: "no-cache" });
  if (!response.ok) {
    throw new Error("app.json: " + response.status);
  }
  const manifest = await response.clone().json();
  if (manifest.build !== build) {
    throw new Error("app.json is of build " + manifest.build + ", this worker of build " + build);
  }
  const cache = await caches.open(cacheName);
  // The program as this visit downloaded it: brotli-encoded by a host
  // that sends app.wasm.br (the browser's HTTP cache has it), else the
  // gzip copy that app.json lists.
  const program = manifest.wasm + "?v=" + manifest.version;
  let files = manifest.files;
  try {
    const r = await fetch(program, { cache: "only-if-cached", mode: "same-origin" });
    if (r.ok) {
      await cache.put(program, r);
      files = files.filter((f) => f !== manifest.gz + "?v=" + manifest.version);
    }
  } catch (err) {
    // Not in the HTTP cache: the gzip copy it is.
  }
  await Promise.all(files.map(async (file) => {
    const r = await fetch(file, { cache: "no-cache" });
    if (!r.ok) {
      throw new Error(file + ": " + r.status);
    }
    await cache.put(file, storable(r));
  }));
  await cache.put("app.json", response);
}

// storable returns r as the cache keeps it for a visit to come:
//   - without its Link header: the page's header preloads the program from
//     the network (see web.Handler), which a visit served from this cache
//     does not fetch;
//   - as a response of its own when it came after a redirect (a static
//     host that sends index.html on to "./"): the browser refuses a
//     redirected response as the answer to a navigation, and the page
//     would not load at all.
function storable(r) {
  if (!r.headers.has("Link") && !r.redirected) {
    return r;
  }
  const headers = new Headers(r.headers);
  headers.delete("Link");
  return new Response(r.body, { status: r.status, statusText: r.statusText, headers: headers });
}

// answer serves request from this build's cache. A request the cache does
// not hold goes to the network; a directory (the site's own, lessons/) is
// its index.html. Requests made with cache "no-store" (the classroom's live
// state) ask the network first and the cache only when offline.
async function answer(request, name) {
  const cache = await caches.open(cacheName);
  const directory = name === "" || name.endsWith("/");
  const cached = () => cache.match(directory ? name + "index.html" : request, { ignoreSearch: true });
  if (request.cache === "no-store") {
    try {
      return await fetch(request);
    } catch (err) {
      const hit = await cached();
      if (hit) {
        return hit;
      }
      throw err;
    }
  }
  const hit = await cached();
  return hit || fetch(request);
}
