/* sh-broker.h — the token broker: an access token of a channel that works now.
 *
 * For the team's posting scripts and other apps (`socialhub --print-token`,
 * the D-Bus method io.socialhub.SocialHub.Broker1.GetAccessToken). Off
 * unless the GSettings key token-broker is true.
 *
 * Which token: one the last check judged valid (or expiring) and that still
 * has SH_BROKER_MIN_LIFETIME seconds to live, the longest-lived first (a
 * pasted token whose age is unknown by its latest end, after those whose
 * end is known). When no token of the channel was judged valid within the
 * check interval, a check of that channel runs first (it joins a check of
 * every channel under way). A token whose
 * secret ends within SH_BROKER_MIN_LIFETIME and that its network can renew
 * (a refresh token: X) is renewed first, by that check, through the
 * provider's one-refresh-at-a-time path; the renewed secret is in the
 * keyring before it is handed out. Never an expired, invalid or unknown
 * token: then the error (SH_ERROR_NO_USABLE_TOKEN) says for each token why
 * ("Bob Sample: password changed; Carol Test: not checked, offline").
 *
 * Every hand-out is recorded in the token's history (sh_token_add_handout)
 * and saved. The secret goes only to the caller: never to a log or an
 * error message.
 */
#pragma once

#include <gio/gio.h>
#include "sh-manager.h"

G_BEGIN_DECLS

/* Seconds a handed-out token must still work: a caller needs a moment to
 * use it. Also the point from which a renewable token is renewed first. */
#define SH_BROKER_MIN_LIFETIME 300

/* The two ways in, as the history records them. */
#define SH_BROKER_VIA_COMMAND_LINE "command-line"
#define SH_BROKER_VIA_DBUS         "dbus"

/* The GSettings key token-broker (FALSE when the schema is not installed). */
gboolean  sh_broker_get_enabled   (void);

/* @channel: a channel's id or its name. @via and @by go into the history
 * (by: "command line", or a D-Bus caller's process name). Errors:
 * SH_ERROR_BROKER_OFF, SH_ERROR_NOT_FOUND (no such channel),
 * SH_ERROR_INVALID_ARGUMENT (a name several channels have),
 * SH_ERROR_NO_USABLE_TOKEN, SH_ERROR_KEYRING_* . */
void      sh_broker_get_token_async  (ShManager           *manager,
                                      const char          *channel,
                                      const char          *via,
                                      const char          *by,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* The access token (free with sh_broker_free_token: it wipes it). */
char     *sh_broker_get_token_finish (ShManager           *manager,
                                      GAsyncResult        *result,
                                      gint64              *out_expires_at,
                                      char               **out_token_id,
                                      GError             **error);
void      sh_broker_free_token       (char                *token);

/* "Handed out 3 times, last to python3 at 11:05" (the channel page's token
 * rows), or NULL for a token never handed out. */
char     *sh_broker_describe_handouts (ShToken            *token,
                                       gint64              now);

G_END_DECLS
