// The page tests' shared set-up: one server for dist/ and one browser per test file, and after
// each test the page it opened closed, its local storage cleared and no console or page error
// logged. Kept out of lib.mjs, which scripts (benchmarks, fresh_serve) import without node:test.

import { before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch } from './lib.mjs';

/**
 * Registers the hooks of a test file. `gmpsim`: a runner that must exist; `tmp`: a directory
 * removed at the end. Tell it each page a test opens with `track(page, errors)`.
 */
export function pageSuite({ gmpsim, tmp } = {}) {
  const s = { srv: undefined, browser: undefined, page: undefined, errors: [] };
  s.track = (page, errors) => { s.page = page; s.errors = errors; };
  before(async () => {
    if (gmpsim && !fs.existsSync(gmpsim)) {
      throw new Error(`${gmpsim} is missing: run \`cargo build --bin gmpsim\` first (or set GMPSIM)`);
    }
    s.srv = await serve();
    s.browser = await launch();
  });
  after(async () => {
    await s.browser?.close();
    await s.srv?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => { s.page = undefined; s.errors = []; });
  afterEach(async () => {
    if (s.page) {
      const errs = s.errors;
      await s.page.evaluate(() => localStorage.clear()).catch(() => {});
      await s.page.close();
      assert.deepEqual(errs, [], 'the page logged errors');
    }
  });
  return s;
}
