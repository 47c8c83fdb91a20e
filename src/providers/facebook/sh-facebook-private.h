/* sh-facebook-private.h — what the Facebook provider's files share: one
 * REST client, its usage memory, and small reply helpers. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sh-facebook-provider.h"
#include "sh-facebook-usage.h"
#include "sh-http.h"

G_BEGIN_DECLS

/* The Graph's REST client: GET tokens go as "OAuth TOKEN"; every answer's
 * usage headers are noted (_sh_facebook_get_usage). */
ShHttpClient *_sh_facebook_get_http     (ShFacebookProvider *self);

/* Fills in what the class says about Facebook (sh-facebook-describe.c). */
void          _sh_facebook_describe_class (ShProviderClass  *klass);

SoupSession  *_sh_facebook_get_session  (ShFacebookProvider *self);
char         *_sh_facebook_client_token (void);
/* The share of a budget (percent) the last usage headers reported, and
 * whether they came recently enough (SH_FACEBOOK_USAGE_MAX_AGE) to go by:
 * FALSE before any came, as in every new --check process. */
guint         _sh_facebook_get_usage    (ShFacebookProvider *self,
                                         gboolean           *out_fresh);
/* For tests: the usage headers as if they had come @seconds earlier. */
void          _sh_facebook_age_usage    (ShFacebookProvider *self,
                                         guint               seconds);
/* The usage memory the provider shares with every client of its app. */
ShFacebookUsage *_sh_facebook_get_usage_memory (ShFacebookProvider *self);
gint64        _sh_facebook_get_throttled_until (ShFacebookProvider *self);
void          _sh_facebook_set_throttled_until (ShFacebookProvider *self,
                                                gint64              until);

/* The token ids the last check left for later to stay within the budget
 * (a set, owned by the provider): until they are judged, a check asks only
 * about them and about tokens never judged. Empty: no such round open. */
GHashTable   *_sh_facebook_get_deferred (ShFacebookProvider *self);

/* The Graph object of a 200 answer, or NULL. */
JsonObject   *_sh_facebook_reply_object    (ShHttpReply *reply);
/* A person-readable GError for a reply that is not what was wanted. */
GError       *_sh_facebook_reply_error     (ShHttpReply *reply);

void          _sh_facebook_sign_in_async (ShProvider          *provider,
                                          ShSignInPromptFunc   prompt,
                                          gpointer             prompt_data,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
void          _sh_facebook_check_async   (ShProvider          *provider,
                                          GPtrArray           *tokens,
                                          GHashTable          *secrets,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
void          _sh_facebook_check_feed_async (ShProvider          *provider,
                                             GPtrArray           *tokens,
                                             ShSecretFeed        *feed,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* The Pages @user_token manages, as granted channels owned by its person:
 * @task (taken; its source is the provider) is answered with them, a
 * GPtrArray of ShGrantedChannel, or with why not. @need_one: no Page at
 * all is an error too. */
void          _sh_facebook_answer_with_pages (GTask      *task,
                                              const char *user_token,
                                              gint64      data_access_expires_at,
                                              gboolean    need_one);

G_END_DECLS
