/* sh-x-private.h — what the X provider's files share.
 *
 *   sh-x-provider.c  the class, its REST client, rate-limit memory,
 *                    identifying a pasted token
 *   sh-x-sign-in.c   "Add access token": browser, loopback, code exchange
 *   sh-x-loopback.c  the redirect server on 127.0.0.1 (ShXLoopback)
 *   sh-x-refresh.c   refresh-token rotation: one refresh per token at once,
 *                    the new pair stored before anything uses it
 *                    (sh-x-refresh.h; it uses this header, never the
 *                    other way round)
 *   sh-x-revoke.c    revoking a grant
 *   sh-x-check.c     checking many tokens with /2/users/me
 *   sh-x-classify.c  what X's answers mean (pure)
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sh-http.h"
#include "sh-x-classify.h"
#include "sh-x-provider.h"

G_BEGIN_DECLS

/* X's REST client: tokens of a GET go as "Bearer TOKEN", and every request
 * says "Cache-Control: no-store". */
ShHttpClient *_sh_x_get_http         (ShXProvider         *self);
SoupSession *_sh_x_get_session       (ShXProvider         *self);
/* The configured client id, or NULL when none is. */
/* Fills in what the class says about X (sh-x-describe.c). */
void         _sh_x_describe_class    (ShProviderClass     *klass);
char        *_sh_x_client_id         (void);

/* A person-readable error for a reply that is not what was wanted. */
GError      *_sh_x_transport_error   (ShHttpReply         *reply);

/* Rate limits are counted per X account ("per user", docs/network-behaviour.md): @key is
 * the account's id (a token's owner id) or, when unknown, the token's id. */
char        *_sh_x_rate_key          (ShToken             *token);
/* No request for @key before this moment (unix seconds); 0 when free. */
gint64       _sh_x_get_throttled_until (ShXProvider       *self,
                                        const char        *key);
/* Reads the x-rate-limit-* headers of @reply: a 429 (@throttled) or a
 * remaining count of 0 stops requests for @key until x-rate-limit-reset
 * (15 minutes when the answer does not say). */
void         _sh_x_note_rate_limit   (ShXProvider         *self,
                                      const char          *key,
                                      ShHttpReply         *reply,
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
/* The account @secret speaks for, as the one granted channel of a
 * GPtrArray. @age_unknown: a pasted token, whose expiry is an estimate. */
void         _sh_x_describe_async    (ShXProvider         *self,
                                      const ShSecret      *secret,
                                      const char          *scope,
                                      gboolean             age_unknown,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GPtrArray   *_sh_x_describe_finish   (ShXProvider         *self,
                                      GAsyncResult        *result,
                                      GError             **error);
/* Revokes both tokens of @secret, each with its token_type_hint; quietly
 * when @callback is NULL (a sign-in that could not finish). In
 * sh-x-revoke.c. */
void         _sh_x_revoke_secret_async (ShXProvider       *self,
                                        const ShSecret    *secret,
                                        GCancellable      *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer           user_data);

void         _sh_x_check_async       (ShProvider          *provider,
                                      GPtrArray           *tokens,
                                      GHashTable          *secrets,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);

/* The refresh state this provider owns (sh-x-refresh.h). */
typedef struct _ShXRenewals ShXRenewals;

ShXRenewals *_sh_x_get_renewals      (ShXProvider         *self);

G_END_DECLS
