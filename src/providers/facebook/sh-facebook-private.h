/* sh-facebook-private.h — what the Facebook provider's files share: one
 * keep-alive HTTP session and small request helpers. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sh-facebook-provider.h"

G_BEGIN_DECLS

/* Seconds for which the last usage headers are trusted (the Graph counts
 * usage over a rolling hour). */
#define SH_FACEBOOK_USAGE_MAX_AGE (5 * 60)

/* One Graph answer, whatever it was. */
typedef struct {
  guint   status;         /* 0 when the request never got an answer */
  char   *body;
  gsize   length;
  char   *app_usage;      /* X-App-Usage */
  char   *business_usage; /* X-Business-Use-Case-Usage */
  GError *error;          /* transport error (status 0) */
} ShFacebookReply;

void          _sh_facebook_reply_free      (ShFacebookReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShFacebookReply, _sh_facebook_reply_free)

/* Fills in what the class says about Facebook (sh-facebook-describe.c). */
void          _sh_facebook_describe_class (ShProviderClass  *klass);

SoupSession  *_sh_facebook_get_session  (ShFacebookProvider *self);
char         *_sh_facebook_client_token (void);
void          _sh_facebook_note_usage   (ShFacebookProvider *self,
                                         ShFacebookReply       *reply);
/* The share of a budget (percent) the last usage headers reported, and
 * whether they came recently enough (SH_FACEBOOK_USAGE_MAX_AGE) to go by:
 * FALSE before any came, as in every new --check process. */
guint         _sh_facebook_get_usage    (ShFacebookProvider *self,
                                         gboolean           *out_fresh);
gint64        _sh_facebook_get_throttled_until (ShFacebookProvider *self);
void          _sh_facebook_set_throttled_until (ShFacebookProvider *self,
                                                gint64              until);

/* GET @path (relative to the Graph URL, query included) with @access_token
 * in the Authorization header, never in the URL. */
void          _sh_facebook_get_async       (ShFacebookProvider  *self,
                                         const char          *path,
                                         const char          *access_token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* POST @path with an urlencoded @form (tokens travel in the body). */
void          _sh_facebook_post_async      (ShFacebookProvider  *self,
                                         const char          *path,
                                         GHashTable          *form,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* Never fails: a transport error is in the reply. */
ShFacebookReply *_sh_facebook_finish          (ShFacebookProvider  *self,
                                         GAsyncResult        *result);

/* The Graph object of a 200 answer, or NULL. */
JsonObject   *_sh_facebook_reply_object    (ShFacebookReply        *reply);
/* A person-readable GError for a reply that is not what was wanted. */
GError       *_sh_facebook_reply_error     (ShFacebookReply        *reply);

void          _sh_facebook_sign_in_async (ShProvider          *provider,
                                          ShSignInPromptFunc   prompt,
                                          gpointer             prompt_data,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
void          _sh_facebook_check_async   (ShProvider          *provider,
                                          GPtrArray           *tokens,
                                          GHashTable          *secrets,
                                          gint64               warning_window,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* Pages a user token manages, as granted channels owned by @owner. */
void          _sh_facebook_list_pages_async (ShFacebookProvider  *self,
                                             const char          *user_token,
                                             gint64               data_access_expires_at,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray    *_sh_facebook_list_pages_finish (ShFacebookProvider *self,
                                              GAsyncResult       *result,
                                              GError            **error);

G_END_DECLS
