#!/bin/sh
# run-app.sh — installs, builds and runs SocialHub from this checkout.
#
# Without real client ids (SOCIALHUB_FACEBOOK_APP_ID / SOCIALHUB_X_CLIENT_ID or
# the meson options) it runs on the built-in sandbox. Without a display it
# runs under Xvfb, in a private session with its own keyring, and saves a
# screenshot of the window instead (path printed at the end).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
screenshot="${SOCIALHUB_SCREENSHOT:-$top/socialhub-screenshot.png}"

"$top/build-aux/install-deps.sh"
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" >/dev/null

export GSETTINGS_SCHEMA_DIR="$build/data"
export SOCIALHUB_LOCALEDIR="$build/po"
app="$build/src/socialhub"
set --
if [ -z "${SOCIALHUB_FACEBOOK_APP_ID:-}" ] && [ -z "${SOCIALHUB_X_CLIENT_ID:-}" ] &&
   ! grep -q "SH_FACEBOOK_APP_ID \"[^\"]" "$build/config.h" &&
   ! grep -q "SH_X_CLIENT_ID \"[^\"]" "$build/config.h"; then
  echo "run-app: no Facebook or X client id configured, using the sandbox" >&2
  set -- --sandbox
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$app" "$@"
fi

# No display: show it worked with a screenshot of the first frame.
echo "run-app: no display, running under Xvfb and taking a screenshot" >&2
rm -f "$screenshot"
SOCIALHUB_SCREENSHOT="$screenshot" GSK_RENDERER=cairo \
  xvfb-run -a -s '-screen 0 1024x720x24 -noreset' "$top/build-aux/with-session.sh" sh -c '
    "$0" "$@" &
    app=$!
    # The first frame takes about a second cold; wait for the
    # window to be mapped, bounded, then for it to paint.
    i=0
    while [ $i -lt 100 ] && ! xwininfo -root -tree 2>/dev/null | grep -q "\"SocialHub\""; do
      sleep 0.1; i=$((i + 1))
    done
    sleep 1
    import -window root "$SOCIALHUB_SCREENSHOT"
    kill $app; wait $app 2>/dev/null || true' "$app" "$@"
if [ -s "$screenshot" ]; then
  echo "run-app: SocialHub started; screenshot saved to $screenshot"
else
  echo "run-app: no screenshot was taken" >&2
  exit 1
fi
