// End-to-end tests of the trace panel (issue 12, "The page"): a real Go execution trace, written
// at test time by tests/trace/workers (Go 1.26.6, GOMAXPROCS 2), opened through the file input
// and by a drop on the page; its figures against `gmpsim trace --format json` and its replay
// against `gmpsim import --trace`; progress and Cancel on a big trace (tests/trace/big); a
// garbage file's error with the previous scenario kept; the what-if re-run; axe-core.
// Builds nothing but the Go programs: build the page (`trunk build --release`) and gmpsim
// (`cargo build --bin gmpsim`) first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, serve, launch, openPage, axeViolations } from './lib.mjs';

const GMPSIM = process.env.GMPSIM ? path.resolve(process.env.GMPSIM) : path.join(ROOT, 'target', 'debug', 'gmpsim');
const GO = process.env.GMP_GO_1_26 || path.join(os.homedir(), '.cache/gmp-playground/go-1.26.6/lib/python3.11/site-packages/go/bin/go');

/** Builds tests/trace/<program> with Go 1.26.6 and runs it with `args` after the trace's path. */
function writeTrace(dir, program, args) {
  const bin = path.join(dir, program);
  execFileSync(GO, ['build', '-o', bin, 'main.go'], {
    cwd: path.join(ROOT, 'tests', 'trace', program), env: { ...process.env, GO111MODULE: 'off' }, timeout: 300_000, stdio: 'pipe',
  });
  const file = path.join(dir, `${program}.trace`);
  execFileSync(bin, [file, ...args], { timeout: 180_000, stdio: 'pipe' });
  return file;
}

let srv;
let browser;
let dir;
let workers;
let big;

before(async () => {
  if (!fs.existsSync(GMPSIM)) throw new Error(`${GMPSIM} is missing: run \`cargo build --bin gmpsim\` first (or set GMPSIM)`);
  if (!fs.existsSync(GO)) throw new Error(`Go 1.26.6 is missing at ${GO}: run bash .ci/setup (or set GMP_GO_1_26)`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-trace-e2e-'));
  workers = writeTrace(dir, 'workers', ['2']);
  big = writeTrace(dir, 'big', [String(40 << 20)]);
  srv = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function open() {
  const { page, errors } = await openPage(browser.context, srv.url);
  await page.evaluate(() => localStorage.clear());
  return { page, errors };
}

async function opened(page) {
  await page.waitForSelector('[data-testid=trace-real]', { timeout: 60_000 });
  // The replay's baseline run has finished when the re-run button is enabled.
  await page.waitForSelector('[data-testid=trace-rerun]:not([disabled])', { timeout: 60_000 });
}

function cli(file) {
  return JSON.parse(execFileSync(GMPSIM, ['trace', file, '--format', 'json'], { encoding: 'utf8' }));
}

test('a real trace through the file input: figures as gmpsim trace says, the replay on the board', async () => {
  const { page, errors } = await open();
  const input = page.locator('[data-testid=trace-file]');
  // Keyboard reachable, with a visible label.
  assert.equal(await page.locator('label[for=trace-file]').isVisible(), true);
  await input.focus();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'trace-file');
  await input.setInputFiles(workers);
  await opened(page);
  const want = cli(workers);
  const real = page.locator('[data-testid=trace-real]');
  assert.equal(Number(await real.getAttribute('data-goroutines')), want.goroutines);
  assert.equal(Number(await real.getAttribute('data-gomaxprocs')), want.gomaxprocs);
  assert.equal(await real.locator('.tp-row').count(), want.gomaxprocs, 'one row per P');
  assert.ok((await real.locator('.tp-bars i').count()) > 0, 'the real run has bars');
  const sim = page.locator('[data-testid=trace-sim]');
  assert.equal(Number(await sim.getAttribute('data-gomaxprocs')), want.gomaxprocs);
  assert.ok(Number(await sim.getAttribute('data-total-ns')) > 0);
  assert.ok((await sim.locator('.tp-bars i').count()) > 0, 'the replay has bars');
  // The board runs the replay: the editor holds gmpsim import --trace's scenario, text for text
  // (the CLI names it after the path's file name, as the page after the file's).
  const imported = execFileSync(GMPSIM, ['import', '--trace', workers], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.equal((await page.locator('[data-testid=editor]').inputValue()).trim(), imported.trim());
  assert.equal(await page.locator('[data-testid=clock]').getAttribute('data-step'), '0');
  await page.keyboard.press('Escape');
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], 'axe-core with a trace open');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a trace dropped on the page opens the same way; the what-if re-run changes the sim lane', async () => {
  const { page, errors } = await open();
  const b64 = fs.readFileSync(workers).toString('base64');
  await page.evaluate((b) => {
    const bytes = Uint8Array.from(atob(b), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.trace'));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await opened(page);
  const want = cli(workers);
  const real = page.locator('[data-testid=trace-real]');
  assert.equal(Number(await real.getAttribute('data-goroutines')), want.goroutines);
  assert.equal(Number(await real.getAttribute('data-gomaxprocs')), want.gomaxprocs);
  assert.match(await page.locator('[data-testid=trace-summary]').textContent(), /dropped\.trace/);
  const sim = page.locator('[data-testid=trace-sim]');
  const before = Number(await sim.getAttribute('data-total-ns'));
  // One P: the 8 CPU-bound workers take about twice as long.
  await page.locator('[data-testid=trace-whatif-procs]').fill('1');
  await page.locator('[data-testid=trace-whatif-procs]').dispatchEvent('change');
  await page.locator('[data-testid=trace-whatif-release]').selectOption('19');
  await page.locator('[data-testid=trace-rerun]').click();
  await page.waitForSelector('[data-testid=trace-delta]', { timeout: 60_000 });
  assert.equal(await sim.getAttribute('data-gomaxprocs'), '1');
  assert.equal(await sim.locator('.tp-row').count(), 1);
  const after = Number(await sim.getAttribute('data-total-ns'));
  assert.ok(after > before * 1.5, `one P is slower: ${before} → ${after} ns`);
  assert.equal(Number(await page.locator('[data-testid=trace-delta]').getAttribute('data-total-delta-ns')), after - before);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], 'axe-core with a what-if shown');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a big trace shows progress, and Cancel stops it', async () => {
  const { page, errors } = await open();
  await page.locator('[data-testid=trace-file]').setInputFiles(big);
  const prog = page.locator('[data-testid=trace-progress]');
  await prog.waitFor();
  assert.equal(Number(await prog.getAttribute('data-total')), fs.statSync(big).size);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-progress]')?.dataset.done) > 0, null, { timeout: 30_000 });
  assert.equal(await prog.locator('progress').isVisible(), true);
  await page.locator('[data-testid=trace-cancel]').click();
  await page.waitForSelector('[data-testid=trace-status]');
  assert.match(await page.locator('[data-testid=trace-status]').textContent(), /cancelled/);
  assert.equal(await page.locator('[data-testid=trace-progress]').count(), 0);
  // Nothing arrives later from the stopped worker.
  await page.waitForTimeout(1500);
  assert.equal(await page.locator('[data-testid=trace-real]').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a garbage file gives the core\'s error with its byte offset; the scenario and editor stay', async () => {
  const { page, errors } = await open();
  const editor = page.locator('[data-testid=editor]');
  const text = await editor.inputValue();
  await page.locator('[data-testid=step-forward], [data-testid=forward]').first().click().catch(() => {});
  const step = await page.locator('[data-testid=clock]').getAttribute('data-step');
  const junk = path.join(dir, 'junk.trace');
  fs.writeFileSync(junk, 'this is not a Go execution trace, just text\n'.repeat(100));
  await page.locator('[data-testid=trace-file]').setInputFiles(junk);
  const err = page.locator('[data-testid=trace-error]');
  await err.waitFor({ timeout: 30_000 });
  const msg = await err.textContent();
  assert.match(msg, /junk\.trace/);
  assert.match(msg, /offset 0: expected/);
  assert.equal(await editor.inputValue(), text, 'the editor is kept');
  assert.equal(await page.locator('[data-testid=clock]').getAttribute('data-step'), step, 'the board is kept');
  // A truncated real trace names where it stops.
  const cut = path.join(dir, 'cut.trace');
  const whole = fs.readFileSync(workers);
  fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
  await page.locator('[data-testid=trace-file]').setInputFiles(cut);
  await page.waitForFunction(() => /cut\.trace/.test(document.querySelector('[data-testid=trace-error]')?.textContent || ''), null, { timeout: 30_000 });
  assert.match(await err.textContent(), /offset \d+: expected .*truncated/);
  assert.equal(await editor.inputValue(), text);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], 'axe-core with an error shown');
  assert.deepEqual(errors, []);
  await page.close();
});
