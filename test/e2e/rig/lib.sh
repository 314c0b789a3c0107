#!/usr/bin/env bash
# Shared by start.sh and stop.sh (sourced, not run). Holds the rig directory layout and
# process bookkeeping so that both scripts agree on them.
#
# Rig directory ($CDK8S_BATCH_RIG_DIR, default ${TMPDIR:-/tmp}/cdk8s-batch-rig):
#   kubeconfig        admin kubeconfig (system:masters) for tests and humans
#   rig.env           `source` it for KUBECONFIG, PATH with the rig's kubectl, ports
#   bin               symlink to the cached binaries this rig runs
#   logs/<name>.log   one log per process (etcd, kube-apiserver, ...)
#   pids/<name>.pid   one pid file per process
#   pki/, etcd-data/, config/   throwaway state, recreated by every start
#   node/             the real node's state (node.sh), removed by stop
# shellcheck shell=bash

# shellcheck disable=SC2034 # used by the scripts that source this file
RIG_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RIG_DIR="${CDK8S_BATCH_RIG_DIR:-${TMPDIR:-/tmp}/cdk8s-batch-rig}"
# Every process the rig runs (each has logs/<name>.log and pids/<name>.pid).
RIG_PROCS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok
  containerd kubelet apiserver-gw-host apiserver-gw-netns)
# shellcheck source=node.sh
source "${RIG_SRC}/node.sh"

# Removes the rig's own entries, never the directory itself: CDK8S_BATCH_RIG_DIR could
# point anywhere, so nothing here deletes what the rig did not create.
rig_remove_state() {
  rm -rf "${RIG_DIR:?}/etcd-data" "${RIG_DIR:?}/pki" "${RIG_DIR:?}/config" "${RIG_DIR:?}/logs" \
    "${RIG_DIR:?}/pids" "${RIG_DIR:?}/kubeconfig" "${RIG_DIR:?}/rig.env" "${RIG_DIR:?}/bin"
}

rig_log() { printf '[rig %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# A pid file is trusted only if that process still mentions this rig dir on its command
# line: after a reboot or a crash the pid may belong to something else entirely.
rig_pid_of() { # name -> pid (exit 1 if not running)
  local f="${RIG_DIR}/pids/$1.pid" pid
  [[ -f "${f}" ]] || return 1
  pid="$(<"${f}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/${pid}/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -qF -- "${RIG_DIR}" || return 1
  printf '%s' "${pid}"
}

rig_alive() { rig_pid_of "$1" >/dev/null; }

rig_tail_logs() { # [lines] - print the end of every log, for failure reports
  local n="${1:-40}" f
  for f in "${RIG_DIR}"/logs/*.log; do
    [[ -f "${f}" ]] || continue
    printf '\n===== %s (last %s lines) =====\n' "${f}" "${n}" >&2
    tail -n "${n}" "${f}" >&2 || true
  done
}

# Stops the named processes together: SIGTERM, up to 10 s to exit cleanly, then SIGKILL.
rig_stop_group() {
  local name pid waited=0
  local -a pids=() left
  for name in "$@"; do
    if pid="$(rig_pid_of "${name}")"; then
      kill -TERM "${pid}" 2>/dev/null || true
      pids+=("${pid}")
    fi
    rm -f "${RIG_DIR}/pids/${name}.pid"
  done
  while ((${#pids[@]} > 0 && waited < 100)); do
    left=()
    for pid in "${pids[@]}"; do kill -0 "${pid}" 2>/dev/null && left+=("${pid}"); done
    pids=("${left[@]+"${left[@]}"}")
    ((${#pids[@]} == 0)) && break
    sleep 0.1
    waited=$((waited + 1))
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do
    rig_log "process ${pid} ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
  done
}

# etcd last: the apiserver's graceful shutdown still writes to etcd (it deletes its
# identity Lease) and hangs ~10 s if etcd is already gone. Its clients may go with it.
rig_stop_all() {
  local pid
  # The watchdog runs stop.sh itself (exec, same pid); never kill the caller.
  if pid="$(rig_pid_of watchdog)" && [[ "${pid}" != "$$" ]]; then kill "${pid}" 2>/dev/null || true; fi
  rm -f "${RIG_DIR}/pids/watchdog.pid"
  # The real node first: its teardown (mounts, network, cgroups) must not wait on pods that
  # the control plane would still try to manage.
  node_stop
  rig_stop_group kwok kube-scheduler kube-controller-manager kube-apiserver
  rig_stop_group etcd
}
