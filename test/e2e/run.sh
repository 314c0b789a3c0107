#!/usr/bin/env bash
# Entry point of the e2e tier (CI and humans; `npx projen test:e2e` calls it):
# builds the control plane binaries (cached; instant when warm), then runs jest with the
# e2e config, whose globalSetup starts a throwaway rig and whose globalTeardown stops it.
# Arguments go to jest unchanged, e.g. one test alone:
#   bash test/e2e/run.sh -t 'rejects an unknown time zone'
#   bash test/e2e/run.sh test/e2e/rig.e2e.test.ts
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${ROOT}"

# A separate step so that a cold build (minutes) shows up as such in CI logs and is not
# mistaken for a hanging test run; stdout is just the bin dir.
bash test/e2e/rig/build.sh >/dev/null
# --runInBand: one shared cluster; tests must not race each other on it.
exec npx jest -c test/e2e/jest.config.js --runInBand "$@"
