#!/usr/bin/python3
# instagram-atspi.py — an Instagram account on its channel page, over AT-SPI
# (issue 19, 4).
#
# Usage: /usr/bin/python3 instagram-atspi.py PATH/TO/socialhub
#
# Starts `socialhub --sandbox`, adds the sample channels (with Acme Coffee's
# Instagram account) and checks that:
#   - the linked account's page says it goes with Acme Coffee, and offers no
#     Remove of its own;
#   - once the Sandbox menu unlinks it and a check says so, its page offers
#     "Remove @acmecoffee"; confirmed, the account leaves the list while
#     Acme Coffee stays, with every token in the keyring.
# Every wait is bounded; none is a fixed sleep.

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.atspi import (main, Failure, click, log, safe_name, safe_role,  # noqa: E402
                          screenshot, wait_for)
from shtest.sandbox_window import check_now, keyring_items, sandbox_with_samples  # noqa: E402


def instagram_row(s):
    return next((n for n in s.nodes(lambda n: safe_role(n) == 'push button' and
                                    safe_name(n).startswith('@acmecoffee, Instagram account, '))),
                None)


def open_instagram_page(s):
    click(wait_for('the @acmecoffee row', lambda: instagram_row(s)), 'the @acmecoffee row')


def shown_text(s, text):
    return next((n for n in s.nodes(lambda n: text in safe_name(n))), None)


def run(binary, tmp, artifacts):
    with sandbox_with_samples(binary, tmp, artifacts, 'instagram-atspi') as s:
        n_items = keyring_items()

        # Linked: it goes with its Page.
        open_instagram_page(s)
        wait_for('"Goes with Acme Coffee"', lambda: shown_text(s, 'Goes with Acme Coffee'))
        if s.button('Remove @acmecoffee')():
            raise Failure('a linked Instagram account offers a Remove of its own')
        screenshot(artifacts, 'instagram-linked.png')
        s.press('Back to All Channels')

        # Unlinked: removed on its own.
        s.menu_item('Alice unlinks Instagram from Acme Coffee')
        check_now(s, r'^Checked ')
        open_instagram_page(s)
        wait_for('"No longer linked to Acme Coffee"',
                 lambda: shown_text(s, 'No longer linked to Acme Coffee'))
        screenshot(artifacts, 'instagram-unlinked.png')
        s.press('Remove @acmecoffee')
        s.press('Remove')
        wait_for('the toast "Removed @acmecoffee"',
                 lambda: shown_text(s, 'Removed @acmecoffee'))
        wait_for('the @acmecoffee row to go', lambda: instagram_row(s) is None)
        wait_for('Acme Coffee still in the list',
                 lambda: next((n for n in s.nodes(lambda n: safe_name(n).startswith(
                     'Acme Coffee, Facebook Page, '))), None))
        if keyring_items() != n_items:
            raise Failure(f'the keyring holds {keyring_items()} tokens, not {n_items}')
        log('The unlinked Instagram account is removed; its Page and the keyring stay')


if __name__ == '__main__':
    sys.exit(main('instagram-atspi', run))
