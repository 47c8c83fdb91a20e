/* sh-instagram-private.h — what the Instagram provider's files share: its
 * REST client on the Graph, and the usage the Graph's answers report. */
#pragma once

#include "sh-facebook-usage.h"
#include "sh-http.h"
#include "sh-instagram-provider.h"

G_BEGIN_DECLS

ShHttpClient *_sh_instagram_get_http          (ShInstagramProvider *self);
/* APP_ID|CLIENT_TOKEN, the batch's own token, or NULL when not configured. */
char         *_sh_instagram_client_token      (void);
/* The Graph app's usage memory, the Facebook provider's too: its planner
 * (sh_facebook_usage_allows) counts both providers' calls. */
ShFacebookUsage *_sh_instagram_get_usage      (ShInstagramProvider *self);
/* Whether the Graph's last answers asked for a pause not over yet. */
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
