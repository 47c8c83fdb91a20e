/* sh-x-describe.c — what SocialHub says about X: its names, its sign-in,
 * its configuration keys. Core, the command line and the UI read these from
 * the class (sh-provider.h) and never name X themselves. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-x-private.h"

static gboolean
is_unreserved (char c)
{
  /* RFC 3986 unreserved: safe in a form body and a URL as they are. */
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* NULL when @value (stripped, not empty) may be saved, or why not. */
static const char *
validate_client_id (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    if (!is_unreserved (*p))
      return _("Not saved: an X client ID has only letters, digits and - . _ ~");
  return NULL;
}

const ShConfigKey sh_x_config_api_url = {
  "SOCIALHUB_X_API_URL", NULL, "https://api.x.com", SH_CONFIG_KIND_API_URL,
};
const ShConfigKey sh_x_config_authorize_url = {
  "SOCIALHUB_X_AUTHORIZE_URL", NULL, "https://x.com/i/oauth2/authorize", SH_CONFIG_KIND_OTHER,
};
const ShConfigKey sh_x_config_client_id = {
  "SOCIALHUB_X_CLIENT_ID", "x-client-id", SH_X_CLIENT_ID, SH_CONFIG_KIND_CLIENT_ID,
  N_("X Client ID"), FALSE, validate_client_id,
};
/* Read by sh_x_redirect_port(); listed for the Preferences and for what the
 * environment overrides. */
const ShConfigKey sh_x_config_redirect_port = {
  "SOCIALHUB_X_REDIRECT_PORT", "x-redirect-port", NULL, SH_CONFIG_KIND_PORT,
  N_("X Sign-In Port"), TRUE, NULL,
};

static const ShConfigKey * const config_keys[] = {
  &sh_x_config_api_url,
  &sh_x_config_authorize_url,
  &sh_x_config_client_id,
  &sh_x_config_redirect_port,
  NULL,
};

static char *
dup_text (ShProviderClass *klass,
          ShProviderText   text,
          const char      *arg)
{
  switch (text)
    {
    case SH_PROVIDER_TEXT_NONE_GRANTED_TITLE:
      return g_strdup (_("No Accounts to Add"));
    case SH_PROVIDER_TEXT_NONE_GRANTED_BODY:
      return g_strdup (_("This sign-in gives access to no account SocialHub could add."));
    case SH_PROVIDER_TEXT_CHOOSE_TITLE:
      return g_strdup (_("Choose Accounts"));
    case SH_PROVIDER_TEXT_CHOOSE_FROM_OWNER:
      /* Translators: %s is a person */
      return g_strdup_printf (_("%s can use these accounts. Each account you "
                                "choose gets an access token from %s."), arg, arg);
    case SH_PROVIDER_TEXT_CHOOSE_ONE:
      return g_strdup (_("The token links this account."));
    case SH_PROVIDER_TEXT_PASTE_DESCRIPTION:
      /* Translators: %s is a network, e.g. Facebook */
      return g_strdup_printf (_("SocialHub asks %s whose token it is, and files it with "
                                "that account. A token that does not work is refused, and "
                                "nothing is stored."), _("X"));
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
    return g_strdup_printf (_("X handed out an access token SocialHub cannot use: %s."), fault);
  return g_strdup_printf (_("This is not an X access token: %s."), fault);
}

static char *
describe_redirect (ShProviderClass *klass,
                   guint            port)
{
  /* What the person has to type into X's developer portal: exactly the
   * URI of sh_x_redirect_uri() (API-FACTS.md: X matches the registered
   * callback exactly). */
  return g_strdup_printf (_("Register http://127.0.0.1:%u/callback as the callback URI of "
                            "your X app"), port);
}

void
_sh_x_describe_class (ShProviderClass *klass)
{
  klass->network = SH_X_NETWORK;
  klass->network_name = N_("X");
  klass->display_name = N_("X Account");
  klass->channel_noun = N_("an X account");
  /* Our own glyph (data/icons/README.md), in the hicolor theme and the
   * binary's resources. */
  klass->icon_name = "io.socialhub.SocialHub-x-symbolic";
  klass->sign_in_kind = SH_SIGN_IN_BROWSER;
  klass->sign_in_blurb = N_("Sign in to X in your browser");
  /* An account has one owner, who grants its token. */
  klass->shared_channels = FALSE;
  /* /2/users/me names the account, so nobody needs to type a name. */
  klass->identify_names_owner = TRUE;
  klass->config_keys = config_keys;
  klass->developer_app_help = N_("From the app’s “User authentication settings” on "
                                 "developer.x.com, with the type “Native App”.");
  klass->dup_text = dup_text;
  klass->describe_token_fault = describe_token_fault;
  klass->describe_redirect = describe_redirect;
}
