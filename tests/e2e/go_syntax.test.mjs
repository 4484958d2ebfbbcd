// End-to-end test of syntax errors in the Go editor on the built page (dist/) in Debian's
// Chromium: Go text with several independent syntax errors shows every one at its line (a
// gutter button and a marked line each, the list saying the same as `gmpsim validate FILE.go`),
// while the last good run goes on; axe finds nothing.
// Builds nothing: `trunk build --release` and `cargo build --bin gmpsim` first.

import { test } from 'node:test';
import { pageSuite } from './suite.mjs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, openPage, axeViolations } from './lib.mjs';

const GMPSIM = process.env.GMPSIM ? path.resolve(process.env.GMPSIM) : path.join(ROOT, 'target', 'debug', 'gmpsim');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-go-syntax-e2e-'));
const ED = '[data-testid=editor]';

const GOOD = `package main

import "runtime"

func worker(id int) {
	runtime.Gosched()
}

func main() {
	runtime.GOMAXPROCS(1)
	for i := range 3 {
		go worker(i)
	}
	runtime.Gosched()
}
`;

// Three independent mistakes: a missing comma (line 6), a stray ")" (line 12), a call left
// open (line 14).
const BROKEN = GOOD
  .replace('\truntime.Gosched()\n}\n\nfunc main', '\truntime.Gosched(id id)\n}\n\nfunc main')
  .replace('\t\tgo worker(i)\n', '\t\tgo worker(i))\n')
  .replace(/\truntime\.Gosched\(\)\n\}\n$/, '\truntime.Gosched(\n}\n');

const suite = pageSuite({ gmpsim: GMPSIM, tmp: TMP });

test('every syntax error of the Go text is shown at its line, as gmpsim validate lists them', async () => {
  const { page, errors } = await openPage(suite.browser.context, suite.srv.url);
  suite.track(page, errors);
  if (await page.locator('[data-testid=gallery]').count()) {
    await page.click('[data-testid=gallery-close]');
    await page.waitForSelector('[data-testid=gallery]', { state: 'detached' });
  }
  await page.fill(ED, GOOD);
  await page.waitForSelector('[data-testid=problems][data-count="0"]');
  await page.click('[data-testid=apply]');
  await page.waitForSelector('[data-testid=clock][data-step="0"]');
  await page.click('[data-testid=step-forward]');
  await page.waitForSelector('[data-testid=clock][data-step="1"]');

  // What the command line says about the same text.
  const file = path.join(TMP, 'broken.go');
  fs.writeFileSync(file, BROKEN);
  let stderr = '';
  try {
    execFileSync(GMPSIM, ['validate', file], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    stderr = e.stderr;
  }
  const cli = stderr.trim().split('\n').map((l) => {
    const m = l.match(/^.*broken\.go:(\d+):(\d+): (.*)$/);
    assert.ok(m, `a Go-format error: ${l}`);
    return { line: Number(m[1]), col: Number(m[2]), message: m[3] };
  });
  assert.deepEqual(cli.map((p) => p.line), [6, 12, 15], stderr);

  await page.fill(ED, BROKEN);
  await page.waitForSelector(`[data-testid=problems][data-count="${cli.length}"]`);
  const items = await page.$$eval('[data-testid=problems] li', (ls) => ls.map((l) => l.textContent));
  assert.equal(items.length, cli.length);
  cli.forEach((p, i) => {
    assert.ok(items[i].includes(`line ${p.line}:${p.col}`) && items[i].includes(p.message), `${items[i]} vs ${JSON.stringify(p)}`);
  });
  // Each at its line: a gutter button and a marked line.
  const marked = await page.$$eval('[data-testid=gutter] button.problem', (bs) => bs.map((b) => Number(b.dataset.line)));
  assert.deepEqual(marked, cli.map((p) => p.line));
  for (const p of cli) {
    assert.equal(await page.getAttribute(`[data-testid=code] .cl:nth-child(${p.line})`, 'class'), 'cl bad');
  }
  assert.ok(await page.isDisabled('[data-testid=apply]'));
  // The last good run goes on.
  await page.click('[data-testid=step-forward]');
  await page.waitForSelector('[data-testid=clock][data-step="2"]');
  assert.deepEqual(await axeViolations(page), []);
});
