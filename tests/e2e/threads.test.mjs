// End-to-end tests of threads mode (issue 4): the core on the page's main thread in real time,
// every M a real dedicated Web Worker running the page's own wasm. Workers are counted from the
// browser's side (Playwright's `worker` events) as well as from the page's `[data-testid=threads]`.
// Builds nothing: build the page first (`trunk build --release`).

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, fragment } from './lib.mjs';

let srv;
let browser;
let page;
let errors;

before(async () => {
  srv = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

afterEach(async () => {
  if (page) {
    const errs = errors;
    await page.evaluate(() => localStorage.clear()).catch(() => {});
    await page.close();
    page = undefined;
    assert.deepEqual(errs, [], 'the page logged errors');
  }
});

/**
 * Opens `json` directly in threads mode; counts the dedicated workers the browser starts.
 * Resolves to { page, workers: () => number }.
 */
async function openThreads(json) {
  let count = 0;
  ({ page, errors } = await openPageCounting(json, () => { count += 1; }));
  return { page, workers: () => count };
}

async function openPageCounting(json, onWorker) {
  const ctx = browser.context;
  const pg = await ctx.newPage();
  const errs = [];
  pg.on('console', (m) => { if (m.type() === 'error') errs.push(`console: ${m.text()}`); });
  pg.on('pageerror', (e) => errs.push(`pageerror: ${e.message}`));
  pg.on('worker', onWorker);
  await pg.goto(srv.url + fragment(json, { mode: 'threads' }));
  await pg.waitForSelector('[data-testid=threads]');
  return { page: pg, errors: errs };
}

async function figures(pg) {
  return JSON.parse(await pg.evaluate(() => window.__gmpThreads()));
}

/**
 * Samples the run's figures every 10 ms for `spanMs` (a span in which the running core would
 * have stepped many times) and checks that neither the step counter nor the wall clock moved
 * from `a`'s.
 */
async function assertStill(pg, a, spanMs, when) {
  const samples = await pg.evaluate(async (span) => {
    const out = [];
    const end = performance.now() + span;
    while (performance.now() < end) {
      out.push(JSON.parse(window.__gmpThreads()));
      await new Promise((r) => setTimeout(r, 10));
    }
    return out;
  }, spanMs);
  assert.ok(samples.length >= 10, `${when}: only ${samples.length} samples in ${spanMs} ms`);
  for (const b of samples) {
    assert.equal(b.step, a.step, `${when}: no step while paused (over ${spanMs.toFixed(0)} ms)`);
    assert.ok(Math.abs(b.wall_ms - a.wall_ms) < 1, `${when}: the clock stands still (${a.wall_ms} → ${b.wall_ms})`);
  }
}

async function waitOutcome(pg, timeout = 30_000) {
  await pg.waitForSelector('[data-testid=outcome]', { timeout });
  return figures(pg);
}

test('a CPU-bound scenario with GOMAXPROCS 2 creates at least 2 workers and completes every goroutine', async () => {
  const json = JSON.stringify({
    version: 1, gomaxprocs: 2,
    funcs: { w: [{ work: '40ms' }, { done: 'wg' }] },
    main: [{ add: { wg: 'wg', n: 4 } }, { go: { func: 'w', n: 4 } }, { wait: 'wg' }],
  });
  const { page: pg, workers } = await openThreads(json);
  const f = await waitOutcome(pg);
  assert.match(f.outcome, /exit status 0/);
  assert.ok(f.gs_dead >= f.gs - 1, `${f.gs_dead} of ${f.gs} goroutines ended (main returns last)`);
  assert.ok(f.created >= 2, `page counted ${f.created} workers`);
  assert.ok(workers() >= 2, `browser saw ${workers()} workers`);
  assert.ok(Number(await pg.getAttribute('[data-testid=threads]', 'data-peak')) >= 2);
  assert.ok(f.preemptions > 0, 'sysmon preempted after the 10 ms slice');
});

test('a blocking-syscall scenario with GOMAXPROCS 1 creates at least 2 workers and completes', async () => {
  const json = JSON.stringify({
    version: 1, gomaxprocs: 1,
    funcs: { s: [{ syscall: '30ms' }, { work: '1ms' }, { done: 'wg' }] },
    main: [{ add: { wg: 'wg', n: 3 } }, { go: { func: 's', n: 3 } }, { wait: 'wg' }],
  });
  const { page: pg, workers } = await openThreads(json);
  const f = await waitOutcome(pg);
  assert.match(f.outcome, /exit status 0/);
  assert.ok(f.gs_dead >= f.gs - 1, `${f.gs_dead} of ${f.gs}`);
  assert.ok(f.created >= 2, `page counted ${f.created} workers`);
  assert.ok(workers() >= 2, `browser saw ${workers()} workers`);
  assert.ok(f.handoff_ms.n >= 1, 'sysmon handed the P of a blocked worker to another');
  // The test server is cross-origin isolated (as `trunk serve` is): blocked workers sleep.
  assert.equal(f.syscalls_sleep, true);
});

test('1,000 network waits with GOMAXPROCS 2 complete with no more than 3 workers', async () => {
  const json = JSON.stringify({
    version: 1, gomaxprocs: 2,
    // Each goroutine waits on the poller, then computes a little on a worker.
    funcs: { io: [{ net: '5ms' }, { work: '20us' }, { done: 'wg' }] },
    main: [{ add: { wg: 'wg', n: 1000 } }, { go: { func: 'io', n: 1000 } }, { wait: 'wg' }],
  });
  const { page: pg, workers } = await openThreads(json);
  const f = await waitOutcome(pg, 60_000);
  assert.match(f.outcome, /exit status 0/);
  assert.ok(f.gs_dead >= f.gs - 1, `${f.gs_dead} of ${f.gs}`);
  assert.ok(f.peak <= 3, `page peak ${f.peak}`);
  assert.ok(workers() <= 3 && workers() >= 1, `browser saw ${workers()} workers`);
});

test('the workers run the page\'s own wasm: blob modules handed its compiled module, nothing else fetched', async () => {
  const json = JSON.stringify({
    version: 1, gomaxprocs: 2,
    funcs: { w: [{ work: '20ms' }, { done: 'wg' }] },
    main: [{ add: { wg: 'wg', n: 4 } }, { go: { func: 'w', n: 4 } }, { wait: 'wg' }],
  });
  const urls = [];
  const code = [];
  const pg = await browser.context.newPage();
  page = pg;
  errors = [];
  pg.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  pg.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  pg.on('worker', (w) => urls.push(w.url()));
  // The page's and its workers' requests (a worker's imports are reported on its page).
  pg.on('request', (r) => { if (/\.(js|wasm)$/.test(r.url()) && !r.url().endsWith('/sw.js')) code.push(r.url()); });
  await pg.goto(srv.url + fragment(json, { mode: 'threads' }));
  await pg.waitForSelector('[data-testid=outcome]', { timeout: 30_000 });
  const f = await figures(pg);
  assert.match(f.outcome, /exit status 0/);
  assert.ok(f.created >= 2 && urls.length >= 2, `page counted ${f.created} workers, browser saw ${urls.length}`);
  // src/web/own_worker.rs: each worker is a blob module (no worker file in the build) ...
  assert.ok(urls.every((u) => u.startsWith('blob:')), urls.join(' '));
  const js = await pg.evaluate(() => document.querySelector('link[rel=modulepreload][href*=app]').href);
  const wasm = await pg.evaluate(() => document.querySelector('link[rel=preload][href$=".wasm"]').href);
  assert.deepEqual([...new Set(code)].sort(), [js, wasm].sort(), 'only the page\'s own JS and wasm were fetched');
  // ... that imports the page's JS (once per worker, as the page did) and is handed the page's
  // compiled module: the wasm is fetched by the page only.
  assert.equal(code.filter((u) => u === js).length, 1 + urls.length, code.join(' '));
  assert.equal(code.filter((u) => u === wasm).length, 1, code.join(' '));
});

test('a killed worker is reported, its goroutine is lost and the page keeps going', async () => {
  const json = JSON.stringify({
    version: 1, gomaxprocs: 2,
    funcs: { w: [{ work: '1s' }] },
    main: [{ go: { func: 'w', n: 3 } }, { work: '5ms' }, { sleep: '4s' }],
  });
  const { page: pg } = await openThreads(json);
  // Once two workers are up, kill one (the page picks one computing for a goroutine other
  // than main, G1, if there is one; an idle one is noticed by the page's ping).
  await pg.waitForFunction(() => { const f = window.__gmpThreads && JSON.parse(window.__gmpThreads()); return f && f.live >= 2 && f.work_ms > 10; });
  const m = await pg.evaluate(() => window.__gmpThreadsKill());
  assert.ok(m != null, 'a worker was killed');
  // A busy worker's 1 ms slice is due at once, an idle one is pinged within 1 s; the page
  // gives each 1.5 s more.
  await pg.waitForSelector('[data-testid=thread-lost]', { timeout: 15_000 });
  const text = await pg.textContent('[data-testid=thread-lost]');
  assert.match(text, new RegExp(`M${m}'s worker stopped answering`));
  const f = await waitOutcome(pg, 30_000);
  assert.match(f.outcome, /exit status 0/);
  assert.equal(f.lost.length, 1);
  // The page still answers: switching back to step mode works.
  await pg.click('[data-testid=mode-toggle]');
  await pg.waitForSelector('[data-testid=clock]');
});

test('switching modes keeps the scenario', async () => {
  const json = JSON.stringify({ version: 1, name: 'switch me', gomaxprocs: 1, main: [{ work: '2ms' }] });
  const { page: pg } = await openThreads(json);
  await waitOutcome(pg);
  await pg.click('[data-testid=mode-toggle]');
  await pg.waitForSelector('[data-testid=clock]');
  assert.match(await pg.textContent('body'), /switch me/);
  // Back to threads mode: the panel shows its controls at once, not at its first redraw
  // (REDRAW_MS = 250 ms after the run starts).
  const ms = await pg.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    const seen = () => document.querySelector('[data-testid=threads-pause]');
    new MutationObserver((_, o) => { if (seen()) { o.disconnect(); resolve(performance.now() - t0); } })
      .observe(document.body, { childList: true, subtree: true });
    document.querySelector('[data-testid=mode-toggle]').click();
  }));
  assert.ok(ms < 250, `the controls showed ${ms.toFixed(0)} ms after the switch`);
  await waitOutcome(pg);
});

test('pausing stops the core and its clock; the log, explanation and plots follow the run', async () => {
  const json = JSON.stringify({
    version: 1, gomaxprocs: 1,
    funcs: { w: [{ work: '150ms' }, { done: 'wg' }] },
    main: [{ add: { wg: 'wg', n: 4 } }, { go: { func: 'w', n: 4 } }, { wait: 'wg' }],
  });
  const { page: pg } = await openThreads(json);
  await pg.waitForFunction(() => { const f = window.__gmpThreads && JSON.parse(window.__gmpThreads()); return f && f.work_ms >= 50; });
  // How often the running core steps here: the time the step counter takes to move on 3 times
  // (1 ms slices on one P: a few ms, more on a loaded machine). A paused run must then hold
  // still for many such intervals, not for a fixed time.
  const r0 = await figures(pg);
  const t0 = Date.now();
  await pg.waitForFunction((s) => JSON.parse(window.__gmpThreads()).step >= s + 3, r0.step, { polling: 5 });
  const stepEvery = (Date.now() - t0) / 3;
  const span = Math.min(3_000, Math.max(250, 20 * stepEvery));
  await pg.keyboard.press('Space');
  await pg.waitForSelector('[data-testid=threads][data-paused=true]');
  const a = await figures(pg);
  assert.equal(a.paused, true);
  await assertStill(pg, a, span, 'paused');
  // The step mode's shortcuts don't run the hidden step mode meanwhile, nor unpause this one:
  // still nothing moves over the same span after the key press.
  await pg.keyboard.press('ArrowRight');
  await assertStill(pg, a, span, 'after ArrowRight');
  assert.equal(await pg.getAttribute('[data-testid=threads]', 'data-paused'), 'true');
  // A goroutine chip opens the goroutine panel with its ops.
  await pg.click('[data-testid=threads] button.chip[data-g]');
  await pg.waitForSelector('[data-testid=goroutine] .ops li');
  await pg.click('[data-testid=threads-pause]');
  await pg.waitForSelector('[data-testid=threads][data-paused=false]');
  const f = await waitOutcome(pg);
  assert.match(f.outcome, /exit status 0/);
  // The same explanation, log and pictures as step mode.
  assert.match(await pg.textContent('[data-testid=explain]'), /\w/);
  assert.match(await pg.textContent('[data-testid=schedtrace]'), /SCHED .*gomaxprocs=1/);
  const kinds = await pg.$$eval('[data-testid=event-log] li[data-kind]', (ls) => ls.map((l) => l.dataset.kind));
  assert.ok(kinds.includes('Preempt'), `sysmon's preemption is in the log: ${[...new Set(kinds)]}`);
  for (const id of ['plot-workers', 'plot-queues', 'plot-threads', 'timeline']) {
    assert.ok(await pg.$(`[data-testid=${id}]`), `${id} is drawn`);
  }
});

test('the speedup against GOMAXPROCS 1 is measured by running both', async () => {
  // Eight goroutines of 200 ms, as the benchmark (threads_bench.mjs): 1.6 s of CPU work, so the
  // second worker's start-up is small beside what the two share.
  const json = JSON.stringify({
    version: 1, gomaxprocs: 2,
    funcs: { w: [{ work: '200ms' }, { done: 'wg' }] },
    main: [{ add: { wg: 'wg', n: 8 } }, { go: { func: 'w', n: 8 } }, { wait: 'wg' }],
  });
  const { page: pg } = await openThreads(json);
  await waitOutcome(pg);
  // Best of up to three measurements, as the benchmark does (threads_bench.mjs): one run can be
  // slowed down by whatever else this 2-core machine is doing.
  const tries = [];
  for (let i = 0; i < 3; i += 1) {
    await pg.click('[data-testid=threads-measure]');
    await pg.waitForSelector('[data-testid=speedup]:not([data-state=done])');
    // Done, and for the scenario's own GOMAXPROCS 2 run: as the baseline run ends, the panel
    // can show it for a moment as done against itself ("GOMAXPROCS 1 took …, GOMAXPROCS 1 took …").
    await pg.waitForFunction(() => {
      const el = document.querySelector('[data-testid=speedup][data-state=done]');
      return el && /GOMAXPROCS 2 took/.test(el.textContent);
    }, null, { timeout: 60_000, polling: 50 });
    const v = Number(await pg.getAttribute('[data-testid=speedup]', 'data-value'));
    const text = await pg.textContent('[data-testid=speedup]');
    const m = text.match(/GOMAXPROCS 1 took (\d+) ms, GOMAXPROCS 2 took (\d+) ms/);
    assert.ok(m, text);
    const [one, two] = [Number(m[1]), Number(m[2])];
    assert.ok(Math.abs(one / two - v) < 0.05 * v, `the ratio shown (${v}) is ${one} ms / ${two} ms`);
    assert.ok(one >= 1600, `GOMAXPROCS 1 did 1,600 ms of work in ${one} ms`);
    tries.push(`${v} (${one} ms → ${two} ms)`);
    if (v > 1.2) break;
  }
  // README, "Threads mode, measured": on this 2-core machine GOMAXPROCS 2 runs 8 × 200 ms of
  // work 1.73× faster than GOMAXPROCS 1 (best of 3, worker start-up included). 1.2× leaves a
  // margin for a machine busy with other work (the second worker's start-up takes 53 ms alone,
  // up to ~290 ms with others) while still failing if the two Ps did not compute in parallel
  // (a serial run gives at most 1.0×).
  const best = Math.max(...tries.map((t) => Number(t.split(' ')[0])));
  assert.ok(best > 1.2, `speedup not above 1.2 in ${tries.length} tries: ${tries.join('; ')}`);
  assert.equal((await figures(pg)).gomaxprocs, 2, 'the scenario itself runs last');
});

test('Share in threads mode gives a link that opens threads mode with the same scenario', async () => {
  const json = JSON.stringify({ version: 1, name: 'shared threads', gomaxprocs: 2, main: [{ work: '3ms' }] });
  const { page: pg } = await openThreads(json);
  await waitOutcome(pg);
  await pg.click('[data-testid=share]');
  const url = await pg.inputValue('[data-testid=share-link]');
  assert.match(url, /#s=1\.[^&]+&mode=threads$/);
  const other = await browser.context.newPage();
  try {
    await other.goto(url);
    await other.waitForSelector('[data-testid=threads]');
    await other.waitForSelector('[data-testid=outcome]', { timeout: 30_000 });
    assert.match(await other.textContent('.scenario-name'), /shared threads/);
  } finally {
    await other.close();
  }
});
