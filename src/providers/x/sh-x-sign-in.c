/* sh-x-sign-in.c — "Add access token" for X: OAuth 2.0 Authorization Code
 * with PKCE (RFC 7636, S256) as a public client, in the system browser with
 * a loopback redirect (RFC 8252; docs/network-behaviour.md).
 *
 * Each attempt makes a fresh code verifier (32 random bytes) and a fresh
 * state (256 random bits) and forgets both when it ends. The loopback server
 * listens before anything is shown, so that a port in use is said at once.
 * The prompt carries the authorize address (what the window's "Copy link"
 * and the terminal show); the browser is opened with
 * g_app_info_launch_default_for_uri_async(), which goes through the OpenURI
 * portal inside Flatpak. Not opening it (open-browser FALSE,
 * SOCIALHUB_X_BROWSER=none, or no browser found) leaves the prompt as the
 * way in; when opening it failed, the prompt comes again with the reason
 * (browser_error), for the window and the terminal to say so. The code is exchanged at once (it lives 30 seconds), then
 * /2/users/me says which account was granted.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sh-config.h"
#include "sh-error.h"
#include "sh-pkce.h"
#include "sh-x-loopback.h"
#include "sh-x-private.h"

typedef struct {
  ShSignInPromptFunc  prompt_func;
  gpointer            prompt_data;
  char               *client_id;
  char               *verifier;
  ShXLoopback        *loopback;
  ShSignInPrompt      prompt;
  ShSecret           *secret;      /* once the code is exchanged */
  char               *scope;
} SignIn;

static void
wipe_free (char *str)
{
  if (str != NULL)
    {
      memset (str, 0, strlen (str));
      g_free (str);
    }
}

static void
sign_in_free (SignIn *data)
{
  if (data->loopback != NULL)
    sh_x_loopback_close (data->loopback);
  g_clear_object (&data->loopback);
  g_free (data->client_id);
  wipe_free (data->verifier);
  g_free (data->prompt.authorize_uri);
  g_free (data->prompt.browser_error);
  sh_secret_free (data->secret);
  g_free (data->scope);
  g_free (data);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
authorize_uri (const char *client_id,
               const char *redirect_uri,
               const char *state,
               const char *challenge)
{
  g_autofree char *base = sh_config_dup (&sh_x_config_authorize_url);
  struct { const char *name, *value; } params[] = {
    { "response_type", "code" },
    { "client_id", client_id },
    { "redirect_uri", redirect_uri },
    { "scope", SH_X_SCOPES },
    { "state", state },
    { "code_challenge", challenge },
    { "code_challenge_method", "S256" },
  };
  GString *uri = g_string_new (base);

  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    {
      g_autofree char *value = g_uri_escape_string (params[i].value, NULL, FALSE);

      g_string_append_c (uri, i == 0 && strchr (base, '?') == NULL ? '?' : '&');
      g_string_append_printf (uri, "%s=%s", params[i].name, value);
    }
  return g_string_free (uri, FALSE);
}

/* ---- the account ------------------------------------------------------------------ */

static void
on_described (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShXProvider *self = SH_X_PROVIDER (source);
  SignIn *data = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *channels = _sh_x_describe_finish (self, result, &error);

  if (channels == NULL)
    {
      /* Tokens nobody will keep: give them back. */
      _sh_x_revoke_secret_async (self, data->secret, NULL, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, channels, (GDestroyNotify) g_ptr_array_unref);
}

/* ---- the code, exchanged ---------------------------------------------------------- */

static void
on_token (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShXProvider *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  ShXTokenReply answer;
  ShXGrantOutcome outcome = sh_x_parse_token_reply (reply->status, reply->body, reply->length,
                                                    &answer);
  GCancellable *cancellable;

  /* The verifier has done its work. */
  g_clear_pointer (&data->verifier, wipe_free);

  switch (outcome)
    {
    case SH_X_GRANT_OK:
      break;
    case SH_X_GRANT_REFUSED:
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_SIGN_IN_EXPIRED,
                               _("X did not accept the sign-in’s code (%s): it may have taken "
                                 "too long. Try again."), answer.error);
      sh_x_token_reply_clear (&answer);
      return;
    case SH_X_GRANT_CLIENT_FAULT:
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                               _("X refused SocialHub’s app (%s): check its client id and that "
                                 "%s is registered as its callback address."),
                               answer.error ?: "client-forbidden",
                               sh_x_loopback_get_redirect_uri (data->loopback));
      sh_x_token_reply_clear (&answer);
      return;
    case SH_X_GRANT_THROTTLED:
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_SERVER,
                               _("X asked SocialHub to slow down. Try again in a few minutes."));
      sh_x_token_reply_clear (&answer);
      return;
    case SH_X_GRANT_FAILED:
    default:
      /* A token that cannot be one is refused here, before it reaches a
       * header or the keyring. */
      g_task_return_error (task, answer.bad_token != SH_TOKEN_SYNTAX_OK
                                   ? sh_token_syntax_issued_error (SH_X_NETWORK, answer.bad_token)
                                   : _sh_x_transport_error (reply));
      sh_x_token_reply_clear (&answer);
      return;
    }

  data->secret = sh_secret_new (answer.access_token, answer.refresh_token,
                                now_seconds () + (answer.expires_in > 0 ? answer.expires_in
                                                                        : SH_X_ACCESS_LIFETIME));
  data->scope = g_strdup (answer.scope ?: SH_X_SCOPES);
  sh_x_token_reply_clear (&answer);

  cancellable = g_task_get_cancellable (task);
  _sh_x_describe_async (self, data->secret, data->scope, FALSE, cancellable, on_described,
                        g_steal_pointer (&task));
}

static void
on_code (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *code = sh_x_loopback_wait_finish (SH_X_LOOPBACK (source), result, &error);
  g_autoptr(GHashTable) form = NULL;
  ShXProvider *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (code == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "grant_type", "authorization_code");
  g_hash_table_insert (form, "code", code);
  g_hash_table_insert (form, "redirect_uri", (gpointer) sh_x_loopback_get_redirect_uri (data->loopback));
  g_hash_table_insert (form, "code_verifier", data->verifier);
  g_hash_table_insert (form, "client_id", data->client_id);
  sh_http_client_post_async (_sh_x_get_http (self), "/2/oauth2/token", form, cancellable,
                             on_token, g_steal_pointer (&task));
  memset (code, 0, strlen (code));
}

/* ---- the browser -------------------------------------------------------------------- */

static void
on_browser_launched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* No browser is not a failure: the prompt shows the address to open,
   * and now says why it has to be opened by hand. */
  if (g_app_info_launch_default_for_uri_finish (result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (data->prompt_func == NULL)
    {
      g_message (_("No browser could be opened for the X sign-in (%s); open the address "
                   "SocialHub shows."), error->message);
      return;
    }
  if (g_task_get_completed (task) || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;
  g_free (data->prompt.browser_error);
  data->prompt.browser_error = g_strdup (error->message);
  data->prompt_func (&data->prompt, data->prompt_data);
}

/* ---- start --------------------------------------------------------------------------- */

void
_sh_x_sign_in_async (ShProvider          *provider,
                     ShSignInPromptFunc   prompt,
                     gpointer             prompt_data,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  ShXProvider *self = SH_X_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autofree char *state = NULL;
  g_autofree char *challenge = NULL;
  GError *error = NULL;
  SignIn *data;

  g_task_set_source_tag (task, _sh_x_sign_in_async);
  data = g_new0 (SignIn, 1);
  data->prompt_func = prompt;
  data->prompt_data = prompt_data;
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);

  data->client_id = _sh_x_client_id ();
  if (data->client_id == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                               _("No X app is configured. Set its client id (see the README), or "
                                 "try SocialHub with --sandbox."));
      return;
    }

  /* Fresh for every attempt, never reused. */
  data->verifier = sh_pkce_new_verifier ();
  challenge = sh_pkce_challenge_s256 (data->verifier);
  state = sh_pkce_new_state ();

  data->loopback = sh_x_loopback_new (sh_x_redirect_port (), state, &error);
  if (data->loopback == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->prompt.authorize_uri = authorize_uri (data->client_id,
                                              sh_x_loopback_get_redirect_uri (data->loopback),
                                              state, challenge);
  data->prompt.expires_at = now_seconds () + sh_x_provider_get_sign_in_timeout (self);
  memset (state, 0, strlen (state));

  /* Wait first, so that nothing the prompt or the browser does can come
   * before the server is ready for it. */
  sh_x_loopback_wait_async (data->loopback, sh_x_provider_get_sign_in_timeout (self), cancellable,
                            on_code, g_object_ref (task));

  if (data->prompt_func != NULL)
    data->prompt_func (&data->prompt, data->prompt_data);

  if (sh_x_provider_get_open_browser (self) && !g_cancellable_is_cancelled (cancellable))
    g_app_info_launch_default_for_uri_async (data->prompt.authorize_uri, NULL, cancellable,
                                             on_browser_launched, g_object_ref (task));
}
