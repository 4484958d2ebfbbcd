// Release builds only: trunk's post-build hook (www/stamp-build.sh) runs it in trunk's staging
// folder. It minifies the page's two scripts with terser, which the end-to-end suite's npm
// packages pin, as they pin wasm-opt (tests/e2e/package.json):
//   node minify.mjs glue  wasm-bindgen's JS (app-<hash>.js, an ES module), and its integrity
//                         hash in index.html (trunk wrote it for the unminified file);
//   node minify.mjs sw    the service worker, once stamp-build.sh has written its file list.
// About 3 KB of the page's gzipped size (README, "Page size now"). A debug build (`trunk
// serve`) is left as it is.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
const source = process.env.TRUNK_SOURCE_DIR;
const what = process.argv[2];
if (!staging || !source || !['glue', 'sw'].includes(what)) {
  console.error('usage (from trunk\'s post-build hook): node www/minify.mjs glue|sw');
  process.exit(2);
}

let terser;
try {
  terser = createRequire(join(source, 'tests/e2e/package.json'))('terser');
} catch (e) {
  console.error('minify.mjs: terser is missing; run `(cd tests/e2e && npm ci)` once (bash .ci/serve and .ci/run do)');
  process.exit(1);
}

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');

async function minify(file, module) {
  const path = join(staging, file);
  const before = readFileSync(path);
  const out = await terser.minify(before.toString('utf8'), { module, compress: true, mangle: true });
  if (typeof out.code !== 'string' || out.code.length === 0) throw new Error(`terser gave nothing for ${file}`);
  writeFileSync(path, out.code);
  return [before, Buffer.from(out.code)];
}

if (what === 'glue') {
  const glue = readdirSync(staging).filter((f) => /^app-[0-9a-f]+\.js$/.test(f));
  if (glue.length !== 1) throw new Error(`expected one app-<hash>.js in ${staging}, found ${glue.length}`);
  const [before, after] = await minify(glue[0], true);
  const index = join(staging, 'index.html');
  const html = readFileSync(index, 'utf8');
  const old = `integrity="${sri(before)}"`;
  // trunk names the glue's hash once, on its modulepreload link (none with --no-sri). A link
  // with an integrity hash that is not the file's would stop the page from loading: refuse.
  const n = html.split(old).length - 1;
  const link = html.match(new RegExp(`<link[^>]*"\\./${glue[0].replace(/\./g, '\\.')}"[^>]*>`));
  if (n > 1 || (n === 0 && link && link[0].includes('integrity='))) {
    throw new Error(`index.html names the glue's hash ${n} times (its link: ${link && link[0]})`);
  }
  writeFileSync(index, html.replace(old, `integrity="${sri(after)}"`));
} else {
  await minify('sw.js', false);
}
