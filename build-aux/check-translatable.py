#!/usr/bin/env python3
# Finds user-visible strings in src/ that are not marked for translation.
#
# A string reaches a person when it becomes a GError's message (the window, the
# command line and the notifications all show error->message), is printed for the
# person (g_print, g_printerr), or is put in a toast, a notification or a label. This
# scans the C files under src/ for those calls and reports every string literal
# argument that holds a word but is not inside _(), N_(), C_(), NC_() or ngettext().
#
# Not scanned: errors in the G_DBUS_ERROR domain, which answer a D-Bus peer (the tray's
# panel) rather than a person; src/sandbox (the emulator's own API answers, which imitate the networks'
# English texts). A literal that carries no word of three letters or more ("%s: %s",
# "\n") is not a message, nor is an action name or the command's own name. A line with the comment "not-translated:" and a reason is
# skipped, for the rare string that must stay as it is (a protocol token, say).
# A marked message may not hold G_GINT64_FORMAT or the like: xgettext ends the
# message at the macro, so its translation would never be found.
#
# Usage: check-translatable.py SOURCE_ROOT
# Exit status: 0 when every such string is marked, 1 otherwise.

import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from c_comments import strip_c_comments  # noqa: E402

# Calls whose string arguments a person reads.
VISIBLE_CALLS = (
    'g_set_error', 'g_set_error_literal', 'g_prefix_error', 'g_propagate_prefixed_error',
    'g_task_return_new_error', 'g_error_new', 'g_error_new_literal',
    'g_print', 'g_printerr',
    'adw_toast_new', 'adw_toast_new_format', 'adw_toast_set_title',
    'g_notification_new', 'g_notification_set_body', 'g_notification_set_title',
    'g_notification_add_button', 'g_notification_add_button_with_target',
    'gtk_label_new', 'gtk_label_set_text', 'gtk_label_set_label', 'gtk_label_set_markup',
    'gtk_button_set_label', 'gtk_widget_set_tooltip_text', 'gtk_window_set_title',
    'adw_status_page_set_title', 'adw_status_page_set_description',
    'adw_preferences_row_set_title', 'adw_action_row_set_subtitle',
    'adw_window_title_set_title', 'adw_window_title_set_subtitle',
    'sh_cli_fail', 'sh_cli_printerr',
)
MARKERS = ('_', 'N_', 'C_', 'NC_', 'ngettext', 'g_dngettext', 'g_dpgettext2')
CALL_RE = re.compile(r'\b(' + '|'.join(map(re.escape, VISIBLE_CALLS)) + r')\s*\(')
WORD_RE = re.compile(r'[A-Za-z]{3,}')
# Not messages: an action name ("app.add-token") and the command's own name, which
# prefixes what the command line prints ("socialhub: %s").
ACTION_NAME_RE = re.compile(r'(?:app|win)\.[\w-]+')
FORMAT_OR_NAME_RE = re.compile(r'%[-+ #0-9.*]*(?:hh|h|ll|l|z|j|t)?[diouxXeEfFgGaAcsp%]|\bsocialhub\b')
SKIP_DIRS = {'sandbox'}


def split_arguments(text, start):
    """The top-level arguments of the call whose '(' is at start, with their offsets."""
    args, depth, i, arg_start = [], 0, start, start + 1
    while i < len(text):
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
            if depth == 0:
                args.append((arg_start, text[arg_start:i]))
                return args
        elif c == ',' and depth == 1:
            args.append((arg_start, text[arg_start:i]))
            arg_start = i + 1
        i += 1
    return args


def literal_text(arg):
    """The concatenated text of an argument made only of string literals, else None."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    rest = re.sub(r'"((?:[^"\\]|\\.)*)"', '', arg)
    rest = re.sub(r'\b[A-Z][A-Z0-9_]*_FORMAT\b', '', rest)  # "%" G_GINT64_FORMAT " and more"
    if not parts or rest.strip():
        return None
    return ''.join(parts)


def check_file(path, raw):
    text = strip_c_comments(raw)
    lines = raw.splitlines()
    problems = []
    for match in CALL_RE.finditer(text):
        if text[match.start() - 1:match.start()] in ('_',) or \
                re.match(r'\w', text[match.start() - 1:match.start()] or ' '):
            continue  # part of a longer name
        args = split_arguments(text, match.end() - 1)
        if any(arg.strip() == 'G_DBUS_ERROR' for _, arg in args):
            continue  # an answer to a D-Bus peer (a panel, a portal), not to a person
        for offset, arg in args:
            if re.search(r'\b[CN]?_\s*\([^)]*"\s*[A-Z][A-Z0-9_]*_FORMAT\b', arg):
                line_no = text.count('\n', 0, offset) + 1
                problems.append(f'{path}:{line_no}: {match.group(1)}: a marked message holds a '
                                '*_FORMAT macro, where xgettext cuts it: use %lld and a cast')
                continue
            message = literal_text(arg)
            if message is None or ACTION_NAME_RE.fullmatch(message) or \
                    not WORD_RE.search(FORMAT_OR_NAME_RE.sub('', message)):
                continue
            line_no = text.count('\n', 0, offset + len(arg) - len(arg.lstrip())) + 1
            if 'not-translated:' in lines[line_no - 1]:
                continue
            problems.append(f'{path}:{line_no}: {match.group(1)}: "{message[:60]}" is not marked for translation')
    return problems


def main(argv):
    if len(argv) != 2:
        print(f'usage: {argv[0]} SOURCE_ROOT', file=sys.stderr)
        return 2
    src = os.path.join(argv[1], 'src')
    problems = []
    for folder, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith('.c'):
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8') as f:
                    problems += check_file(os.path.relpath(path, argv[1]), f.read())
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f'{len(problems)} user-visible strings not marked for translation')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
