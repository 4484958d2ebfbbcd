// Threads mode's figures (issue 4): speedup of a CPU-bound scenario from GOMAXPROCS 1 to 2, the
// round trip of one scheduling decision between the core and a worker (median, p99), and the
// time from a syscall's start to its P running on another worker. Needs a built dist/.
// Usage: node threads_bench.mjs [--json out.json]
import fs from 'node:fs';
import { serve, launch, fragment } from './lib.mjs';

const srv = await serve();
const b = await launch();
async function run(json, timeout = 60_000) {
  const pg = await b.context.newPage();
  await pg.goto(srv.url + fragment(JSON.stringify(json), { mode: 'threads' }));
  await pg.waitForSelector('[data-testid=outcome]', { timeout });
  const f = JSON.parse(await pg.evaluate(() => window.__gmpThreads()));
  await pg.close();
  return f;
}
const cpu = (p) => ({ version: 1, gomaxprocs: p, funcs: { w: [{ work: '100ms' }, { done: 'wg' }] },
  main: [{ add: { wg: 'wg', n: 8 } }, { go: { func: 'w', n: 8 } }, { wait: 'wg' }] });
const out = {};
const best = async (p) => { let w = Infinity; let f; for (let i = 0; i < 3; i++) { f = await run(cpu(p)); w = Math.min(w, f.wall_ms); } return { wall_ms: w, f }; };
const one = await best(1);
const two = await best(2);
out.cpu = { gomaxprocs1_ms: one.wall_ms, gomaxprocs2_ms: two.wall_ms, speedup: one.wall_ms / two.wall_ms };
out.round_trip_us = two.f.rtt_us;
const sys = await run({ version: 1, gomaxprocs: 1, funcs: { s: [{ syscall: '20ms' }, { work: '2ms' }, { done: 'wg' }], w: [{ work: '60ms' }, { done: 'wg' }] },
  main: [{ add: { wg: 'wg', n: 6 } }, { go: { func: 'w', n: 2 } }, { go: { func: 's', n: 4 } }, { wait: 'wg' }] });
out.syscall_handoff_ms = sys.handoff_ms;
out.syscall_peak_workers = sys.peak;
console.log(JSON.stringify(out, null, 2));
const i = process.argv.indexOf('--json');
if (i > 0) fs.writeFileSync(process.argv[i + 1], JSON.stringify(out, null, 2));
await b.close();
await srv.close();
