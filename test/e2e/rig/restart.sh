#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Restarts one control-plane process of a running rig with the command line it runs with:
# SIGTERM (SIGKILL after 10 s, as stop.sh), then the same binary and flags again, its log
# appended, its pid file rewritten, and waits until it is ready again. For fault tests: a
# restarted kube-apiserver drops every watch and starts its watch cache afresh, so a client
# that resumes from an older resourceVersion gets 410 Gone and must relist.
#
# Usage: restart.sh kube-apiserver|etcd|kube-controller-manager|kube-scheduler [--down SECONDS]
#        (rig dir from CDK8S_BATCH_RIG_DIR, as for start.sh and stop.sh)
# --down: stay stopped that long before starting again (default 0).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

name="${1:-}"
down=0
case "${name}" in
  kube-apiserver | etcd | kube-controller-manager | kube-scheduler) ;;
  *) rig_log "restart.sh: name one of kube-apiserver, etcd, kube-controller-manager, kube-scheduler (got '${name}')"; exit 2 ;;
esac
if [[ "${2:-}" == --down ]]; then
  down="${3:-}"
  [[ "${down}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { rig_log "restart.sh: --down takes seconds (got '${down}')"; exit 2; }
fi

pid="$(rig_pid_of "${name}")" || { rig_log "${name} is not running in ${RIG_DIR}"; exit 1; }
# The exact argv, NUL-separated, so flags with spaces survive.
mapfile -d '' argv <"/proc/${pid}/cmdline"
((${#argv[@]} > 0)) || { rig_log "cannot read the command line of ${name} (pid ${pid})"; exit 1; }

started=${SECONDS}
rig_stop_group "${name}"
rig_log "${name} (pid ${pid}) stopped"
sleep "${down}"
setsid "${argv[@]}" >>"${RIG_DIR}/logs/${name}.log" 2>&1 </dev/null &
new_pid=$!
printf '%s\n' "${new_pid}" >"${RIG_DIR}/pids/${name}.pid"

ready() {
  case "${name}" in
    kube-apiserver) "${RIG_DIR}/bin/kubectl" --kubeconfig "${RIG_DIR}/kubeconfig" get --raw /readyz >/dev/null 2>&1 ;;
    # A write through the API server proves etcd serves again.
    etcd) "${RIG_DIR}/bin/kubectl" --kubeconfig "${RIG_DIR}/kubeconfig" get --raw '/readyz/etcd' >/dev/null 2>&1 ;;
    *) kill -0 "${new_pid}" 2>/dev/null ;;
  esac
}
deadline=$((SECONDS + 120))
until ready; do
  kill -0 "${new_pid}" 2>/dev/null || { rig_log "${name} exited after the restart"; tail -n 30 "${RIG_DIR}/logs/${name}.log" >&2; exit 1; }
  ((SECONDS < deadline)) || { rig_log "${name} not ready 120 s after the restart"; exit 1; }
  sleep 0.2
done
rig_log "${name} restarted (pid ${new_pid}) and ready in $((SECONDS - started)) s"
