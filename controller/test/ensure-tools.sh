#!/usr/bin/env bash
# The CLI's terminal tests drive prompts through tmux (test/cli/prompts.test.ts). A fresh
# Debian/Ubuntu machine may lack it: install it rather than fail, as the e2e rig does openssl.
set -euo pipefail
command -v tmux >/dev/null 2>&1 && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "tmux is missing and there is no apt-get to install it" >&2; exit 1; }
sudo=()
((EUID == 0)) || sudo=(sudo)
echo "installing tmux with apt-get" >&2
"${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq tmux >/dev/null
