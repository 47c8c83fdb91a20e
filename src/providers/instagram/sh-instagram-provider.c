/* sh-instagram-provider.c — the provider class: what SocialHub says about
 * Instagram, its Graph client and the usage the Graph reports. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-config.h"
#include "sh-error.h"
#include "sh-facebook-provider.h"
#include "sh-facebook-usage.h"
#include "sh-instagram-private.h"

struct _ShInstagramProvider
{
  ShProvider    parent_instance;

  ShHttpClient *http;
  ShFacebookUsage *usage;        /* the app's usage memory, shared with the
                                  * Facebook provider (one per Graph app) */
};

G_DEFINE_FINAL_TYPE (ShInstagramProvider, sh_instagram_provider, SH_TYPE_PROVIDER)

ShHttpClient *
_sh_instagram_get_http (ShInstagramProvider *self)
{
  return self->http;
}

/* The Graph is the Facebook provider's: its address and app. */
static char *
graph_url (void)
{
  return sh_config_dup (&sh_facebook_config_graph_url);
}

char *
_sh_instagram_client_token (void)
{
  g_autofree char *app_id = sh_config_dup (&sh_facebook_config_app_id);
  g_autofree char *client_token = sh_config_dup (&sh_facebook_config_client_token);

  if (*app_id == '\0' || *client_token == '\0')
    return NULL;
  return g_strconcat (app_id, "|", client_token, NULL);
}

/* Every Graph answer says how much of the app's budgets is used. */
static void
on_replied (ShHttpClient        *http,
            const ShHttpReply   *reply,
            ShInstagramProvider *self)
{
  sh_facebook_usage_note (self->usage, reply);
}

ShFacebookUsage *
_sh_instagram_get_usage (ShInstagramProvider *self)
{
  return self->usage;
}

gboolean
_sh_instagram_must_stop (ShInstagramProvider *self)
{
  return self->usage->throttled_until > g_get_real_time () / G_USEC_PER_SEC;
}

gint64
_sh_instagram_get_throttled_until (ShInstagramProvider *self)
{
  return self->usage->throttled_until;
}

void
_sh_instagram_set_throttled_until (ShInstagramProvider *self,
                                   gint64               until)
{
  sh_facebook_usage_pause_until (self->usage, until);
}

/* ---- what the class says ---------------------------------------------------- */

static const char *
explain_reason (ShProviderClass *klass,
                ShTokenReason    reason)
{
  switch (reason)
    {
    case SH_TOKEN_REASON_UNLINKED:
      return _("No longer linked to a Facebook Page. An admin of the Page can link the "
               "Instagram account again in the Page’s settings (Linked accounts); "
               "SocialHub finds it at its next check.");
    case SH_TOKEN_REASON_PERMISSION_MISSING:
      return _("Instagram access was not granted. The token’s owner needs to add an "
               "access token for the Facebook Page again and allow SocialHub to see the "
               "Instagram account (instagram_basic).");
    default:
      return NULL;
    }
}

static char *
dup_text (ShProviderClass *klass,
          ShProviderText   text,
          const char      *arg)
{
  switch (text)
    {
    case SH_PROVIDER_TEXT_NONE_GRANTED_TITLE:
      return g_strdup (_("No Instagram Accounts to Add"));
    case SH_PROVIDER_TEXT_NONE_GRANTED_BODY:
    case SH_PROVIDER_TEXT_PASTE_DESCRIPTION:
      return g_strdup (_("An Instagram professional account comes with the Facebook Page "
                         "it is linked to: add the Page, and SocialHub finds the account."));
    case SH_PROVIDER_TEXT_CHOOSE_TITLE:
      return g_strdup (_("Choose Accounts"));
    case SH_PROVIDER_TEXT_CHOOSE_FROM_OWNER:
    case SH_PROVIDER_TEXT_CHOOSE_ONE:
      return g_strdup ("");
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

/* An Instagram account has no sign-in and no token of its own: it comes
 * with its Page. */
static void
refuse (ShProvider          *self,
        gpointer             source_tag,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, source_tag, SH_ERROR,
                           SH_ERROR_NOT_AVAILABLE,
                           _("An Instagram account comes with the Facebook Page it is linked "
                             "to: add an access token for the Page (socialhub --login facebook), "
                             "and SocialHub finds the account at its next check."));
}

static void
sign_in_async (ShProvider *self, ShSignInPromptFunc prompt, gpointer prompt_data,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  refuse (self, sign_in_async, callback, user_data);
}

static void
identify_async (ShProvider *self, const char *access_token, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  refuse (self, identify_async, callback, user_data);
}

static void
sh_instagram_provider_finalize (GObject *object)
{
  g_clear_object (&SH_INSTAGRAM_PROVIDER (object)->http);
  g_clear_pointer (&SH_INSTAGRAM_PROVIDER (object)->usage, sh_facebook_usage_unref);
  G_OBJECT_CLASS (sh_instagram_provider_parent_class)->finalize (object);
}

static void
sh_instagram_provider_class_init (ShInstagramProviderClass *klass)
{
  ShProviderClass *provider_class = SH_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sh_instagram_provider_finalize;
  provider_class->network = SH_INSTAGRAM_NETWORK;
  provider_class->network_name = N_("Instagram");
  provider_class->display_name = N_("Instagram account");
  provider_class->channel_noun = N_("an Instagram account");
  /* Our own glyph (data/icons/README.md). */
  provider_class->icon_name = "io.socialhub.SocialHub-instagram-symbolic";
  provider_class->sign_in_kind = SH_SIGN_IN_DEVICE_CODE;
  provider_class->sign_in_blurb = N_("Comes with its Facebook Page");
  provider_class->shared_channels = TRUE;
  provider_class->identify_names_owner = FALSE;
  provider_class->parent_network = SH_FACEBOOK_NETWORK;
  /* The Page's sign-in asks for it too (Login for Devices). */
  provider_class->parent_scopes = "instagram_basic";
  provider_class->explain_reason = explain_reason;
  provider_class->dup_text = dup_text;
  provider_class->check_derived_async = _sh_instagram_check_derived_async;
  provider_class->sign_in_async = sign_in_async;
  provider_class->identify_async = identify_async;
}

static void
sh_instagram_provider_init (ShInstagramProvider *self)
{
  self->http = sh_http_client_new (graph_url, "OAuth", SH_HTTP_CLIENT_FLAGS_NONE, 2);
  g_signal_connect_object (self->http, "replied", G_CALLBACK (on_replied), self, 0);
  /* The Facebook provider's, made before (sh_providers_register order). */
  self->usage = _sh_facebook_share_usage (FALSE);
}
