/* sh-provider-registry.c — see sh-provider-registry.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-provider-registry.h"

/* ShProviderClass *, each holding a class reference for the process's life. */
static GPtrArray *registered;

static GPtrArray *
ensure_registered (void)
{
  if (registered == NULL)
    registered = g_ptr_array_new ();
  return registered;
}

void
sh_provider_registry_add (GType provider_type)
{
  ShProviderClass *klass;

  g_return_if_fail (g_type_is_a (provider_type, SH_TYPE_PROVIDER));
  g_return_if_fail (!G_TYPE_IS_ABSTRACT (provider_type));

  klass = g_type_class_ref (provider_type);
  g_return_if_fail (klass->network != NULL && *klass->network != '\0');
  if (sh_provider_registry_lookup (klass->network) != NULL)
    {
      g_type_class_unref (klass);
      return;
    }
  /* Interned, so that ids compare by pointer everywhere. */
  klass->network = g_intern_string (klass->network);
  g_ptr_array_add (ensure_registered (), klass);
}

GPtrArray *
sh_provider_registry_list (void)
{
  return ensure_registered ();
}

ShProviderClass *
sh_provider_registry_lookup (const char *network)
{
  GPtrArray *all = ensure_registered ();

  if (network == NULL)
    return NULL;
  for (guint i = 0; i < all->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (all, i);

      if (g_str_equal (klass->network, network))
        return klass;
    }
  return NULL;
}

const char *
sh_provider_registry_intern (const char *network)
{
  ShProviderClass *klass = sh_provider_registry_lookup (network);

  return klass != NULL ? klass->network : NULL;
}

const char *
sh_provider_class_get_network_name (ShProviderClass *klass)
{
  g_return_val_if_fail (klass != NULL, NULL);
  return klass->network_name != NULL ? _(klass->network_name) : klass->network;
}

const char *
sh_provider_class_get_display_name (ShProviderClass *klass)
{
  g_return_val_if_fail (klass != NULL, NULL);
  return klass->display_name != NULL ? _(klass->display_name) : klass->network;
}

const char *
sh_provider_class_get_sign_in_blurb (ShProviderClass *klass)
{
  g_return_val_if_fail (klass != NULL, NULL);
  return klass->sign_in_blurb != NULL ? _(klass->sign_in_blurb) : "";
}

char *
sh_provider_class_dup_text (ShProviderClass *klass,
                            ShProviderText   text,
                            const char      *arg)
{
  g_return_val_if_fail (klass != NULL, NULL);
  if (klass->dup_text == NULL)
    return g_strdup ("");
  return klass->dup_text (klass, text, arg);
}

const char *
sh_network_get_display_name (const char *network)
{
  ShProviderClass *klass = sh_provider_registry_lookup (network);

  return klass != NULL ? sh_provider_class_get_display_name (klass) : network;
}

const char *
sh_network_get_name (const char *network)
{
  ShProviderClass *klass = sh_provider_registry_lookup (network);

  return klass != NULL ? sh_provider_class_get_network_name (klass) : network;
}

const char *
sh_network_get_icon_name (const char *network)
{
  ShProviderClass *klass = sh_provider_registry_lookup (network);

  return klass != NULL && klass->icon_name != NULL ? klass->icon_name : "network-server-symbolic";
}

gboolean
sh_network_get_shared_channels (const char *network)
{
  ShProviderClass *klass = sh_provider_registry_lookup (network);

  /* An unknown network: nothing says a second person could not grant. */
  return klass == NULL || klass->shared_channels;
}

char *
sh_provider_registry_dup_scopes (const char *network,
                                 const char *own)
{
  GPtrArray *classes = sh_provider_registry_list ();
  GString *scopes = g_string_new (own);

  for (guint i = 0; i < classes->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (classes, i);

      if (klass->parent_scopes != NULL && g_strcmp0 (klass->parent_network, network) == 0)
        g_string_append_printf (scopes, ",%s", klass->parent_scopes);
    }
  return g_string_free (scopes, FALSE);
}

const char *
sh_network_get_owner_network (const char *network)
{
  ShProviderClass *klass = sh_provider_registry_lookup (network);

  if (klass != NULL && klass->parent_network != NULL)
    return g_intern_string (klass->parent_network);
  return g_intern_string (network);
}

const char *
sh_network_explain_reason (const char    *network,
                           ShTokenReason  reason)
{
  ShProviderClass *klass = sh_provider_registry_lookup (network);
  const char *own = NULL;

  if (klass != NULL && klass->explain_reason != NULL)
    own = klass->explain_reason (klass, reason);
  return own != NULL ? own : sh_token_reason_get_explanation (reason);
}

/* Why a check of @network reached no verdict, as the end of "Could not
 * check: …", e.g. "Facebook asked SocialHub to slow down". The network's
 * name is its provider's. */
char *
sh_network_describe_check_failure (const char    *network,
                                   ShTokenReason  reason)
{
  /* A network living on another's channels is reached through that one's
   * servers (Instagram accounts through the Graph): its name. */
  const char *name = sh_network_get_name (sh_network_get_owner_network (network));

  switch (reason)
    {
    case SH_TOKEN_REASON_OFFLINE:
      return g_strdup (_("this computer is offline"));
    case SH_TOKEN_REASON_NETWORK_ERROR:
      /* Translators: %s is a network, e.g. "Facebook" */
      return g_strdup_printf (_("%s could not be reached"), name);
    case SH_TOKEN_REASON_SERVER_ERROR:
      /* Translators: %s is a network, e.g. "Facebook" */
      return g_strdup_printf (_("the servers of %s had a problem"), name);
    case SH_TOKEN_REASON_RATE_LIMITED:
      /* Translators: %s is a network, e.g. "Facebook asked SocialHub to slow down" */
      return g_strdup_printf (_("%s asked SocialHub to slow down"), name);
    case SH_TOKEN_REASON_KEYRING_LOCKED:
      return g_strdup (_("the keyring is locked or not available"));
    case SH_TOKEN_REASON_SECRET_MISSING:
      return g_strdup (_("the keyring no longer holds the token's secret"));
    case SH_TOKEN_REASON_NONE:
    default:
      return g_strdup (sh_token_reason_get_short_label (reason));
    }
}
