#!/usr/bin/env bash
# Builds the real node's images with scripts/oci-image.sh, from Debian's busybox-static:
#   cdk8s-batch.local/e2e/busybox:1   busybox with every applet linked in /bin, user 65532
#   cdk8s-batch.local/rig/pause:1     the pod sandbox image (busybox `sleep`; containerd ends
#                                     sandboxes with SIGKILL, so it needs no signal handling)
# Usage: test-images.sh OUTDIR   (writes OUTDIR/busybox.tar and OUTDIR/pause.tar)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: test-images.sh OUTDIR}"
busybox="${CDK8S_BATCH_RIG_BUSYBOX:-/bin/busybox}"
[[ -x "${busybox}" ]] || { echo "test-images: ${busybox} missing (apt-get install busybox-static)" >&2; exit 1; }
# A dynamically linked busybox would need libc in the image.
if file -L "${busybox}" 2>/dev/null | grep -q 'dynamically linked'; then
  echo "test-images: ${busybox} is not static (apt-get install busybox-static)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
root="${work}/rootfs"
mkdir -p "${root}/bin" "${root}/etc"
cp "${busybox}" "${root}/bin/busybox"
# One symlink per applet (sh, echo, cat, env, sleep, ...).
"${busybox}" --list | LC_ALL=C sort | while read -r applet; do
  [[ "${applet}" == busybox ]] || ln -s busybox "${root}/bin/${applet}"
done
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nnonroot:x:65532:65532:nonroot:/:/bin/false\n' >"${root}/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"${root}/etc/group"

mkdir -p "${out}"
bash "${ROOT}/scripts/oci-image.sh" --name cdk8s-batch.local/e2e/busybox:1 --out "${out}/busybox.tar" \
  --layer "${root}" --user 65532:65532 --cmd '["sh"]' --env PATH=/bin >/dev/null
bash "${ROOT}/scripts/oci-image.sh" --name cdk8s-batch.local/rig/pause:1 --out "${out}/pause.tar" \
  --layer "${root}" --user 65535:65535 --entrypoint '["/bin/sleep","infinity"]' --env PATH=/bin >/dev/null
