// A plain static server, as GitHub Pages and the like are: it sends the files of a folder
// under a sub-path (/gmp/ unless told), with their type, Last-Modified and GitHub Pages'
// `cache-control: max-age=600`, and no cross-origin isolation header (no COOP, COEP or CORP):
// the page's service worker (www/sw.js) must isolate it. `setDir` swaps the folder (a deploy
// of a new build); `down` makes every request fail, as an unreachable host does; `log` holds
// every path asked for.
//
// Used by static_site.test.mjs and threads_bench.mjs --static; also by hand:
//   node static_server.mjs [DIR] [--base /gmp/] [--port 8090]

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/**
 * Serves `dir` under `base` on 127.0.0.1 (`port`, or a free one). Resolves to
 * { url (the site's address, ending with `base`), origin, log, setDir(dir), down (settable), close() }.
 */
export function serveStatic(dir, { base = '/gmp/', port = 0 } = {}) {
  const state = { dir: path.resolve(dir), down: false, log: [] };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    state.log.push(u.pathname);
    if (state.down) {
      req.socket.destroy();
      return;
    }
    if (u.pathname === base.replace(/\/$/, '')) {
      res.writeHead(301, { location: base });
      res.end();
      return;
    }
    if (!u.pathname.startsWith(base)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    let p = path.normalize(decodeURIComponent(u.pathname.slice(base.length))).replace(/^([/\\])+/, '');
    if (p === '' || p === '.' || p.endsWith('/')) p = path.join(p, 'index.html');
    const file = path.join(state.dir, p);
    if (!file.startsWith(state.dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'max-age=600',
      'last-modified': fs.statSync(file).mtime.toUTCString(),
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url: origin + base,
        origin,
        log: state.log,
        setDir: (d) => { state.dir = path.resolve(d); },
        get down() { return state.down; },
        set down(v) { state.down = v; },
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : dflt; };
  const base = opt('--base', '/gmp/');
  const port = Number(opt('--port', '8090'));
  const dir = args[0] || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
  const s = await serveStatic(dir, { base, port });
  console.log(`serving ${dir} at ${s.url} (no cross-origin isolation headers)`);
}
