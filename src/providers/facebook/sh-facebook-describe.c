/* sh-facebook-describe.c — what SocialHub says about Facebook: its names,
 * its sign-in, its wording of reasons, its configuration keys. Core, the
 * command line and the UI read these from the class (sh-provider.h) and
 * never name Facebook themselves. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sh-facebook-private.h"

/* Each returns NULL when @value (stripped, not empty) may be saved, or
 * the message that says why not. */
static const char *
validate_app_id (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return _("Not saved: a Facebook App ID has only digits");
  return NULL;
}

static const char *
validate_client_token (const char *value)
{
  /* SocialHub sends APP_ID|CLIENT_TOKEN: the combined form pasted here would
   * be sent with the App ID twice. */
  if (strchr (value, '|') != NULL)
    return _("Not saved: enter the client token alone, without the App ID and “|”");
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return _("Not saved: a Facebook client token has only letters and digits");
  return NULL;
}

const ShConfigKey sh_facebook_config_graph_url = {
  "SOCIALHUB_GRAPH_URL", NULL, "https://graph.facebook.com/v24.0", SH_CONFIG_KIND_API_URL,
};
const ShConfigKey sh_facebook_config_app_id = {
  "SOCIALHUB_FACEBOOK_APP_ID", "facebook-app-id", SH_FACEBOOK_APP_ID, SH_CONFIG_KIND_CLIENT_ID,
  N_("Facebook App ID"), TRUE, validate_app_id,
};
const ShConfigKey sh_facebook_config_client_token = {
  "SOCIALHUB_FACEBOOK_CLIENT_TOKEN", "facebook-client-token", SH_FACEBOOK_CLIENT_TOKEN,
  SH_CONFIG_KIND_OTHER, N_("Facebook Client Token"), FALSE, validate_client_token,
};

static const ShConfigKey * const config_keys[] = {
  &sh_facebook_config_graph_url,
  &sh_facebook_config_app_id,
  &sh_facebook_config_client_token,
  NULL,
};

/* The reasons only Facebook gives, in words that name it. */
static const char *
explain_reason (ShProviderClass *klass,
                ShTokenReason    reason)
{
  switch (reason)
    {
    case SH_TOKEN_REASON_APP_REMOVED:
      return _("Its owner removed SocialHub in their Facebook settings. They need to grant access again.");
    case SH_TOKEN_REASON_CHECKPOINT:
      return _("Facebook locked the owner's account for a security check, for example after a login from another country. They need to log in on facebook.com and clear it.");
    case SH_TOKEN_REASON_UNCONFIRMED_USER:
      return _("The owner's account is not confirmed yet. They need to confirm it on facebook.com.");
    case SH_TOKEN_REASON_ROLE_LOST:
      return _("Its owner no longer has a role on this Page. A Page admin must give the role back; a new token from the same person will fail too.");
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
      return g_strdup (_("No Pages to Add"));
    case SH_PROVIDER_TEXT_NONE_GRANTED_BODY:
      return g_strdup (_("Whoever signed in manages no Facebook Page that SocialHub "
                         "could add. Someone with a role on the Page needs to sign in."));
    case SH_PROVIDER_TEXT_CHOOSE_TITLE:
      return g_strdup (_("Choose Pages"));
    case SH_PROVIDER_TEXT_CHOOSE_FROM_OWNER:
      /* Translators: %s is a person */
      return g_strdup_printf (_("%s manages these Pages. Each Page you choose "
                                "gets an access token from %s."), arg, arg);
    case SH_PROVIDER_TEXT_CHOOSE_ONE:
      return g_strdup (_("The token links this Page."));
    case SH_PROVIDER_TEXT_PASTE_DESCRIPTION:
      /* Translators: %s is a network, e.g. Facebook */
      return g_strdup_printf (_("SocialHub asks %s whose token it is and which Page it "
                                "links, and files it there. A token that does not work is "
                                "refused, and nothing is stored."), _("Facebook"));
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

static char *
describe_token_fault (ShProviderClass *klass,
                      gboolean         issued,
                      const char      *fault)
{
  if (issued)
    return g_strdup_printf (_("Facebook handed out an access token SocialHub cannot use: %s."),
                            fault);
  return g_strdup_printf (_("This is not a Facebook access token: %s."), fault);
}

void
_sh_facebook_describe_class (ShProviderClass *klass)
{
  klass->network = SH_FACEBOOK_NETWORK;
  klass->network_name = N_("Facebook");
  klass->display_name = N_("Facebook Page");
  klass->channel_noun = N_("a Facebook Page");
  /* Our own glyph (data/icons/README.md), in the hicolor theme and the
   * binary's resources. */
  klass->icon_name = "io.socialhub.SocialHub-facebook-symbolic";
  klass->sign_in_kind = SH_SIGN_IN_DEVICE_CODE;
  klass->sign_in_blurb = N_("Sign in to Facebook with a code, on any device");
  /* A Page has admins; each can grant it a token of their own. */
  klass->shared_channels = TRUE;
  /* A Page token names the Page, not the person who made it. */
  klass->identify_names_owner = FALSE;
  klass->config_keys = config_keys;
  klass->developer_app_help = N_("From the app’s dashboard on developers.facebook.com: Settings › "
                                 "Basic and Settings › Advanced. The client token is meant to be "
                                 "built into apps; it is not the app secret, which never belongs "
                                 "here.");
  klass->explain_reason = explain_reason;
  klass->dup_text = dup_text;
  klass->describe_token_fault = describe_token_fault;
}
