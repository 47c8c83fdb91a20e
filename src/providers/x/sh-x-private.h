/* sh-x-private.h — what the X provider's files share.
 *
 *   sh-x-provider.c  the class, its HTTP session, rate-limit memory,
 *                    identifying a pasted token, revocation
 *   sh-x-sign-in.c   "Add access token": browser, loopback, code exchange
 *   sh-x-loopback.c  the redirect server on 127.0.0.1 (ShXLoopback)
 *   sh-x-refresh.c   refresh-token rotation: one refresh per token at once,
 *                    the new pair stored before anything uses it
 *   sh-x-check.c     checking many tokens with /2/users/me
 *   sh-x-classify.c  what X's answers mean (pure)
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sh-x-classify.h"
#include "sh-x-provider.h"

G_BEGIN_DECLS

/* One X answer, whatever it was. */
typedef struct {
  guint         status;   /* 0 when the request never got an answer */
  char         *body;
  gsize         length;
  ShXRateLimit  rate;     /* x-rate-limit-* headers */
  GError       *error;    /* transport error (status 0) */
} ShXReply;

void        _sh_x_reply_free         (ShXReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShXReply, _sh_x_reply_free)

SoupSession *_sh_x_get_session       (ShXProvider         *self);
/* The configured client id, or NULL when none is. */
/* Fills in what the class says about X (sh-x-describe.c). */
void         _sh_x_describe_class    (ShProviderClass     *klass);
char        *_sh_x_client_id         (void);

/* GET @path (below the API URL, query included) with @bearer in the
 * Authorization header, never in the URL. */
void         _sh_x_get_async         (ShXProvider         *self,
                                      const char          *path,
                                      const char          *bearer,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* POST @path with an urlencoded @form: tokens travel in the body. */
void         _sh_x_post_async        (ShXProvider         *self,
                                      const char          *path,
                                      GHashTable          *form,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* Never fails: a transport error is in the reply. */
ShXReply    *_sh_x_finish            (ShXProvider         *self,
                                      GAsyncResult        *result);
/* A person-readable error for a reply that is not what was wanted. */
GError      *_sh_x_transport_error   (ShXReply            *reply);

/* Rate limits are counted per X account ("per user", API-FACTS.md): @key is
 * the account's id (a token's owner id) or, when unknown, the token's id. */
char        *_sh_x_rate_key          (ShToken             *token);
/* No request for @key before this moment (unix seconds); 0 when free. */
gint64       _sh_x_get_throttled_until (ShXProvider       *self,
                                        const char        *key);
/* Notes the x-rate-limit-* headers of @reply: a 429 (@throttled) or a
 * remaining count of 0 stops requests for @key until x-rate-limit-reset
 * (15 minutes when the answer does not say). */
void         _sh_x_note_rate_limit   (ShXProvider         *self,
                                      const char          *key,
                                      ShXReply            *reply,
                                      gboolean             throttled);
/* A configuration fault of the X app (client-forbidden, …): logged once
 * per distinct problem, for a person to act on. */
void         _sh_x_note_app_fault    (ShXProvider         *self,
                                      const char          *what);

/* "Add access token". */
void         _sh_x_sign_in_async     (ShProvider          *provider,
                                      ShSignInPromptFunc   prompt,
                                      gpointer             prompt_data,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* A granted channel for the account @access_token speaks for. */
void         _sh_x_describe_async    (ShXProvider         *self,
                                      const ShSecret      *secret,
                                      const char          *scope,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
ShGrantedChannel *_sh_x_describe_finish (ShXProvider      *self,
                                         GAsyncResult     *result,
                                         GError          **error);
/* Revokes both tokens of @secret, each with its token_type_hint; quietly
 * when @callback is NULL (a sign-in that could not finish). */
void         _sh_x_revoke_secret_async (ShXProvider       *self,
                                        const ShSecret    *secret,
                                        GCancellable      *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer           user_data);

void         _sh_x_check_async       (ShProvider          *provider,
                                      GPtrArray           *tokens,
                                      GHashTable          *secrets,
                                      gint64               warning_window,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);

/* ---- renewals (sh-x-refresh.c) --------------------------------------------- */

typedef struct _ShXRenewals ShXRenewals;

ShXRenewals *_sh_x_renewals_new      (void);
void         _sh_x_renewals_free     (ShXRenewals         *renewals);
ShXRenewals *_sh_x_get_renewals      (ShXProvider         *self);

/* The newest secret known for @token: @secret itself, or the pair a refresh
 * in this process gave when @secret's refresh token has been spent (the
 * caller read the keyring before the refresh stored its answer). A newer
 * pair that the keyring did not take is offered to it again. */
ShSecret    *_sh_x_current_secret    (ShXProvider         *self,
                                      ShToken             *token,
                                      const ShSecret      *secret);

/* Spends @secret's refresh token for a new pair, stores the pair in the
 * keyring, and only then returns it. A token is never refreshed twice at
 * once: a second caller waits for the first's answer. The refresh itself is
 * never cut short (its answer is the only copy of the new refresh token);
 * @cancellable only makes this caller's answer G_IO_ERROR_CANCELLED.
 * Errors: SH_ERROR_TOKEN_REFUSED (X refused: revoked or spent),
 * SH_ERROR_NETWORK, SH_ERROR_SERVER (also when throttled: see
 * _sh_x_get_throttled_until), SH_ERROR_NOT_CONFIGURED (the app's setup),
 * SH_ERROR_KEYRING_* (X renewed the token but the keyring did not take the
 * new pair: said loudly, kept in memory, retried at the next use). */
void         _sh_x_refresh_async     (ShXProvider         *self,
                                      ShToken             *token,
                                      const ShSecret      *secret,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
ShSecret    *_sh_x_refresh_finish    (ShXProvider         *self,
                                      GAsyncResult        *result,
                                      GError             **error);

/* For revocation, which has no ShToken: waits for a refresh in flight that
 * spends @secret's refresh token, then answers the newest pair known. */
void         _sh_x_settled_secret_async  (ShXProvider         *self,
                                          const ShSecret      *secret,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
ShSecret    *_sh_x_settled_secret_finish (ShXProvider         *self,
                                          GAsyncResult        *result);

G_END_DECLS
