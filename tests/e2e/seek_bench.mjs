// Seek speed of the built page (build it first: `trunk build --release`, and
// `cargo build --release --bin gmpsim`) against native gmpsim on the same run, in headless Chromium.
//
//   node seek_bench.mjs [--json FILE] [--repeat N]
//
// Opens `scenarios/seek-1m.json` (1,000,000 goroutines on 8 Ps) with `&step=1000000`, and
// measures: navigation to the board at step 1,000,000 (the seek runs in slices with a progress
// bar), the page's longest task meanwhile (a PerformanceObserver for long tasks, registered
// before the page loads), and the same seek natively: `gmpsim run --until-step 1000000`.
// Targets (issue 14): the page within 3× of native; no task over 200 ms.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, serve, launch, fragment } from './lib.mjs';

const args = process.argv.slice(2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const repeat = args.includes('--repeat') ? Number(args[args.indexOf('--repeat') + 1]) : 3;
const FILE = path.join(ROOT, 'tests', 'e2e', 'scenarios', 'seek-1m.json');
const GMPSIM = process.env.GMPSIM || path.join(ROOT, 'target', 'release', 'gmpsim');
const STEP = 1_000_000;
const min = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const native = [];
for (let i = 0; i < repeat; i++) {
  const t0 = process.hrtime.bigint();
  execFileSync(GMPSIM, ['run', FILE, '--until-step', String(STEP), '--format', 'summary'], { encoding: 'utf8' });
  native.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
console.log(`native gmpsim --until-step ${STEP}: best ${min(native).toFixed(0)} ms, median ${median(native).toFixed(0)} ms`);

const srv = await serve();
const { context, close } = await launch();
const runs = [];
try {
  for (let i = 0; i < repeat; i++) {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask', buffered: true });
    });
    await page.goto(srv.url + fragment(fs.readFileSync(FILE, 'utf8'), { step: STEP }) + `&run=${i}`);
    await page.waitForSelector('[data-testid=seek-progress]');
    const t1 = await page.evaluate(() => performance.now());
    await page.waitForSelector(`[data-testid=clock][data-step="${STEP}"]`, { timeout: 600_000 });
    await page.waitForSelector('[data-testid=seek-progress]', { state: 'detached' });
    const r = await page.evaluate(() => ({ done: performance.now(), first: window.__gmpFirstRender, long: window.__longTasks }));
    // From the first render (the seek starts right after it) to the board at the step.
    const seekMs = r.done - r.first;
    // Long tasks once the page has rendered (loading the page and compiling its wasm come before).
    const during = r.long.filter(([t]) => t >= r.first).map(([, d]) => d);
    const when = r.long.filter(([t]) => t >= r.first).map(([t, d]) => `${d.toFixed(0)}@${(t - r.first).toFixed(0)}`);
    const loading = r.long.filter(([t]) => t < r.first).map(([, d]) => d);
    runs.push({ seekMs, fromProgressMs: r.done - t1, longestTaskMs: during.length ? Math.max(...during) : 0, longTasks: during, loadingTasks: loading, errors });
    console.log(`page run ${i + 1}: seek ${seekMs.toFixed(0)} ms; longest task while seeking ${runs[i].longestTaskMs.toFixed(0)} ms (${during.length} over 50 ms: ${during.map((d) => d.toFixed(0)).join(' ')}); while loading ${loading.map((d) => d.toFixed(0)).join(' ')}; duration@start after the first render: ${when.join(' ')}`);
    await page.close();
  }
} finally {
  await close();
  await srv.close();
}
const page = median(runs.map((r) => r.seekMs));
const worstTask = Math.max(...runs.map((r) => r.longestTaskMs));
const ratio = page / min(native);
console.log(`page seek median ${page.toFixed(0)} ms vs native best ${min(native).toFixed(0)} ms: ${ratio.toFixed(2)}×; longest task ${worstTask.toFixed(0)} ms`);
const res = { when: new Date().toISOString(), nativeMs: native, page: runs, ratio, worstTask, targets: { ratio3x: ratio <= 3, task200: worstTask <= 200 } };
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(res, null, 2));
