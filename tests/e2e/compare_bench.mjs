// Benchmark of the compare view (issue 13) on the built page (`trunk build --release` first), in
// headless Chromium:
//
//   node compare_bench.mjs [--json FILE] [--check] [--repeat N] [--seconds S]
//
// Two lanes of 10,000 goroutines on GOMAXPROCS 64 each (tests/e2e/scenarios/bench-10k.json with
// seed 9 in lane A and seed 10 in lane B) play together at 100 steps/s. Measured, as bench.mjs
// measures the main board:
//   - whole frame: each frame's main-thread time, from a probe's animation-frame callback
//     (registered before the page starts playing, so it runs first) until a message it posts is
//     delivered, after the page's work and the browser's style, layout and paint (target: p95
//     ≤ 16 ms);
//   - page work per frame (window.__gmpFrames: both lanes' steps, views and Yew's render);
//   - while the divergence scan still runs in the background (8 ms slices between frames), and
//     after it has finished;
//   - how long the first divergence and the whole scan take to appear;
//   - the page's wasm and JS, gzipped.
// The play is repeated (--repeat, default 3) and the verdict uses the median of the runs' p95.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST, ROOT, serve, launch, openPage } from './lib.mjs';

const args = process.argv.slice(2);
const arg = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const jsonOut = arg('--json', null);
const check = args.includes('--check');
const repeat = Number(arg('--repeat', 3));
const seconds = Number(arg('--seconds', 8));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r1 = (x) => Math.round(x * 10) / 10;

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return { n: 0, median: 0, p95: 0, p99: 0, max: 0 };
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1] };
}
const fmt = (o) => `median ${r1(o.median)} ms, p95 ${r1(o.p95)} ms, p99 ${r1(o.p99)} ms, max ${r1(o.max)} ms (n=${o.n})`;

function bundleSize() {
  let gz = 0;
  for (const f of fs.readdirSync(DIST).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'))) {
    gz += zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length;
  }
  return gz;
}

const packed = (json) => `1.${zlib.deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64url')}`;
const A = fs.readFileSync(path.join(ROOT, 'tests', 'e2e', 'scenarios', 'bench-10k.json'), 'utf8');
const B = A.replace('"seed": 9', '"seed": 10');
if (A === B) throw new Error('bench-10k.json has no "seed": 9 to change');

/** Plays both lanes for `ms` at the speed set, measuring every frame. */
async function playFor(page, ms) {
  await page.evaluate(() => {
    window.__gmpFrames = [];
    window.__whole = [];
    window.__stop = false;
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => window.__whole.push(performance.now() - e.data);
    const tick = () => {
      ch.port2.postMessage(performance.now());
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const s0 = Number(await page.getAttribute('[data-testid=clock]', 'data-step'));
  await page.click('[data-testid=compare-play]');
  await page.waitForTimeout(ms);
  await page.click('[data-testid=compare-play]');
  const whole = await page.evaluate(() => { window.__stop = true; return window.__whole; });
  const work = await page.evaluate(() => window.__gmpFrames);
  const s1 = Number(await page.getAttribute('[data-testid=clock]', 'data-step'));
  return { whole: stats(whole.slice(2)), work: stats(work), steps: s1 - s0, stepsPerS: (s1 - s0) / (ms / 1000) };
}

const results = { when: new Date().toISOString(), seconds, runs: [] };
const srv = await serve();
const { context, close } = await launch();
try {
  for (let run = 0; run < repeat; run++) {
    const t0 = Date.now();
    const { page, errors } = await openPage(context, srv.url + `?run=${run}#s=${packed(A)}&vs=${packed(B)}`);
    await page.waitForSelector('[data-lane=b] section[data-p]', { state: 'attached' }).catch(() => {});
    await page.selectOption('[data-testid=compare-speed]', '100');
    // Step 1 so both boards hold 64 Ps.
    await page.click('[data-testid=compare-forward]');
    await page.waitForSelector('[data-lane=b] section[data-p="63"]');
    const during = await playFor(page, seconds * 1000);
    await page.waitForSelector('[data-testid=first-divergence][data-step]', { timeout: 600_000 });
    const firstMs = Date.now() - t0;
    await page.waitForSelector('[data-testid=summary-deltas]', { timeout: 600_000 });
    const scanMs = Date.now() - t0;
    const first = await page.getAttribute('[data-testid=first-divergence]', 'data-step');
    const after = await playFor(page, seconds * 1000);
    console.log(`run ${run + 1}/${repeat}: first divergence at step ${first} shown after ${firstMs} ms, scan over after ${scanMs} ms`);
    for (const [k, r] of [['while the scan runs', during], ['after the scan', after]]) {
      console.log(`  ${k}: ${r1(r.stepsPerS)} steps/s; whole frame ${fmt(r.whole)}; page work ${fmt(r.work)}`);
    }
    results.runs.push({ during, after, firstMs, scanMs, first, errors });
    await page.close();
  }
} finally {
  await close();
  await srv.close();
}
const over = (phase, what) => median(results.runs.map((r) => r[phase][what].p95));
results.summary = {
  duringWholeP95: over('during', 'whole'), duringWorkP95: over('during', 'work'),
  afterWholeP95: over('after', 'whole'), afterWorkP95: over('after', 'work'),
  stepsPerS: median(results.runs.map((r) => r.after.stepsPerS)),
  scanMs: median(results.runs.map((r) => r.scanMs)),
};
results.pageGzipBytes = bundleSize();
console.log(`medians over ${repeat} runs: whole frame p95 ${r1(results.summary.duringWholeP95)} ms while scanning, ${r1(results.summary.afterWholeP95)} ms after;`
  + ` page work p95 ${r1(results.summary.duringWorkP95)} / ${r1(results.summary.afterWorkP95)} ms; ${r1(results.summary.stepsPerS)} steps/s; scan ${results.summary.scanMs} ms`);
console.log(`page (wasm + JS, gzipped): ${results.pageGzipBytes} bytes`);
const ok = results.summary.duringWholeP95 <= 16 && results.summary.afterWholeP95 <= 16 && results.runs.every((r) => r.errors.length === 0);
console.log(ok ? 'target met: frame p95 ≤ 16 ms' : 'target MISSED: frame p95 > 16 ms (or page errors)');
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(results, null, 2));
if (check && !ok) process.exit(1);
