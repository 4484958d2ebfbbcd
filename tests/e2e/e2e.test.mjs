// End-to-end tests of the built playground page (dist/) in Debian's Chromium.
//
// Builds nothing: build the page (`trunk build --release`) and the runner
// (`cargo build --bin gmpsim`) first. Serves dist/ on 127.0.0.1, drives the page, and checks
// the board against `gmpsim run FILE --until-step N --format state` for the same scenario.
// Every test fails on any console error or page error.

import { test } from 'node:test';
import { pageSuite } from './suite.mjs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, openPage, fragment, axeViolations, setCpuThrottle } from './lib.mjs';
import { Buffer } from 'node:buffer';

const GMPSIM = process.env.GMPSIM ? path.resolve(process.env.GMPSIM) : path.join(ROOT, 'target', 'debug', 'gmpsim');
const DEFAULT = path.join(ROOT, 'src', 'web', 'default_scenario.json');
const BUSY = path.join(ROOT, 'tests', 'e2e', 'scenarios', 'busy.json');
const SEEK1M = path.join(ROOT, 'tests', 'e2e', 'scenarios', 'seek-1m.json');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-e2e-'));

const suite = pageSuite({ gmpsim: GMPSIM, tmp: TMP });
let page;
let errors;

async function open(hash = '', opts) {
  ({ page, errors } = await openPage(suite.browser.context, suite.srv.url + hash, opts)); suite.track(page, errors);
  return page;
}

function linkFor(file, params) {
  return fragment(fs.readFileSync(file, 'utf8'), params);
}

/** gmpsim's state after step n. */
function gmpsim(file, n) {
  return JSON.parse(execFileSync(GMPSIM, ['run', file, '--until-step', String(n), '--format', 'state'], { encoding: 'utf8' }));
}

async function step() {
  return Number(await page.getAttribute('[data-testid=clock]', 'data-step'));
}

async function waitStep(n) {
  await page.waitForSelector(`[data-testid=clock][data-step="${n}"]`, { timeout: 10_000 });
}

/** Opens lesson `id` from the keyboard: `g` shows the gallery, Enter on the lesson opens it. */
async function openLessonByKeyboard(id) {
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('g');
  await page.waitForSelector('[data-testid=gallery]');
  await page.focus(`[data-lesson=${id}]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid=lesson][data-lesson-open=${id}]`);
}

async function forward(k = 1) {
  const s = await step();
  for (let i = 0; i < k; i++) await page.click('[data-testid=step-forward]');
  await waitStep(s + k);
}

async function back(k = 1) {
  const s = await step();
  for (let i = 0; i < k; i++) await page.click('[data-testid=step-back]');
  await waitStep(s - k);
}

async function scrubTo(n) {
  await page.locator('[data-testid=scrubber]').fill(String(n));
  await waitStep(n);
}

/** The board as the stable test hooks show it. */
async function board(p = page) {
  return p.evaluate(() => {
    const ids = (s) => (s ? s.split(',').map(Number) : []);
    const num = (s) => (s === '' || s == null ? null : Number(s));
    const clock = document.querySelector('[data-testid=clock]');
    return {
      step: Number(clock.dataset.step),
      t: Number(clock.dataset.tNs),
      ps: [...document.querySelectorAll('section[data-p]')].map((el) => ({
        id: Number(el.dataset.p),
        status: el.dataset.status,
        m: num(el.dataset.m),
        runnext: num(el.dataset.runnext),
        runq: ids(el.dataset.runq),
      })),
      global: ids(document.querySelector('[data-testid=global-runq]').dataset.runq),
      // data-runq lists the first 4,096 ids; data-len says how many are queued.
      globalLen: Number(document.querySelector('[data-testid=global-runq]').dataset.len),
      ms: [...document.querySelectorAll('li[data-m]')].map((el) => ({ id: Number(el.dataset.m), status: el.dataset.status })),
      explain: document.querySelector('[data-testid=explain]').textContent,
    };
  });
}

/** Checks the board's hooks and the page's full state against gmpsim's state. */
async function expectMatchesGmpsim(file, n) {
  if (n === 0) {
    // Before the first step there is nothing to compare (and `gmpsim --until-step 0` has no
    // state to print): the board is empty.
    const got = await board();
    assert.deepEqual([got.step, got.t, got.ps.length, got.global.length, got.ms.length], [0, 0, 0, 0, 0]);
    return;
  }
  const want = gmpsim(file, n);
  const got = await board();
  assert.equal(got.step, want.step, 'clock step');
  assert.equal(got.t, want.t, 'clock t');
  assert.deepEqual(
    got.ps,
    want.ps.map((p) => ({ id: p.id, status: p.status, m: p.m, runnext: p.runnext, runq: p.runq })),
    `Ps at step ${n}`,
  );
  assert.deepEqual([got.global, got.globalLen], [want.global.slice(0, 4096), want.global.length], `global queue at step ${n}`);
  const liveMs = want.ms.filter((m) => m.status !== 'dead').map((m) => ({ id: m.id, status: m.status }));
  assert.deepEqual(got.ms, liveMs, `Ms at step ${n}`);
  const full = JSON.parse(await page.evaluate(() => window.__gmpState()));
  assert.deepEqual(full, want, `whole state at step ${n}`);
  if (n > 0) assert.match(got.explain, /— [A-Za-z.]+/, 'the explanation names a Go function');
}

test('opens the default scenario at step 0 with the stable hooks', async () => {
  await open();
  assert.equal(await step(), 0);
  assert.equal(await page.getAttribute('[data-testid=clock]', 'data-t-ns'), '0');
  for (const id of ['step-forward', 'step-back', 'play', 'explain', 'global-runq']) {
    assert.equal(await page.locator(`[data-testid=${id}]`).count(), 1, id);
  }
  await forward();
  const b = await board();
  assert.equal(b.ps.length, 2, 'two Ps');
  assert.match(b.explain, /schedinit|procresize/);
  assert.match(await page.textContent('[data-testid=schedtrace]'), /^SCHED \d+ms: gomaxprocs=2 idleprocs=\d+ threads=\d+ spinningthreads=\d+/);
});

test('stepping forward and back matches gmpsim step by step', async () => {
  await open(linkFor(DEFAULT));
  for (let n = 1; n <= 30; n++) {
    await forward();
    await expectMatchesGmpsim(DEFAULT, n);
  }
  for (const n of [29, 28, 20, 12, 3, 1, 0]) {
    await scrubTo(n);
    await expectMatchesGmpsim(DEFAULT, n);
  }
  await back(0);
  await forward(2);
  await back();
  await expectMatchesGmpsim(DEFAULT, 1);
});

test('a busy run: steals, overflow and global batches match gmpsim, forward and back', async () => {
  await open(linkFor(BUSY));
  await page.selectOption('[data-testid=jump-kind]', 'RunqOverflow');
  await page.click('[data-testid=jump-next]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=clock]').dataset.step) > 0);
  const overflow = await step();
  assert.match((await board()).explain, /runqputslow/);
  await expectMatchesGmpsim(BUSY, overflow);
  await page.selectOption('[data-testid=jump-kind]', 'Steal');
  await page.click('[data-testid=jump-next]');
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid=clock]').dataset.step) > s, overflow);
  const steal = await step();
  assert.match((await board()).explain, /runqsteal/);
  await expectMatchesGmpsim(BUSY, steal);
  // The board shows what moved in a one-step move.
  await back();
  await forward();
  assert.ok(await page.locator('.chip.moved').count() > 0, 'stolen goroutines are highlighted');
  await page.selectOption('[data-testid=jump-kind]', 'GlobalGrab');
  await page.click('[data-testid=jump-next]');
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid=clock]').dataset.step) > s, steal);
  const grab = await step();
  await expectMatchesGmpsim(BUSY, grab);
  // Previous event of a kind, and far jumps both ways.
  await page.selectOption('[data-testid=jump-kind]', 'RunqOverflow');
  await page.click('[data-testid=jump-prev]');
  await waitStep(overflow);
  for (const n of [1500, 7, 1200]) {
    await scrubTo(n).catch(async () => {
      // The scrubber reaches only explored steps: explore with the keyboard first.
      await page.keyboard.press('End');
      await page.waitForSelector('[data-testid=outcome]');
      await scrubTo(n);
    });
    await expectMatchesGmpsim(BUSY, n);
  }
});

test('keyboard shortcuts, the help overlay and the theme toggle', async () => {
  await open(linkFor(DEFAULT));
  await page.locator('body').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await waitStep(3);
  await page.keyboard.press('ArrowLeft');
  await waitStep(2);
  await page.keyboard.press('Shift+ArrowRight');
  await waitStep(12);
  await page.keyboard.press('Home');
  await waitStep(0);
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=help]');
  assert.match(await page.textContent('[data-testid=help]'), /step forward/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=help]', { state: 'detached' });
  const before = await page.getAttribute('html', 'data-theme');
  await page.keyboard.press('t');
  await page.waitForFunction((b) => document.documentElement.dataset.theme !== b, before);
  // Space plays; space again pauses.
  await page.keyboard.press(' ');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=clock]').dataset.step) >= 2);
  await page.keyboard.press(' ');
  await page.waitForSelector('[data-testid=play][aria-pressed=false]');
  // The live region announces the step's explanation when paused.
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid=announce]').textContent.length > 10);
});

test('threads mode: Space pauses and resumes, r runs again, as messages (no button is clicked)', async () => {
  // One P, four goroutines of 300 ms of CPU each: the run lasts over a second.
  const json = JSON.stringify({
    version: 1, gomaxprocs: 1,
    funcs: { w: [{ work: '300ms' }, { done: 'wg' }] },
    main: [{ add: { wg: 'wg', n: 4 } }, { go: { func: 'w', n: 4 } }, { wait: 'wg' }],
  });
  await open(fragment(json, { mode: 'threads' }), { ready: '[data-testid=threads]' });
  await page.evaluate(() => {
    window.__clicks = 0;
    document.addEventListener('click', () => { window.__clicks += 1; }, true);
    document.activeElement.blur();
  });
  const figures = async () => JSON.parse(await page.evaluate(() => window.__gmpThreads()));
  await page.waitForFunction(() => JSON.parse(window.__gmpThreads()).step >= 200, null, { polling: 5 });
  await page.keyboard.press(' ');
  await page.waitForSelector('[data-testid=threads][data-paused=true]');
  const a = await figures();
  assert.equal(a.paused, true);
  // r: a new run, from step 0, running.
  await page.keyboard.press('r');
  await page.waitForFunction((s) => { const f = JSON.parse(window.__gmpThreads()); return !f.paused && f.step < s; }, a.step, { polling: 5 });
  await page.keyboard.press(' ');
  await page.waitForSelector('[data-testid=threads][data-paused=true]');
  await page.keyboard.press(' ');
  await page.waitForSelector('[data-testid=threads][data-paused=false]');
  assert.equal(await page.evaluate(() => window.__clicks), 0, 'the shortcuts clicked a button');
});

test('spawning is recorded as an action, replays after stepping back, and matches gmpsim', async () => {
  await open(linkFor(DEFAULT));
  await forward(6);
  await page.selectOption('[data-testid=spawn-what]', 'f:cruncher');
  await page.fill('[data-testid=spawn-n]', '3');
  await page.selectOption('[data-testid=spawn-where]', '0');
  await page.click('[data-testid=spawn]');
  await waitStep(7);
  assert.match((await board()).explain, /You spawn 3 × cruncher\(\)/);
  const text = await page.inputValue('[data-testid=editor]');
  const doc = JSON.parse(text);
  assert.equal(doc.actions.length, 1);
  assert.equal(doc.actions[0].at_step, 6);
  const file = path.join(TMP, 'spawned.json');
  fs.writeFileSync(file, text);
  await forward(10);
  await expectMatchesGmpsim(file, 17);
  // Back past the action and forward again: the action replays.
  await scrubTo(2);
  await expectMatchesGmpsim(file, 2);
  await scrubTo(17);
  await expectMatchesGmpsim(file, 17);
  // A template spawns into any scenario: its funcs are added to the document.
  await page.selectOption('[data-testid=spawn-what]', 't:tpl_sleeper');
  await page.fill('[data-testid=spawn-n]', '2');
  await page.selectOption('[data-testid=spawn-where]', 'global');
  await page.click('[data-testid=spawn]');
  await waitStep(18);
  const doc2 = JSON.parse(await page.inputValue('[data-testid=editor]'));
  assert.ok(doc2.funcs.tpl_sleeper, 'the template func is in the scenario');
  assert.equal(doc2.actions.length, 2);
  const file2 = path.join(TMP, 'template.json');
  fs.writeFileSync(file2, JSON.stringify(doc2));
  await forward(5);
  await expectMatchesGmpsim(file2, 23);
  // A reload keeps what the user built.
  await page.goto(suite.srv.url);
  await page.waitForSelector('[data-testid=clock]');
  const kept = JSON.parse(await page.inputValue('[data-testid=editor]'));
  assert.equal(kept.actions.length, 2);
});

test('blocking a running goroutine in a syscall makes sysmon hand its P off', async () => {
  await open(linkFor(BUSY));
  await forward(40);
  const before = await board();
  const p0 = before.ps.find((p) => p.id === 0);
  const running = Number(await page.getAttribute('[data-p="0"]', 'data-g'));
  assert.ok(running > 0, 'P0 runs a goroutine');
  await page.selectOption('[data-testid=syscall-g]', String(running));
  await page.fill('[data-testid=syscall-dur]', '3ms');
  await page.click('[data-testid=block-syscall]');
  await waitStep(41);
  assert.match((await board()).explain, new RegExp(`You make G${running} enter a blocking syscall`));
  await page.selectOption('[data-testid=jump-kind]', 'ProcSteal');
  await page.click('[data-testid=jump-next]');
  await page.waitForFunction(() => /retake/.test(document.querySelector('[data-testid=explain]').textContent));
  const after = await board();
  const p0after = after.ps.find((p) => p.id === 0);
  assert.notEqual(p0after.m, p0.m, 'P0 moved to another M');
  const file = path.join(TMP, 'syscall.json');
  fs.writeFileSync(file, await page.inputValue('[data-testid=editor]'));
  await expectMatchesGmpsim(file, after.step);
  const m = await page.getAttribute(`[data-m="${p0.m}"]`, 'data-status');
  assert.equal(m, 'syscall', 'the old M is blocked in the syscall');
});

test('a bad link is reported and changes nothing the user had', async () => {
  await open();
  await forward(2);
  const mine = await page.inputValue('[data-testid=editor]');
  await page.goto(suite.srv.url + '#s=1.not*base64');
  await page.waitForSelector('[data-testid=notice]');
  assert.match(await page.textContent('[data-testid=notice]'), /link could not be opened.*base64/s);
  assert.equal(await page.inputValue('[data-testid=editor]'), mine);
  const invalid = fragment('{"version": 1, "main": [{"go": "nope"}], "gomaxprocs": 0}');
  await page.goto(suite.srv.url + invalid);
  await page.reload();
  await page.waitForSelector('[data-testid=notice]');
  const notice = await page.textContent('[data-testid=notice]');
  assert.match(notice, /not valid/);
  assert.match(notice, /main\[0\]\.go/);
  assert.match(notice, /gomaxprocs/);
  await forward(1);
});

test('the editor shows every problem at its place and keeps the last good scenario running', async () => {
  await open();
  await forward(3);
  // A new visitor's editor shows Go; this test edits the JSON, one click away.
  await page.click('[data-testid=switch-lang]');
  await page.waitForSelector('[data-testid=editor][aria-label="Scenario JSON"]');
  const good = await page.inputValue('[data-testid=editor]');
  const bad = good.replace('"cruncher", "n": 3', '"crunch", "n": 3').replace('"gomaxprocs": 2', '"gomaxprocs": 0');
  await page.fill('[data-testid=editor]', bad);
  await page.waitForSelector('[data-testid=problems][data-count="2"]');
  const problems = await page.textContent('[data-testid=problems]');
  assert.match(problems, /line \d+:\d+/);
  assert.match(problems, /main\[0\]\.go/);
  assert.ok(await page.isDisabled('[data-testid=apply]'));
  // The gutter marks each problem's line with a button that selects it.
  const lines = [...problems.matchAll(/line (\d+):\d+/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  const marked = await page.$$eval('[data-testid=gutter] button.problem', (bs) => bs.map((b) => Number(b.dataset.line)));
  assert.deepEqual(marked, [...new Set(lines)]);
  assert.equal(await page.locator('[data-testid=gutter] .ln').count(), bad.split('\n').length, 'one number per line');
  const mark = page.locator(`[data-testid=gutter] button[data-line="${lines[1]}"]`);
  assert.match(await mark.getAttribute('aria-label'), new RegExp(`^Line ${lines[1]}: 1 problem`));
  await mark.focus();
  await page.keyboard.press('Enter');
  const sel = await page.evaluate(() => {
    const t = document.querySelector('[data-testid=editor]');
    return { focused: document.activeElement === t, line: t.value.slice(0, t.selectionStart).split('\n').length };
  });
  assert.deepEqual(sel, { focused: true, line: lines[1] }, 'Enter on the mark selects the problem in the text');
  // The gutter scrolls with the text.
  await page.evaluate(() => { document.querySelector('[data-testid=editor]').scrollTop = 120; document.querySelector('[data-testid=editor]').dispatchEvent(new Event('scroll')); });
  await page.waitForFunction(() => document.querySelector('[data-testid=gutter]').scrollTop === document.querySelector('[data-testid=editor]').scrollTop);
  assert.equal(await step(), 3, 'the run is untouched');
  await page.reload();
  await page.waitForSelector('[data-testid=problems][data-count="2"]');
  assert.equal(await page.inputValue('[data-testid=editor]'), bad, 'the draft survives a reload');
  await page.fill('[data-testid=editor]', good.replace('"gomaxprocs": 2', '"gomaxprocs": 3'));
  await page.waitForSelector('[data-testid=problems][data-count="0"]');
  await page.click('[data-testid=apply]');
  await waitStep(0);
  await forward();
  assert.equal((await board()).ps.length, 3);
});

test('play to the end, the scrubber and the plots', async () => {
  await open(linkFor(BUSY));
  await page.click('[data-testid=to-end]');
  await page.waitForSelector('[data-testid=outcome]', { timeout: 30_000 });
  assert.match(await page.textContent('[data-testid=outcome]'), /main returned/);
  const end = await step();
  assert.equal(end, gmpsim(BUSY, 1_000_000).step);
  assert.equal(await page.getAttribute('[data-testid=scrubber]', 'max'), String(end));
  await expectMatchesGmpsim(BUSY, end);
  assert.ok(await page.locator('[data-testid=timeline] path').count() > 0, 'the timeline has bars');
  // Clicking the timeline jumps there.
  const row = page.locator('[data-testid=timeline] svg').first();
  await row.scrollIntoViewIfNeeded();
  const box = await row.boundingBox();
  await row.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await page.waitForFunction((e) => Number(document.querySelector('[data-testid=clock]').dataset.step) < e, end);
  // The log filters and jumps.
  await page.selectOption('[data-testid=log-kind]', 'Steal');
  const rows = page.locator('[data-testid=event-log] li[data-kind=Steal]');
  await rows.first().waitFor();
  const target = Number(await rows.first().getAttribute('data-step'));
  await rows.first().locator('button').click();
  await waitStep(target);
  assert.match((await board()).explain, /runqsteal/);
});

test('a link deep into a long run seeks in slices: a progress bar, a page that answers, and Cancel', async () => {
  // 1,000,000 goroutines on 8 Ps, opened at step 3,000,000. The page is a second or two from
  // there at full speed, so the CPU is slowed 8 times until Cancel: the test's key presses and
  // click surely come while the seek runs, on a fast machine too.
  await open(linkFor(SEEK1M, { step: 3_000_000 }), { ready: '[data-testid=seek-progress]', cpuThrottle: 8 });
  assert.equal(await page.getAttribute('[data-testid=seek-progress]', 'max'), '3000000');
  // The page answers while it seeks: the help opens and closes from the keyboard.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=help]', { timeout: 2_000 });
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=help]', { state: 'detached', timeout: 2_000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=seek-progress]')?.value) > 0);
  // Cancel goes back to the step before (0).
  await page.click('[data-testid=seek-cancel]');
  await page.waitForSelector('[data-testid=seek-progress]', { state: 'detached' });
  assert.equal(await step(), 0);
  await setCpuThrottle(page, 1);
  // A link to another far step goes the same way, and ends on gmpsim's board.
  await page.locator('[data-testid=step-forward]').click();
  await waitStep(1);
  // (A seek of 30,000 steps takes a few slices: too short to be sure to see its progress bar.)
  await page.evaluate(() => { window.location.hash = window.location.hash.replace(/&step=\d+/, '') + '&step=30000'; });
  await page.waitForSelector('[data-testid=clock][data-step="30000"]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=seek-progress]', { state: 'detached' });
  // gmpsim's state there is larger than execFileSync's default buffer: compare the board's hooks.
  const want = JSON.parse(execFileSync(GMPSIM, ['run', SEEK1M, '--until-step', '30000', '--format', 'state'], { encoding: 'utf8', maxBuffer: 1 << 30 }));
  const got = await board();
  assert.deepEqual([got.step, got.t], [want.step, want.t]);
  assert.deepEqual(got.ps, want.ps.map((p) => ({ id: p.id, status: p.status, m: p.m, runnext: p.runnext, runq: p.runq })));
  // The board's hook lists the first 4,096 of the global queue's goroutines, and its length.
  assert.ok(want.global.length > 4096, `a global queue longer than the hook lists (${want.global.length})`);
  assert.deepEqual([got.global, got.globalLen], [want.global.slice(0, 4096), want.global.length]);
});

test('movement highlights respect prefers-reduced-motion', async () => {
  for (const [reducedMotion, animated] of [['no-preference', true], ['reduce', false]]) {
    await open(linkFor(BUSY), { reducedMotion });
    await page.selectOption('[data-testid=jump-kind]', 'Steal');
    await page.click('[data-testid=jump-next]');
    await page.waitForFunction(() => /runqsteal/.test(document.querySelector('[data-testid=explain]').textContent));
    await back();
    await forward();
    const chip = page.locator('.chip.moved').first();
    await chip.waitFor({ state: 'attached' });
    const name = await chip.evaluate((el) => getComputedStyle(el).animationName);
    assert.equal(name !== 'none', animated, `animation with ${reducedMotion}: ${name}`);
    assert.match(await chip.getAttribute('aria-label'), /moved from P\d/);
    const line = page.locator('.move-arrow .mv-line').first();
    await line.waitFor({ state: 'attached' });
    const drawn = await line.evaluate((el) => getComputedStyle(el).animationName);
    assert.equal(drawn !== 'none', animated, `arrow animation with ${reducedMotion}: ${drawn}`);
    await page.evaluate(() => localStorage.clear());
    await page.close();
    assert.deepEqual(errors, []);
    page = undefined;
  }
});

/** Where each goroutine queued on or running on a P is, from a `__gmpState()` state. */
function onPs(state) {
  const at = new Map();
  for (const p of state.ps) {
    for (const g of [p.runnext, ...p.runq, p.g]) if (g != null) at.set(g, p.id);
  }
  return at;
}

/** The arrow from `from` to `to` (place keys), where it starts and ends, in client coordinates. */
async function arrow(from, to) {
  return page.evaluate(([from, to]) => {
    const a = document.querySelector(`.move-arrow[data-move-from="${from}"][data-move-to="${to}"]`);
    if (!a) return null;
    const svg = a.ownerSVGElement.getBoundingClientRect();
    const p0 = a.querySelector('.mv-line').getPointAtLength(0);
    const [ex, ey] = a.querySelector('.mv-head').getAttribute('d').slice(1).split('L')[0].split(',').map(Number);
    const inside = (p, x, y) => {
      const r = document.querySelector(`section[data-p="${p}"]`).getBoundingClientRect();
      return x >= r.left - 3 && x <= r.right + 3 && y >= r.top - 3 && y <= r.bottom + 3;
    };
    return {
      count: Number(a.dataset.count),
      title: a.querySelector('title').textContent,
      startsAtSource: inside(from.slice(2), svg.left + p0.x, svg.top + p0.y),
      endsAtDestination: inside(to.slice(2), svg.left + ex, svg.top + ey),
    };
  }, [from, to]);
}

test('a steal draws one arrow from the victim to the thief, with the count, placed again on resize', async () => {
  await open(linkFor(BUSY));
  await page.selectOption('[data-testid=jump-kind]', 'Steal');
  await page.click('[data-testid=jump-next]');
  await page.waitForFunction(() => /runqsteal/.test(document.querySelector('[data-testid=explain]').textContent));
  await back();
  const before = onPs(JSON.parse(await page.evaluate(() => window.__gmpState())));
  await forward();
  const after = onPs(JSON.parse(await page.evaluate(() => window.__gmpState())));
  // The goroutines that went from one P to another in this step, by victim and thief.
  const moved = new Map();
  for (const [g, p] of after) {
    const was = before.get(g);
    if (was !== undefined && was !== p) moved.set(`p:${was}|p:${p}`, (moved.get(`p:${was}|p:${p}`) || 0) + 1);
  }
  assert.equal(moved.size, 1, `one steal: ${[...moved.keys()]}`);
  const [[key, n]] = [...moved];
  const [from, to] = key.split('|');
  await page.waitForSelector(`.move-arrow[data-move-from="${from}"][data-move-to="${to}"]`);
  assert.equal(await page.locator('.move-arrow').count(), 1, 'one arrow, however many goroutines');
  let a = await arrow(from, to);
  assert.equal(a.count, n, 'the arrow counts the stolen goroutines');
  assert.match(a.title, new RegExp(`from P${from.slice(2)} to P${to.slice(2)}`));
  assert.ok(a.startsAtSource && a.endsAtDestination, `the arrow joins the two cards: ${JSON.stringify(a)}`);
  // A narrower window lays the cards out again; the arrow follows them.
  await page.setViewportSize({ width: 760, height: 900 });
  await page.waitForFunction(([from, to]) => {
    const a = document.querySelector(`.move-arrow[data-move-from="${from}"][data-move-to="${to}"]`);
    const svg = a.ownerSVGElement.getBoundingClientRect();
    const p0 = a.querySelector('.mv-line').getPointAtLength(0);
    const r = document.querySelector(`section[data-p="${from.slice(2)}"]`).getBoundingClientRect();
    const x = svg.left + p0.x;
    const y = svg.top + p0.y;
    return x >= r.left - 3 && x <= r.right + 3 && y >= r.top - 3 && y <= r.bottom + 3;
  }, [from, to]);
  a = await arrow(from, to);
  assert.ok(a.startsAtSource && a.endsAtDestination, `after the resize: ${JSON.stringify(a)}`);
  // A step back is not one step forward: nothing moved.
  await back();
  await page.waitForSelector('.move-arrow', { state: 'detached' });
});

test('the event log and the goroutine panel follow the run while playing fast', async () => {
  await open(linkFor(BUSY));
  await forward(3);
  await page.locator('button.chip[data-g="1"]').first().click();
  await page.waitForSelector('[data-testid=goroutine][data-g="1"]');
  await page.selectOption('[data-testid=speed]', '500');
  await page.click('[data-testid=play]');
  // Poll the page while it plays: the newest log row and the panel's newest history row change.
  const seen = await page.evaluate(async () => {
    const log = new Set();
    const history = new Set();
    const t0 = performance.now();
    while (performance.now() - t0 < 2500) {
      if (document.querySelector('[data-testid=play]').getAttribute('aria-pressed') !== 'true') break;
      const rows = document.querySelectorAll('[data-testid=event-log] li[data-step]');
      if (rows.length) log.add(rows[rows.length - 1].dataset.step);
      const h = document.querySelectorAll('[data-testid=goroutine] .history .lstep');
      if (h.length) history.add(h[h.length - 1].textContent);
      await new Promise((r) => setTimeout(r, 40));
    }
    return { log: [...log], history: [...history] };
  });
  await page.click('[data-testid=play]');
  assert.ok(seen.log.length >= 3, `the log changed while playing at 500 steps/s: ${seen.log}`);
  assert.ok(seen.history.length >= 2, `the goroutine panel changed while playing: ${seen.history}`);
});

test('parts of the board out of view while playing are up to date once paused', async () => {
  // Sixteen Ps on a short window: most P cards, the threads below and the waiting goroutines are
  // out of view, and keep their last rendering while the run plays.
  const doc = JSON.parse(fs.readFileSync(BUSY, 'utf8'));
  doc.gomaxprocs = 16;
  const file = path.join(TMP, 'busy16.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  await open(linkFor(file), { viewport: { width: 1000, height: 520 } });
  await page.selectOption('[data-testid=speed]', '500');
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=clock]').dataset.step) > 400);
  await page.click('[data-testid=play]');
  await page.waitForSelector('[data-testid=play][aria-pressed=false]');
  const n = await step();
  await expectMatchesGmpsim(file, n);
  // And scrolling a card into view while playing brings it up to date.
  await page.click('[data-testid=play]');
  await page.locator('section[data-p="15"]').scrollIntoViewIfNeeded();
  await page.keyboard.press(' ');
  await page.waitForSelector('[data-testid=play][aria-pressed=false]');
  await expectMatchesGmpsim(file, await step());
});

test('readable on a phone: no sideways scrolling, dark theme from the system', async () => {
  await open(linkFor(DEFAULT), { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  await forward(20);
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  // Focus is visible: the control reached with Tab gets an outline.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
});

/** Adds every violation axe-core finds on the page now to `found`, one line each, `when` first. */
async function checkAccessible(found, when) {
  for (const v of await axeViolations(page)) found.push(`${when}: ${v}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds no violation (${colorScheme}): at step 0, mid-run, with a lesson open, in threads mode`, async () => {
    // Reduced motion: a chip caught by axe mid-way through its arrival animation (faded in from
    // 30 % opacity) is not a contrast failure of the page.
    const found = [];
    const opts = { colorScheme, reducedMotion: 'reduce' };
    await open(linkFor(BUSY), opts);
    assert.equal(await page.getAttribute('html', 'data-theme'), colorScheme);
    await checkAccessible(found, 'at step 0');
    await forward(30);
    await checkAccessible(found, 'at step 30');
    await openLessonByKeyboard('work-stealing');
    await checkAccessible(found, 'with the work-stealing lesson open');
    // Threads mode, in a page of its own (the first one is closed first, its errors checked).
    assert.deepEqual(errors, [], 'the page logged errors');
    await page.close();
    await open(linkFor(BUSY, { mode: 'threads' }), { ...opts, ready: '[data-testid=threads]' });
    await page.waitForFunction(() => Number(JSON.parse(window.__gmpThreads()).step) > 0);
    // Paused (or ended: the button is then disabled), so that the panel does not change under axe.
    // Clicked once it is there: before the run's first observation the panel shows "Starting the
    // workers…" without its controls.
    await page.waitForFunction(() => {
      const b = document.querySelector('[data-testid=threads-pause]');
      b?.click();
      return Boolean(b);
    });
    await page.waitForSelector('[data-testid=threads][data-paused=true], [data-testid=threads][data-finished=true]');
    await checkAccessible(found, 'in threads mode');
    assert.deepEqual(found, [], `axe-core found ${found.length} violations (${colorScheme} scheme):\n${found.join('\n')}`);
  });
}

// ----- Lessons, share links, embedding, exports -----

const LESSONS = path.join(ROOT, 'src', 'lessons');

function gmpsimText(args) {
  return execFileSync(GMPSIM, args, { encoding: 'utf8' });
}

test('a new visitor sees the lesson gallery first; a lesson opens by keyboard, its moments seek, and the own work stays', async () => {
  await open();
  await page.waitForSelector('[data-testid=gallery]');
  const ids = await page.$$eval('[data-lesson]', (els) => els.map((e) => e.dataset.lesson));
  assert.ok(ids.length >= 14, `${ids.length} lessons`);
  assert.ok(ids.includes('work-stealing'));
  // The gallery's toggle is the first control after the skip link.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'lessons-toggle');
  assert.equal(await page.getAttribute('[data-testid=lessons-toggle]', 'aria-expanded'), 'true');
  // Some work of the user's own: an unapplied edit (the draft) of the default scenario.
  await page.click('[data-testid=gallery-close]');
  await page.waitForSelector('[data-testid=gallery]', { state: 'detached' });
  await forward(2);
  await page.click('[data-testid=switch-lang]');
  await page.waitForSelector('[data-testid=editor][aria-label="Scenario JSON"]');
  const draft = (await page.inputValue('[data-testid=editor]')).replace('"gomaxprocs": 2', '"gomaxprocs": 3');
  assert.notEqual(draft, await page.inputValue('[data-testid=editor]'));
  await page.fill('[data-testid=editor]', draft);
  // `g` shows the gallery again (not while typing in the editor); a lesson opens with Enter.
  await openLessonByKeyboard('work-stealing');
  await waitStep(0);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'lesson-h', 'the focus moves to the lesson');
  const text = await page.textContent('[data-testid=lesson]');
  assert.match(text, /Work stealing/);
  assert.match(text, /runqsteal/, 'names the proc.go function');
  const file = path.join(LESSONS, 'work-stealing.json');
  // The lesson's program is shown as Go, as `gmpsim export --go` writes it.
  assert.equal(await page.inputValue('[data-testid=editor]'), gmpsimText(['export', '--go', file]));
  // Every "jump to the moment" button seeks to its step, where the board is gmpsim's.
  const moments = await page.$$eval('[data-testid=moment]', (els) => els.map((e) => Number(e.dataset.step)));
  assert.ok(moments.length >= 1);
  for (const [i, n] of moments.entries()) {
    await page.locator('[data-testid=moment]').nth(i).click();
    await waitStep(n);
    await page.waitForSelector(`[data-testid=moment][data-step="${n}"][aria-current=step]`);
    await expectMatchesGmpsim(file, n);
  }
  assert.match((await board()).explain, /./);
  // Nothing of the user's was overwritten: the draft is still stored, and comes back.
  assert.equal(await page.evaluate(() => localStorage.getItem('gmp-playground.draft.v1')), draft);
  await page.click('text=Back to my scenario');
  await page.waitForFunction((d) => document.querySelector('[data-testid=editor]').value === d, draft);
  await page.waitForSelector('[data-testid=lesson]', { state: 'detached' });
  // A returning visitor is not shown the gallery.
  await page.reload();
  await page.waitForSelector('[data-testid=clock]');
  assert.equal(await page.locator('[data-testid=gallery]').count(), 0);
  assert.equal(await page.inputValue('[data-testid=editor]'), draft);
});

test('share after stepping and an intervention: the link opens the same board, and gmpsim reads and writes the same link', async () => {
  await suite.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.srv.url.replace(/\/$/, '') });
  await open(linkFor(DEFAULT));
  await forward(6);
  await page.selectOption('[data-testid=spawn-what]', 'f:cruncher');
  await page.fill('[data-testid=spawn-n]', '2');
  await page.click('[data-testid=spawn]');
  await waitStep(7);
  await forward(5);
  await page.click('[data-testid=share]');
  await page.waitForSelector('[data-testid=share-out][data-copied=yes]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.match(link, /#s=1\.[A-Za-z0-9_-]+&step=12$/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'copied');
  assert.match(await page.textContent('[data-testid=share-status]'), new RegExp(`${link.length} characters`));
  assert.equal(await page.evaluate(() => location.href), link, 'the address bar holds the link');
  const before = await board();
  // Opened in a new page: the same step and board.
  const other = await openPage(suite.browser.context, link);
  await other.page.waitForSelector('[data-testid=clock][data-step="12"]');
  assert.deepEqual(await board(other.page), before);
  const shown = await other.page.inputValue('[data-testid=editor]');
  assert.equal(JSON.parse(shown).actions.length, 1, 'the recorded action travels with the link');
  await other.page.close();
  assert.deepEqual(other.errors, []);
  // gmpsim decodes it, and writes the very same link for the same scenario and step.
  const decoded = gmpsimText(['decode', link]);
  assert.deepEqual(JSON.parse(decoded), JSON.parse(shown));
  const file = path.join(TMP, 'shared.json');
  fs.writeFileSync(file, decoded);
  assert.equal(gmpsimText(['link', file, '--base', suite.srv.url, '--step', '12']).trim(), link);
  await expectMatchesGmpsim(file, 12);
  // Without a clipboard, the link is selected for the user to copy.
  await page.evaluate(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true }));
  await forward(1);
  await page.click('[data-testid=share]');
  await page.waitForSelector('[data-testid=share-out][data-copied=no]');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'share-link');
  const link2 = await page.inputValue('[data-testid=share-link]');
  assert.equal(await page.evaluate(() => window.getSelection().toString() || document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd)), link2);
  assert.match(link2, /&step=13$/);
});

test('&embed=1: the board, the step controls and the explanation only, with a link to the full page', async () => {
  const frag = linkFor(DEFAULT, { step: 5, embed: 1 });
  await open(frag);
  await waitStep(5);
  for (const id of ['step-forward', 'step-back', 'play', 'explain', 'global-runq', 'scrubber']) {
    assert.equal(await page.locator(`[data-testid=${id}]`).count(), 1, id);
  }
  for (const sel of ['[data-testid=editor]', '[data-testid=gallery]', '[data-lesson]', '.col-side', '[data-testid=share]', '[data-testid=spawn]', '[data-testid=download-go]']) {
    assert.equal(await page.locator(sel).count(), 0, `${sel} is not in the embedded view`);
  }
  await expectMatchesGmpsim(DEFAULT, 5);
  await forward(2);
  await expectMatchesGmpsim(DEFAULT, 7);
  const href = await page.getAttribute('[data-testid=open-full]', 'href');
  assert.equal(href, suite.srv.url + linkFor(DEFAULT, { step: 5 }));
  // The full page from that link has the editor and opens at the same step.
  const full = await openPage(suite.browser.context, href);
  await full.page.waitForSelector('[data-testid=clock][data-step="5"]');
  assert.equal(await full.page.locator('[data-testid=editor]').count(), 1);
  await full.page.close();
  assert.deepEqual(full.errors, []);
  // Fits a narrow iframe without sideways scrolling.
  await page.setViewportSize({ width: 480, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the embedded view is ${overflow}px wider than the frame`);
});

test('downloads: main.go and the Perfetto trace are what gmpsim export writes for the same scenario', async () => {
  await open(linkFor(DEFAULT));
  await forward(4);
  await page.selectOption('[data-testid=spawn-what]', 't:tpl_sleeper');
  await page.fill('[data-testid=spawn-n]', '2');
  await page.click('[data-testid=spawn]');
  await waitStep(5);
  const file = path.join(TMP, 'exported.json');
  fs.writeFileSync(file, await page.inputValue('[data-testid=editor]'));
  const fetch = async (testid) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
    const p = await dl.path();
    return { name: dl.suggestedFilename(), text: fs.readFileSync(p, 'utf8') };
  };
  const go = await fetch('download-go');
  assert.equal(go.name, 'main.go');
  assert.equal(go.text, gmpsimText(['export', '--go', file]));
  assert.match(go.text, /tpl_sleeper/, 'the recorded action is in the program');
  await page.waitForSelector('[data-testid=download-status]:has-text("main.go")');
  const trace = await fetch('download-perfetto');
  assert.equal(trace.name, 'trace.perfetto.json');
  const want = gmpsimText(['export', '--perfetto', file]);
  assert.equal(trace.text, want);
  const v = JSON.parse(trace.text);
  assert.ok(v.traceEvents.length > 10);
  assert.match(await page.textContent('[data-testid=download-status]'), new RegExp(`${v.otherData.steps.toLocaleString('en-US')} steps`));
  assert.ok(Buffer.byteLength(trace.text) > 0);
});
