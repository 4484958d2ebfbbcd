#!/bin/sh
# trunk's post-build hook (Trunk.toml), run in trunk's staging folder once index.html is written:
# writes into sw.js (the service worker, www/sw.js) the build's id, a hash of every file, and
# the list of files it caches as one set. A new build is a new sw.js, which is how a browser
# learns of a deploy. (The page's workers, threads mode's and the trace reader's, are the
# page's own wasm and JS, src/web/own_worker.rs: there is no other file to name.)
# A release build's two scripts are minified (www/minify.mjs): the JS first, so the id and the
# hashes below are the served file's, and the service worker last.
# Needs a POSIX shell, sed, find, sort and sha256sum (or shasum); a release build also Node.
set -eu
cd "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"

sha() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

release=false
[ "${TRUNK_PROFILE:-}" = release ] && release=true
if $release; then node "${TRUNK_SOURCE_DIR:?}/www/minify.mjs" glue; fi

if [ -f sw.js ]; then
  files=$(find . -type f ! -name sw.js ! -name '*.tmp' | sed 's|^\./||' | LC_ALL=C sort)
  build=$(for f in $files; do sha "$f"; done | sha | cut -c1-16)
  list=$(for f in $files; do printf '"%s",' "$f"; done | sed 's/,$//')
  sed -e "s|'__GMP_BUILD__'|'$build'|" -e "s|\[/\*__GMP_FILES__\*/\]|[$list]|" sw.js > sw.js.tmp
  mv sw.js.tmp sw.js
  grep -q "'$build'" sw.js
fi
if $release && [ -f sw.js ]; then node "$TRUNK_SOURCE_DIR/www/minify.mjs" sw; fi
