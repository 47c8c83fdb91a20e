#!/bin/sh
# install-deps.sh — installs what SocialHub needs to build, run and test on
# Debian 12. Runs apt-get only for packages that are missing, as root or
# through sudo.
set -eu

packages="build-essential meson ninja-build pkg-config libgtk-4-dev libadwaita-1-dev
  libsoup-3.0-dev libjson-glib-dev libsecret-1-dev libqrencode-dev glib-networking librsvg2-common
  gettext desktop-file-utils appstream xvfb xauth dbus dbus-x11 gnome-keyring
  libsecret-tools at-spi2-core python3-gi python3-pyatspi python3-dogtail imagemagick
  adwaita-icon-theme fonts-cantarell x11-utils file openssl libfaketime"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "install-deps: these packages are missing and I am neither root nor able to sudo:$missing" >&2
  exit 1
fi

echo "install-deps: installing$missing" >&2
$as_root apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -q --no-install-recommends $missing >&2
