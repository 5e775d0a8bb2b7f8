#!/bin/sh
# Starts the server as `npm run build` compiled it (.next/marginalia-server.mjs): what `npm start`
# runs after its set-up step, the systemd unit of docs/deploy.md, the browser tests and the bench.
# Its arguments go to the server (--hostname, --port); NODE_FLAGS adds node's own (a profile).
#
# --max-semi-space-size=8 (MB): V8's default let the young generation grow to 128 MB under load; at
# 8 it holds 16 (docs/performance.md, Memory).
#
# jemalloc where the system has it (Debian's libjemalloc2), unless MARGINALIA_JEMALLOC=off: glibc's
# malloc kept 50–110 MB of what the server had freed, and gave little of it back; jemalloc returns
# pages left free for a second (dirty_decay_ms), from a thread of its own (docs/performance.md,
# Memory, sixth round). Without it, glibc's malloc is used as before. The server's children inherit
# it: sharp's libvips (covers, cards) is documented to do better on jemalloc, Chromium (diagrams) runs.
if [ -z "${LD_PRELOAD-}" ] && [ "${MARGINALIA_JEMALLOC-}" != off ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 \
    /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [ -r "$lib" ]; then
      export LD_PRELOAD="$lib"
      export MALLOC_CONF="${MALLOC_CONF:-background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0}"
      break
    fi
  done
fi
# NODE_FLAGS is split into words on purpose: several flags.
# shellcheck disable=SC2086
exec node --max-semi-space-size=8 ${NODE_FLAGS-} .next/marginalia-server.mjs "$@"
