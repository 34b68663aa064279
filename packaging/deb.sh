#!/usr/bin/env bash
# Builds concerto_VERSION_ARCH.deb from the release binary, with dpkg-deb: the
# systemd unit, the settings template (a conffile, kept on upgrade) and the
# maintainer scripts of packaging/debian. The release build is reused when it is
# up to date in $CARGO_TARGET_DIR (CI's browser tests make it first).
# Usage: bash packaging/deb.sh [OUTPUT_DIR]   (default: target dir's debian/)
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
out_dir="${1:-$CARGO_TARGET_DIR/debian}"
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is required (Debian's dpkg)" >&2; exit 1; }

cargo build --release --locked -p concerto --quiet
binary="$CARGO_TARGET_DIR/release/concerto"
version=$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version = "\(.*\)"/\1/p' Cargo.toml)
arch=$(dpkg --print-architecture)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$binary" "$root/usr/bin/concerto"
strip --strip-unneeded "$root/usr/bin/concerto" 2>/dev/null || true
install -D -m 0644 packaging/debian/concerto.service "$root/usr/lib/systemd/system/concerto.service"
install -D -m 0640 packaging/debian/concerto.env "$root/etc/concerto/concerto.env"
install -D -m 0644 README.md "$root/usr/share/doc/concerto/README.md"
install -D -m 0644 packaging/debian/copyright "$root/usr/share/doc/concerto/copyright"
install -d "$root/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
echo /etc/concerto/concerto.env >"$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: concerto
Version: $version
Architecture: $arch
Maintainer: Concerto developers <concerto@example.invalid>
Installed-Size: $size
Depends: libc6, passwd
Recommends: postgresql-client
Section: web
Priority: optional
Description: participatory planning of the Piani Sociali di Zona
 Concerto runs the participatory planning of an Italian social district's
 three-year social plan: the public notice, expressions of interest with
 protocol numbers, participation pacts, the tables and their minutes, and a
 public observatory. One binary serving HTTP behind a reverse proxy, on
 embedded SQLite or PostgreSQL.
CONTROL

mkdir -p "$out_dir"
deb="$out_dir/concerto_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
