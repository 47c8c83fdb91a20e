/* sh-enums.h — the states and reasons of ARCHITECTURE.md, with their stable names.
 *
 * The string forms ("password-changed", "degraded", …) are part of the JSON
 * output and the data file; never rename one.
 *
 * Networks are no enum: a network is the string id its provider registers
 * (sh-provider-registry.h), so that adding one touches no core file.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  SH_TOKEN_STATE_UNKNOWN,
  SH_TOKEN_STATE_VALID,
  SH_TOKEN_STATE_EXPIRING,
  SH_TOKEN_STATE_EXPIRED,
  SH_TOKEN_STATE_INVALID,
} ShTokenState;

typedef enum {
  SH_TOKEN_REASON_NONE,
  /* expired / invalid */
  SH_TOKEN_REASON_EXPIRED,
  SH_TOKEN_REASON_PASSWORD_CHANGED,
  SH_TOKEN_REASON_APP_REMOVED,
  SH_TOKEN_REASON_CHECKPOINT,
  SH_TOKEN_REASON_UNCONFIRMED_USER,
  SH_TOKEN_REASON_INVALID_TOKEN,
  SH_TOKEN_REASON_ROLE_LOST,
  SH_TOKEN_REASON_PERMISSION_MISSING,
  SH_TOKEN_REASON_REVOKED,
  SH_TOKEN_REASON_ACCOUNT_LOCKED,
  SH_TOKEN_REASON_ACCOUNT_SUSPENDED,
  SH_TOKEN_REASON_UNLINKED,         /* the account no longer hangs off the
                                     * channel whose tokens it shares */
  /* unknown only */
  SH_TOKEN_REASON_OFFLINE,
  SH_TOKEN_REASON_NETWORK_ERROR,
  SH_TOKEN_REASON_SERVER_ERROR,
  SH_TOKEN_REASON_RATE_LIMITED,
  SH_TOKEN_REASON_KEYRING_LOCKED,
  SH_TOKEN_REASON_SECRET_MISSING,   /* the keyring has no secret for it */
} ShTokenReason;

typedef enum {
  SH_CHANNEL_STATE_UNKNOWN,
  SH_CHANNEL_STATE_CONNECTED,
  SH_CHANNEL_STATE_DEGRADED,
  SH_CHANNEL_STATE_DISCONNECTED,
} ShChannelState;

const char   *sh_token_state_to_string    (ShTokenState   state);
gboolean      sh_token_state_from_string  (const char    *str,
                                           ShTokenState  *out_state);
const char   *sh_token_state_get_label    (ShTokenState   state);
gboolean      sh_token_state_is_verdict   (ShTokenState   state);
gboolean      sh_token_state_is_usable    (ShTokenState   state);
/* "invalid", "valid": the state in running text (the command line). */
const char   *sh_token_state_get_short_label (ShTokenState state);

const char   *sh_token_reason_to_string   (ShTokenReason  reason);
gboolean      sh_token_reason_from_string (const char    *str,
                                           ShTokenReason *out_reason);
/* The network-neutral wording; a provider may say it in its own words
 * (sh_network_explain_reason() in sh-provider-registry.h). */
const char   *sh_token_reason_get_explanation (ShTokenReason reason);
gboolean      sh_token_reason_is_for_unknown  (ShTokenReason reason);
/* "password changed", "rate limited": the reason in a few words. */
const char   *sh_token_reason_get_short_label (ShTokenReason reason);

const char   *sh_channel_state_to_string  (ShChannelState state);
gboolean      sh_channel_state_from_string (const char   *str,
                                            ShChannelState *out_state);
const char   *sh_channel_state_get_label  (ShChannelState state);

G_END_DECLS
