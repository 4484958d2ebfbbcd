// Threads mode's figures (issue 4), in headless Chromium against the built dist/:
//   - speedup of a CPU-bound scenario (8 goroutines × 200 ms of work) from GOMAXPROCS 1 to 2,
//     best of 3 wall-clock times each (worker start-up included);
//   - the round trip of one scheduling decision between the core and a worker beyond the
//     worker's own computing time, median and 99th percentile;
//   - the time from a syscall's start to its P running on another worker.
// The test server is cross-origin isolated (as `trunk serve`), so blocked workers sleep.
// --static: dist/ on a plain static host instead (static_server.mjs: no COOP/COEP, under /gmp/),
// isolated by the page's service worker after a first visit (issue 15); --no-sw: the same host
// with service workers blocked, so the page is not isolated and blocked workers spin.
// Usage: node threads_bench.mjs [--static | --no-sw] [--json out.json]
import fs from 'node:fs';
import os from 'node:os';
import { serve, launch, fragment, DIST } from './lib.mjs';
import { serveStatic } from './static_server.mjs';

const noSw = process.argv.includes('--no-sw');
const plain = noSw || process.argv.includes('--static');
const srv = plain ? await serveStatic(DIST, { base: '/gmp/' }) : await serve();
const b = await launch(noSw ? { serviceWorkers: 'block' } : {});
if (plain && !noSw) {
  // The first visit: the service worker installs and the page reloads itself, isolated.
  const pg = await b.context.newPage();
  await pg.goto(srv.url);
  for (let i = 0; ; i += 1) {
    if (await pg.evaluate(() => window.crossOriginIsolated && !!navigator.serviceWorker.controller).catch(() => false)) break;
    if (i > 300) throw new Error('the page did not become cross-origin isolated');
    await new Promise((r) => setTimeout(r, 100));
  }
  await pg.close();
}
async function run(json, timeout = 120_000) {
  const pg = await b.context.newPage();
  await pg.goto(srv.url + fragment(JSON.stringify(json), { mode: 'threads' }));
  await pg.waitForSelector('[data-testid=outcome]', { timeout });
  const f = JSON.parse(await pg.evaluate(() => window.__gmpThreads()));
  f.isolated = await pg.evaluate(() => window.crossOriginIsolated);
  await pg.close();
  if (!/exit status 0/.test(f.outcome) || f.lost.length) throw new Error(`run did not end cleanly: ${f.outcome} ${f.lost}`);
  return f;
}
const cpu = (p) => ({ version: 1, gomaxprocs: p, funcs: { w: [{ work: '200ms' }, { done: 'wg' }] },
  main: [{ add: { wg: 'wg', n: 8 } }, { go: { func: 'w', n: 8 } }, { wait: 'wg' }] });
const best = async (p) => {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await run(cpu(p)));
  runs.sort((a, c) => a.wall_ms - c.wall_ms);
  return runs;
};
const r1 = (x) => Math.round(x * 10) / 10;
const out = { cores: os.cpus().length, host: noSw ? 'plain, no service worker' : plain ? 'plain, service worker' : 'cross-origin isolated server' };
const one = await best(1);
const two = await best(2);
out.cpu = {
  work_ms: one[0].work_ms,
  gomaxprocs1_ms: one.map((f) => r1(f.wall_ms)),
  gomaxprocs2_ms: two.map((f) => r1(f.wall_ms)),
  speedup: r1((one[0].wall_ms / two[0].wall_ms) * 100) / 100,
  workers: { gomaxprocs1: one[0].peak, gomaxprocs2: two[0].peak },
};
const rtt = [one[0].rtt_us, two[0].rtt_us];
out.round_trip_us = { gomaxprocs1: rtt[0], gomaxprocs2: rtt[1], isolated: one[0].isolated };
const sys = await run({ version: 1, gomaxprocs: 1,
  funcs: { s: [{ syscall: '20ms' }, { work: '2ms' }, { done: 'wg' }], w: [{ work: '60ms' }, { done: 'wg' }] },
  main: [{ add: { wg: 'wg', n: 6 } }, { go: { func: 'w', n: 2 } }, { go: { func: 's', n: 4 } }, { wait: 'wg' }] });
out.syscall = { handoff_ms: sys.handoff_ms, peak_workers: sys.peak, slept: sys.syscalls_sleep, blocking: sys.blocking, isolated: sys.isolated };
console.log(JSON.stringify(out, null, 2));
const i = process.argv.indexOf('--json');
if (i > 0) fs.writeFileSync(process.argv[i + 1], JSON.stringify(out, null, 2));
await b.close();
await srv.close();
