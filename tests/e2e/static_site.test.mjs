// End-to-end tests of the static site (issue 15): the release build (dist/) served by a plain
// static server with no cross-origin isolation header (static_server.mjs), under the sub-path
// /gmp/, as GitHub Pages would serve it. The tests run in order in one browser profile, as one
// visitor's story: the first visit, an isolated reload, threads mode sleeping in Atomics.wait,
// Share on the sub-path, a reload offline, an update to a new build. A last test blocks service
// workers: threads mode then says its workers spin.
// Builds nothing: build the page first (`trunk build --release`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIST, launch, fragment } from './lib.mjs';
import { serveStatic } from './static_server.mjs';

let srv;
let browser;
let page;
const errors = [];
/** Every response the page and its workers got: [url, from the service worker]. */
const responses = [];
let navigations = 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-site-'));

before(async () => {
  srv = await serveStatic(DIST, { base: '/gmp/' });
  browser = await launch();
  page = await browser.context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => responses.push([r.url(), r.fromServiceWorker()]));
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });
});

after(async () => {
  await browser?.close();
  await srv?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  assert.deepEqual(errors, [], 'the page logged errors');
});

/** The build in `dir`: its id and files, as its sw.js lists them. */
function buildOf(dir) {
  const sw = fs.readFileSync(path.join(dir, 'sw.js'), 'utf8');
  // As written (`const BUILD = '…';`) or minified by a release build (`const BUILD="…",FILES=[…]`).
  return { id: sw.match(/\bBUILD\s*=\s*["']([0-9a-f]+)["']/)[1], files: JSON.parse(sw.match(/\bFILES\s*=\s*(\[[^\]]*\])/)[1]) };
}

/** Resolves once `fn` (run in the page) is truthy, across the page's own reloads. */
async function until(fn, arg, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      const v = await page.evaluate(fn, arg);
      if (v) return v;
    } catch { /* the page is reloading */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A fresh load of `url` (not a same-document jump to another fragment). */
async function open(url) {
  await page.goto('about:blank');
  await page.goto(url);
}

const cacheNames = () => page.evaluate(() => caches.keys());
const cachedPaths = (name) => page.evaluate(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname), name);
/** The page's own files, by name, that it loaded (its resource timing entries). */
const loaded = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.split('/').pop()));

test('the first visit caches the build, with the page\'s folder as scope, and reloads once, isolated', async () => {
  const { id, files } = buildOf(DIST);
  await page.goto(srv.url);
  await page.waitForSelector('[data-testid=clock]');
  await until(() => window.crossOriginIsolated && navigator.serviceWorker.controller && document.querySelector('[data-testid=clock]'), null, 'the isolated reload');
  assert.equal(navigations, 2, 'one navigation, one reload');
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope);
  assert.equal(scope, srv.url, 'the service worker\'s scope is the page\'s folder');
  await until((n) => caches.has(n), `gmp-${id}`, 'the build\'s cache');
  const cached = await cachedPaths(`gmp-${id}`);
  assert.deepEqual(cached.sort(), files.map((f) => `/gmp/${f}`).sort(), 'every file of the build is cached, as one set');
  // One wasm and one JS, the page's: threads mode's and the trace reader's workers run them too.
  const code = files.filter((f) => /\.(js|wasm)$/.test(f) && f !== 'sw.js');
  assert.deepEqual(code.map((f) => f.replace(/-[0-9a-f]+(_bg)?\./, '$1.')).sort(), ['app.js', 'app_bg.wasm'], code.join(' '));
  // The manifest and its icons are there (installable).
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel=manifest]').href;
    const m = await (await fetch(href)).json();
    const icons = await Promise.all(m.icons.map(async (i) => {
      const r = await fetch(new URL(i.src, href));
      const b = await createImageBitmap(await r.blob());
      return `${i.sizes} ${i.purpose} ${b.width}x${b.height}`;
    }));
    return { start: new URL(m.start_url, href).href, scope: new URL(m.scope, href).href, display: m.display, icons };
  });
  assert.equal(manifest.start, srv.url);
  assert.equal(manifest.scope, srv.url);
  assert.equal(manifest.display, 'standalone');
  assert.deepEqual(manifest.icons, ['192x192 any 192x192', '512x512 any 512x512', '192x192 maskable 192x192', '512x512 maskable 512x512']);
  assert.equal(await page.getAttribute('meta[name=theme-color]', 'content'), '#0b63c5');
});

test('a reload is served by the service worker, isolated, with no second reload', async () => {
  navigations = 0;
  const res = await page.reload();
  await page.waitForSelector('[data-testid=clock]');
  assert.equal(res.fromServiceWorker(), true);
  assert.equal(res.headers()['cross-origin-embedder-policy'], 'require-corp');
  assert.equal(await page.evaluate(() => window.crossOriginIsolated && typeof SharedArrayBuffer), 'function');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(navigations, 1);
});

test('threads mode on the plain host sleeps in Atomics.wait and completes', async () => {
  const json = JSON.stringify({
    version: 1, gomaxprocs: 1,
    funcs: { s: [{ syscall: '30ms' }, { work: '1ms' }, { done: 'wg' }] },
    main: [{ add: { wg: 'wg', n: 3 } }, { go: { func: 's', n: 3 } }, { wait: 'wg' }],
  });
  let workers = 0;
  const urls = [];
  const count = (w) => { workers += 1; urls.push(w.url()); };
  page.on('worker', count);
  const mark = responses.length;
  await open(srv.url + fragment(json, { mode: 'threads' }));
  await page.waitForSelector('[data-testid=threads][data-blocking=wait]');
  await page.waitForSelector('[data-testid=outcome]', { timeout: 30_000 });
  page.off('worker', count);
  const f = JSON.parse(await page.evaluate(() => window.__gmpThreads()));
  assert.match(f.outcome, /exit status 0/);
  assert.ok(f.gs_dead >= f.gs - 1, `${f.gs_dead} of ${f.gs}`);
  assert.ok(f.handoff_ms.n >= 1, 'sysmon handed the P of a blocked worker to another');
  assert.equal(f.syscalls_sleep, true, 'the workers slept in Atomics.wait');
  assert.equal(f.blocking, 'wait');
  assert.equal(await page.getAttribute('[data-testid=threads]', 'data-blocking'), 'wait');
  assert.ok(workers >= 2, `browser saw ${workers} workers`);
  // The workers are the page's own JS and wasm (src/web/own_worker.rs): blob modules importing
  // this build's JS, served by the service worker; no other script or wasm was fetched.
  assert.ok(urls.every((u) => u.startsWith('blob:')), urls.join(' '));
  const { files } = buildOf(DIST);
  const code = responses.slice(mark).filter(([u]) => u.startsWith(srv.url) && /\.(js|wasm)$/.test(u));
  assert.ok(code.length >= 2, code.map(([u]) => u).join(' '));
  for (const [u, sw] of code) {
    const f = u.slice(srv.url.length);
    if (f === 'sw.js') continue;
    assert.ok(files.includes(f), `${f} is this build's`);
    assert.equal(sw, true, `${f} came from the service worker`);
  }
});

test('Share on the sub-path gives a link on the page\'s own address, which opens', async () => {
  const json = JSON.stringify({ version: 1, name: 'sub-path share', gomaxprocs: 1, main: [{ work: '1ms' }] });
  await open(srv.url + fragment(json));
  await page.waitForSelector('[data-testid=clock]');
  await page.click('[data-testid=share]');
  const url = await page.inputValue('[data-testid=share-link]');
  assert.ok(url.startsWith(`${srv.url}#s=1.`), url);
  const other = await browser.context.newPage();
  try {
    await other.goto(url);
    await other.waitForSelector('[data-testid=clock]');
    assert.match(await other.textContent('.scenario-name'), /sub-path share/);
    assert.equal(await other.evaluate(() => window.crossOriginIsolated), true);
  } finally {
    await other.close();
  }
});

test('a reload offline is served from the cache and works, isolated', async () => {
  const { files } = buildOf(DIST);
  const before = srv.log.length;
  await browser.context.setOffline(true);
  srv.down = true;
  try {
    const t = performance.now();
    await page.reload();
    await page.waitForSelector('[data-testid=clock]');
    assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
    // The page works: a step forward moves the clock.
    const c0 = await page.textContent('[data-testid=clock]');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((c) => document.querySelector('[data-testid=clock]').textContent !== c, c0);
    const names = await loaded();
    for (const n of names.filter((x) => /\.(js|wasm|css)$/.test(x))) assert.ok(files.includes(n), `${n} is this build's`);
    assert.ok(performance.now() - t < 30_000);
  } finally {
    await browser.context.setOffline(false);
    srv.down = false;
  }
  assert.deepEqual(srv.log.slice(before), [], 'nothing reached the server');
});

/**
 * A new build made from `from`: its page's JS and wasm carry `marker` (a comment, a wasm custom
 * section), so their hashes and names change, as a rebuild after a change does; index.html,
 * its integrity hashes and sw.js's id and list follow.
 */
function newBuild(from, to, marker) {
  fs.cpSync(from, to, { recursive: true });
  const old = buildOf(to);
  let index = fs.readFileSync(path.join(to, 'index.html'), 'utf8');
  const hash = (b) => crypto.createHash('sha256').update(b).digest('hex').slice(0, 16);
  const renames = {};
  const custom = (name, text) => {
    const n = Buffer.from(name);
    const t = Buffer.from(text);
    const body = Buffer.concat([Buffer.from([n.length]), n, t]);
    return Buffer.concat([Buffer.from([0, body.length]), body]); // one-byte LEB128 sizes
  };
  // The wasm, then the JS (which names it).
  for (const re of [/^app-[0-9a-f]+_bg\.wasm$/, /^app-[0-9a-f]+\.js$/]) {
    for (const f of old.files.filter((x) => re.test(x))) {
      let b = fs.readFileSync(path.join(to, f));
      if (f.endsWith('.wasm')) b = Buffer.concat([b, custom('gmp-build', marker)]);
      else {
        let s = b.toString('utf8');
        for (const [a, z] of Object.entries(renames)) s = s.split(a).join(z);
        b = Buffer.from(`${s}\n// ${marker}\n`);
      }
      const h = hash(b);
      const g = f.replace(/-[0-9a-f]+(_bg)?\./, `-${h}$1.`);
      fs.rmSync(path.join(to, f));
      fs.writeFileSync(path.join(to, g), b);
      renames[f] = g;
      const sri = `sha384-${crypto.createHash('sha384').update(b).digest('base64')}`;
      index = index.replace(new RegExp(`(href="\\./${f.replace(/\./g, '\\.')}"[^>]*integrity=")[^"]+"`), `$1${sri}"`);
    }
  }
  for (const [a, z] of Object.entries(renames)) index = index.split(a).join(z);
  fs.writeFileSync(path.join(to, 'index.html'), index);
  const files = old.files.map((f) => renames[f] || f).sort();
  const id = hash(files.map((f) => fs.readFileSync(path.join(to, f))).reduce((a, b) => Buffer.concat([a, b])));
  let sw = fs.readFileSync(path.join(to, 'sw.js'), 'utf8');
  sw = sw.replace(/\bBUILD\s*=\s*["'][0-9a-f]+["']/, `BUILD = '${id}'`).replace(/\bFILES\s*=\s*\[[^\]]*\]/, `FILES = ${JSON.stringify(files)}`);
  fs.writeFileSync(path.join(to, 'sw.js'), sw);
  return { id, files, renames };
}

test('an update to a new build loads only the new build\'s files, then works offline', async () => {
  const a = buildOf(DIST);
  const b = newBuild(DIST, path.join(tmp, 'b'), 'gmp e2e build b');
  assert.notEqual(a.id, b.id);
  srv.setDir(path.join(tmp, 'b'));
  responses.length = 0;
  await page.reload();
  await page.waitForSelector('[data-testid=clock]');
  assert.match(await page.content(), new RegExp(b.renames[a.files.find((f) => /^app-.*\.js$/.test(f))]));
  // The new service worker installs its set and takes over; the previous build's cache stays
  // for tabs still open on it.
  await until((n) => caches.has(n), `gmp-${b.id}`, 'the new build\'s cache');
  await until(async (id) => (await (await caches.open('gmp-meta')).match('current').then((r) => r && r.text())) === id, b.id, 'the new build to be active');
  assert.deepEqual((await cacheNames()).sort(), [`gmp-${a.id}`, `gmp-${b.id}`, 'gmp-meta'].sort());
  // Threads mode's workers run the new build's JS and wasm.
  const json = JSON.stringify({ version: 1, gomaxprocs: 2, funcs: { w: [{ work: '5ms' }] }, main: [{ go: { func: 'w', n: 2 } }, { work: '5ms' }] });
  await open(srv.url + fragment(json, { mode: 'threads' }));
  await page.waitForSelector('[data-testid=outcome]', { timeout: 30_000 });
  const isOwn = (u) => u.startsWith(srv.url);
  const assets = responses.map(([u]) => u).filter((u) => isOwn(u) && /\.(js|wasm)$/.test(u)).map((u) => u.slice(srv.url.length));
  assert.ok(assets.length >= 4, assets.join(' '));
  for (const f of assets) assert.ok(f === 'sw.js' || b.files.includes(f), `${f} is the new build's (no old file beside new ones)`);
  for (const f of Object.values(b.renames)) assert.ok(assets.includes(f), `${f} was loaded`);
  // Offline, the new build is what the cache gives.
  await browser.context.setOffline(true);
  srv.down = true;
  try {
    await open(srv.url);
    await page.waitForSelector('[data-testid=clock]');
    const names = (await loaded()).filter((x) => /\.(js|wasm)$/.test(x));
    assert.ok(names.length >= 2, names.join(' '));
    for (const n of names) assert.ok(b.files.includes(n), `offline: ${n} is the new build's`);
  } finally {
    await browser.context.setOffline(false);
    srv.down = false;
  }
});

test('with no service worker, the plain host is not isolated and threads mode says its workers spin', async () => {
  const plain = await launch({ serviceWorkers: 'block' });
  const s = await serveStatic(DIST, { base: '/gmp/' });
  try {
    const pg = await plain.context.newPage();
    const json = JSON.stringify({ version: 1, gomaxprocs: 1, funcs: { s: [{ syscall: '20ms' }] }, main: [{ go: { func: 's', n: 1 } }, { work: '2ms' }, { sleep: '40ms' }] });
    await pg.goto(s.url + fragment(json, { mode: 'threads' }));
    await pg.waitForSelector('[data-testid=outcome]', { timeout: 30_000 });
    assert.equal(await pg.evaluate(() => window.crossOriginIsolated), false);
    const f = JSON.parse(await pg.evaluate(() => window.__gmpThreads()));
    assert.match(f.outcome, /exit status 0/);
    assert.equal(f.syscalls_sleep, false);
    assert.equal(await pg.getAttribute('[data-testid=threads]', 'data-blocking'), 'spin');
  } finally {
    await plain.close();
    await s.close();
  }
});
