#!/usr/bin/env python3
# Compiles every C file of src/ against newer GLib, GTK and libadwaita headers than
# Debian 12 has, to show that the Flatpak build (GNOME runtime 50) is warning-free
# without a Flatpak SDK on this machine.
#
# Debian 12 ships GTK 4.8 and libadwaita 1.2; the tree is built and tested against
# those. The runtime's newer libraries deprecate API we use on purpose (AdwMessageDialog,
# AdwPreferencesWindow, gtk_show_uri…), and -Dwerror=true would turn each deprecation
# into a failed Flatpak build that nobody here would see. meson.build pins
# GLIB/GDK/ADW_VERSION_MIN_REQUIRED to the oldest versions we support, and the code
# picks the newer replacement behind ADW_CHECK_VERSION/GTK_CHECK_VERSION. This script
# is the proof: it runs each compile command of a configured build with
# -fsyntax-only -Werror, with the include directories of the newer headers first.
#
# The newer headers come from Debian 13's -dev packages (GTK 4.18, libadwaita 1.7,
# GLib 2.84, libsoup 3.6, json-glib 1.10, libsecret 0.21), unpacked without installing
# into a cache folder. Needs the network the first time (deb.debian.org).
#
# With --list-deprecated it instead lifts the MIN_REQUIRED pins to the newer
# versions and lists what is still used of the API they deprecate (what the pins
# keep quiet), without failing.
#
# Usage: check-newer-headers.py [--list-deprecated] BUILD_DIR [HEADERS_ROOT]
#   BUILD_DIR     a configured build of this tree (its compile_commands.json and the
#                 generated headers are used)
#   HEADERS_ROOT  where the packages are unpacked (default:
#                 $XDG_CACHE_HOME/socialhub/newer-headers)
# Exit status: 0 when every file compiles cleanly, 1 otherwise, 2 on a usage error.

import json
import lzma
import re
import os
import shlex
import subprocess
import sys
import tempfile
import urllib.request

MIRROR = 'https://deb.debian.org/debian'
SUITE = 'trixie'
PACKAGES = [
    'libgtk-4-dev', 'libadwaita-1-dev', 'libgio-2.0-dev', 'libpango1.0-dev',
    'libharfbuzz-dev', 'libcairo2-dev', 'libgdk-pixbuf-2.0-dev', 'libgraphene-1.0-dev',
    'libsoup-3.0-dev', 'libjson-glib-dev', 'libsecret-1-dev',
]
MULTIARCH = 'x86_64-linux-gnu'


def package_files(index_text):
    """Maps each wanted package to its pool path, from a Debian Packages index."""
    wanted, found, name = set(PACKAGES), {}, None
    for line in index_text.splitlines():
        if line.startswith('Package: '):
            name = line[len('Package: '):]
        elif line.startswith('Filename: ') and name in wanted and name not in found:
            found[name] = line[len('Filename: '):]
    missing = wanted - set(found)
    if missing:
        raise RuntimeError(f'not in {SUITE}: {sorted(missing)}')
    return found


def fetch_headers(root):
    stamp = os.path.join(root, '.complete')
    if os.path.exists(stamp):
        return
    os.makedirs(root, exist_ok=True)
    print(f'fetching {SUITE} headers into {root}', file=sys.stderr)
    url = f'{MIRROR}/dists/{SUITE}/main/binary-amd64/Packages.xz'
    with urllib.request.urlopen(url, timeout=120) as reply:
        index = lzma.decompress(reply.read()).decode('utf-8', 'replace')
    with tempfile.TemporaryDirectory() as tmp:
        for name, pool_path in sorted(package_files(index).items()):
            deb = os.path.join(tmp, os.path.basename(pool_path))
            urllib.request.urlretrieve(f'{MIRROR}/{pool_path}', deb)
            subprocess.run(['dpkg-deb', '-x', deb, root], check=True)
    open(stamp, 'w').close()


def newer_include_dirs(root):
    """The include directories of the unpacked packages, searched before the system's."""
    dirs = []
    for base in ('usr/include', f'usr/lib/{MULTIARCH}'):
        top = os.path.join(root, base)
        if not os.path.isdir(top):
            continue
        for entry in sorted(os.listdir(top)):
            path = os.path.join(top, entry)
            if base == 'usr/include' and os.path.isdir(path):
                dirs.append(path)
            elif os.path.isdir(os.path.join(path, 'include')):
                dirs.append(os.path.join(path, 'include'))  # glibconfig.h and the like
    return dirs


def main(argv):
    list_deprecated = '--list-deprecated' in argv
    argv = [a for a in argv if a != '--list-deprecated']
    if len(argv) not in (2, 3):
        print(f'usage: {argv[0]} BUILD_DIR [HEADERS_ROOT]', file=sys.stderr)
        return 2
    build = os.path.abspath(argv[1])
    cache = os.environ.get('XDG_CACHE_HOME', os.path.expanduser('~/.cache'))
    root = argv[2] if len(argv) == 3 else os.path.join(cache, 'socialhub', 'newer-headers')
    try:
        with open(os.path.join(build, 'compile_commands.json'), encoding='utf-8') as f:
            commands = json.load(f)
    except (OSError, ValueError) as e:
        print(f'{build}: not a configured build: {e}', file=sys.stderr)
        return 2
    fetch_headers(root)
    first = [f'-I{d}' for d in newer_include_dirs(root)]

    failed = 0
    checked = 0
    deprecated = set()
    for entry in commands:
        source = entry['file']
        if f'{os.sep}src{os.sep}' not in source or not source.endswith('.c'):
            continue
        args = shlex.split(entry['command'])
        # Drop the output options: only the diagnostics matter.
        keep, skip = [], False
        for arg in args[1:]:
            if skip:
                skip = False
                continue
            if arg in ('-o', '-MF', '-MQ'):
                skip = True
                continue
            if arg in ('-MD', '-c'):
                continue
            keep.append(arg)
        if list_deprecated:
            keep = [a for a in keep if not re.match(r'-D(GDK|ADW)_VERSION_MIN_REQUIRED=', a)]
            keep += ['-DGDK_VERSION_MIN_REQUIRED=GDK_VERSION_4_18',
                     '-DADW_VERSION_MIN_REQUIRED=ADW_VERSION_1_7',
                     '-Wno-error=deprecated-declarations', '-fdiagnostics-color=never']
        cmd = [args[0], '-fsyntax-only', '-Werror'] + first + keep
        result = subprocess.run(cmd, cwd=entry['directory'], capture_output=True, text=True)
        checked += 1
        if list_deprecated:
            deprecated.update(re.findall(r'^(\S+?:\d+):\d+: warning: (.*deprecated.*?) \[',
                                         result.stderr, re.M))
        if result.returncode != 0:
            failed += 1
            print(result.stderr, file=sys.stderr)
    for where, what in sorted(deprecated):
        print(f'{os.path.relpath(os.path.join(build, where), os.getcwd())}: {what}')
    if list_deprecated:
        print(f'{len(deprecated)} uses of API deprecated in the newer headers')
    print(f'{checked} files checked against the newer headers, {failed} with warnings or errors')
    return 1 if failed or not checked else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
