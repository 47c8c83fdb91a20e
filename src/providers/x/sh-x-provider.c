/* sh-x-provider.c — the X provider class, its HTTP session and rate-limit
 * memory, identifying a pasted token, and revocation. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sh-config.h"
#include "sh-error.h"
#include "sh-http.h"
#include "sh-token-syntax.h"
#include "sh-x-private.h"

/* A 429 without x-rate-limit-reset: X's windows are 15 minutes. */
#define DEFAULT_THROTTLE (15 * 60)
/* Never believe a reset further away than this. */
#define MAX_THROTTLE     (24 * 60 * 60)

struct _ShXProvider
{
  ShProvider   parent_instance;

  SoupSession *session;
  GHashTable  *throttles;      /* rate key → gint64 *: no request before */
  GHashTable  *app_faults;     /* what was reported already */
  ShXRenewals *renewals;
  gboolean     open_browser;
  guint        sign_in_timeout;
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
   * (API-FACTS.md), and a name could resolve to another address. */
  return g_strdup_printf ("http://127.0.0.1:%u/callback", sh_x_redirect_port ());
}

char *
_sh_x_client_id (void)
{
  g_autofree char *client_id = sh_config_dup (&sh_x_config_client_id);

  return *client_id != '\0' ? g_steal_pointer (&client_id) : NULL;
}

/* ---- HTTP ---------------------------------------------------------------------- */

void
_sh_x_reply_free (ShXReply *reply)
{
  if (reply == NULL)
    return;
  if (reply->body != NULL)
    {
      /* Token endpoint answers hold tokens. */
      memset (reply->body, 0, reply->length);
      g_free (reply->body);
    }
  g_clear_error (&reply->error);
  g_free (reply);
}

SoupSession *
_sh_x_get_session (ShXProvider *self)
{
  return self->session;
}

static char *
api_url (const char *path)
{
  g_autofree char *base = sh_config_dup (&sh_x_config_api_url);

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strconcat (base, path[0] == '/' ? "" : "/", path, NULL);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  ShXReply *reply = g_new0 (ShXReply, 1);
  g_autoptr(GBytes) bytes = sh_http_send_and_read_finish (SOUP_SESSION (source), result,
                                                          &reply->error);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  if (bytes != NULL)
    {
      gsize length;
      gconstpointer data = g_bytes_get_data (bytes, &length);

      reply->status = soup_message_get_status (msg);
      reply->length = length;
      reply->body = g_strndup (data, length);
      /* The answer may hold tokens: do not leave them in freed memory. */
      memset ((gpointer) data, 0, length);
    }
  else if (sh_http_error_is_too_large (reply->error))
    {
      /* X answered, with something no X answer is: judged like any other
       * unusable body (the error says why). */
      reply->status = soup_message_get_status (msg);
      reply->body = g_strdup ("");
    }
  if (reply->status != 0)
    sh_x_parse_rate_limit (soup_message_headers_get_one (headers, "x-rate-limit-limit"),
                           soup_message_headers_get_one (headers, "x-rate-limit-remaining"),
                           soup_message_headers_get_one (headers, "x-rate-limit-reset"),
                           &reply->rate);
  g_task_return_pointer (task, reply, (GDestroyNotify) _sh_x_reply_free);
}

static void
send_message (ShXProvider         *self,
              SoupMessage         *msg,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, send_message);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  /* X's answers about tokens must not be kept by anything in between. */
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Cache-Control",
                                "no-store");
  sh_http_send_and_read_async (self->session, msg, SH_HTTP_MAX_BODY, G_PRIORITY_DEFAULT,
                               cancellable, on_sent, task);
}

void
_sh_x_get_async (ShXProvider         *self,
                 const char          *path,
                 const char          *bearer,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autofree char *url = api_url (path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  if (msg == NULL)
    {
      g_task_report_new_error (self, callback, user_data, send_message, SH_ERROR,
                               SH_ERROR_INVALID_ARGUMENT, "Bad X API address");
      return;
    }
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
      memset (value, 0, strlen (value));
    }
  send_message (self, msg, cancellable, callback, user_data);
}

void
_sh_x_post_async (ShXProvider         *self,
                  const char          *path,
                  GHashTable          *form,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autofree char *url = api_url (path);
  g_autoptr(SoupMessage) msg = soup_message_new_from_encoded_form ("POST", url,
                                                                   soup_form_encode_hash (form));

  if (msg == NULL)
    {
      g_task_report_new_error (self, callback, user_data, send_message, SH_ERROR,
                               SH_ERROR_INVALID_ARGUMENT, "Bad X API address");
      return;
    }
  send_message (self, msg, cancellable, callback, user_data);
}

ShXReply *
_sh_x_finish (ShXProvider  *self,
              GAsyncResult *result)
{
  GError *error = NULL;
  ShXReply *reply = g_task_propagate_pointer (G_TASK (result), &error);

  if (reply == NULL)
    {
      reply = g_new0 (ShXReply, 1);
      reply->error = error;
    }
  return reply;
}

GError *
_sh_x_transport_error (ShXReply *reply)
{
  if (reply->status == 0)
    {
      if (g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
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
                       ShXReply    *reply,
                       gboolean     throttled)
{
  gint64 now = now_seconds ();
  gint64 until = 0;

  if (key == NULL || reply->status == 0)
    return;
  if (throttled)
    until = reply->rate.has_reset ? reply->rate.reset : now + DEFAULT_THROTTLE;
  else if (reply->rate.has_remaining && reply->rate.remaining == 0 && reply->rate.has_reset)
    /* The last request of the window: the next one would be refused. */
    until = reply->rate.reset;

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
                ShXReply    *reply)
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
  ShXProvider *self = SH_X_PROVIDER (source);
  Describe *data = g_task_get_task_data (task);
  g_autoptr(ShXReply) reply = _sh_x_finish (self, result);
  ShGrantedChannel *channel;
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
  sh_x_user_clear (&user);
  g_task_return_pointer (task, channel, (GDestroyNotify) sh_granted_channel_free);
}

void
_sh_x_describe_async (ShXProvider         *self,
                      const ShSecret      *secret,
                      const char          *scope,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Describe *data = g_new0 (Describe, 1);

  g_task_set_source_tag (task, _sh_x_describe_async);
  data->secret = sh_secret_copy (secret);
  data->scope = g_strdup (scope);
  g_task_set_task_data (task, data, (GDestroyNotify) describe_free);
  _sh_x_get_async (self, "/2/users/me?user.fields=profile_image_url", secret->access_token,
                   cancellable, on_describe_me, task);
}

ShGrantedChannel *
_sh_x_describe_finish (ShXProvider  *self,
                       GAsyncResult *result,
                       GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- identify a pasted token ---------------------------------------------------------- */

static void
on_identified (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  ShGrantedChannel *channel = _sh_x_describe_finish (SH_X_PROVIDER (source), result, &error);
  GPtrArray *channels;

  if (channel == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  channels = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_granted_channel_free);
  g_ptr_array_add (channels, channel);
  g_task_return_pointer (task, channels, (GDestroyNotify) g_ptr_array_unref);
}

static void
sh_x_provider_identify_async (ShProvider          *provider,
                              const char          *access_token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autofree char *token = g_strstrip (g_strdup (access_token));
  g_autoptr(ShSecret) secret = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, sh_x_provider_identify_async);
  /* Nothing reaches a header that could not be a token (the command line
   * checked the raw bytes already; the dialog's text is checked here). */
  if (!sh_token_syntax_check_pasted (SH_X_NETWORK, access_token, strlen (access_token), &error))
    {
      memset (token, 0, strlen (token));
      g_task_return_error (task, error);
      return;
    }

  /* A pasted access token comes without its refresh token, and X does not
   * say when it was made: it lives two hours at most. */
  secret = sh_secret_new (token, NULL, now_seconds () + SH_X_ACCESS_LIFETIME);
  memset (token, 0, strlen (token));
  _sh_x_describe_async (SH_X_PROVIDER (provider), secret, NULL, cancellable, on_identified,
                        g_steal_pointer (&task));
}

/* ---- revocation ------------------------------------------------------------------------ */

typedef struct {
  ShSecret *secret;
  char     *client_id;
  guint     step;       /* 0: the refresh token, 1: the access token */
  GError   *error;      /* the first failure; the other token is still tried */
} Revoke;

static void
revoke_free (Revoke *data)
{
  sh_secret_free (data->secret);
  g_free (data->client_id);
  g_clear_error (&data->error);
  g_free (data);
}

static void revoke_next (GTask *task);

static void
on_revoked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Revoke *data = g_task_get_task_data (task);
  g_autoptr(ShXReply) reply = _sh_x_finish (SH_X_PROVIDER (source), result);

  /* RFC 7009 §2.2: 200 also for a token that was already dead. */
  if (reply->status != 200 && data->error == NULL)
    {
      if (reply->status == 0)
        data->error = _sh_x_transport_error (reply);
      else
        data->error = g_error_new (SH_ERROR, SH_ERROR_SERVER,
                                   _("X did not revoke the token (HTTP %u)."), reply->status);
    }
  if (g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_error_copy (reply->error));
      return;
    }
  data->step++;
  revoke_next (g_steal_pointer (&task));
}

static void
revoke_next (GTask *task)
{
  Revoke *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  const char *token = NULL, *hint = NULL;

  /* The refresh token first: it is the one that lives on. */
  if (data->step == 0 && data->secret->refresh_token != NULL)
    {
      token = data->secret->refresh_token;
      hint = "refresh_token";
    }
  else if (data->step <= 1)
    {
      data->step = 1;
      token = data->secret->access_token;
      hint = "access_token";
    }

  if (token == NULL)
    {
      if (data->error != NULL)
        g_task_return_error (task, g_steal_pointer (&data->error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* The hint is required in practice (arctic#314). */
  g_hash_table_insert (form, "token", (gpointer) token);
  g_hash_table_insert (form, "token_type_hint", (gpointer) hint);
  g_hash_table_insert (form, "client_id", data->client_id);
  _sh_x_post_async (g_task_get_source_object (task), "/2/oauth2/revoke", form,
                    g_task_get_cancellable (task), on_revoked, task);
}

static void
on_settled_for_revoke (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  Revoke *data = g_task_get_task_data (task);

  sh_secret_free (data->secret);
  data->secret = _sh_x_settled_secret_finish (SH_X_PROVIDER (source), result);
  revoke_next (task);
}

static void
on_quiet_revoke (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("X: revoking the tokens of an unfinished sign-in failed: %s", error->message);
}

void
_sh_x_revoke_secret_async (ShXProvider         *self,
                           const ShSecret      *secret,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback ? callback : on_quiet_revoke, user_data);
  Revoke *data = g_new0 (Revoke, 1);

  g_task_set_source_tag (task, sh_provider_revoke_async);
  data->secret = sh_secret_copy (secret);
  data->client_id = _sh_x_client_id ();
  g_task_set_task_data (task, data, (GDestroyNotify) revoke_free);
  if (data->client_id == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                               _("No X app is configured, so the token could not be revoked."));
      g_object_unref (task);
      return;
    }
  /* A refresh of this token may be under way: revoke what it gives. */
  _sh_x_settled_secret_async (self, secret, cancellable, on_settled_for_revoke, task);
}

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

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
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
  self->session = soup_session_new_with_options ("max-conns-per-host", SH_X_PARALLEL_CHECKS + 2,
                                                 "timeout", 30,
                                                 "user-agent", "SocialHub/" PACKAGE_VERSION,
                                                 NULL);
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
