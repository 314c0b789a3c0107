#!/usr/bin/env bash
# Tools the unit tests run: tmux drives the CLI's prompts (test/cli/prompts.test.ts), openssl
# makes a throwaway certificate (test/rest.test.ts). A fresh Debian/Ubuntu machine may lack
# them: install them rather than fail, as the e2e rig does.
set -euo pipefail
missing=()
for tool in tmux openssl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
((${#missing[@]} == 0)) && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "${missing[*]} missing and there is no apt-get to install them" >&2; exit 1; }
sudo=()
((EUID == 0)) || sudo=(sudo)
echo "installing ${missing[*]} with apt-get" >&2
"${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
