#!/usr/bin/env bash
# Prepares the build context of the simulator's container image (see Dockerfile and docs/containers.md):
#   OUT/Dockerfile        a copy of the repository's Dockerfile
#   OUT/simulator.js      the bundled simulator (build/simulator.js, from `npm run build`)
#   OUT/rootfs/           this machine's node binary (as /usr/bin/node) and every library `ldd` says it links
# Usage: scripts/prepare-image-context.sh [OUT_DIR]   (default: .image-context, which is gitignored)
# Then:  docker build -t qcs-gitops-simulator:local OUT_DIR
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$repo/.image-context}"

die() { echo "prepare-image-context: $*" >&2; exit 1; }

[ -f "$repo/build/simulator.js" ] || die "build/simulator.js is missing; run \`npm run build\` first."
command -v ldd >/dev/null || die "ldd is not available; the image is built from this machine's node and needs ldd (Linux only)."
node_bin="$(node -p 'require("fs").realpathSync(process.execPath)')" || die "cannot run node."
[ -x "$node_bin" ] || die "node binary $node_bin is not executable."

rm -rf "$out"
mkdir -p "$out/rootfs/usr/bin" "$out/rootfs/etc" "$out/rootfs/tmp"
chmod 1777 "$out/rootfs/tmp"
cp "$repo/Dockerfile" "$out/Dockerfile"
cp "$repo/build/simulator.js" "$out/simulator.js"
cp -L "$node_bin" "$out/rootfs/usr/bin/node"

# The libraries: every absolute path ldd prints, copied to the same path with links followed.
# `ldd` exits non-zero for a static binary ("not a dynamic executable"): nothing to copy then.
if ldd_out="$(ldd "$node_bin" 2>&1)"; then
  if grep -q 'not found' <<<"$ldd_out"; then
    die "ldd reports a missing library for $node_bin:
$(grep 'not found' <<<"$ldd_out")"
  fi
  libs="$(grep -oE '(^|[[:space:]])/[^[:space:]]+' <<<"$ldd_out" | tr -d '[:blank:]' | sort -u)"
  for lib in $libs; do
    [ -e "$lib" ] || die "ldd names $lib, which does not exist."
    mkdir -p "$out/rootfs$(dirname "$lib")"
    cp -L "$lib" "$out/rootfs$lib"
  done
else
  grep -q 'not a dynamic executable' <<<"$ldd_out" || die "ldd failed on $node_bin: $ldd_out"
fi

# A user database so tools that look up the uid (USER 65534:65534) find a name.
printf 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$out/rootfs/etc/passwd"
printf 'nogroup:x:65534:\n' >"$out/rootfs/etc/group"

echo "prepare-image-context: $out ready ($(du -sh "$out" | cut -f1)); build it with: docker build -t qcs-gitops-simulator:local $out"
