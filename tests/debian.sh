#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# debian/ agrees with the rest of the tree: the package's version is the
# configure version (a native package has no other), and debian/control's
# Build-Depends are the build list of tools/install-deps, both ways, so the
# README's commands and dpkg-buildpackage need the same packages. The
# package itself is built, checked with lintian and installed in a guest by
# the real-kernel test tests/vm/deb.sh. Prints TAP.
set -u

. "$(dirname "$0")/lib.sh"

echo "1..3"
control=$top_srcdir/debian/control
deps=$top_srcdir/tools/install-deps

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
changelog=$(sed -n '1s/^affinityd (\([^)]*\)) .*/\1/p' "$top_srcdir/debian/changelog")
check "debian/changelog's version ($changelog) is configure's ($version)" \
	'[ -n "$version" ] && [ "$changelog" = "$version" ]'

# Build-Depends: one package a line, "name (>= v) <profile>," after the field.
awk '/^Build-Depends:/ { on = 1; sub(/^Build-Depends:/, "") }
	on && /^[A-Z]/ && !/^Build-Depends:/ { on = 0 }
	on { gsub(/,/, "\n"); print }' "$control" |
	awk 'NF { print $1 }' | sed 's/^debhelper-compat$/debhelper/' | sort -u >"$tmp/control"
# A list of tools/install-deps: the words between VAR=" and the closing quote.
words() {
	sed -n "/^$1=\"/,/\"\$/p" "$deps" | sed "s/^$1=//" | tr -d '"\\' |
		tr -s ' \t' '\n\n' | sed '/^$/d' | sort -u
}
words build >"$tmp/build"
words test_pkgs >"$tmp/test"
# Implied in a package build: build-essential, and autoconf/automake through
# debhelper's dh_autoreconf.
grep -vx -e build-essential -e autoconf -e automake "$tmp/build" >"$tmp/build-pkg"

# The Build-Depends only the package build and its tests need (debhelper,
# python3) come with --test.
missing=$(sort -u "$tmp/build" "$tmp/test" | comm -23 "$tmp/control" - | xargs)
check "every Build-Depends is installed by tools/install-deps [--test]${missing:+ (not: $missing)}" \
	'[ -n "$(cat "$tmp/control")" ] && [ -z "$missing" ]'
extra=$(comm -13 "$tmp/control" "$tmp/build-pkg" | xargs)
check "every package tools/install-deps builds with is a Build-Depends${extra:+ (not: $extra)}" \
	'[ -n "$(cat "$tmp/build-pkg")" ] && [ -z "$extra" ]'
exit $failed
