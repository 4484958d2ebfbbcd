// The playground's service worker (issue 15), registered by www/sw-register.js with the page's
// own folder as its scope (so it works under a sub-path such as /gmp/). It
//  - keeps every file of one build in one cache, `gmp-<build>`, filled at install time from
//    the list trunk's post-build hook (www/stamp-build.sh) writes below: the page works offline
//    after its first visit;
//  - serves pages network first (the cached index.html when offline) and the build's files,
//    whose names carry their hash, cache first: index.html and the files it names always come
//    from one build, never an old wasm beside a new JS;
//  - adds the cross-origin isolation headers (COOP/COEP, and CORP) to everything it serves, so
//    the page is cross-origin isolated on a host that cannot send them (GitHub Pages and the
//    like) and threads mode's blocked workers sleep in Atomics.wait instead of spinning.
// A new build is a new sw.js (its id and file list change): the browser installs it beside
// the old one, it caches its own set, then takes over; the previous build's cache is kept for
// tabs still open on it, older ones are deleted.

const BUILD = '__GMP_BUILD__';
const FILES = [/*__GMP_FILES__*/];
const CACHE = `gmp-${BUILD}`;
const META = 'gmp-meta';
// trunk's hashed names (app-<hash>.js, app-<hash>_bg.wasm, style-<hash>.css; the page's workers
// run the same two, src/web/own_worker.rs): one URL, one content, for ever.
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.[a-z]+$/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    try {
      // Past the HTTP cache: a stale index.html would not belong to this set.
      const got = await Promise.all(FILES.map(async (f) => {
        const res = await fetch(new Request(f, { cache: 'reload' }));
        if (!res.ok) throw new Error(`${f}: HTTP ${res.status}`);
        return [f, res];
      }));
      // The set is one build's only if its index.html names the build's hashed files (a deploy
      // between fetching sw.js and fetching the files would mix two).
      const index = got.find(([f]) => f === 'index.html');
      if (index) {
        const text = await index[1].clone().text();
        for (const [f] of got) {
          if (HASHED.test(f) && !f.endsWith('_bg.wasm') && !text.includes(f)) throw new Error(`index.html does not name ${f}`);
        }
      }
      await Promise.all(got.map(([f, res]) => cache.put(f, res)));
    } catch (e) {
      await caches.delete(CACHE);
      throw e; // the install fails; the browser tries again at a later visit
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const meta = await caches.open(META);
    const prev = await meta.match('current').then((r) => (r ? r.text() : null));
    if (prev !== BUILD) await meta.put('current', new Response(BUILD));
    const keep = new Set([CACHE, META, `gmp-${prev}`]);
    for (const name of await caches.keys()) {
      if (name.startsWith('gmp-') && !keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/** `res` with the cross-origin isolation headers (redirects and opaque answers as they are). */
function isolated(res) {
  if (!res || res.status === 0 || res.type === 'opaqueredirect') return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function fromCache(req) {
  const cache = await caches.open(CACHE);
  return cache.match(req, { ignoreSearch: true });
}

/** Pages: the network's (the newest build), or this build's index.html when offline. */
async function page(req) {
  try {
    return isolated(await fetch(req));
  } catch (e) {
    const url = new URL(req.url);
    const hit = (url.pathname.endsWith('/') ? null : await fromCache(req)) || (await fromCache('index.html'));
    if (hit) return isolated(hit);
    throw e;
  }
}

/** A hashed file: from whichever build's cache holds it, else the network. */
async function hashed(req) {
  const hit = await caches.match(req, { ignoreSearch: true });
  return isolated(hit || (await fetch(req)));
}

/** Anything else (the manifest, the icons): the network's, this build's when offline. */
async function other(req) {
  try {
    return isolated(await fetch(req));
  } catch (e) {
    const hit = await fromCache(req);
    if (hit) return isolated(hit);
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') event.respondWith(page(req));
  else if (HASHED.test(url.pathname)) event.respondWith(hashed(req));
  else event.respondWith(other(req));
});
