# shtest/channels.py — channels for a window under test, written the way
# SocialHub keeps them: a data file in the store folder, and each token's
# secret in the keyring (the application drops tokens whose secret is
# missing). Used by the AT-SPI tests of the window (tests/ui/*-atspi.py).
#
# A channel is a dict: id, network, external_id, name, picture_url and
# tokens, each token a dict: id, owner, state, reason, and optionally owner_id
# (the owner's network id; else one of its own, so that no two tokens share
# a person).

import json
import os
import subprocess
import time

from shtest.atspi import Failure, TIMEOUT_S

SCHEMA = 'io.socialhub.SocialHub.Token'

# Never reach the real networks from a test, whatever the app checks.
NO_NETWORK_ENV = {
    'SOCIALHUB_GRAPH_URL': 'http://127.0.0.1:9/v24.0',
    'SOCIALHUB_X_API_URL': 'http://127.0.0.1:9',
    'SOCIALHUB_X_AUTHORIZE_URL': 'http://127.0.0.1:9/authorize',
}


def data_file(channels):
    now = int(time.time())
    entries = []
    for channel in channels:
        tokens = []
        for token in channel['tokens']:
            tokens.append({
                'id': token['id'],
                'owner': {'id': token.get('owner_id', token['id'] + '-owner'),
                          'name': token['owner']},
                'scopes': [],
                'granted_at': now - 86400,
                'expires_at': 0,
                'data_access_expires_at': 0,
                'state': token['state'],
                'reason': token['reason'],
                'last_verdict': token['state'],
                'last_verdict_reason': token['reason'],
                'checked_at': now - 60,
                'notified_state': token['state'],
            })
        entry = {k: v for k, v in channel.items() if k != 'tokens'}
        entry['tokens'] = tokens
        entries.append(entry)
    return {'format': 'io.socialhub.SocialHub/channels', 'version': 1, 'channels': entries}


def secret_attributes(store, channel, token):
    # The attributes ShSecretStore uses (src/core/storage/sh-secret-store.c).
    return ['xdg:schema', SCHEMA,
            'token-id', token['id'],
            'channel-id', channel['id'],
            'network', channel['network'],
            'format-version', '1',
            'store', store]


def store_secrets(store, channels):
    for channel in channels:
        for token in channel['tokens']:
            secret = json.dumps({'access_token': 'fake-' + token['id'],
                                 'refresh_token': None, 'expires_at': 0})
            result = subprocess.run(
                ['secret-tool', 'store', '--label', 'SocialHub test token']
                + secret_attributes(store, channel, token),
                input=secret.encode(), capture_output=True, timeout=TIMEOUT_S)
            if result.returncode != 0:
                raise Failure('could not store a test secret with secret-tool (is an unlocked '
                              'gnome-keyring running?): ' + result.stderr.decode().strip())


def clear_secrets(store, channels):
    for channel in channels:
        for token in channel['tokens']:
            subprocess.run(['secret-tool', 'clear'] + secret_attributes(store, channel, token),
                           capture_output=True, timeout=TIMEOUT_S)


def write_store(tmp, channels):
    """The store folder of a window whose XDG_DATA_HOME is @tmp/data
    (shtest.atspi.window_env), holding @channels, their secrets in the
    keyring; returns its path for clear_secrets()."""
    store = os.path.join(tmp, 'data', 'socialhub')  # sh_manager_default_data_dir (FALSE)
    os.makedirs(store)
    with open(os.path.join(store, 'channels.json'), 'w', encoding='utf-8') as f:
        json.dump(data_file(channels), f)
    store_secrets(store, channels)
    return store
