// End-to-end tests of the Go editor (issue 11) on the built page (dist/) in Debian's Chromium:
// Go typed in the editor runs (checked against `gmpsim run FILE.go`), a broken line shows its
// error at that line while the last good run goes on, share links keep the Go text exactly
// (version 2) and version 1 links still open, lessons show Go, and axe finds nothing.
// Builds nothing: `trunk build --release` and `cargo build --bin gmpsim` first.

import { test } from 'node:test';
import { pageSuite } from './suite.mjs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, openPage, fragment, axeViolations } from './lib.mjs';

const GMPSIM = process.env.GMPSIM ? path.resolve(process.env.GMPSIM) : path.join(ROOT, 'target', 'debug', 'gmpsim');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-go-e2e-'));
const ED = '[data-testid=editor]';

// Three goroutines on one P: a comment and odd spacing that a share link must keep.
const PROG = `package main

import "runtime"

// three workers, then main yields
func worker() {
	runtime.Gosched()
}

func main() {
	runtime.GOMAXPROCS(1)
	for range 3 {
		go worker()   // spaced as written
	}
	runtime.Gosched()
}
`;

const suite = pageSuite({ gmpsim: GMPSIM, tmp: TMP });
let page;
let errors;

async function open(hash = '') {
  ({ page, errors } = await openPage(suite.browser.context, suite.srv.url + hash)); suite.track(page, errors);
  return page;
}

/** A version 2 share-link fragment: the Go text, raw DEFLATE, base64url. */
function goFragment(go, params = {}) {
  const payload = zlib.deflateRawSync(Buffer.from(go, 'utf8'), { level: 9 }).toString('base64url');
  return `#s=2.${payload}${Object.entries(params).map(([k, v]) => `&${k}=${v}`).join('')}`;
}

function gmpsim(args) {
  return execFileSync(GMPSIM, args, { encoding: 'utf8' });
}

function goFile(name, text) {
  const f = path.join(TMP, name);
  fs.writeFileSync(f, text);
  return f;
}

async function step() {
  return Number(await page.getAttribute('[data-testid=clock]', 'data-step'));
}

async function waitStep(n) {
  await page.waitForSelector(`[data-testid=clock][data-step="${n}"]`, { timeout: 10_000 });
}

async function forward(k = 1) {
  const s = await step();
  for (let i = 0; i < k; i++) await page.click('[data-testid=step-forward]');
  await waitStep(s + k);
}

/** The page's whole state equals `gmpsim run FILE --until-step n --format state`. */
async function expectState(file, n) {
  const want = JSON.parse(gmpsim(['run', file, '--until-step', String(n), '--format', 'state']));
  const got = JSON.parse(await page.evaluate(() => window.__gmpState()));
  assert.deepEqual(got, want, `the state at step ${n}`);
}

/** Replaces the editor's text (as typing does) and runs it. */
async function typeAndApply(text) {
  await page.fill(ED, text);
  await page.waitForSelector('[data-testid=problems][data-count="0"]');
  await page.click('[data-testid=apply]');
  await waitStep(0);
}

async function closeGallery() {
  if (await page.locator('[data-testid=gallery]').count()) {
    await page.click('[data-testid=gallery-close]');
    await page.waitForSelector('[data-testid=gallery]', { state: 'detached' });
  }
}

test('a new visitor sees Go, highlighted and numbered; typed Go runs as gmpsim runs it', async () => {
  await open();
  await closeGallery();
  assert.equal(await page.getAttribute(ED, 'aria-label'), 'Go program');
  const shown = await page.inputValue(ED);
  assert.match(shown, /^package main$/m);
  assert.equal(shown, gmpsim(['export', '--go', path.join(ROOT, 'src', 'web', 'default_scenario.json')]), 'the default scenario as export --go writes it');
  assert.ok(await page.locator('[data-testid=code] .tk').count() > 10, 'keywords are highlighted');
  assert.equal(await page.locator('[data-testid=gutter] .ln').count(), shown.split('\n').length, 'one number per line');
  await typeAndApply(PROG);
  // The highlighting follows the text: a comment and keywords of the new program.
  assert.equal(await page.locator('[data-testid=code] .cl').count(), PROG.split('\n').length);
  assert.equal(await page.textContent('[data-testid=code] .cl:nth-child(5) .tc'), '// three workers, then main yields');
  assert.equal(await page.textContent('[data-testid=code] .cl:nth-child(1) .tk'), 'package');
  await forward(6);
  await expectState(goFile('typed.go', PROG), 6);
});

test('a broken line shows its error at that line while the previous run continues; nothing is lost', async () => {
  await open();
  await closeGallery();
  await typeAndApply(PROG);
  await forward(4);
  const lines = PROG.split('\n');
  const at = lines.indexOf('\tfor range 3 {') + 1;
  const broken = [...lines.slice(0, at - 1), '\tselect {}', '\tvar m map[int]int', ...lines.slice(at - 1)].join('\n');
  await page.fill(ED, broken);
  await page.waitForSelector('[data-testid=problems][data-count="2"]');
  const problems = await page.textContent('[data-testid=problems]');
  assert.match(problems, new RegExp(`line ${at}:2 .*select`));
  assert.match(problems, new RegExp(`line ${at + 1}:`));
  // Every problem at its line: a gutter button and a marked line.
  const marked = await page.$$eval('[data-testid=gutter] button.problem', (bs) => bs.map((b) => Number(b.dataset.line)));
  assert.deepEqual(marked, [at, at + 1]);
  assert.equal(await page.getAttribute(`[data-testid=code] .cl:nth-child(${at})`, 'class'), 'cl bad');
  assert.ok(await page.isDisabled('[data-testid=apply]'));
  // The gutter's button selects the problem in the text.
  await page.focus(`[data-testid=gutter] button[data-line="${at}"]`);
  await page.keyboard.press('Enter');
  const sel = await page.evaluate(() => {
    const t = document.querySelector('[data-testid=editor]');
    return t.value.slice(t.selectionStart, t.selectionEnd);
  });
  assert.equal(sel, 'select');
  // The previous run goes on.
  await forward(2);
  await expectState(goFile('good.go', PROG), 6);
  // The draft survives a reload, with its problems.
  await page.reload();
  await page.waitForSelector('[data-testid=problems][data-count="2"]');
  assert.equal(await page.inputValue(ED), broken);
});

test('Share gives a version 2 link that reopens the exact Go text; gmpsim decodes it', async () => {
  await suite.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.srv.url.replace(/\/$/, '') });
  await open();
  await closeGallery();
  await typeAndApply(PROG);
  await forward(5);
  await page.click('[data-testid=share]');
  await page.waitForSelector('[data-testid=share-out][data-copied=yes]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.match(link, /#s=2\.[A-Za-z0-9_-]+&step=5$/);
  const other = await openPage(suite.browser.context, link);
  await other.page.waitForSelector('[data-testid=clock][data-step="5"]');
  assert.equal(await other.page.inputValue(ED), PROG, 'comments and spacing survive');
  assert.equal(await other.page.getAttribute(ED, 'aria-label'), 'Go program');
  await other.page.close();
  assert.deepEqual(other.errors, []);
  const file = goFile('shared.go', PROG);
  assert.deepEqual(JSON.parse(gmpsim(['decode', link])), JSON.parse(gmpsim(['import', '--go', file])));
  // A hand-made version 2 link opens the same way.
  await page.goto(suite.srv.url + goFragment(PROG, { step: 3 }));
  await page.reload();
  await waitStep(3);
  assert.equal(await page.inputValue(ED), PROG);
});

test('a version 1 link still opens its JSON, and the JSON is one click from Go and back', async () => {
  const json = fs.readFileSync(path.join(ROOT, 'tests', 'e2e', 'scenarios', 'busy.json'), 'utf8');
  await open(fragment(json, { step: 4 }));
  await waitStep(4);
  assert.equal(await page.inputValue(ED), json);
  assert.equal(await page.getAttribute(ED, 'aria-label'), 'Scenario JSON');
  await page.click('[data-testid=switch-lang]');
  await page.waitForSelector(`${ED}[aria-label="Go program"]`);
  const file = path.join(ROOT, 'tests', 'e2e', 'scenarios', 'busy.json');
  assert.equal(await page.inputValue(ED), gmpsim(['export', '--go', file]));
  assert.equal(await step(), 4, 'switching does not restart the run');
  await page.click('[data-testid=switch-lang]');
  await page.waitForSelector(`${ED}[aria-label="Scenario JSON"]`);
  assert.equal(await page.inputValue(ED), json, 'the JSON comes back as it was');
});

test('a lesson shows its program as Go', async () => {
  await open();
  await page.click('[data-lesson=work-stealing]');
  await page.waitForSelector('[data-testid=lesson]');
  assert.equal(await page.getAttribute(ED, 'aria-label'), 'Go program');
  assert.equal(await page.inputValue(ED), gmpsim(['export', '--go', path.join(ROOT, 'src', 'lessons', 'work-stealing.json')]));
});

test('the Go editor passes the axe check, with problems shown', async () => {
  await open();
  await closeGallery();
  await typeAndApply(PROG);
  await forward(3);
  assert.deepEqual(await axeViolations(page), []);
  await page.fill(ED, PROG.replace('runtime.Gosched()\n}\n\nfunc main', 'select {}\n}\n\nfunc main'));
  await page.waitForSelector('[data-testid=problems][data-count="1"]');
  assert.deepEqual(await axeViolations(page), []);
});

const PRINTS = `package main

import (
	"fmt"
	"runtime"
)

func worker(id int) {
	fmt.Println("worker", id)
}

func main() {
	runtime.GOMAXPROCS(1)
	for i := range 3 {
		go worker(i)
	}
	runtime.Gosched()
	fmt.Println("main done")
}
`;

test('a Println program: the Output panel fills as the run steps and un-prints when stepping back; goroutines\' lines are marked', async () => {
  await open();
  await closeGallery();
  await typeAndApply(PRINTS);
  assert.equal(await page.getAttribute('[data-testid=output]', 'data-prints'), '0');
  // gmpsim prints the same lines.
  const want = gmpsim(['run', goFile('prints.go', PRINTS), '--format', 'output']);
  assert.equal(want.split('\n').filter(Boolean).length, 4, want);
  // Step until everything is printed, checking the panel never prints ahead of gmpsim.
  let marked = false;
  for (let i = 0; i < 200; i++) {
    await forward(1);
    const n = Number(await page.getAttribute('[data-testid=output]', 'data-prints'));
    if (n > 0) {
      const text = await page.textContent('[data-testid=output-text]');
      assert.ok(want.startsWith(text), `${JSON.stringify(text)} is a prefix of ${JSON.stringify(want)}`);
    }
    marked ||= (await page.locator('[data-testid=code] .cl.run').count()) > 0;
    if (n === 4) break;
  }
  assert.equal(await page.textContent('[data-testid=output-text]'), want);
  assert.ok(marked, 'the lines goroutines are on were marked');
  // Stepping back un-prints.
  const end = await step();
  let fewer = false;
  for (let k = 0; k < 40 && !fewer; k++) {
    await page.click('[data-testid=step-back]');
    await waitStep(end - k - 1);
    fewer = Number(await page.getAttribute('[data-testid=output]', 'data-prints')) < 4;
  }
  assert.ok(fewer, 'a step back un-printed the last line');
  assert.ok(!(await page.textContent('[data-testid=output]')).includes('main done'));
  assert.deepEqual(await axeViolations(page), []);
});
