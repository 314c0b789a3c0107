#!/usr/bin/env bash
# Writes a container image as an OCI image layout archive (a tar of oci-layout, index.json
# and blobs/sha256/, plus Docker's manifest.json), from root filesystem directories, with
# tar, gzip and sha256sum only: no Docker engine, no registry.
#
# The archive loads with `docker load`, `podman load`, `ctr images import` and `skopeo copy
# oci-archive:...`. The result is reproducible: file order, owners, modes and timestamps are
# fixed, so the same inputs give the same digest. Prints the manifest digest on stdout.
#
# Usage:
#   oci-image.sh --name REPO:TAG --out FILE.tar --layer DIR [--layer DIR ...]
#                [--entrypoint JSON-ARRAY] [--cmd JSON-ARRAY] [--user UID:GID]
#                [--workdir DIR] [--env K=V ...] [--label K=V ...]
#
# Every file is stored as owned by root (0:0) with modes u=rwX,go=rX (directories and
# executables 0755, other files 0644) and with mtime $SOURCE_DATE_EPOCH (default 0). Sticky
# directories (a /tmp) are refused: images here run with a read-only root and get their
# scratch space from volumes. Layers are applied in the order given.
set -euo pipefail

die() { printf 'oci-image: %s\n' "$*" >&2; exit 1; }

name="" out="" entrypoint="" cmd="" user="" workdir=""
layers=() envs=() labels=()
while (($# > 0)); do
  case "$1" in
    --name) name="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --layer) layers+=("$2"); shift 2 ;;
    --entrypoint) entrypoint="$2"; shift 2 ;;
    --cmd) cmd="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --label) labels+=("$2"); shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -n "${name}" && -n "${out}" && ${#layers[@]} -gt 0 ]] || die "--name, --out and at least one --layer are required"
[[ "${name}" == *:* ]] || die "--name must be REPO:TAG"
for d in "${layers[@]}"; do [[ -d "${d}" ]] || die "layer directory ${d} does not exist"; done
command -v node >/dev/null 2>&1 || die "node is needed to write the JSON documents"

epoch="${SOURCE_DATE_EPOCH:-0}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/layout/blobs/sha256"

# blob FILE -> moves it into blobs/sha256/<digest>, prints "<digest> <size>"
blob() {
  local digest size
  digest="$(sha256sum "$1" | cut -d' ' -f1)"
  size="$(stat -c %s "$1")"
  mv -f "$1" "${work}/layout/blobs/sha256/${digest}"
  printf '%s %s\n' "${digest}" "${size}"
}

layer_descs=() diff_ids=()
i=0
for d in "${layers[@]}"; do
  # GNU tar: sorted names, fixed owner/mtime, normalised modes (sticky dirs such as /tmp keep
  # their mode), no atime/ctime in the pax headers; gzip -n stores no name or timestamp.
  tar --create --file="${work}/layer${i}.tar" --directory="${d}" \
    --sort=name --format=posix --numeric-owner --owner=0 --group=0 --mtime="@${epoch}" \
    --mode='u=rwX,go=rX' --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' .
  if sticky="$(cd "${d}" && find . -mindepth 1 -type d -perm -1000 | sort)" && [[ -n "${sticky}" ]]; then
    die "sticky directories are not supported in layer ${d} (${sticky//$'\n'/ }); use a volume instead"
  fi
  diff_ids+=("sha256:$(sha256sum "${work}/layer${i}.tar" | cut -d' ' -f1)")
  gzip -n -6 "${work}/layer${i}.tar"
  read -r digest size < <(blob "${work}/layer${i}.tar.gz")
  layer_descs+=("${digest}:${size}")
  i=$((i + 1))
done

# The JSON documents, written by node so that quoting is never a problem. Keys are emitted in
# a fixed order, so the bytes (and digests) are stable.
export OCI_NAME="${name}" OCI_ENTRYPOINT="${entrypoint}" OCI_CMD="${cmd}" OCI_USER="${user}" \
  OCI_WORKDIR="${workdir}" OCI_EPOCH="${epoch}" OCI_WORK="${work}"
OCI_ENVS="$(printf '%s\n' "${envs[@]+"${envs[@]}"}")" OCI_LABELS="$(printf '%s\n' "${labels[@]+"${labels[@]}"}")" \
OCI_DIFF_IDS="${diff_ids[*]}" OCI_LAYERS="${layer_descs[*]}" node - <<'EOF'
const fs = require('fs');
const e = process.env;
const lines = (s) => (s || '').split('\n').filter((l) => l.length > 0);
const created = new Date(Number(e.OCI_EPOCH) * 1000).toISOString().replace(/\.000Z$/, 'Z');
const config = {};
if (e.OCI_USER) config.User = e.OCI_USER;
const env = lines(e.OCI_ENVS);
if (env.length) config.Env = env;
if (e.OCI_ENTRYPOINT) config.Entrypoint = JSON.parse(e.OCI_ENTRYPOINT);
if (e.OCI_CMD) config.Cmd = JSON.parse(e.OCI_CMD);
if (e.OCI_WORKDIR) config.WorkingDir = e.OCI_WORKDIR;
const labels = {};
for (const l of lines(e.OCI_LABELS)) { const i = l.indexOf('='); labels[l.slice(0, i)] = l.slice(i + 1); }
if (Object.keys(labels).length) config.Labels = labels;
const layers = e.OCI_LAYERS.split(' ').map((d) => { const [digest, size] = d.split(':'); return { digest: `sha256:${digest}`, size: Number(size) }; });
const imageConfig = {
  created,
  architecture: 'amd64',
  os: 'linux',
  config,
  rootfs: { type: 'layers', diff_ids: e.OCI_DIFF_IDS.split(' ') },
  history: layers.map(() => ({ created, created_by: 'scripts/oci-image.sh' })),
};
fs.writeFileSync(`${e.OCI_WORK}/config.json`, JSON.stringify(imageConfig));
const crypto = require('crypto');
const sha = (p) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
const cfgDigest = sha(`${e.OCI_WORK}/config.json`);
const cfgSize = fs.statSync(`${e.OCI_WORK}/config.json`).size;
fs.renameSync(`${e.OCI_WORK}/config.json`, `${e.OCI_WORK}/layout/blobs/sha256/${cfgDigest}`);
const manifest = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${cfgDigest}`, size: cfgSize },
  layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
};
const manifestText = JSON.stringify(manifest);
const mDigest = crypto.createHash('sha256').update(manifestText).digest('hex');
fs.writeFileSync(`${e.OCI_WORK}/layout/blobs/sha256/${mDigest}`, manifestText);
const tag = e.OCI_NAME.slice(e.OCI_NAME.lastIndexOf(':') + 1);
const index = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [{
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${mDigest}`,
    size: Buffer.byteLength(manifestText),
    // containerd (ctr import) and Docker name the image from the first annotation; the OCI
    // ref name is the tag only (podman, skopeo).
    annotations: { 'io.containerd.image.name': e.OCI_NAME, 'org.opencontainers.image.ref.name': tag },
    platform: { architecture: 'amd64', os: 'linux' },
  }],
};
fs.writeFileSync(`${e.OCI_WORK}/layout/index.json`, JSON.stringify(index));
fs.writeFileSync(`${e.OCI_WORK}/layout/oci-layout`, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
// Docker's own archive manifest, for `docker load` on engines without OCI layout support.
fs.writeFileSync(`${e.OCI_WORK}/layout/manifest.json`, JSON.stringify([{
  Config: `blobs/sha256/${cfgDigest}`,
  RepoTags: [e.OCI_NAME],
  Layers: layers.map((l) => `blobs/sha256/${l.digest.slice('sha256:'.length)}`),
}]));
fs.writeFileSync(`${e.OCI_WORK}/digest`, `sha256:${mDigest}\n`);
EOF

mkdir -p "$(dirname "${out}")"
tar --create --file="${out}.tmp" --directory="${work}/layout" \
  --sort=name --format=posix --numeric-owner --owner=0 --group=0 --mtime="@${epoch}" --mode='u=rw,go=r,a-x+X' \
  --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' \
  oci-layout index.json manifest.json blobs
mv -f "${out}.tmp" "${out}"
cat "${work}/digest"
