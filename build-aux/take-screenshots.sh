#!/bin/sh
# take-screenshots.sh OUTDIR [BUILDDIR] — the pictures of SocialHub the
# metainfo names (data/screenshots/), and the 360 px ones of issue 15, taken
# of the real window under Xvfb in a private session with its own keyring
# (build-aux/with-session.sh), as build-aux/run-app.sh runs it.
#
# The window is driven in process by tests/ui/test-window (the build's; run
# with -Dtests=true): its channels come from the model, the "Add Channel"
# dialog signs in on the built-in sandbox emulator, and each picture is the
# window alone, rendered as on screen (sh_test_save_screenshot), not the
# whole screen. Writes into OUTDIR:
#   main-window.png, main-window-dark.png   the list, light and dark
#   channel-page.png                        a channel's page
#   add-channel.png                         the dialog with its code
#   narrow.png, narrow-de.png               the list at 360 × 640, English, German
#   narrow-channel.png, narrow-channel-de.png   a channel's page at 360 × 640
# Refresh data/screenshots with: build-aux/take-screenshots.sh data/screenshots
set -eu

[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [BUILDDIR]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
build=$(cd "${2:-$top/build}" && pwd)
test_window="$build/tests/ui/test-window"
[ -x "$test_window" ] || { echo "$0: $test_window is missing (meson setup with -Dtests=true)" >&2; exit 1; }

shots=$(mktemp -d "${TMPDIR:-/tmp}/socialhub-screenshots.XXXXXX")
trap 'rm -rf "$shots"' EXIT
mkdir -p "$out"

# Each run in a world of its own; $1 the language, then test-window's paths.
take() {
  language=$1
  shift
  paths=""
  for path in "$@"; do
    paths="$paths -p $path"
  done
  # shellcheck disable=SC2086
  LC_ALL=C.UTF-8 LANGUAGE="$language" GSK_RENDERER=cairo GDK_DEBUG=gl-disable \
    GSETTINGS_SCHEMA_DIR="$build/data" SOCIALHUB_LOCALEDIR="$build/po" \
    SH_TEST_ARTIFACT_DIR="$shots" \
    xvfb-run -a -s '-screen 0 1280x800x24 -noreset' \
      "$top/build-aux/with-session.sh" "$test_window" $paths >"$shots/log-$language.txt" 2>&1 ||
    { cat "$shots/log-$language.txt" >&2; echo "$0: test-window failed" >&2; exit 1; }
}

take C /window/groups /window/sign-in /window/narrow
take de /window/narrow

# name in OUTDIR <- the test's own file name
while read -r name from; do
  cp "$shots/$from" "$out/$name"
  echo "$out/$name"
done <<'LIST'
main-window.png window-list.png
main-window-dark.png window-list-dark.png
channel-page.png window-channel.png
add-channel.png dialog-code.png
narrow.png narrow-list.png
narrow-de.png narrow-list-de.png
narrow-channel.png narrow-channel.png
narrow-channel-de.png narrow-channel-de.png
LIST
