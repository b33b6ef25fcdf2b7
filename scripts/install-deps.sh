#!/usr/bin/env bash
# Install what nslab needs to build, run and test on Debian or Ubuntu.
set -euo pipefail

packages=(
	# build
	build-essential pkg-config libreadline-dev libncurses-dev libjson-c-dev libcap-dev libarchive-dev
	# the default rootfs is built from a static busybox
	busybox-static
	# tests: tmux drives the REPL; util-linux, iproute2, procps and libcap's
	# capsh are the oracles; tar's compressors make the import tests' tarballs;
	# man renders the installed man page
	tmux util-linux iproute2 procps psmisc binutils file python3 libcap2-bin
	tar gzip xz-utils zstd bzip2 man-db
	# export: the exported OCI bundles run under runc and crun, the command
	# lines under util-linux unshare and bubblewrap
	runc crun bubblewrap
	# make fuzz: clang and its libFuzzer runtime; make bench: strace, htop
	clang libclang-rt-14-dev strace htop
	# hostile.sh measures peak memory with /usr/bin/time
	time
)

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: ${#packages[@]} packages present"
