/* sh-x-provider.c — the X provider class, its REST client and rate-limit
 * memory, and identifying a pasted token. Revocation is in sh-x-revoke.c,
 * refreshing in sh-x-refresh.c. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sh-config.h"
#include "sh-error.h"
#include "sh-http.h"
#include "sh-token-syntax.h"
#include "sh-x-private.h"
#include "sh-x-refresh.h"

/* A 429 without x-rate-limit-reset: X's windows are 15 minutes. */
#define DEFAULT_THROTTLE (15 * 60)
/* Never believe a reset further away than this. */
#define MAX_THROTTLE     (24 * 60 * 60)

struct _ShXProvider
{
  ShProvider    parent_instance;

  ShHttpClient *http;
  GHashTable   *throttles;     /* rate key → gint64 *: no request before */
  GHashTable   *app_faults;    /* what was reported already */
  ShXRenewals  *renewals;
  gboolean      open_browser;
  guint         sign_in_timeout;
};

G_DEFINE_FINAL_TYPE (ShXProvider, sh_x_provider, SH_TYPE_PROVIDER)

enum {
  PROP_0,
  PROP_OPEN_BROWSER,
  PROP_SIGN_IN_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- configuration ----------------------------------------------------------- */

guint
sh_x_redirect_port (void)
{
  const char *env = g_getenv ("SOCIALHUB_X_REDIRECT_PORT");
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  guint64 port;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 65535, &port, NULL))
    return (guint) port;

  /* g_settings_new() aborts when the schema is not installed: look first. */
  source = g_settings_schema_source_get_default ();
  schema = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  if (schema != NULL && g_settings_schema_has_key (schema, "x-redirect-port"))
    {
      g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);
      guint value = g_settings_get_uint (settings, "x-redirect-port");

      if (value >= 1 && value <= 65535)
        return value;
    }
  return SH_X_DEFAULT_REDIRECT_PORT;
}

char *
sh_x_redirect_uri (void)
{
  /* 127.0.0.1, never "localhost": X matches the registered URI exactly
   * (docs/network-behaviour.md), and a name could resolve to another address. */
  return g_strdup_printf ("http://127.0.0.1:%u/callback", sh_x_redirect_port ());
}

char *
_sh_x_client_id (void)
{
  g_autofree char *client_id = sh_config_dup (&sh_x_config_client_id);

  return *client_id != '\0' ? g_steal_pointer (&client_id) : NULL;
}

/* ---- HTTP ---------------------------------------------------------------------- */

ShHttpClient *
_sh_x_get_http (ShXProvider *self)
{
  return self->http;
}

SoupSession *
_sh_x_get_session (ShXProvider *self)
{
  return sh_http_client_get_session (self->http);
}

static char *
api_url (void)
{
  return sh_config_dup (&sh_x_config_api_url);
}

GError *
_sh_x_transport_error (ShHttpReply *reply)
{
  if (reply->status == 0)
    {
      if (sh_http_reply_is_cancelled (reply))
        return g_error_copy (reply->error);
      return g_error_new (SH_ERROR, SH_ERROR_NETWORK, _("X could not be reached: %s"),
                          sh_http_describe_error (reply->error));
    }
  if (sh_http_error_is_too_large (reply->error))
    return g_error_copy (reply->error);
  return g_error_new (SH_ERROR, SH_ERROR_SERVER,
                      _("X gave an answer SocialHub cannot use (HTTP %u)."), reply->status);
}

/* ---- rate limits ----------------------------------------------------------------- */

char *
_sh_x_rate_key (ShToken *token)
{
  /* An X grant's owner is the account itself (sh-x-sign-in.c). */
  if (sh_token_get_owner_id (token) != NULL)
    return g_strconcat ("account:", sh_token_get_owner_id (token), NULL);
  return g_strconcat ("token:", sh_token_get_id (token), NULL);
}

gint64
_sh_x_get_throttled_until (ShXProvider *self,
                           const char  *key)
{
  gint64 *until = key != NULL ? g_hash_table_lookup (self->throttles, key) : NULL;

  if (until == NULL)
    return 0;
  if (*until <= now_seconds ())
    {
      g_hash_table_remove (self->throttles, key);
      return 0;
    }
  return *until;
}

void
_sh_x_note_rate_limit (ShXProvider *self,
                       const char  *key,
                       ShHttpReply *reply,
                       gboolean     throttled)
{
  gint64 now = now_seconds ();
  gint64 until = 0;
  ShXRateLimit rate;

  if (key == NULL || reply->status == 0)
    return;
  sh_x_parse_rate_limit (sh_http_reply_get_header (reply, "x-rate-limit-limit"),
                         sh_http_reply_get_header (reply, "x-rate-limit-remaining"),
                         sh_http_reply_get_header (reply, "x-rate-limit-reset"),
                         &rate);
  if (throttled)
    until = rate.has_reset ? rate.reset : now + DEFAULT_THROTTLE;
  else if (rate.has_remaining && rate.remaining == 0 && rate.has_reset)
    /* The last request of the window: the next one would be refused. */
    until = rate.reset;

  if (until <= now)
    {
      /* A new window, or a reset already past. */
      if (!throttled)
        g_hash_table_remove (self->throttles, key);
      return;
    }
  until = MIN (until, now + MAX_THROTTLE);
  g_debug ("X: no more requests for one account for %" G_GINT64_FORMAT " s", until - now);
  g_hash_table_replace (self->throttles, g_strdup (key), g_memdup2 (&until, sizeof until));
}

void
_sh_x_note_app_fault (ShXProvider *self,
                      const char  *what)
{
  if (g_hash_table_contains (self->app_faults, what))
    return;
  g_hash_table_add (self->app_faults, g_strdup (what));
  g_warning (_("X refused SocialHub’s app (%s). This is a problem of the X app’s configuration "
               "in the X developer portal (its project, access level or OAuth 2.0 settings), "
               "not of the tokens: they were left unchecked."), what);
}

/* ---- describing an account ---------------------------------------------------------- */

typedef struct {
  ShSecret *secret;
  char     *scope;
  gboolean  age_unknown;   /* a pasted token: its expiry is an estimate */
} Describe;

static void
describe_free (Describe *data)
{
  sh_secret_free (data->secret);
  g_free (data->scope);
  g_free (data);
}

static GError *
users_me_error (ShXProvider *self,
                ShHttpReply *reply)
{
  ShXVerdict verdict;

  if (reply->status == 0)
    return _sh_x_transport_error (reply);

  sh_x_classify_users_me (reply->status, reply->body, reply->length, &verdict);
  if (verdict.unauthorized)
    return g_error_new_literal (SH_ERROR, SH_ERROR_TOKEN_REFUSED,
                                _("X refused the token: it has expired or was revoked, or it is "
                                  "not an OAuth 2.0 user access token."));
  if (sh_token_state_is_verdict (verdict.state) && verdict.state != SH_TOKEN_STATE_VALID)
    return g_error_new (SH_ERROR, SH_ERROR_TOKEN_REFUSED, _("X refused the token: %s"),
                        sh_token_reason_get_explanation (verdict.reason));
  if (verdict.throttled)
    return g_error_new_literal (SH_ERROR, SH_ERROR_SERVER,
                                _("X asked SocialHub to slow down. Try again in a few minutes."));
  if (verdict.app_fault)
    {
      g_autofree char *type = NULL;

      sh_x_parse_problem (reply->body, reply->length, &type, NULL);
      return g_error_new (SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                          _("X refused SocialHub’s app (%s): its settings in the X developer "
                            "portal need fixing."), type);
    }
  return _sh_x_transport_error (reply);
}

static void
on_describe_me (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShXProvider *self = g_task_get_source_object (task);
  Describe *data = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  ShGrantedChannel *channel;
  GPtrArray *channels;
  ShXUser user = { 0 };

  if (reply->status != 200 || !sh_x_parse_user (reply->body, reply->length, &user))
    {
      g_task_return_error (task, users_me_error (self, reply));
      return;
    }

  channel = sh_granted_channel_new (SH_X_NETWORK);
  channel->external_id = g_strdup (user.id);
  /* The handle is what X users know an account by; the display name, as a
   * person's name, says who granted it. */
  channel->name = user.username != NULL ? g_strconcat ("@", user.username, NULL)
                                        : g_strdup (user.name ?: user.id);
  channel->picture_url = g_strdup (user.profile_image_url);
  /* On X the account that granted access is the account itself. */
  channel->owner_id = g_strdup (user.id);
  channel->owner_name = g_strdup (user.name ?: channel->name);
  if (data->scope != NULL)
    channel->scopes = g_strsplit_set (data->scope, " ", -1);
  channel->secret = g_steal_pointer (&data->secret);
  /* The ACCESS token's end is in the secret (ShSecret.expires_at): the
   * provider refreshes it before it runs out. The grant as a whole ends
   * only when X refuses a refresh (revoked, or spent by someone else), which
   * no date predicts: with a refresh token the channel's token "never"
   * expires (0), so that it does not read "expiring" every two hours. A
   * token without a refresh token (offline.access not granted, or a pasted
   * access token) lives exactly as long as its access token, and says so. */
  channel->expires_at = channel->secret->refresh_token != NULL ? 0 : channel->secret->expires_at;
  /* A pasted token's end is the earliest it can be (see identify below);
   * two hours later it has ended for certain. */
  if (data->age_unknown && channel->expires_at != 0)
    channel->expires_by = channel->expires_at + SH_X_ACCESS_LIFETIME;
  sh_x_user_clear (&user);
  channels = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_granted_channel_free);
  g_ptr_array_add (channels, channel);
  g_task_return_pointer (task, channels, (GDestroyNotify) g_ptr_array_unref);
}

void
_sh_x_describe_async (ShXProvider         *self,
                      const ShSecret      *secret,
                      const char          *scope,
                      gboolean             age_unknown,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Describe *data = g_new0 (Describe, 1);

  g_task_set_source_tag (task, _sh_x_describe_async);
  data->secret = sh_secret_copy (secret);
  data->scope = g_strdup (scope);
  data->age_unknown = age_unknown;
  g_task_set_task_data (task, data, (GDestroyNotify) describe_free);
  sh_http_client_get_async (self->http, "/2/users/me?user.fields=profile_image_url",
                            secret->access_token, cancellable, on_describe_me, task);
}

GPtrArray *
_sh_x_describe_finish (ShXProvider  *self,
                       GAsyncResult *result,
                       GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- identify a pasted token ---------------------------------------------------------- */

static void
sh_x_provider_identify_async (ShProvider          *provider,
                              const char          *access_token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *token = g_strstrip (g_strdup (access_token));
  g_autoptr(ShSecret) secret = NULL;
  GError *error = NULL;

  /* Nothing reaches a header that could not be a token (the command line
   * checked the raw bytes already; the dialog's text is checked here). */
  if (!sh_token_syntax_check_pasted (SH_X_NETWORK, access_token, strlen (access_token), &error))
    {
      memset (token, 0, strlen (token));
      g_task_report_error (provider, callback, user_data, sh_x_provider_identify_async, error);
      return;
    }

  /* A pasted access token comes without its refresh token, and X does not
   * say when it was made. It works now and lives two hours
   * (SH_X_ACCESS_LIFETIME), so it was made within the last two: assume the
   * earliest, so that it is expected to end sooner, not later. It may end
   * any moment from now (expires_at) and has ended for certain two hours
   * from now (the channel's expires_by); a 401 from now on reads expired,
   * not revoked (sh-x-check.c). */
  secret = sh_secret_new (token, NULL, now_seconds ());
  memset (token, 0, strlen (token));
  /* The account, as the one channel of the answer. */
  _sh_x_describe_async (SH_X_PROVIDER (provider), secret, NULL, TRUE, cancellable, callback,
                        user_data);
}

/* ---- revocation (sh-x-revoke.c) ----------------------------------------------------- */

static void
sh_x_provider_revoke_async (ShProvider          *provider,
                            const ShSecret      *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  if (secret == NULL || secret->access_token == NULL)
    {
      g_task_report_new_error (provider, callback, user_data, sh_provider_revoke_async,
                               SH_ERROR, SH_ERROR_SECRET_MISSING,
                               _("The token’s secret is missing, so it could not be revoked."));
      return;
    }
  _sh_x_revoke_secret_async (SH_X_PROVIDER (provider), secret, cancellable, callback, user_data);
}

/* ---- class ------------------------------------------------------------------------------ */

gboolean
sh_x_provider_get_open_browser (ShXProvider *self)
{
  g_return_val_if_fail (SH_IS_X_PROVIDER (self), FALSE);
  return self->open_browser;
}

void
sh_x_provider_set_open_browser (ShXProvider *self,
                                gboolean     open_browser)
{
  g_return_if_fail (SH_IS_X_PROVIDER (self));

  open_browser = !!open_browser;
  if (self->open_browser == open_browser)
    return;
  self->open_browser = open_browser;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN_BROWSER]);
}

guint
sh_x_provider_get_sign_in_timeout (ShXProvider *self)
{
  g_return_val_if_fail (SH_IS_X_PROVIDER (self), 0);
  return self->sign_in_timeout;
}

void
sh_x_provider_set_sign_in_timeout (ShXProvider *self,
                                   guint        seconds)
{
  g_return_if_fail (SH_IS_X_PROVIDER (self));
  g_return_if_fail (seconds > 0);

  if (self->sign_in_timeout == seconds)
    return;
  self->sign_in_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_TIMEOUT]);
}

ShXRenewals *
_sh_x_get_renewals (ShXProvider *self)
{
  return self->renewals;
}

static void
sh_x_provider_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ShXProvider *self = SH_X_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_OPEN_BROWSER:
      g_value_set_boolean (value, self->open_browser);
      break;
    case PROP_SIGN_IN_TIMEOUT:
      g_value_set_uint (value, self->sign_in_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_x_provider_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ShXProvider *self = SH_X_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_OPEN_BROWSER:
      sh_x_provider_set_open_browser (self, g_value_get_boolean (value));
      break;
    case PROP_SIGN_IN_TIMEOUT:
      sh_x_provider_set_sign_in_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_x_provider_dispose (GObject *object)
{
  ShXProvider *self = SH_X_PROVIDER (object);

  if (self->http != NULL)
    soup_session_abort (sh_http_client_get_session (self->http));
  g_clear_object (&self->http);
  G_OBJECT_CLASS (sh_x_provider_parent_class)->dispose (object);
}

static void
sh_x_provider_finalize (GObject *object)
{
  ShXProvider *self = SH_X_PROVIDER (object);

  g_clear_pointer (&self->throttles, g_hash_table_unref);
  g_clear_pointer (&self->app_faults, g_hash_table_unref);
  g_clear_pointer (&self->renewals, _sh_x_renewals_free);
  G_OBJECT_CLASS (sh_x_provider_parent_class)->finalize (object);
}

static void
sh_x_provider_class_init (ShXProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShProviderClass *provider_class = SH_PROVIDER_CLASS (klass);

  object_class->get_property = sh_x_provider_get_property;
  object_class->set_property = sh_x_provider_set_property;
  object_class->dispose = sh_x_provider_dispose;
  object_class->finalize = sh_x_provider_finalize;

  _sh_x_describe_class (provider_class);
  provider_class->sign_in_async = _sh_x_sign_in_async;
  provider_class->identify_async = sh_x_provider_identify_async;
  provider_class->check_async = _sh_x_check_async;
  provider_class->revoke_async = sh_x_provider_revoke_async;

  properties[PROP_OPEN_BROWSER] =
    g_param_spec_boolean ("open-browser", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGN_IN_TIMEOUT] =
    g_param_spec_uint ("sign-in-timeout", NULL, NULL, 1, G_MAXUINT, SH_X_DEFAULT_SIGN_IN_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_x_provider_init (ShXProvider *self)
{
  /* X's answers about tokens must not be kept by anything in between. */
  self->http = sh_http_client_new (api_url, "Bearer", SH_HTTP_CLIENT_NO_STORE,
                                   SH_X_PARALLEL_CHECKS + 2);
  self->throttles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->app_faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->renewals = _sh_x_renewals_new ();
  self->open_browser = g_strcmp0 (g_getenv ("SOCIALHUB_X_BROWSER"), "none") != 0;
  self->sign_in_timeout = SH_X_DEFAULT_SIGN_IN_TIMEOUT;
}

ShProvider *
sh_x_provider_new (void)
{
  return g_object_new (SH_TYPE_X_PROVIDER, NULL);
}
