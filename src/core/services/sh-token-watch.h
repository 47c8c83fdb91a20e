/* sh-token-watch.h — one signal for "the tokens' deadlines may have moved".
 *
 * Emits "changed" when a channel or a token is added or removed (a renewal
 * is a new token replacing the old one), or when a token's expires-at or
 * data-access-expires-at changes. Whatever plans by the tokens' deadlines
 * (the monitor's schedule) looks at them again then, instead of waiting for
 * its next wake-up.
 */
#pragma once

#include <gio/gio.h>
#include "sh-channel-list.h"

G_BEGIN_DECLS

#define SH_TYPE_TOKEN_WATCH (sh_token_watch_get_type ())
G_DECLARE_FINAL_TYPE (ShTokenWatch, sh_token_watch, SH, TOKEN_WATCH, GObject)

ShTokenWatch *sh_token_watch_new (ShChannelList *channels);

G_END_DECLS
