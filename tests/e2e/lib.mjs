// Shared by the end-to-end suite and the benchmark: a tiny static server for the already built
// dist/ on 127.0.0.1, and Debian's Chromium through playwright-core (never a downloaded browser).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.GMP_DIST ? path.resolve(process.env.GMP_DIST) : path.join(ROOT, 'dist');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/** Serves `dir` on 127.0.0.1 (a free port). Resolves to { url, close }. */
export function serve(dir = DIST) {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: build the page first (trunk build --release)`);
  }
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    let p = path.normalize(decodeURIComponent(u.pathname)).replace(/^([/\\])+/, '');
    if (p === '' || p.endsWith('/')) p += 'index.html';
    const file = path.join(dir, p);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    // Cross-origin isolated, as `trunk serve` is (Trunk.toml): threads mode's syscalls then
    // sleep in Atomics.wait. GMP_NO_COI=1 serves without (as a plain static host would).
    const coi = process.env.GMP_NO_COI ? {} : { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store', ...coi });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * Launches headless Chromium with a fresh profile (its own --user-data-dir, removed on close).
 * Resolves to { context, close }; every page of the context shares that profile's storage.
 * `options` go to Playwright's launchPersistentContext (`{ serviceWorkers: 'block' }`).
 */
export async function launch(options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The share-link fragment for a scenario's JSON text (raw DEFLATE, base64url, no padding). */
export function fragment(json, params = {}) {
  const payload = zlib.deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64url');
  const extra = Object.entries(params).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join('');
  return `#s=1.${payload}${extra}`;
}

/**
 * Opens a page in `context`, waits for the `ready` selector (the step-mode clock unless told),
 * and collects every console error and page error in `errors` (the tests fail on any).
 *
 * `cpuThrottle` slows the page's CPU that many times (Chromium's DevTools throttling) from before
 * it loads, for a test that must act while long work runs whatever the machine's speed;
 * `setCpuThrottle(page, 1)` ends it.
 */
export async function openPage(context, url, { viewport = { width: 1440, height: 900 }, colorScheme = 'light', reducedMotion = 'no-preference', ready = '[data-testid=clock]', cpuThrottle } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme, reducedMotion });
  if (cpuThrottle) await setCpuThrottle(page, cpuThrottle);
  await page.goto(url);
  await page.waitForSelector(ready);
  return { page, errors };
}

const cdpSessions = new WeakMap();

/** Slows `page`'s CPU `rate` times through the DevTools protocol (1 is full speed). */
export async function setCpuThrottle(page, rate) {
  if (!cdpSessions.has(page)) cdpSessions.set(page, await page.context().newCDPSession(page));
  await cdpSessions.get(page).send('Emulation.setCPUThrottlingRate', { rate });
}

const AXE = fileURLToPath(new URL('./node_modules/axe-core/axe.min.js', import.meta.url));

/**
 * Runs axe-core (npm, pinned in package.json) on the page as it is now, WCAG 2 A/AA rules and
 * axe's best practices, and resolves to its violations as readable lines, one per element:
 * `rule-id (impact): target — summary`. An empty list is a page with no violation found.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE });
  }
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target} — ${n.summary.replace(/\s+/g, ' ')}`));
}

/**
 * A new page for the benchmarks: its page errors collected in `errors`, and every long task
 * (over 50 ms on the main thread) recorded in `window.__longTasks` as [start, duration].
 */
export async function longTaskPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
      .observe({ type: 'longtask', buffered: true });
  });
  return { page, errors };
}
