#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Starts a throwaway Kubernetes control plane on 127.0.0.1 for the e2e tests:
# etcd, kube-apiserver, kube-controller-manager (job, cronjob, GC, ... controllers),
# kube-scheduler and kwok, which plays kubelet for fake Nodes (see kwok-stages.yaml).
# Nothing listens beyond loopback. Ports are picked at random, so two rigs can run at once
# as long as they use different rig dirs.
#
# Usage: start.sh            (prints the admin kubeconfig path on stdout when ready)
# Environment:
#   CDK8S_BATCH_RIG_DIR       rig dir (default ${TMPDIR:-/tmp}/cdk8s-batch-rig); see lib.sh
#   CDK8S_BATCH_RIG_BIN_DIR   binaries to run (default: build.sh's cache dir, built if missing)
#   CDK8S_BATCH_RIG_NODES     number of fake Nodes (default 1): kwok-node-0, kwok-node-1, ...
#   CDK8S_BATCH_RIG_OWNER_PID when set, a watchdog stops the rig once that process exits,
#                             so a killed test runner does not leave a control plane behind
#   CDK8S_BATCH_RIG_TIMEOUT   seconds to wait for each component to become ready (default 90)
#   CDK8S_BATCH_RIG_REAL_NODE 1 (default): also run a real node (containerd + kubelet, see
#                             node.sh); 0: kwok's fake nodes only (no root needed then)
#   CDK8S_BATCH_RIG_APISERVER_FEATURE_GATES  kube-apiserver --feature-gates, e.g.
#                             "EnvFiles=false" for a server that behaves as 1.34 does by default
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TIMEOUT="${CDK8S_BATCH_RIG_TIMEOUT:-90}"
NODES="${CDK8S_BATCH_RIG_NODES:-1}"
REAL_NODE="${CDK8S_BATCH_RIG_REAL_NODE:-1}"
KCM_CONTROLLERS=(
  job-controller cronjob-controller          # the subject of the tests
  garbage-collector-controller               # ownerReference cascades (Job -> Pods, CronJob -> Jobs)
  ttl-after-finished-controller              # ttlSecondsAfterFinished
  namespace-controller                       # namespace deletion actually finishes
  serviceaccount-controller                  # "default" ServiceAccount, which Pod admission needs
  root-ca-certificate-publisher-controller   # kube-root-ca.crt, referenced by token volumes
  clusterrole-aggregation-controller         # admin/edit/view roles, for RBAC tests
  deployment-controller replicaset-controller  # so a controller Deployment can "run" on kwok
)
STARTED_AT="$(date +%s%N)"

fail() {
  rig_log "ERROR: $*"
  exit 1
}

# Pids this script launched. They are our children, so (unlike pid files read later) they
# cannot have been reused by another process, even in the instant before exec.
declare -A LAUNCHED=()

# On any failure: show what the components said, then tear down whatever did start, so a
# failed start never leaves processes behind.
on_exit() {
  local rc=$? pid
  if ((rc != 0)); then
    rig_tail_logs 40
    rig_log "start failed (exit ${rc}); stopping the rig. Full logs: ${RIG_DIR}/logs"
    rig_stop_all
    for pid in "${LAUNCHED[@]}"; do kill -KILL "${pid}" 2>/dev/null || true; done
  fi
}
trap on_exit EXIT

ensure_tools() {
  command -v openssl >/dev/null 2>&1 && return 0
  # A fresh Debian/Ubuntu machine may lack openssl; install it rather than fail.
  command -v apt-get >/dev/null 2>&1 || fail "openssl is missing and there is no apt-get to install it"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  rig_log "installing openssl with apt-get"
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq openssl >/dev/null
}

# A port is taken if something accepts a connection on it. Picked from below Linux's
# ephemeral range (32768+), so outgoing connections do not grab it before we bind.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
declare -A TAKEN=()
free_port() { # variable-name - sets it (no $(...): TAKEN must survive between calls)
  local p tries=0
  while ((tries++ < 200)); do
    p=$((20000 + RANDOM % 12000))
    [[ -n "${TAKEN[${p}]:-}" ]] && continue
    if ! port_in_use "${p}"; then
      TAKEN[${p}]=1
      printf -v "$1" '%s' "${p}"
      return 0
    fi
  done
  fail "no free port found"
}

# ---------------------------------------------------------------- PKI (throwaway, per start)
# EC P-256 keys: generated in milliseconds, unlike RSA, and accepted by every component.
gen_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

write_openssl_cnf() {
  # Own minimal config so the result does not depend on the distro's openssl.cnf.
  cat >"${PKI}/openssl.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
EOF
}

make_ca() { # name common-name
  gen_key "${PKI}/$1.key"
  openssl req -x509 -new -key "${PKI}/$1.key" -subj "/CN=$2" -days 7 \
    -config "${PKI}/openssl.cnf" -extensions ca -out "${PKI}/$1.crt" 2>/dev/null
}

sign_cert() { # name subject extension-section [ca-name]
  local ca="${4:-ca}"
  gen_key "${PKI}/$1.key"
  openssl req -new -key "${PKI}/$1.key" -subj "$2" -config "${PKI}/openssl.cnf" 2>/dev/null |
    openssl x509 -req -CA "${PKI}/${ca}.crt" -CAkey "${PKI}/${ca}.key" -set_serial "0x$(openssl rand -hex 8)" \
      -days 7 -extfile "${PKI}/openssl.cnf" -extensions "$3" -out "${PKI}/$1.crt" 2>/dev/null
}

make_pki() {
  mkdir -p "${PKI}"
  write_openssl_cnf
  make_ca ca cdk8s-batch-e2e-ca
  # One serving cert for every loopback endpoint (apiserver, kcm, scheduler).
  sign_cert serving "/CN=127.0.0.1" server
  # Components get their real identities so the bootstrap RBAC roles apply as in a real
  # cluster; kwok has no bootstrap role and writes Node/Pod status, so it is a master.
  sign_cert admin "/O=system:masters/CN=cdk8s-batch-e2e-admin" client
  sign_cert kube-controller-manager "/CN=system:kube-controller-manager" client
  sign_cert kube-scheduler "/CN=system:kube-scheduler" client
  sign_cert kwok "/O=system:masters/CN=kwok-controller" client
  # Front-proxy (request-header) CA and client, as kubeadm sets up: the apiserver publishes
  # it in kube-system/extension-apiserver-authentication, where kcm and the scheduler look
  # for it (they log errors in a loop without it), and aggregated APIs would need it.
  make_ca front-proxy-ca cdk8s-batch-e2e-front-proxy-ca
  sign_cert front-proxy-client "/CN=front-proxy-client" client front-proxy-ca
  # Service-account token signing key pair.
  gen_key "${PKI}/sa.key"
  openssl pkey -in "${PKI}/sa.key" -pubout -out "${PKI}/sa.pub" 2>/dev/null
  chmod 600 "${PKI}"/*.key
}

write_kubeconfig() { # file user
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: cdk8s-batch-e2e
  cluster:
    server: https://127.0.0.1:${API_PORT}
    certificate-authority-data: $(base64 -w0 <"${PKI}/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 <"${PKI}/$2.crt")
    client-key-data: $(base64 -w0 <"${PKI}/$2.key")
contexts:
- name: cdk8s-batch-e2e
  context:
    cluster: cdk8s-batch-e2e
    user: $2
    namespace: default
current-context: cdk8s-batch-e2e
EOF
  chmod 600 "$1"
}

# ---------------------------------------------------------------- processes
launch() { # name binary args...
  local name="$1" bin="$2"
  shift 2
  # setsid: the rig outlives this script and is not hit by signals aimed at the test
  # runner's process group; stop.sh (or the watchdog) ends it in order instead.
  setsid "${bin}" "$@" >"${RIG_DIR}/logs/${name}.log" 2>&1 </dev/null &
  LAUNCHED[${name}]=$!
  printf '%s\n' "$!" >"${RIG_DIR}/pids/${name}.pid"
}

# Whether a process we launched still runs. An exited child stays a zombie until reaped,
# and kill -0 succeeds on zombies, so look at its state.
launched_alive() {
  local pid="${LAUNCHED[$1]}" _pid _comm state
  [[ -r "/proc/${pid}/stat" ]] || return 1
  read -r _pid _comm state _ <"/proc/${pid}/stat" || return 1
  [[ "${state}" != Z ]]
}

wait_for() { # name description command... - poll until the command succeeds
  local name="$1" what="$2" deadline=$((SECONDS + TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    launched_alive "${name}" || fail "${name} exited while waiting for ${what}"
    ((SECONDS < deadline)) || fail "timed out after ${TIMEOUT} s waiting for ${what}"
    sleep 0.2
  done
}

etcd_healthy() { # plain HTTP on loopback: bash can ask without curl
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/${ETCD_PORT}" || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  reply="$(cat <&3)"
  exec 3>&-
  [[ "${reply}" == *'"health":"true"'* ]]
}

kc() { "${BIN}/kubectl" --kubeconfig "${RIG_DIR}/kubeconfig" "$@"; }
# kcm and the scheduler serve /healthz with our serving cert; kubectl checks it against the
# CA from the admin kubeconfig, and /healthz needs no authorization.
component_healthy() { kc --server "https://127.0.0.1:$1" get --raw /healthz; }
node_ready() {
  [[ "$(kc get node "$1" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" == "True" ]]
}
# The TaintNodesByCondition admission plugin gives every new Node the not-ready:NoSchedule
# taint; in a real cluster the node-lifecycle controller lifts it once the Node is Ready.
# That controller also evicts Pods from Nodes with stale heartbeats, which kwok does not
# send, so the rig does not run it and lifts the taint itself.
untaint_node() {
  if kc get node "$1" -o 'jsonpath={.spec.taints[*].key}' | grep -qw node.kubernetes.io/not-ready; then
    kc taint node "$1" node.kubernetes.io/not-ready:NoSchedule- >/dev/null
  fi
}

write_nodes() {
  local i
  for ((i = 0; i < NODES; i++)); do
    # kwok manages exactly the Nodes carrying this annotation (--manage-nodes-with-...).
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-${i}
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: kwok-node-${i}
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
EOF
  done
}

elapsed() { printf '%d.%01d s' $((($(date +%s%N) - STARTED_AT) / 1000000000)) $(((($(date +%s%N) - STARTED_AT) / 100000000) % 10)); }

main() {
  ensure_tools
  command -v setsid >/dev/null 2>&1 || fail "setsid (util-linux) not found"

  BIN="${CDK8S_BATCH_RIG_BIN_DIR:-}"
  if [[ -z "${BIN}" ]]; then
    BIN="$(bash "${RIG_SRC}/build.sh" | tail -n1)"   # instant when already built
  fi
  local b
  local -a need=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
  [[ "${REAL_NODE}" == 1 ]] && need+=(kubelet containerd containerd-shim-runc-v2 ctr)
  for b in "${need[@]}"; do
    [[ -x "${BIN}/${b}" ]] || fail "${BIN}/${b} missing; run test/e2e/rig/build.sh"
  done

  for b in "${RIG_PROCS[@]}" watchdog; do
    if rig_alive "${b}"; then
      trap - EXIT   # not ours to stop
      fail "a rig is already running in ${RIG_DIR} (${b}); stop it with stop.sh or set CDK8S_BATCH_RIG_DIR"
    fi
  done
  mkdir -p "${RIG_DIR}"
  node_stop   # a crashed rig's node leftovers (mounts, network, cgroups) go first
  rig_remove_state
  mkdir -p "${RIG_DIR}/logs" "${RIG_DIR}/pids" "${RIG_DIR}/config" "${RIG_DIR}/config/kwok-home"
  ln -s "${BIN}" "${RIG_DIR}/bin"
  PKI="${RIG_DIR}/pki"

  free_port ETCD_PORT
  free_port ETCD_PEER_PORT
  free_port API_PORT
  free_port KCM_PORT
  free_port SCHED_PORT

  make_pki
  if [[ "${REAL_NODE}" == 1 ]]; then
    ((EUID == 0)) || fail "the real node needs root (containerd, cgroups, network); set CDK8S_BATCH_RIG_REAL_NODE=0 for fake nodes only"
    # containerd starts (and the images build) while the control plane comes up.
    node_start_runtime
  fi
  write_kubeconfig "${RIG_DIR}/kubeconfig" admin
  local c
  for c in kube-controller-manager kube-scheduler kwok; do
    write_kubeconfig "${RIG_DIR}/config/${c}.kubeconfig" "${c}"
  done
  rig_log "PKI ready ($(elapsed)); ports: etcd ${ETCD_PORT}/${ETCD_PEER_PORT}, apiserver ${API_PORT}, kcm ${KCM_PORT}, scheduler ${SCHED_PORT}"

  # --unsafe-no-fsync: the data is thrown away after the run; fsync only costs time.
  launch etcd "${BIN}/etcd" \
    --name=rig --data-dir="${RIG_DIR}/etcd-data" \
    --listen-client-urls="http://127.0.0.1:${ETCD_PORT}" \
    --advertise-client-urls="http://127.0.0.1:${ETCD_PORT}" \
    --listen-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-advertise-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster="rig=http://127.0.0.1:${ETCD_PEER_PORT}" \
    --unsafe-no-fsync --log-level=warn
  wait_for etcd "etcd /health" etcd_healthy
  rig_log "etcd ready ($(elapsed))"

  # The apiserver as a cluster admin would configure it: client-cert auth with RBAC,
  # service-account tokens, the default admission chain (PodSecurity included; listed
  # explicitly to document that the tests rely on it). OpenAPI v2 and v3 are served by
  # default. --endpoint-reconciler-type=none: the "kubernetes" Service may not point at a
  # loopback address, and nothing in the rig needs it.
  # The kubelet client certificate exists only with the real node (node.sh signs it): with
  # fake nodes alone, the API server never calls a kubelet.
  local kubelet_client=()
  [[ "${REAL_NODE}" == 1 ]] && kubelet_client=(
    --kubelet-client-certificate="${PKI}/apiserver-kubelet-client.crt"
    --kubelet-client-key="${PKI}/apiserver-kubelet-client.key"
  )
  launch kube-apiserver "${BIN}/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:${ETCD_PORT}" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="${API_PORT}" \
    --tls-cert-file="${PKI}/serving.crt" --tls-private-key-file="${PKI}/serving.key" \
    --client-ca-file="${PKI}/ca.crt" \
    --requestheader-client-ca-file="${PKI}/front-proxy-ca.crt" \
    --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User \
    --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="${PKI}/front-proxy-client.crt" \
    --proxy-client-key-file="${PKI}/front-proxy-client.key" \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=PodSecurity,NodeRestriction \
    "${kubelet_client[@]}" \
    --allow-privileged=true \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="${PKI}/sa.pub" \
    --service-account-signing-key-file="${PKI}/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --endpoint-reconciler-type=none \
    ${CDK8S_BATCH_RIG_APISERVER_FEATURE_GATES:+"--feature-gates=${CDK8S_BATCH_RIG_APISERVER_FEATURE_GATES}"} \
    --profiling=false --v=1
  wait_for kube-apiserver "kube-apiserver /readyz" kc get --raw /readyz
  rig_log "kube-apiserver ready ($(elapsed))"

  local controllers
  controllers="$(
    IFS=,
    printf '%s' "${KCM_CONTROLLERS[*]}"
  )"
  # --use-service-account-credentials: each controller acts as its own ServiceAccount
  # (kube-system/job-controller, ...), as in kubeadm clusters, so RBAC and managedFields
  # look like production. Leader election off: one instance, and no lease wait on start.
  launch kube-controller-manager "${BIN}/kube-controller-manager" \
    --kubeconfig="${RIG_DIR}/config/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig="${RIG_DIR}/config/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig="${RIG_DIR}/config/kube-controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="${KCM_PORT}" \
    --tls-cert-file="${PKI}/serving.crt" --tls-private-key-file="${PKI}/serving.key" \
    --controllers="${controllers}" \
    --use-service-account-credentials=true \
    --root-ca-file="${PKI}/ca.crt" \
    --leader-elect=false --profiling=false --v=1
  launch kube-scheduler "${BIN}/kube-scheduler" \
    --kubeconfig="${RIG_DIR}/config/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig="${RIG_DIR}/config/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig="${RIG_DIR}/config/kube-scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="${SCHED_PORT}" \
    --tls-cert-file="${PKI}/serving.crt" --tls-private-key-file="${PKI}/serving.key" \
    --leader-elect=false --profiling=false --v=1
  # HOME points into the rig so kwok cannot pick up a user's ~/.kwok/kwok.yaml. No
  # --server-address: kwok then opens no port at all.
  HOME="${RIG_DIR}/config/kwok-home" launch kwok "${BIN}/kwok" \
    --kubeconfig="${RIG_DIR}/config/kwok.kubeconfig" \
    --config="${RIG_SRC}/kwok-stages.yaml" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=10.250.0.1 --cidr=10.244.0.0/16

  write_nodes >"${RIG_DIR}/config/nodes.yaml"
  kc apply --server-side --field-manager=cdk8s-batch-rig -f "${RIG_DIR}/config/nodes.yaml" >/dev/null

  wait_for kube-controller-manager "kube-controller-manager /healthz" component_healthy "${KCM_PORT}"
  wait_for kube-scheduler "kube-scheduler /healthz" component_healthy "${SCHED_PORT}"
  local i
  for ((i = 0; i < NODES; i++)); do
    wait_for kwok "Node kwok-node-${i} Ready (kwok)" node_ready "kwok-node-${i}"
    untaint_node "kwok-node-${i}"
  done
  if [[ "${REAL_NODE}" == 1 ]]; then
    node_start_kubelet
    node_wait_ready
  fi
  # Pods are only admitted once their namespace's ServiceAccount exists: proves the
  # controller manager really works, and the default namespace usable.
  wait_for kube-controller-manager "ServiceAccount default/default" kc -n default get serviceaccount default

  if [[ -n "${CDK8S_BATCH_RIG_OWNER_PID:-}" ]]; then
    # The rig dir is on the watchdog's command line so rig_pid_of recognises it.
    # shellcheck disable=SC2016 # $1..$3 are the inner shell's arguments
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; CDK8S_BATCH_RIG_DIR="$3" exec bash "$2"' \
      rig-watchdog "${CDK8S_BATCH_RIG_OWNER_PID}" "${RIG_SRC}/stop.sh" "${RIG_DIR}" \
      >>"${RIG_DIR}/logs/watchdog.log" 2>&1 </dev/null &
    printf '%s\n' "$!" >"${RIG_DIR}/pids/watchdog.pid"
  fi

  cat >"${RIG_DIR}/rig.env" <<EOF
# source me: the e2e rig in ${RIG_DIR}
export KUBECONFIG='${RIG_DIR}/kubeconfig'
export CDK8S_BATCH_RIG_DIR='${RIG_DIR}'
export CDK8S_BATCH_RIG_KUBECONFIG='${RIG_DIR}/kubeconfig'
export CDK8S_BATCH_RIG_KUBECTL='${BIN}/kubectl'
export PATH='${BIN}':"\${PATH}"
RIG_API_PORT=${API_PORT}
RIG_ETCD_PORT=${ETCD_PORT}
RIG_KCM_PORT=${KCM_PORT}
RIG_SCHEDULER_PORT=${SCHED_PORT}
EOF
  if [[ "${REAL_NODE}" == 1 ]]; then
    cat >>"${RIG_DIR}/rig.env" <<EOF
# The real node: pods run there only if they tolerate the taint and select the label
# ${NODE_LABEL_KEY}=${NODE_LABEL_VALUE}. Import images with
#   \${CDK8S_BATCH_RIG_CTR} --address \${CDK8S_BATCH_RIG_CONTAINERD_SOCK} -n k8s.io images import FILE.tar
export CDK8S_BATCH_RIG_REAL_NODE='${NODE_NAME}'
export CDK8S_BATCH_RIG_CONTAINERD_SOCK='${NODE_DIR}/containerd/containerd.sock'
export CDK8S_BATCH_RIG_CTR='${BIN}/ctr'
EOF
  fi
  rig_log "rig ready in $(elapsed): https://127.0.0.1:${API_PORT}"
  rig_log "  kubeconfig: ${RIG_DIR}/kubeconfig   logs: ${RIG_DIR}/logs   stop: CDK8S_BATCH_RIG_DIR=${RIG_DIR} ${RIG_SRC}/stop.sh"
  printf '%s\n' "${RIG_DIR}/kubeconfig"
}

main "$@"
