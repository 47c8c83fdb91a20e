#!/usr/bin/env python3
# Checks the Flatpak manifest offline: valid JSON, the expected app ID and command,
# a supported GNOME runtime (50 or newer: Flathub ended 47 on 2025-10-15 and 48 in
# March 2026), the sandbox permissions SocialHub needs and none it must not have (no
# file system access; no org.freedesktop.secrets, which would let the app read every
# unlocked secret of the user: under Flatpak libsecret's file backend and the Secret
# portal keep the tokens), pinned sources with a mirror, and the app module built with
# meson and without tests.
#
# Usage: check-flatpak-manifest.py MANIFEST APP_ID COMMAND

import json
import re
import sys

REQUIRED_FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    # The tray icon (src/desktop/sh-status-notifier-item.c).
    '--talk-name=org.kde.StatusNotifierWatcher',
}

FORBIDDEN_FINISH_ARGS = {
    '--talk-name=org.freedesktop.secrets',
    '--system-talk-name=org.freedesktop.login1',
}

MIN_RUNTIME = 50


def main(argv):
    if len(argv) != 4:
        print(f'usage: {argv[0]} MANIFEST APP_ID COMMAND', file=sys.stderr)
        return 2
    path, app_id, command = argv[1:]
    errors = []

    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f'{path}: {e}', file=sys.stderr)
        return 1
    if not isinstance(manifest, dict):
        print(f'{path}: the top level is not an object', file=sys.stderr)
        return 1

    ids = [manifest[k] for k in ('id', 'app-id') if k in manifest]
    if ids != [app_id]:
        errors.append(f'expected exactly one of "id"/"app-id" = {app_id!r}, found {ids!r}')
    if manifest.get('command') != command:
        errors.append(f'"command" is {manifest.get("command")!r}, expected {command!r}')
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        errors.append('runtime and sdk must be org.gnome.Platform and org.gnome.Sdk')
    version = manifest.get('runtime-version')
    if not isinstance(version, str):
        errors.append('"runtime-version" must be a string')
    elif not re.fullmatch(r'\d+', version) or int(version) < MIN_RUNTIME:
        errors.append(f'"runtime-version" is {version!r}; a supported runtime is {MIN_RUNTIME} or newer')

    finish_args = manifest.get('finish-args', [])
    missing = REQUIRED_FINISH_ARGS - set(finish_args)
    if missing:
        errors.append(f'finish-args lack {sorted(missing)}')
    for arg in sorted(FORBIDDEN_FINISH_ARGS & set(finish_args)):
        errors.append(f'finish-args must not contain {arg}')
    for arg in finish_args:
        if arg.startswith('--filesystem'):
            errors.append(f'finish-args must not grant file system access: {arg}')
    if len(set(finish_args)) != len(finish_args):
        errors.append('finish-args has duplicates')

    modules = manifest.get('modules', [])
    if not modules or not all(isinstance(m, dict) for m in modules):
        errors.append('"modules" must be a non-empty list of objects')
        modules = []
    for module in modules:
        name = module.get('name', '?')
        for source in module.get('sources', []):
            kind = source.get('type')
            if kind in ('archive', 'file') and 'url' in source:
                if not source['url'].startswith('https://'):
                    errors.append(f'module {name}: {kind} source not fetched over https')
                if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
                    errors.append(f'module {name}: {kind} source without a sha256')
                if not source.get('mirror-urls'):
                    errors.append(f'module {name}: {kind} source without "mirror-urls"')
                if 'x-checker-data' not in source:
                    errors.append(f'module {name}: {kind} source without "x-checker-data"')
            elif kind == 'git':
                if not (source.get('tag') or source.get('commit')):
                    errors.append(f'module {name}: git source pinned neither by tag nor commit')

    if modules:
        app = modules[-1]
        if app.get('name') != command:
            errors.append(f'the last module must be {command!r}, found {app.get("name")!r}')
        if app.get('buildsystem') != 'meson':
            errors.append('the app module must use buildsystem meson')
        if '-Dtests=false' not in app.get('config-opts', []):
            errors.append('the app module must be configured with -Dtests=false')
        if {'type': 'dir', 'path': '..'} not in app.get('sources', []):
            errors.append('the app module must build the source tree ({"type": "dir", "path": ".."})')

    for error in errors:
        print(f'{path}: {error}', file=sys.stderr)
    if not errors:
        print(f'{path}: OK')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
