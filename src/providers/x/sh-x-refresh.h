/* sh-x-refresh.h — X's refresh-token rotation (sh-x-refresh.c): what the
 * check and revocation use of it. It builds on the provider's internals
 * (sh-x-private.h: the REST client, rate limits); they know nothing of it
 * but the state the provider owns. */
#pragma once

#include "sh-x-private.h"

G_BEGIN_DECLS

/* The provider's refresh state: made and freed by the provider, which owns
 * it (_sh_x_get_renewals); used only here. */
ShXRenewals *_sh_x_renewals_new      (void);
void         _sh_x_renewals_free     (ShXRenewals         *renewals);

/* The newest secret known for @token: @secret itself, or the pair a refresh
 * in this process gave when @secret's refresh token has been spent (the
 * caller read the keyring before the refresh's answer was stored). */
ShSecret    *_sh_x_current_secret    (ShXProvider         *self,
                                      ShToken             *token,
                                      const ShSecret      *secret);

/* Spends @secret's refresh token for a new pair, remembers it, and returns
 * it; storing it is the caller's (the check reports it renewed, and the
 * checker stores it before anyone sees it). A token is never refreshed twice at
 * once: a second caller waits for the first's answer. The refresh itself is
 * never cut short (its answer is the only copy of the new refresh token);
 * @cancellable only makes this caller's answer G_IO_ERROR_CANCELLED.
 * Errors: SH_ERROR_TOKEN_REFUSED (X refused: revoked or spent),
 * SH_ERROR_NETWORK, SH_ERROR_SERVER (also when throttled: see
 * _sh_x_get_throttled_until), SH_ERROR_NOT_CONFIGURED (the app's setup). */
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
