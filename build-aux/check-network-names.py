#!/usr/bin/env python3
"""check-network-names.py SRCDIR — fails when a network is named outside its
provider (issue 14, "Providers are plug-ins").

Only src/providers/<network>/ may know a network; core, the command line and
the UI ask the provider registry (src/core/services/sh-provider-registry.h).
This walks src/ without src/providers and src/sandbox (the emulator of the
networks, which must know them) and reports every code or user-visible
string that names a network. po/, data/ and tests/ are outside src/ and not
looked at: translations, the desktop file, the metainfo and the tests may
name the networks SocialHub ships with.

The patterns, case-insensitive, and why each is meaningful:
  facebook   the network's name, its id "facebook", facebook.com and
             developers.facebook.com, and SH_FACEBOOK_* names
  instagram  the network's name, its id "instagram" and its permission
             instagram_basic (issue 19: its channels live on Pages' tokens,
             and core knows that only as "a parent network")
  x.com      X's addresses (api.x.com, x.com/i/oauth2, developer.x.com);
             X's bare name "X" is a single letter and cannot be grepped
             for, so its addresses, its id as a whole string ("x") and its
             SOCIALHUB_X_ / x- names stand in for it
  graph      as a word: Facebook's Graph API (graph.facebook.com, "Graph
             batch"); a word so that "paragraph" or "graphic" do not match
  "x"        X's id as a C string
  Page       Facebook's kind of channel (case-sensitive, as a word)
  SH_X_, SOCIALHUB_X_, x-client-id, x-redirect-port
             X's build options, environment variables and settings keys

Comments are not looked at: a comment may say "e.g. Facebook" as an
example without the code knowing the network. In C the comments are
stripped (strings kept); in .ui files the XML comments.

Known exception, listed here so that it stays visible: the Sandbox menu
(src/ui/sh-sandbox-menu.c) is the emulator's control panel and names what
the emulated networks let a person do, as src/sandbox does.

Prints one line per hit, FILE:LINE: TEXT, and exits 1 when there is any.
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from c_comments import strip_c_comments  # noqa: E402

PATTERNS = re.compile(
    r'facebook|instagram|x\.com|\bgraph\b|"x"|\bSH_X_|SOCIALHUB_X_|\bx-client-id\b|\bx-redirect-port\b',
    re.IGNORECASE)
# Facebook's own kind of channel, as a capitalized word: "Page" names the
# network as surely as its name does ("a role on this Page"). Case-sensitive,
# so that a window's "page" and types such as AdwStatusPage do not match;
# a browser's "Sign-in Page" is not a Facebook Page.
PAGE = re.compile(r'(?<!Sign-in )\bPages?\b')
SKIP_DIRS = {os.path.join('src', 'providers'), os.path.join('src', 'sandbox')}
SKIP_FILES = {os.path.join('src', 'ui', 'sh-sandbox-menu.c')}
EXTENSIONS = ('.c', '.h', '.ui', '.xml', '.css', '.build', '.in')


def strip_xml_comments(text):
    return re.sub(r'<!--.*?-->', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text,
                  flags=re.DOTALL)


def main():
    os.chdir(sys.argv[1] if len(sys.argv) > 1 else '.')
    hits = []
    for root, dirs, files in os.walk('src'):
        dirs[:] = sorted(d for d in dirs if os.path.join(root, d) not in SKIP_DIRS)
        for name in sorted(files):
            path = os.path.join(root, name)
            if path in SKIP_FILES or not name.endswith(EXTENSIONS):
                continue
            with open(path, encoding='utf-8') as f:
                text = f.read()
            if name.endswith(('.c', '.h', '.css')):
                text = strip_c_comments(text)
            elif name.endswith(('.ui', '.xml')):
                text = strip_xml_comments(text)
            elif name.endswith('.build'):
                text = re.sub(r'#[^\n]*', '', text)
            for number, line in enumerate(text.split('\n'), 1):
                if PATTERNS.search(line) or PAGE.search(line):
                    hits.append('%s:%d: %s' % (path, number, line.strip()))
    for hit in hits:
        print(hit)
    if hits:
        print('%d place(s) outside src/providers name a network: ask the provider '
              'registry instead (sh-provider-registry.h).' % len(hits))
        return 1
    print('no network named outside src/providers and src/sandbox')
    return 0


if __name__ == '__main__':
    sys.exit(main())
