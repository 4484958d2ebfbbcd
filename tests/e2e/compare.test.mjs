// End-to-end tests of issue 13 on the built page: the compare view (two lanes on one clock,
// opened by a `#s=…&vs=…&step=N` link or "Compare with…", divergences against
// `gmpsim diff --format json`, Share, a bad lane) and predict mode (choices, verdict, keys,
// the score across a reload, no answer in the DOM). Build first: `trunk build --release` and
// `cargo build --bin gmpsim`.

import { test } from 'node:test';
import { pageSuite } from './suite.mjs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, openPage, axeViolations } from './lib.mjs';

const GMPSIM = process.env.GMPSIM ? path.resolve(process.env.GMPSIM) : path.join(ROOT, 'target', 'debug', 'gmpsim');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-compare-'));
const BASE = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'scenarios', 'gomaxprocs.json'), 'utf8'));

const suite = pageSuite({ gmpsim: GMPSIM, tmp: TMP });
let page;
let errors;

const packed = (json) => `1.${zlib.deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64url')}`;
const withProcs = (n) => JSON.stringify({ ...BASE, gomaxprocs: n }, null, 2);

function file(name, json) {
  const f = path.join(TMP, name);
  fs.writeFileSync(f, json);
  return f;
}

async function open(hash, ready = '[data-testid=clock]') {
  ({ page, errors } = await openPage(suite.browser.context, suite.srv.url + hash, { ready })); suite.track(page, errors);
  return page;
}

const clockStep = () => page.getAttribute('[data-testid=clock]', 'data-step').then(Number);
const waitClock = (n) => page.waitForSelector(`[data-testid=clock][data-step="${n}"]`, { timeout: 15_000 });

/** A lane's board as its hooks show it. */
function lane(code) {
  return page.evaluate((code) => {
    const root = document.querySelector(`[data-lane=${code}]`);
    const ids = (s) => (s ? s.split(',').map(Number) : []);
    return {
      step: Number(root.querySelector('[data-testid=lane-step]')?.dataset.step),
      ps: [...root.querySelectorAll('section[data-p]')].map((el) => ({ id: Number(el.dataset.p), status: el.dataset.status, runq: ids(el.dataset.runq) })),
      global: ids(root.querySelector('[data-testid=global-runq]').dataset.runq),
      globalLen: Number(root.querySelector('[data-testid=global-runq]').dataset.len),
      ms: [...root.querySelectorAll('li[data-m]')].map((el) => ({ id: Number(el.dataset.m), status: el.dataset.status })),
    };
  }, code);
}

function gmpsimState(f, n) {
  return JSON.parse(execFileSync(GMPSIM, ['run', f, '--until-step', String(n), '--format', 'state'], { encoding: 'utf8' }));
}

async function expectLaneMatches(code, f, n) {
  const want = gmpsimState(f, n);
  const got = await lane(code);
  assert.equal(got.step, n, `lane ${code} step`);
  assert.deepEqual(got.ps, want.ps.map((p) => ({ id: p.id, status: p.status, runq: p.runq })), `lane ${code} Ps at ${n}`);
  assert.deepEqual([got.global, got.globalLen], [want.global.slice(0, 4096), want.global.length], `lane ${code} global queue at ${n}`);
  assert.deepEqual(got.ms, want.ms.filter((m) => m.status !== 'dead').map((m) => ({ id: m.id, status: m.status })), `lane ${code} Ms at ${n}`);
}

test('a compare link opens two lanes at its step, each board scoped to its lane, one clock', async () => {
  const [a, b] = [withProcs(2), withProcs(4)];
  const [fa, fb] = [file('a.json', a), file('b.json', b)];
  await open(`#s=${packed(a)}&vs=${packed(b)}&step=12`);
  await waitClock(12);
  assert.equal(await page.locator('[data-testid=clock]').count(), 1, 'one clock');
  assert.equal(await page.locator('[data-lane=a] [data-p="0"]').count(), 1);
  assert.equal(await page.locator('[data-lane=b] [data-p="3"]').count(), 1);
  assert.equal(await page.locator('[data-lane=a] [data-p="3"]').count(), 0, 'lane A has 2 Ps');
  await expectLaneMatches('a', fa, 12);
  await expectLaneMatches('b', fb, 12);
  // Keyboard: → steps both lanes.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('ArrowRight');
  await waitClock(13);
  await expectLaneMatches('a', fa, 13);
  await expectLaneMatches('b', fb, 13);
});

test('the first divergence is gmpsim diff\'s; jump, next and previous seek both lanes', async () => {
  const [a, b] = [withProcs(2), withProcs(4)];
  const [fa, fb] = [file('a.json', a), file('b.json', b)];
  const diff = JSON.parse(execFileSync(GMPSIM, ['diff', fa, fb, '--format', 'json'], { encoding: 'utf8' }));
  assert.ok(Number.isInteger(diff.step), `they diverge: ${JSON.stringify(diff).slice(0, 200)}`);
  await open(`#s=${packed(a)}&vs=${packed(b)}`);
  await page.waitForSelector('[data-testid=first-divergence][data-step]');
  assert.equal(Number(await page.getAttribute('[data-testid=first-divergence]', 'data-step')), diff.step);
  await page.click('[data-testid=jump-divergence]');
  await waitClock(diff.step);
  await expectLaneMatches('a', fa, diff.step);
  await expectLaneMatches('b', fb, diff.step);
  const after = JSON.parse(execFileSync(GMPSIM, ['diff', fa, fb, '--format', 'json', '--after', String(diff.step)], { encoding: 'utf8' }));
  await page.waitForSelector('[data-testid=summary-deltas]');
  await page.click('[data-testid=next-divergence]');
  await waitClock(after.step);
  await page.click('[data-testid=prev-divergence]');
  await waitClock(diff.step);
  // The summary: deltas side by side and the merged per-P timeline.
  const rows = await page.locator('[data-testid=summary-deltas] tbody tr').allTextContents();
  for (const m of ['Total time', 'Threads created', 'Steals', 'Hand-offs', 'Preemptions', 'P0 busy', 'P3 busy']) {
    assert.ok(rows.some((r) => r.startsWith(m)), `${m} in ${rows}`);
  }
  assert.equal(await page.locator('[data-testid=merged-timeline] [data-merged-p]').count(), 4);
});

test('Share in the compare view gives a link that opens the same comparison', async () => {
  const [a, b] = [withProcs(2), withProcs(3)];
  await open(`#s=${packed(a)}&vs=${packed(b)}&step=5`);
  await waitClock(5);
  await page.click('[data-testid=compare-forward]');
  await waitClock(6);
  await page.click('[data-testid=compare-share]');
  const url = await page.inputValue('[data-testid=compare-share-link]');
  assert.match(url, /#s=1\.[\w-]+&vs=1\.[\w-]+&step=6$/);
  const before = [await lane('a'), await lane('b')];
  await page.close();
  ({ page, errors } = await openPage(suite.browser.context, url)); suite.track(page, errors);
  await waitClock(6);
  assert.deepEqual([await lane('a'), await lane('b')], before);
});

test('a bad lane B is reported in lane B; lane A runs; the user\'s own work stays', async () => {
  await open('');
  await page.evaluate(() => localStorage.setItem('gmp-playground.draft.v1', '{"version": 1, "mine": true'));
  const bad = JSON.stringify({ ...BASE, main: [{ go: 'nosuch' }, ...BASE.main] });
  await page.goto(suite.srv.url + `#s=${packed(withProcs(2))}&vs=${packed(bad)}&step=3`);
  await page.waitForSelector('[data-lane=b] [data-testid=lane-error]');
  await waitClock(3);
  const msg = await page.textContent('[data-lane=b] [data-testid=lane-error]');
  assert.match(msg, /main\[0\]\.go: .*nosuch/);
  assert.equal(await page.locator('[data-lane=a] [data-p="1"]').count(), 1, 'lane A runs');
  await page.click('[data-testid=compare-forward]');
  await waitClock(4);
  assert.equal(await page.evaluate(() => localStorage.getItem('gmp-playground.draft.v1')), '{"version": 1, "mine": true');
  // A payload that does not unpack: said in lane B too.
  await page.goto(suite.srv.url + `#s=${packed(withProcs(2))}&vs=1.@@@`);
  await page.waitForSelector('[data-lane=b] [data-testid=lane-error]');
  assert.match(await page.textContent('[data-lane=b] [data-testid=lane-error]'), /link parameter vs=/);
  await page.click('[data-testid=compare-close]');
  await page.waitForSelector('[data-testid=compare-with]');
  assert.equal(await page.locator('[data-lane]').count(), 0);
});

test('Compare with… from the page (keyboard only), and axe finds no violation', async () => {
  await open('#' + `s=${packed(withProcs(2))}`);
  await page.focus('[data-testid=compare-with] summary');
  await page.keyboard.press('Enter');
  await page.selectOption('[data-testid=compare-kind]', 'gomaxprocs');
  await page.fill('[data-testid=compare-value]', '6');
  await page.focus('[data-testid=compare-open]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=compare-view]');
  await page.keyboard.press('ArrowRight');
  await waitClock(1);
  assert.equal(await page.locator('[data-lane=b] section[data-p]').count(), 6);
  assert.equal(await page.locator('[data-lane=a] section[data-p]').count(), 2);
  await page.waitForSelector('[data-testid=summary-deltas]');
  assert.deepEqual(await axeViolations(page), []);
});

test('predict mode: choices without the answer, verdict, keys 1–4, score kept across a reload', async () => {
  await open('');
  await page.evaluate(() => localStorage.setItem('gmp-playground.scenario.v1', 'x'));
  await page.goto(suite.srv.url);
  await page.waitForSelector('[data-testid=clock]');
  // Open a lesson from the gallery, then predict mode.
  if (!(await page.locator('[data-testid=gallery]').count())) await page.keyboard.press('g');
  await page.click('[data-lesson=work-stealing]');
  await page.click('[data-testid=predict]');
  await page.waitForSelector('[data-testid=predict-question]');
  const choices = page.locator('[data-choice]');
  const n = await choices.count();
  assert.ok(n >= 2 && n <= 4, `${n} choices`);
  // Nothing marks the right one: every choice button has the same attributes but its number.
  const attrs = await page.evaluate(() => [...document.querySelectorAll('[data-choice]')].map((b) =>
    [...b.attributes].map((a) => a.name + (a.name === 'data-choice' ? '' : '=' + a.value)).sort().join(' ')));
  assert.equal(new Set(attrs).size, 1, attrs.join(' | '));
  const panel = await page.evaluate(() => document.querySelector('.predict').outerHTML);
  assert.doesNotMatch(panel, /data-correct|verdict|aria-pressed="true"[^>]*data-choice|data-choice[^>]*aria-pressed="true"/i, 'no answer before answering');
  assert.equal(await page.locator('[data-correct]').count(), 0);
  const qstep = Number(await page.getAttribute('[data-testid=predict-question]', 'data-step'));
  assert.equal(await clockStep(), qstep - 1);
  // Key 1 answers.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('1');
  await page.waitForSelector('[data-testid=verdict]');
  const correct = await page.getAttribute('[data-testid=verdict]', 'data-correct');
  assert.ok(correct === 'true' || correct === 'false');
  assert.match(await page.textContent('[data-testid=verdict]'), /[a-zA-Z]+\(\)|runq|handoffp|findRunnable|schedule/);
  await waitClock(qstep);
  assert.equal(await page.getAttribute('[data-testid=predict-score]', 'data-asked'), '1');
  const right = correct === 'true' ? 1 : 0;
  assert.equal(await page.getAttribute('[data-testid=predict-score]', 'data-right'), String(right));
  // Next question, answered with a click.
  await page.click('[data-testid=predict-next]');
  await page.waitForSelector('[data-testid=predict-question] [data-choice]:not([disabled])');
  await page.click('[data-choice="2"]');
  await page.waitForSelector('[data-testid=verdict]');
  const right2 = right + ((await page.getAttribute('[data-testid=verdict]', 'data-correct')) === 'true' ? 1 : 0);
  assert.deepEqual(
    [await page.getAttribute('[data-testid=predict-score]', 'data-asked'), await page.getAttribute('[data-testid=predict-score]', 'data-right')],
    ['2', String(right2)],
  );
  assert.deepEqual(await axeViolations(page), []);
  // A reload keeps the lesson's score.
  await page.reload();
  await page.waitForSelector('[data-testid=clock]');
  if (!(await page.locator('[data-testid=gallery]').count())) await page.keyboard.press('g');
  await page.click('[data-lesson=work-stealing]');
  await page.click('[data-testid=predict]');
  await page.waitForSelector('[data-testid=predict-score][data-asked="2"]');
  assert.equal(await page.getAttribute('[data-testid=predict-score]', 'data-right'), String(right2));
});
