/* sh-enums.c — stable names and plain-language labels of states and reasons. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-enums.h"

/* The tables are indexed by the enum value, so their order must follow
 * sh-enums.h; the static asserts below catch a missed entry. */
static const char * const token_state_names[] = {
  "unknown", "valid", "expiring", "expired", "invalid",
};

static const char * const token_reason_names[] = {
  "",
  "expired", "password-changed", "app-removed", "checkpoint",
  "unconfirmed-user", "invalid-token", "role-lost", "permission-missing",
  "revoked", "account-locked", "account-suspended", "unlinked",
  "offline", "network-error", "server-error", "rate-limited", "keyring-locked",
  "secret-missing",
};

static const char * const channel_state_names[] = {
  "unknown", "connected", "degraded", "disconnected",
};

G_STATIC_ASSERT (G_N_ELEMENTS (token_state_names) == SH_TOKEN_STATE_INVALID + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (token_reason_names) == SH_TOKEN_REASON_SECRET_MISSING + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (channel_state_names) == SH_CHANNEL_STATE_DISCONNECTED + 1);

static gboolean
lookup_name (const char * const *names,
             guint               n_names,
             const char         *str,
             guint              *out_index)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (g_str_equal (names[i], str))
        {
          *out_index = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
sh_token_state_to_string (ShTokenState state)
{
  g_return_val_if_fail (state <= SH_TOKEN_STATE_INVALID, NULL);
  return token_state_names[state];
}

gboolean
sh_token_state_from_string (const char   *str,
                            ShTokenState *out_state)
{
  guint index;

  if (!lookup_name (token_state_names, G_N_ELEMENTS (token_state_names), str, &index))
    return FALSE;
  *out_state = (ShTokenState) index;
  return TRUE;
}

const char *
sh_token_state_get_label (ShTokenState state)
{
  switch (state)
    {
    case SH_TOKEN_STATE_UNKNOWN:
      return C_("token state", "Not checked");
    case SH_TOKEN_STATE_VALID:
      return C_("token state", "Valid");
    case SH_TOKEN_STATE_EXPIRING:
      return C_("token state", "Expiring soon");
    case SH_TOKEN_STATE_EXPIRED:
      return C_("token state", "Expired");
    case SH_TOKEN_STATE_INVALID:
      return C_("token state", "Invalid");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* A verdict is what only a network's answer can give; unknown is none. */
gboolean
sh_token_state_is_verdict (ShTokenState state)
{
  return state != SH_TOKEN_STATE_UNKNOWN;
}

/* Whether a token in this state still links its channel. */
gboolean
sh_token_state_is_usable (ShTokenState state)
{
  return state == SH_TOKEN_STATE_VALID || state == SH_TOKEN_STATE_EXPIRING;
}

const char *
sh_token_reason_to_string (ShTokenReason reason)
{
  g_return_val_if_fail (reason <= SH_TOKEN_REASON_SECRET_MISSING, NULL);
  return token_reason_names[reason];
}

gboolean
sh_token_reason_from_string (const char    *str,
                             ShTokenReason *out_reason)
{
  guint index;

  if (str == NULL || *str == '\0')
    {
      *out_reason = SH_TOKEN_REASON_NONE;
      return TRUE;
    }
  if (!lookup_name (token_reason_names, G_N_ELEMENTS (token_reason_names), str, &index))
    return FALSE;
  *out_reason = (ShTokenReason) index;
  return TRUE;
}

/* What happened and, where there is one, what to do about it, in words a
 * community manager understands. */
const char *
sh_token_reason_get_explanation (ShTokenReason reason)
{
  switch (reason)
    {
    case SH_TOKEN_REASON_NONE:
      return "";
    case SH_TOKEN_REASON_EXPIRED:
      return _("The token reached the end of its lifetime. Add a new access token.");
    case SH_TOKEN_REASON_PASSWORD_CHANGED:
      return _("Its owner changed their password or the session was reset for security. They need to add a new access token.");
    case SH_TOKEN_REASON_APP_REMOVED:
      return _("Its owner removed SocialHub in their account settings. They need to grant access again.");
    case SH_TOKEN_REASON_CHECKPOINT:
      return _("The network locked the owner's account for a security check, for example after a login from another country. They need to log in on the network's website and clear it.");
    case SH_TOKEN_REASON_UNCONFIRMED_USER:
      return _("The owner's account is not confirmed yet. They need to confirm it on the network's website.");
    case SH_TOKEN_REASON_INVALID_TOKEN:
      return _("The network no longer accepts this token, for example after its owner logged out. Add a new access token.");
    case SH_TOKEN_REASON_ROLE_LOST:
      return _("Its owner no longer has a role on this channel. An admin of the channel must give the role back; a new token from the same person will fail too.");
    case SH_TOKEN_REASON_PERMISSION_MISSING:
      return _("A permission SocialHub needs was removed. Its owner needs to grant it again.");
    case SH_TOKEN_REASON_REVOKED:
      return _("Access was revoked. Its owner needs to sign in again.");
    case SH_TOKEN_REASON_ACCOUNT_LOCKED:
      return _("The owner's account is locked. They need to unlock it on the web.");
    case SH_TOKEN_REASON_UNLINKED:
      return _("The account is no longer linked to the channel whose access tokens it used. Link it again, then check again.");
    case SH_TOKEN_REASON_ACCOUNT_SUSPENDED:
      return _("The account is suspended.");
    case SH_TOKEN_REASON_OFFLINE:
      return _("Not checked: this computer is offline.");
    case SH_TOKEN_REASON_NETWORK_ERROR:
      return _("Not checked: the network could not be reached.");
    case SH_TOKEN_REASON_SERVER_ERROR:
      return _("Not checked: the network's servers had a problem. SocialHub will try again.");
    case SH_TOKEN_REASON_RATE_LIMITED:
      return _("Not checked: the network asked SocialHub to slow down. It will try again later.");
    case SH_TOKEN_REASON_KEYRING_LOCKED:
      return _("Not checked: the keyring is locked or not available.");
    case SH_TOKEN_REASON_SECRET_MISSING:
      return _("The keyring no longer holds the secret of this token. Remove it, or add the access token again.");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* A few words for the command line's one line per token, e.g. "invalid
 * (password changed), not rechecked: rate limited". */
const char *
sh_token_state_get_short_label (ShTokenState state)
{
  switch (state)
    {
    case SH_TOKEN_STATE_UNKNOWN:
      return C_("token state, in a line", "not checked");
    case SH_TOKEN_STATE_VALID:
      return C_("token state, in a line", "valid");
    case SH_TOKEN_STATE_EXPIRING:
      return C_("token state, in a line", "expiring soon");
    case SH_TOKEN_STATE_EXPIRED:
      return C_("token state, in a line", "expired");
    case SH_TOKEN_STATE_INVALID:
      return C_("token state, in a line", "invalid");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
sh_token_reason_get_short_label (ShTokenReason reason)
{
  switch (reason)
    {
    case SH_TOKEN_REASON_NONE: return "";
    case SH_TOKEN_REASON_EXPIRED: return C_("token reason", "expired");
    case SH_TOKEN_REASON_PASSWORD_CHANGED: return C_("token reason", "password changed");
    case SH_TOKEN_REASON_APP_REMOVED: return C_("token reason", "app removed");
    case SH_TOKEN_REASON_CHECKPOINT: return C_("token reason", "security checkpoint");
    case SH_TOKEN_REASON_UNCONFIRMED_USER: return C_("token reason", "account not confirmed");
    case SH_TOKEN_REASON_INVALID_TOKEN: return C_("token reason", "token no longer accepted");
    case SH_TOKEN_REASON_ROLE_LOST: return C_("token reason", "role lost");
    case SH_TOKEN_REASON_PERMISSION_MISSING: return C_("token reason", "permission missing");
    case SH_TOKEN_REASON_REVOKED: return C_("token reason", "revoked");
    case SH_TOKEN_REASON_ACCOUNT_LOCKED: return C_("token reason", "account locked");
    case SH_TOKEN_REASON_ACCOUNT_SUSPENDED: return C_("token reason", "account suspended");
    case SH_TOKEN_REASON_UNLINKED: return C_("token reason", "unlinked");
    case SH_TOKEN_REASON_OFFLINE: return C_("token reason", "offline");
    case SH_TOKEN_REASON_NETWORK_ERROR: return C_("token reason", "network unreachable");
    case SH_TOKEN_REASON_SERVER_ERROR: return C_("token reason", "server error");
    case SH_TOKEN_REASON_RATE_LIMITED: return C_("token reason", "rate limited");
    case SH_TOKEN_REASON_KEYRING_LOCKED: return C_("token reason", "keyring locked");
    case SH_TOKEN_REASON_SECRET_MISSING: return C_("token reason", "secret missing");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
sh_token_reason_is_for_unknown (ShTokenReason reason)
{
  return reason >= SH_TOKEN_REASON_OFFLINE;
}

const char *
sh_channel_state_to_string (ShChannelState state)
{
  g_return_val_if_fail (state <= SH_CHANNEL_STATE_DISCONNECTED, NULL);
  return channel_state_names[state];
}

gboolean
sh_channel_state_from_string (const char     *str,
                              ShChannelState *out_state)
{
  guint index;

  if (!lookup_name (channel_state_names, G_N_ELEMENTS (channel_state_names), str, &index))
    return FALSE;
  *out_state = (ShChannelState) index;
  return TRUE;
}

const char *
sh_channel_state_get_label (ShChannelState state)
{
  switch (state)
    {
    case SH_CHANNEL_STATE_UNKNOWN:
      return C_("channel state", "Not checked");
    case SH_CHANNEL_STATE_CONNECTED:
      return C_("channel state", "Connected");
    case SH_CHANNEL_STATE_DEGRADED:
      return C_("channel state", "Degraded");
    case SH_CHANNEL_STATE_DISCONNECTED:
      return C_("channel state", "Disconnected");
    default:
      g_return_val_if_reached (NULL);
    }
}
