#!/bin/sh
# trunk's post-build hook (Trunk.toml), run in trunk's staging folder once index.html is written:
#  1. names threads mode's worker by its hash, as trunk names the page's own wasm and JS
#     (trunk keeps a worker's name fixed: worker.js, worker_bg.wasm), and writes that name in
#     index.html's <meta name="gmp-worker">, where the page reads it (src/web/threads.rs). A tab
#     then never starts a worker of another build, whoever serves it;
#  2. writes into sw.js (the service worker, www/sw.js) the build's id, a hash of every file,
#     and the list of files it caches as one set. A new build is a new sw.js, which is how a
#     browser learns of a deploy.
# Needs only a POSIX shell, sed, find, sort and sha256sum (or shasum).
set -eu
cd "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"

sha() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

if [ -f worker.js ] && [ -f worker_bg.wasm ]; then
  h=$(cat worker.js worker_bg.wasm | sha | cut -c1-16)
  sed "s/'worker_bg\.wasm'/'worker-${h}_bg.wasm'/" worker.js > "worker-$h.js"
  if ! grep -q "'worker-${h}_bg.wasm'" "worker-$h.js"; then
    echo "stamp-build.sh: worker.js does not name 'worker_bg.wasm' as expected (wasm-bindgen changed?)" >&2
    exit 1
  fi
  mv worker_bg.wasm "worker-${h}_bg.wasm"
  rm worker.js
  sed "s|</head>|<meta name=\"gmp-worker\" content=\"./worker-$h.js\"></head>|" index.html > index.html.tmp
  mv index.html.tmp index.html
  grep -q "name=\"gmp-worker\"" index.html
fi

if [ -f sw.js ]; then
  files=$(find . -type f ! -name sw.js ! -name '*.tmp' | sed 's|^\./||' | LC_ALL=C sort)
  build=$(for f in $files; do sha "$f"; done | sha | cut -c1-16)
  list=$(for f in $files; do printf '"%s",' "$f"; done | sed 's/,$//')
  sed -e "s|'__GMP_BUILD__'|'$build'|" -e "s|\[/\*__GMP_FILES__\*/\]|[$list]|" sw.js > sw.js.tmp
  mv sw.js.tmp sw.js
  grep -q "'$build'" sw.js
fi
