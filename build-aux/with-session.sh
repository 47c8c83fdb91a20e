#!/bin/sh
# with-session.sh [--no-keyring] COMMAND [ARGS…]
#
# Runs COMMAND in a world of its own: a fresh HOME and XDG folders, a private
# session bus (dbus-run-session) and, unless --no-keyring, a real
# gnome-keyring with an unlocked login collection (without
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
# gnome-keyring-daemon leaves when the bus closes, and may still be writing
# its keyring file as we clean up ("Directory not empty"): try again until
# it has gone, and never let the clean-up change the command's exit status.
remove_world() {
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    rm -rf "$world" 2>/dev/null && return 0
    sleep 0.25
  done
  echo "with-session.sh: could not remove $world" >&2
}
trap remove_world EXIT
mkdir -p "$world/tmp" "$world/home" "$world/data" "$world/config" "$world/cache" "$world/runtime" "$world/services"
chmod 700 "$world/runtime"
export TMPDIR="$world/tmp"
export HOME="$world/home"
export XDG_DATA_HOME="$world/data"
export XDG_CONFIG_HOME="$world/config"
export XDG_CACHE_HOME="$world/cache"
export XDG_RUNTIME_DIR="$world/runtime"
export GSETTINGS_BACKEND=memory
# Every session starts its own accessibility bus but they share one X
# display, whose root window advertises only one of them: apps that do not
# need AT-SPI stay off it (GTK 4 reads GTK_A11Y, GTK 3 NO_AT_BRIDGE).
export GTK_A11Y="${GTK_A11Y:-none}"
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
  status=0
  dbus-run-session --config-file="$world/bus.conf" -- "$@" || status=$?
  exit $status
fi

# The keyring daemon is started by hand and its variables exported, then the
# command runs in the same bus session. No exec: the trap removes the world.
status=0
dbus-run-session -- sh -c '
  eval "$(printf %s socialhub-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' with-session "$@" || status=$?
exit $status
