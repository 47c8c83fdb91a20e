#!/bin/sh
# with-session.sh [--no-keyring] COMMAND [ARGS…]
#
# Runs COMMAND in a world of its own: a fresh HOME and XDG folders, a private
# session bus (dbus-run-session) and, unless --no-keyring, a real
# gnome-keyring with an unlocked login collection (TESTING.md: without
# --unlock there is no login collection and a store hangs on an invisible
# prompt). --no-keyring starts a bus with no service files at all, so that
# nothing can answer for org.freedesktop.secrets.
set -eu

keyring=yes
if [ "${1:-}" = "--no-keyring" ]; then
  keyring=no
  shift
fi

world=$(mktemp -d "${TMPDIR:-/tmp}/socialhub-test.XXXXXX")
trap 'rm -rf "$world"' EXIT
mkdir -p "$world/home" "$world/data" "$world/config" "$world/cache" "$world/runtime" "$world/services"
chmod 700 "$world/runtime"
export HOME="$world/home"
export XDG_DATA_HOME="$world/data"
export XDG_CONFIG_HOME="$world/config"
export XDG_CACHE_HOME="$world/cache"
export XDG_RUNTIME_DIR="$world/runtime"
export GSETTINGS_BACKEND=memory
export NO_AT_BRIDGE="${NO_AT_BRIDGE:-1}"

if [ "$keyring" = no ]; then
  cat > "$world/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$world/runtime</listen>
  <servicedir>$world/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  exec dbus-run-session --config-file="$world/bus.conf" -- "$@"
fi

# The keyring daemon is started by hand and its variables exported, then the
# command runs in the same bus session.
exec dbus-run-session -- sh -c '
  eval "$(printf %s socialhub-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' with-session "$@"
