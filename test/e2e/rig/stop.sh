#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Stops the e2e rig started by start.sh: SIGTERM to every process, SIGKILL after 10 s.
# Safe to run twice, or when start.sh failed half-way. Logs are kept for post-mortems; the
# etcd data (and, with --purge, everything the rig wrote) is removed.
#
# Usage: stop.sh [--purge]        (rig dir from CDK8S_BATCH_RIG_DIR, as for start.sh)
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=false
case "${1:-}" in
  "") ;;
  --purge) purge=true ;;
  *) rig_log "unknown argument: $1"; exit 2 ;;
esac

if [[ ! -d "${RIG_DIR}" ]]; then
  rig_log "no rig in ${RIG_DIR}"
  exit 0
fi
rig_stop_all
rm -rf "${RIG_DIR:?}/etcd-data"
if [[ "${purge}" == true ]]; then
  rig_remove_state
  rmdir "${RIG_DIR}" 2>/dev/null || true
  rig_log "rig in ${RIG_DIR} stopped and removed"
else
  rig_log "rig in ${RIG_DIR} stopped; logs kept in ${RIG_DIR}/logs"
fi
