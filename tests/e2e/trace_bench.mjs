// Reading speed of a Go execution trace in the built page against native gmpsim on the same
// file, in headless Chromium (build first: `trunk build --release` and
// `cargo build --release --bin gmpsim`; Go 1.26.6 as .ci/setup installs it).
//
//   node trace_bench.mjs [--mb 100] [--repeat 3] [--file TRACE] [--json OUT]
//
// Writes a trace of about `--mb` MB with tests/trace/big (Go 1.26.6; or reads `--file`), then:
//   - native: `gmpsim trace FILE --format json` (the same pass: every event, the summary), wall
//     time; native and page runs alternate, so both meet the same load;
//   - the page: the file through the trace panel's input; the worker's own reading time (first
//     chunk to the answer: `data-read-us`, what the 3× target is about), and from choosing the
//     file to the real run drawn (worker start-up, wasm compile and drawing included); the
//     longest task on the main thread meanwhile (a PerformanceObserver for long tasks).
// Targets (issue 12): the page within 3× of native; no long task while reading (the page never
// freezes).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, serve, launch, longTaskPage } from './lib.mjs';

const args = process.argv.slice(2);
const arg = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const mb = Number(arg('--mb', 100));
const repeat = Number(arg('--repeat', 3));
const jsonOut = arg('--json', null);
const GMPSIM = process.env.GMPSIM || path.join(ROOT, 'target', 'release', 'gmpsim');
const GO = process.env.GMP_GO_1_26 || path.join(os.homedir(), '.cache/gmp-playground/go-1.26.6/lib/python3.11/site-packages/go/bin/go');
const min = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let file = arg('--file', null);
let tmp = null;
if (!file) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-trace-bench-'));
  execFileSync(GO, ['build', '-o', path.join(tmp, 'big'), 'main.go'], { cwd: path.join(ROOT, 'tests', 'trace', 'big'), env: { ...process.env, GO111MODULE: 'off' }, stdio: 'pipe' });
  file = path.join(tmp, 'big.trace');
  execFileSync(path.join(tmp, 'big'), [file, String(mb * 1e6)], { stdio: 'pipe', timeout: 600_000 });
}
const bytes = fs.statSync(file).size;
console.log(`trace: ${file}, ${(bytes / 1e6).toFixed(1)} MB`);

// Native and page runs alternate, so both meet the same load on this shared machine.
const native = [];
let summary;
const mbps = (ms) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
function nativeRun() {
  const t0 = process.hrtime.bigint();
  summary = JSON.parse(execFileSync(GMPSIM, ['trace', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  native.push(ms);
  console.log(`native run ${native.length}: gmpsim trace --format json ${ms.toFixed(0)} ms (${mbps(ms)} MB/s)`);
}
const srv = await serve();
const { context, close } = await launch();
const runs = [];
try {
  for (let i = 0; i < repeat; i++) {
    nativeRun();
    const { page, errors } = await longTaskPage(context);
    await page.goto(srv.url);
    await page.waitForSelector('[data-testid=trace-file]');
    await page.waitForTimeout(500);
    const t0 = await page.evaluate(() => performance.now());
    await page.locator('[data-testid=trace-file]').setInputFiles(file);
    await page.waitForSelector('[data-testid=trace-real]', { timeout: 600_000 });
    const r = await page.evaluate(() => ({
      done: performance.now(),
      long: window.__longTasks,
      readUs: Number(document.querySelector('[data-testid=trace-summary]').dataset.readUs),
      goroutines: Number(document.querySelector('[data-testid=trace-real]').dataset.goroutines),
    }));
    const during = r.long.filter(([t]) => t >= t0).map(([, d]) => d);
    const run = { readMs: r.readUs / 1000, toDrawnMs: r.done - t0, longestTaskMs: during.length ? Math.max(...during) : 0, longTasks: during, errors };
    if (r.goroutines !== summary.goroutines) errors.push(`page says ${r.goroutines} goroutines, gmpsim ${summary.goroutines}`);
    runs.push(run);
    console.log(`page run ${i + 1}: worker read ${run.readMs.toFixed(0)} ms (${mbps(run.readMs)} MB/s); chosen → drawn ${run.toDrawnMs.toFixed(0)} ms; longest main-thread task meanwhile ${run.longestTaskMs.toFixed(0)} ms (${during.length} over 50 ms)`);
    await page.close();
  }
} finally {
  await close();
  await srv.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(`native gmpsim trace --format json: best ${min(native).toFixed(0)} ms (${mbps(min(native))} MB/s), median ${median(native).toFixed(0)} ms`);
const pageBest = min(runs.map((r) => r.readMs));
const ratio = pageBest / min(native);
const ratios = runs.map((r, i) => r.readMs / native[i]);
console.log(`page/native run by run: ${ratios.map((x) => x.toFixed(2)).join(' ')}×`);
const longest = Math.max(...runs.map((r) => r.longestTaskMs));
console.log(`page/native (best of ${repeat} each): ${ratio.toFixed(2)}× (target ≤ 3×); longest main-thread task while reading: ${longest.toFixed(0)} ms`);
const results = { bytes, nativeMs: native, pageRuns: runs, ratio, ratios, longestTaskMs: longest, pass: { ratio: ratio <= 3, errors: runs.every((r) => r.errors.length === 0) } };
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(results, null, 2));
if (!results.pass.errors) {
  console.error(runs.flatMap((r) => r.errors).join('\n'));
  process.exitCode = 1;
}
