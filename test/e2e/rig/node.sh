#!/usr/bin/env bash
# The rig's real node: containerd + runc + a CNI bridge + kubelet, beside kwok's fake nodes.
# Sourced by start.sh (node_start) and lib.sh (node_stop, for stop.sh and failed starts).
#
# Layout (all under $RIG_DIR/node, created by start and removed by stop):
#   containerd/{root,state,containerd.sock}   private containerd; pod netns under state
#   runc/          runc's state root       kubelet/   kubelet --root-dir
#   pod-logs/      kubelet podLogsDir      cni/{conf,ipam}   CNI config and IP store
#   netns/gw       the rig's gateway network namespace (see below)
#   images/        the node's images (OCI archives)   created-paths   fixed host paths made
#
# Isolation (nothing routes beyond the machine, nothing listens beyond loopback and namespaces
# the rig makes):
#   - Every id is derived from the rig dir, so two rigs differ: node name and kubelet address
#     127.A.B.1 (a loopback address of its own), bridge cbXXXXXX, pod subnet 10.88.B.0/24,
#     pods' cgroups under /cdk8s-rig-XXXXXX in every hierarchy.
#   - The bridge plugin runs with isGateway false and ipMasq false, so it neither masquerades
#     nor turns on ip_forward (left as it is, normally 0: the host routes nothing for pods).
#     Pods get no default route, only their subnet and the API server's service IP.
#   - The host's side of the bridge gets 10.88.B.1 so that the kubelet can probe pods.
#   - Pods reach the API server at the `kubernetes` Service IP 10.96.0.1:443 (what in-cluster
#     clients use), which lives in the gateway netns (10.88.B.2 on the bridge): there socat
#     forwards it through a unix socket to a second socat on the host, which connects to the
#     API server on 127.0.0.1. The API server itself still listens on loopback only.
#   - The node is tainted and labelled cdk8s-batch.dev/rig-node=real: only pods that
#     tolerate the taint and select the label run for real; the fake nodes take the rest.
# shellcheck shell=bash

# shellcheck source=versions.env
source "${RIG_SRC}/versions.env"

NODE_LABEL_KEY=cdk8s-batch.dev/rig-node
NODE_LABEL_VALUE=real
SERVICE_IP=10.96.0.1
PAUSE_IMAGE=cdk8s-batch.local/rig/pause:1

node_ids() { # sets NODE_DIR RIG_ID NODE_NAME POD_NET BRIDGE GW_VETH CGROUP_ROOT CNI_NAME
  NODE_DIR="${RIG_DIR}/node"
  RIG_ID="$(printf '%s' "${RIG_DIR}" | sha256sum | cut -c1-6)"
  local a=$((16#${RIG_ID:0:2} % 254 + 1)) b=$((16#${RIG_ID:2:2}))
  NODE_NAME="127.${a}.${b}.1"
  POD_NET="10.88.${b}"
  BRIDGE="cb${RIG_ID}"
  GW_VETH="cg${RIG_ID}"
  CGROUP_ROOT="/cdk8s-rig-${RIG_ID}"
  CNI_NAME="cdk8s-rig-${RIG_ID}"
}

# The cgroup v1 hierarchies (and the v2 one, if mounted) the node's cgroups live in.
node_cgroup_mounts() { awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts; }

# Host paths outside the rig dir that the kubelet and containerd use whatever their config
# says. Those that did not exist before the node started are recorded and removed by stop.
NODE_FIXED_PATHS=(/var/lib/kubelet/device-plugins /var/lib/kubelet /var/log/containers /var/log/pods
  /run/containerd/s /run/containerd /var/lib/cni/results /var/lib/cni /opt/cni /etc/cni/net.d /etc/cni)

node_ensure_packages() {
  local missing=() p
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] || missing+=(containernetworking-plugins)
  dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
  command -v socat >/dev/null 2>&1 || missing+=(socat)
  if ((${#missing[@]} > 0)); then
    command -v apt-get >/dev/null 2>&1 || fail "the real node needs ${missing[*]} and there is no apt-get to install them"
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    rig_log "installing ${missing[*]} with apt-get"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  local have
  have="$(dpkg-query -W -f '${Version}' runc 2>/dev/null || true)"
  [[ "${have}" == "${RUNC_DEB_VERSION}" ]] || rig_log "note: runc ${have:-?} installed; the rig was tested with ${RUNC_DEB_VERSION}"
  for p in unshare nsenter ip; do command -v "${p}" >/dev/null 2>&1 || fail "${p} not found (util-linux, iproute2)"; done
}

node_write_configs() {
  local n="${NODE_DIR}"
  mkdir -p "${n}/containerd/root" "${n}/containerd/state" "${n}/runc" "${n}/kubelet" "${n}/pod-logs" \
    "${n}/cni/conf" "${n}/cni/ipam" "${n}/netns" "${n}/images"
  cat >"${n}/containerd/config.toml" <<EOF
version = 3
root = "${n}/containerd/root"
state = "${n}/containerd/state"
temp = "${n}/containerd/tmp"
# Unused plugins off: the storage ones need kernel features or cgo, opt writes /opt/containerd.
disabled_plugins = ["io.containerd.nri.v1.nri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.blockfile", "io.containerd.snapshotter.v1.erofs",
  "io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "${n}/containerd/containerd.sock"
[ttrpc]
  address = "${n}/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "${PAUSE_IMAGE}"
[plugins."io.containerd.cri.v1.runtime"]
  # This machine's root lacks CAP_SYS_RESOURCE: without this every sandbox fails with
  # "can't get final child's PID from pipe: EOF" (oom_score_adj below the caller's).
  restrict_oom_score_adj = true
  # Pod network namespaces under the private state dir instead of /run/netns.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "${n}/runc"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "${n}/cni/conf"
    max_conf_num = 1
[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
EOF
  cat >"${n}/cni/conf/10-rig.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "${CNI_NAME}",
  "plugins": [{
    "type": "bridge",
    "bridge": "${BRIDGE}",
    "isGateway": false,
    "ipMasq": false,
    "hairpinMode": false,
    "ipam": {
      "type": "host-local",
      "dataDir": "${n}/cni/ipam",
      "ranges": [[{ "subnet": "${POD_NET}.0/24", "rangeStart": "${POD_NET}.10", "rangeEnd": "${POD_NET}.250", "gateway": "${POD_NET}.2" }]],
      "routes": [{ "dst": "${SERVICE_IP}/32", "gw": "${POD_NET}.2" }]
    }
  }]
}
EOF
  cat >"${n}/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_NAME}
port: ${KUBELET_PORT}
readOnlyPort: 0
healthzBindAddress: ${NODE_NAME}
healthzPort: ${KUBELET_HEALTHZ_PORT}
tlsCertFile: ${PKI}/kubelet-serving.crt
tlsPrivateKeyFile: ${PKI}/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${PKI}/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://${n}/containerd/containerd.sock
imageServiceEndpoint: unix://${n}/containerd/containerd.sock
# These machines run cgroup v1 (kubelet 1.35+ refuses it unless told) without systemd.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: ${CGROUP_ROOT}
failSwapOn: false
podLogsDir: ${n}/pod-logs
# No cluster DNS, and no host resolvers either: pods resolve nothing.
resolvConf: ""
maxPods: 30
serializeImagePulls: false
# A small shared disk: never evict or garbage-collect images because of it.
evictionHard: {memory.available: "1Mi", nodefs.available: "1%", nodefs.inodesFree: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
registerWithTaints:
- {key: ${NODE_LABEL_KEY}, value: ${NODE_LABEL_VALUE}, effect: NoSchedule}
EOF
}

node_make_pki() { # after make_pki: the kubelet's client and serving certs, the apiserver's kubelet client
  sign_cert kubelet "/O=system:nodes/CN=system:node:${NODE_NAME}" client
  sign_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" client
  # The kubelet serves on its own loopback address; the apiserver does not check kubelet
  # certificates (no --kubelet-certificate-authority), but a proper one costs nothing.
  cat >>"${PKI}/openssl.cnf" <<EOF
[kubelet_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:${NODE_NAME}
authorityKeyIdentifier = keyid
EOF
  sign_cert kubelet-serving "/CN=${NODE_NAME}" kubelet_server
  chmod 600 "${PKI}"/*.key
}

node_record_fixed_paths() {
  local p
  : >"${NODE_DIR}/created-paths"
  for p in "${NODE_FIXED_PATHS[@]}"; do [[ -e "${p}" ]] || printf '%s\n' "${p}" >>"${NODE_DIR}/created-paths"; done
}

node_make_cgroups() {
  local m parent
  while read -r m; do
    mkdir -p "${m}${CGROUP_ROOT}"
    # A new cpuset cgroup starts with no CPUs and memory nodes; copy the parent's.
    if [[ -f "${m}/cpuset.cpus" ]]; then
      parent="${m}"
      cat "${parent}/cpuset.cpus" >"${m}${CGROUP_ROOT}/cpuset.cpus"
      cat "${parent}/cpuset.mems" >"${m}${CGROUP_ROOT}/cpuset.mems"
    fi
  done < <(node_cgroup_mounts)
}

node_make_network() {
  ip link add "${BRIDGE}" type bridge
  ip addr add "${POD_NET}.1/24" dev "${BRIDGE}"
  ip link set "${BRIDGE}" up
  touch "${NODE_DIR}/netns/gw"
  unshare --net="${NODE_DIR}/netns/gw" true
  ip link add "${GW_VETH}" type veth peer name eth0 netns "${NODE_DIR}/netns/gw"
  ip link set "${GW_VETH}" master "${BRIDGE}" up
  nsenter --net="${NODE_DIR}/netns/gw" sh -c "
    ip link set lo up &&
    ip addr add ${POD_NET}.2/24 dev eth0 &&
    ip addr add ${SERVICE_IP}/32 dev eth0 &&
    ip link set eth0 up"
}

ctr_() { "${BIN}/ctr" --address "${NODE_DIR}/containerd/containerd.sock" -n k8s.io "$@"; }
containerd_ready() { ctr_ version 2>/dev/null; }
kubelet_node_registered() { kc get node "${NODE_NAME}"; }

node_import() { # archive...
  local f
  # ctr warns about cgroup v1 on every call; errors still fail the start.
  for f in "$@"; do ctr_ images import --snapshotter overlayfs "${f}" >/dev/null 2>>"${RIG_DIR}/logs/ctr.log"; done
}

# Before the API server starts: its kubelet client cert is made here.
node_start_runtime() {
  node_ids
  node_ensure_packages
  free_port KUBELET_PORT
  free_port KUBELET_HEALTHZ_PORT
  node_make_pki
  mkdir -p "${NODE_DIR}"
  node_record_fixed_paths
  node_write_configs
  write_kubeconfig "${RIG_DIR}/config/kubelet.kubeconfig" kubelet
  node_make_cgroups
  node_make_network

  bash "${RIG_SRC}/test-images.sh" "${NODE_DIR}/images"
  PATH="${BIN}:${PATH}" launch containerd "${BIN}/containerd" --config "${NODE_DIR}/containerd/config.toml" --log-level warn
  wait_for containerd "containerd" containerd_ready
  node_import "${NODE_DIR}/images/pause.tar" "${NODE_DIR}/images/busybox.tar"
  rig_log "containerd ready, images imported ($(elapsed))"
}

# Once the API server is ready.
node_start_kubelet() {
  # The API server, for pods: service IP in the gateway netns -> unix socket -> loopback.
  launch apiserver-gw-host socat "UNIX-LISTEN:${NODE_DIR}/apiserver.sock,fork,mode=600,unlink-early" \
    "TCP4:127.0.0.1:${API_PORT}"
  launch apiserver-gw-netns nsenter --net="${NODE_DIR}/netns/gw" socat \
    "TCP4-LISTEN:443,bind=${SERVICE_IP},fork,reuseaddr" "UNIX-CONNECT:${NODE_DIR}/apiserver.sock"

  launch kubelet "${BIN}/kubelet" --config="${NODE_DIR}/kubelet-config.yaml" \
    --kubeconfig="${RIG_DIR}/config/kubelet.kubeconfig" --root-dir="${NODE_DIR}/kubelet" \
    --hostname-override="${NODE_NAME}" \
    --node-labels="${NODE_LABEL_KEY}=${NODE_LABEL_VALUE}" --v=1
}

node_wait_ready() {
  wait_for kubelet "Node ${NODE_NAME} registered (kubelet)" kubelet_node_registered
  wait_for kubelet "Node ${NODE_NAME} Ready (kubelet)" node_ready "${NODE_NAME}"
  untaint_node "${NODE_NAME}"
  rig_log "real node ${NODE_NAME} ready ($(elapsed))"
}

# ------------------------------------------------------------------ teardown (stop.sh)
# Everything the node made, in reverse: processes (pods' containers die with their shims
# once containerd's tasks are killed), mounts, network, cgroups, fixed host paths.
node_stop() {
  node_ids
  [[ -d "${NODE_DIR}" ]] || return 0
  local pid m
  rig_stop_group kubelet
  # Containers outlive the kubelet and containerd (their shims are reparented): kill every
  # process in the node's cgroups, then the shims.
  node_kill_cgroup_procs
  rig_stop_group containerd apiserver-gw-netns apiserver-gw-host
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address ${NODE_DIR}/" 2>/dev/null || true); do
    kill -KILL "${pid}" 2>/dev/null || true
  done
  node_kill_cgroup_procs
  # Mounts: container rootfs (overlay), pod netns, token volumes (tmpfs), the gateway netns.
  while read -r m; do
    umount "${m}" 2>/dev/null || umount -l "${m}" 2>/dev/null || true
  done < <(awk -v d="${NODE_DIR}/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  ip link del "${GW_VETH}" 2>/dev/null || true
  ip link del "${BRIDGE}" 2>/dev/null || true
  # Veths the CNI plugin made for pods whose sandboxes were not torn down.
  for m in $(ip -o link show master "${BRIDGE}" 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
    ip link del "${m}" 2>/dev/null || true
  done
  node_remove_cgroups
  # /var/log/containers holds symlinks into our pod-logs dir.
  if [[ -d /var/log/containers ]]; then
    find /var/log/containers -maxdepth 1 -type l -lname "${NODE_DIR}/*" -delete 2>/dev/null || true
  fi
  rm -f /var/lib/kubelet/device-plugins/kubelet.sock
  # libcni's result cache (fixed /var/lib/cni/results) for our pods and their loopback twins:
  # the sandboxes were killed, not torn down through CNI.
  local f id
  for f in /var/lib/cni/results/"${CNI_NAME}"-*; do
    [[ -e "${f}" ]] || continue
    id="${f#/var/lib/cni/results/"${CNI_NAME}"-}"
    id="${id%-eth0}"
    rm -f "${f}" "/var/lib/cni/results/cni-loopback-${id}-lo"
  done
  if [[ -f "${NODE_DIR}/created-paths" ]]; then
    while read -r m; do
      # Only directories the node made, and only if nothing else has put files there since.
      [[ -n "${m}" && -d "${m}" ]] && find "${m}" -depth -type d -empty -delete 2>/dev/null || true
    done <"${NODE_DIR}/created-paths"
  fi
  rm -rf "${NODE_DIR:?}"
}

node_cgroup_dirs() { # deepest first
  local m
  while read -r m; do
    [[ -d "${m}${CGROUP_ROOT}" ]] && find "${m}${CGROUP_ROOT}" -depth -type d
  done < <(node_cgroup_mounts)
}

node_kill_cgroup_procs() {
  local d pid
  while read -r d; do
    [[ -f "${d}/cgroup.procs" ]] || continue
    while read -r pid; do kill -KILL "${pid}" 2>/dev/null || true; done <"${d}/cgroup.procs"
  done < <(node_cgroup_dirs)
}

node_remove_cgroups() {
  local d tries
  for tries in 1 2 3 4 5 6 7 8 9 10; do
    while read -r d; do rmdir "${d}" 2>/dev/null || true; done < <(node_cgroup_dirs)
    [[ -z "$(node_cgroup_dirs)" ]] && return 0
    node_kill_cgroup_procs
    sleep 0.5
  done
  rig_log "warning: cgroups left under ${CGROUP_ROOT}: $(node_cgroup_dirs | tr '\n' ' ')"
}
