#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Restarts one control-plane process of a running rig (for fault injection: the chaos tier,
# test/e2e/chaos.e2e.test.ts): stops it, starts the same binary again with the same command
# line (read from /proc, so it is exactly what start.sh ran), and waits until it is healthy.
# State is kept: etcd reopens its data dir, so the cluster and every resourceVersion survive.
#
# Usage: restart.sh etcd|kube-apiserver [--signal TERM|KILL] [--down SECONDS]
#   --signal  how to stop it: TERM (graceful, the default) or KILL (a crash)
#   --down    stay down this long before starting again (default 0; decimals allowed)
# Rig dir from CDK8S_BATCH_RIG_DIR, as for start.sh. Prints the new pid on stdout.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

name="${1:-}"
shift || true
signal=TERM
down=0
while (($# > 0)); do
  case "$1" in
    --signal) signal="${2:?--signal needs TERM or KILL}"; shift 2 ;;
    --down) down="${2:?--down needs seconds}"; shift 2 ;;
    *) rig_log "unknown argument: $1"; exit 2 ;;
  esac
done
case "${name}" in
  etcd | kube-apiserver) ;;
  *) rig_log "restart.sh restarts etcd or kube-apiserver, got '${name}'"; exit 2 ;;
esac
case "${signal}" in
  TERM | KILL) ;;
  *) rig_log "--signal must be TERM or KILL, got '${signal}'"; exit 2 ;;
esac
TIMEOUT="${CDK8S_BATCH_RIG_TIMEOUT:-120}"

pid="$(rig_pid_of "${name}")" || { rig_log "${name} is not running in ${RIG_DIR}"; exit 1; }
# The exact command line start.sh launched (setsid exec'd the binary, so the pid is its own).
mapfile -d '' cmd <"/proc/${pid}/cmdline"
((${#cmd[@]} > 0)) || { rig_log "cannot read the command line of ${name} (pid ${pid})"; exit 1; }

# Running: present and not a zombie. Not our child, so it may stay a zombie until whoever
# adopted it reaps it (in a container, PID 1 may never do that): look at its state.
running() {
  local _pid _comm state
  [[ -r "/proc/$1/stat" ]] || return 1
  read -r _pid _comm state _ <"/proc/$1/stat" 2>/dev/null || return 1
  [[ "${state}" != Z ]]
}

kill "-${signal}" "${pid}" 2>/dev/null || true
waited=0
while running "${pid}"; do
  if ((waited == 100)); then
    rig_log "${name} (pid ${pid}) ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  ((waited < 300)) || { rig_log "${name} (pid ${pid}) did not exit"; exit 1; }
  sleep 0.1
  waited=$((waited + 1))
done
[[ "${down}" == 0 ]] || sleep "${down}"

printf '\n===== restart (SIG%s) at %(%H:%M:%S)T =====\n' "${signal}" -1 >>"${RIG_DIR}/logs/${name}.log"
setsid "${cmd[@]}" >>"${RIG_DIR}/logs/${name}.log" 2>&1 </dev/null &
newpid=$!
printf '%s\n' "${newpid}" >"${RIG_DIR}/pids/${name}.pid"

etcd_healthy() { # plain HTTP on loopback, as in start.sh
  local reply port
  port="$(sed -n 's/^RIG_ETCD_PORT=//p' "${RIG_DIR}/rig.env")"
  exec 3<>"/dev/tcp/127.0.0.1/${port}" || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  reply="$(cat <&3)"
  exec 3>&-
  [[ "${reply}" == *'"health":"true"'* ]]
}
apiserver_ready() { "${RIG_DIR}/bin/kubectl" --kubeconfig "${RIG_DIR}/kubeconfig" get --raw /readyz; }
case "${name}" in
  etcd) healthy=etcd_healthy ;;
  kube-apiserver) healthy=apiserver_ready ;;
esac
deadline=$((SECONDS + TIMEOUT))
until "${healthy}" >/dev/null 2>&1; do
  running "${newpid}" || { rig_log "${name} exited after the restart"; tail -n 30 "${RIG_DIR}/logs/${name}.log" >&2; exit 1; }
  ((SECONDS < deadline)) || { rig_log "${name} not healthy ${TIMEOUT} s after the restart"; exit 1; }
  sleep 0.2
done
printf '%s\n' "${newpid}"
