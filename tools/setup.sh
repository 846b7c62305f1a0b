#!/usr/bin/env bash
# Installs what hartgei needs on a Debian 12 machine. Idempotent and non-interactive:
# it checks each piece first and installs only what is missing.
#   tools/setup.sh host     - host compiler pieces (libfdt-dev, dtc, clang)
#   tools/setup.sh target   - cross compiler, picolibc, gdb-multiarch, QEMU 10 + OpenSBI 1.5.1
#                             (backports)
#   tools/setup.sh libfdt   - libfdt sources for the target, from linux-source-6.1, into BUILD
#   tools/setup.sh opensbi19 - OpenSBI 1.9's fw_dynamic/fw_jump from Debian unstable, unpacked
#                             into OPENSBI19_DIR (nothing installed, apt's config untouched)
#   tools/setup.sh bench    - what make bench needs beyond make test (gnuplot for the plot)
#   tools/setup.sh all      - everything but bench
set -euo pipefail

LIBFDT_DIR=${LIBFDT_DIR:-build/libfdt-src}
OPENSBI19_DIR=${OPENSBI19_DIR:-build/opensbi-1.9}
OPENSBI19_VERSION=1.9-1
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	$SUDO apt-get update -qq </dev/null
	apt_updated=1
}

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

install_missing() {
	local missing=()
	for p in "$@"; do have_pkg "$p" || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return
	echo "setup: installing ${missing[*]}"
	apt_update
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
}

add_backports() {
	local f=/etc/apt/sources.list.d/hartgei-backports.sources
	[ -f "$f" ] && return
	# Same archive and keyring as the machine's own bookworm source.
	local uri=http://deb.debian.org/debian key=/usr/share/keyrings/debian-archive-keyring.gpg
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		uri=$(awk '/^URIs:/ && /debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
		[ -n "$uri" ] || uri=http://deb.debian.org/debian
	fi
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
		"$uri" "$key" | $SUDO tee "$f" >/dev/null
	apt_updated=
}

qemu_ok() {
	command -v qemu-system-riscv64 >/dev/null &&
		qemu-system-riscv64 --version | grep -qE 'version (1[0-9])\.'
}

setup_host() {
	install_missing make gcc libc6-dev libfdt-dev device-tree-compiler python3 clang \
		libclang-rt-14-dev llvm spin
}

setup_target() {
	# gdb-multiarch: make debug and tests/qemu/debug.sh (it debugs riscv64 through
	# QEMU's gdb stub).
	install_missing gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf \
		picolibc-riscv64-unknown-elf device-tree-compiler gdb-multiarch
	if ! qemu_ok || ! dpkg-query -W -f='${Version}' opensbi 2>/dev/null | grep -q '^1\.5'; then
		add_backports
		apt_update
		echo "setup: installing QEMU 10 and OpenSBI 1.5.1 from bookworm-backports"
		# -t makes apt take the backports versions of qemu-system-common/-data too.
		$SUDO apt-get install -y -qq -t bookworm-backports --no-install-recommends \
			qemu-system-riscv opensbi </dev/null >/dev/null
	fi
}

# OpenSBI 1.9 is not in bookworm or its backports. apt fetches the one package from
# Debian unstable through a sources list, lists and cache of its own under
# OPENSBI19_DIR, so the system's apt sources, lists and package cache are untouched;
# dpkg-deb unpacks it there without installing it. The package is architecture-
# independent (the riscv64 and riscv32 firmware in an _all.deb).
setup_opensbi19() {
	local dst=$OPENSBI19_DIR apt=$OPENSBI19_DIR/apt
	[ -f "$dst/fw_dynamic.bin" ] && [ -f "$dst/fw_jump.bin" ] && return
	echo "setup: fetching OpenSBI $OPENSBI19_VERSION from Debian unstable into $dst"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/deb"
	dst=$(cd "$dst" && pwd) apt=$dst/apt
	chmod -R 755 "$apt"	# apt downloads as _apt
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian unstable main" \
		>"$apt/sources.list"
	local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		-o Acquire::Languages=none -o APT::Sandbox::User=root)
	apt-get "${opts[@]}" update -qq </dev/null >/dev/null
	(cd "$apt/deb" && apt-get "${opts[@]}" download -qq "opensbi=$OPENSBI19_VERSION" </dev/null >/dev/null)
	dpkg-deb -x "$apt/deb/opensbi_${OPENSBI19_VERSION}_all.deb" "$apt/root"
	cp "$apt/root/usr/lib/riscv64-linux-gnu/opensbi/generic/"fw_{dynamic,jump}.{bin,elf} "$dst/"
	rm -rf "$apt/root" "$apt/lists" "$apt/cache"
}

setup_libfdt() {
	local dst=$LIBFDT_DIR
	[ -f "$dst/libfdt.h" ] && [ -f "$dst/fdt_ro.c" ] && return
	local tmp
	tmp=$(mktemp -d)
	chmod 755 "$tmp" # apt downloads as _apt
	echo "setup: fetching libfdt sources from Debian's linux-source-6.1"
	apt_update
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root linux-source-6.1 </dev/null >/dev/null)
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.1_*.deb |
		tar -x -C "$tmp" --wildcards '*/linux-source-6.1.tar.xz'
	mkdir -p "$dst"
	tar -xJf "$tmp"/usr/src/linux-source-6.1.tar.xz -C "$tmp" \
		--wildcards 'linux-source-6.1/scripts/dtc/libfdt/*'
	cp "$tmp"/linux-source-6.1/scripts/dtc/libfdt/* "$dst"/
	rm -rf "$tmp"
}

setup_bench() {
	install_missing gnuplot-nox
}

case "${1:-all}" in
host) setup_host ;;
target) setup_target ;;
libfdt) setup_libfdt ;;
opensbi19) setup_opensbi19 ;;
bench) setup_bench ;;
all) setup_host; setup_target; setup_libfdt ;;
*) echo "usage: $0 host|target|libfdt|opensbi19|bench|all" >&2; exit 2 ;;
esac
