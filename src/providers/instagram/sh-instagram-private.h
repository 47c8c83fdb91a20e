/* sh-instagram-private.h — what the Instagram provider's files share: its
 * REST client on the Graph, and the usage the Graph's answers report. */
#pragma once

#include "sh-http.h"
#include "sh-instagram-provider.h"

G_BEGIN_DECLS

/* Above this share of the app's budget (X-App-Usage, X-Business-Use-Case-
 * Usage) no more Instagram batches go in this run: the same threshold as
 * the Facebook provider's, since both spend the same app's budget. */
#define SH_INSTAGRAM_USAGE_STOP    90

ShHttpClient *_sh_instagram_get_http          (ShInstagramProvider *self);
/* APP_ID|CLIENT_TOKEN, the batch's own token, or NULL when not configured. */
char         *_sh_instagram_client_token      (void);
/* Whether the Graph's last answers ask this run to stop sending: usage at
 * or above SH_INSTAGRAM_USAGE_STOP, or a pause not over yet. */
gboolean      _sh_instagram_must_stop         (ShInstagramProvider *self);
gint64        _sh_instagram_get_throttled_until (ShInstagramProvider *self);
void          _sh_instagram_set_throttled_until (ShInstagramProvider *self,
                                                 gint64               until);

void          _sh_instagram_check_derived_async (ShProvider          *provider,
                                                 GPtrArray           *channels,
                                                 GPtrArray           *parents,
                                                 GHashTable          *secrets,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);

G_END_DECLS
