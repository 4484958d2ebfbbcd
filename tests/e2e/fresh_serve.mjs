// The README's first command, checked as a new user meets it: a fresh clone of the repository
// (no target/, dist/ or node_modules/), `bash .ci/serve --port <free port>` started in it, the
// page loaded in Debian's Chromium, the board rendered and the page cross-origin isolated (the
// COOP/COEP headers of Trunk.toml). Then the server is stopped.
//
// Run by .ci/run after the end-to-end suite, with the tools it installed. The clone's cargo
// build goes to GMP_SERVE_TARGET (default: this checkout's target/), so that it reuses the
// dependencies the suite's release build of the page compiled (same profile, same target) and
// only the playground's own crate is built again; the clone itself gets no build folder, which
// is what broke the command before (Trunk.toml's watch list named folders that a fresh clone
// does not have).
//
// Usage: node fresh_serve.mjs   (exit 0 when the page served and rendered, 1 otherwise)

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, launch } from './lib.mjs';

const BUILD_TIMEOUT_MS = 15 * 60 * 1000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPage(url, child, deadline) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bash .ci/serve exited with ${child.exitCode} before serving the page`);
    if (Date.now() > deadline) throw new Error(`no page at ${url} after ${BUILD_TIMEOUT_MS / 60000} minutes`);
    try {
      const res = await fetch(url);
      const body = await res.text();
      // trunk answers with its own index.html; the page is there once its wasm is linked in.
      if (res.ok && body.includes('.wasm')) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-fresh-'));
const clone = path.join(tmp, 'clone');
let child;
let browser;
let page;
const errors = [];
let failed = false;
try {
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { stdio: 'inherit' });
  for (const dir of ['target', 'dist', 'node_modules', path.join('tests', 'e2e', 'node_modules')]) {
    if (fs.existsSync(path.join(clone, dir))) throw new Error(`the fresh clone has ${dir}/`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const target = process.env.GMP_SERVE_TARGET || path.join(ROOT, 'target');
  const log = fs.openSync(path.join(tmp, 'serve.log'), 'w');
  console.log(`fresh clone in ${clone}: bash .ci/serve --port ${port}`);
  child = spawn('bash', ['.ci/serve', '--port', String(port)], {
    cwd: clone,
    detached: true, // its own process group, so trunk and cargo stop with it
    stdio: ['ignore', log, log],
    env: { ...process.env, CARGO_TARGET_DIR: target },
  });
  const started = Date.now();
  const res = await waitForPage(url, child, started + BUILD_TIMEOUT_MS);
  console.log(`served after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const [name, want] of [['cross-origin-opener-policy', 'same-origin'], ['cross-origin-embedder-policy', 'require-corp']]) {
    if (res.headers.get(name) !== want) throw new Error(`header ${name} is ${res.headers.get(name)}, expected ${want}`);
  }

  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.goto(url);
  // Step 0 is before schedinit: the board has its queues but no P yet. One step forward
  // (the page's own button) runs schedinit, which makes the Ps.
  await page.waitForSelector('[data-testid=global-runq]', { timeout: 60000 });
  await page.waitForSelector('[data-testid=clock]');
  await page.click('[data-testid=step-forward]');
  await page.waitForSelector('section[data-p="0"]', { timeout: 10000 });
  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  if (!isolated) throw new Error('the page served by .ci/serve is not cross-origin isolated');
  if (await page.locator('[data-testid=global-runq]').count() !== 1) throw new Error('the board has no global run queue');
  if (errors.length) throw new Error(`the page reported errors:\n${errors.join('\n')}`);
  console.log('fresh clone: bash .ci/serve served the page; the board rendered; crossOriginIsolated = true');
} catch (e) {
  failed = true;
  console.error(`fresh-clone serve check failed: ${e.message}`);
  if (errors.length) console.error(`the page reported:\n${errors.join('\n')}`);
  if (page) {
    const shot = path.join(os.tmpdir(), 'gmp-fresh-serve-failure.png');
    try {
      await page.screenshot({ path: shot, fullPage: true });
      console.error(`screenshot of the page: ${shot}`);
    } catch { /* no page to take */ }
  }
  const logFile = path.join(tmp, 'serve.log');
  if (fs.existsSync(logFile)) console.error(`--- bash .ci/serve said:\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
} finally {
  await browser?.close();
  if (child && child.exitCode === null) {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => setTimeout(r, 500));
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
