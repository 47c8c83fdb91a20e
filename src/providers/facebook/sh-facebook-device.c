/* sh-facebook-device.c — "Add access token" with Facebook Login for Devices.
 *
 * POST /device/login gives a code for the person to type (or a QR link for
 * their phone); /device/login_status is polled no faster than the interval
 * Facebook gives, slowing down when it says "too fast"; the four subcodes of
 * docs/network-behaviour.md decide. After the grant, the person's Pages come with a Page
 * token each.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sh-error.h"
#include "sh-json.h"
#include "sh-provider-registry.h"
#include "sh-facebook-classify.h"
#include "sh-facebook-private.h"
#include "sh-token-syntax.h"

/* The address the Graph names for Login for Devices (API-FACTS.md). */
#define REAL_VERIFICATION_URI "https://www.facebook.com/device"

#define SUBCODE_PENDING   1349174
#define SUBCODE_TOO_FAST  1349172
#define SUBCODE_DECLINED  1349173
#define SUBCODE_EXPIRED   1349152
/* Scopes for listing Pages and reading their basic data. */
#define SCOPES "pages_show_list,pages_read_engagement"

typedef struct {
  ShSignInPromptFunc  prompt_func;
  gpointer            prompt_data;
  char               *client_token;
  char               *code;
  ShSignInPrompt      prompt;
  guint               poll_id;
  gulong              cancelled_id;
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_clear_handle_id (&data->poll_id, g_source_remove);
  g_free (data->client_token);
  g_free (data->code);
  g_free (data->prompt.user_code);
  g_free (data->prompt.verification_uri);
  g_free (data->prompt.qr_uri);
  g_free (data);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* A number member, 0 when absent or not a number. */
static gint64
member_int (JsonObject *object,
            const char *name)
{
  gint64 value = 0;

  sh_json_get_int (object, name, &value);
  return value;
}

static void schedule_poll (GTask *task);

static void
on_status (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  g_autoptr(JsonObject) object = _sh_facebook_reply_object (reply);
  int code, subcode;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (object != NULL && sh_json_get_string (object, "access_token") != NULL)
    {
      gint64 data_access = member_int (object, "data_access_expiration_time");
      const char *user_token = sh_json_get_string (object, "access_token");
      GError *error = NULL;

      /* It goes into the next requests' headers: a token with a line break
       * would make libsoup refuse the header, a cut one fail later. The
       * code is spent, so polling again would not help. */
      if (!sh_token_syntax_check_issued (SH_FACEBOOK_NETWORK, user_token, strlen (user_token),
                                         &error))
        {
          g_task_return_error (task, error);
          return;
        }

      _sh_facebook_answer_with_pages (g_steal_pointer (&task), user_token, data_access, FALSE);
      return;
    }

  /* HTTP status of these is not documented: the subcode decides. */
  if (sh_facebook_parse_error (reply->body, reply->length, &code, &subcode))
    {
      switch (subcode)
        {
        case SUBCODE_DECLINED:
          g_task_return_new_error (task, SH_ERROR, SH_ERROR_SIGN_IN_DECLINED,
                                   _("The request was declined on Facebook."));
          return;
        case SUBCODE_EXPIRED:
          g_task_return_new_error (task, SH_ERROR, SH_ERROR_SIGN_IN_EXPIRED,
                                   _("The code expired before it was entered. Try again for a "
                                     "new one."));
          return;
        case SUBCODE_TOO_FAST:
          data->prompt.interval += 5;
          break;
        case SUBCODE_PENDING:
        default:
          break;
        }
    }

  /* Pending, too fast, or a passing failure (network, 5xx): keep polling
   * until the code itself runs out. */
  if (now_seconds () >= data->prompt.expires_at)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_SIGN_IN_EXPIRED,
                               _("The code expired before it was entered. Try again for a new "
                                 "one."));
      return;
    }
  schedule_poll (g_steal_pointer (&task));
}

static gboolean
poll_now (gpointer user_data)
{
  GTask *task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  data->poll_id = 0;
  g_hash_table_insert (form, "access_token", data->client_token);
  g_hash_table_insert (form, "code", data->code);
  sh_http_client_post_async (_sh_facebook_get_http (g_task_get_source_object (task)),
                             "/device/login_status", form,
                             g_task_get_cancellable (task), on_status, task);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              GTask        *task)
{
  SignIn *data = g_task_get_task_data (task);

  /* Runs in the main context (connected with g_signal_connect): a pending
   * poll is dropped and the task returns at once. */
  if (data->poll_id != 0)
    {
      g_clear_handle_id (&data->poll_id, g_source_remove);
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);
    }
}

static void
schedule_poll (GTask *task)
{
  SignIn *data = g_task_get_task_data (task);

  /* Cancelled while the prompt was shown (on_cancelled found no poll to
   * drop then): end now, not at the next poll. */
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  /* Half a second of margin: a timer may fire a little early, and a poll
   * before the interval is over earns a "too fast". */
  data->poll_id = g_timeout_add (MAX (data->prompt.interval, 1) * 1000 + 500, poll_now, task);
}

static void
on_login (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  g_autoptr(JsonObject) object = _sh_facebook_reply_object (reply);
  g_autofree char *escaped = NULL;
  gint64 expires_in;

  if (object == NULL || sh_json_get_string (object, "code") == NULL ||
      sh_json_get_string (object, "user_code") == NULL)
    {
      g_task_return_error (task, _sh_facebook_reply_error (reply));
      return;
    }

  data->code = g_strdup (sh_json_get_string (object, "code"));
  data->prompt.user_code = g_strdup (sh_json_get_string (object, "user_code"));
  data->prompt.verification_uri = g_strdup (sh_json_get_string (object, "verification_uri")
                                            ?: REAL_VERIFICATION_URI);
  escaped = g_uri_escape_string (data->prompt.user_code, NULL, FALSE);
  /* Facebook's documented QR link for its own page; another page (the
   * sandbox's, on 127.0.0.1) gets the code the same way, so that the prompt
   * never sends a person to facebook.com with a code it does not know. */
  if (g_str_equal (data->prompt.verification_uri, REAL_VERIFICATION_URI))
    data->prompt.qr_uri = g_strdup_printf ("https://facebook.com/device?user_code=%s&qr=1",
                                           escaped);
  else
    data->prompt.qr_uri = g_strdup_printf ("%s%cuser_code=%s&qr=1", data->prompt.verification_uri,
                                           strchr (data->prompt.verification_uri, '?') ? '&' : '?',
                                           escaped);
  expires_in = member_int (object, "expires_in");
  data->prompt.expires_at = now_seconds () + (expires_in > 0 ? expires_in : 420);
  data->prompt.interval = (guint) CLAMP (member_int (object, "interval"), 1, 60);
  if (member_int (object, "interval") <= 0)
    data->prompt.interval = 5;

  if (data->prompt_func != NULL)
    data->prompt_func (&data->prompt, data->prompt_data);
  schedule_poll (g_steal_pointer (&task));
}

void
_sh_facebook_sign_in_async (ShProvider          *provider,
                            ShSignInPromptFunc   prompt,
                            gpointer             prompt_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *scopes = NULL;
  SignIn *data = g_new0 (SignIn, 1);

  g_task_set_source_tag (task, _sh_facebook_sign_in_async);
  data->prompt_func = prompt;
  data->prompt_data = prompt_data;
  data->client_token = _sh_facebook_client_token ();
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);

  if (data->client_token == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                               _("No Facebook app is configured. Set a Facebook app id and client "
                                 "token in the preferences, or use the sandbox."));
      g_object_unref (task);
      return;
    }
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_cancelled), task, 0);

  g_hash_table_insert (form, "access_token", data->client_token);
  /* With what the networks living on a Page's tokens need (Instagram's
   * instagram_basic), so that one sign-in serves them too. */
  scopes = sh_provider_registry_dup_scopes (SH_FACEBOOK_NETWORK, SCOPES);
  g_hash_table_insert (form, "scope", scopes);
  sh_http_client_post_async (_sh_facebook_get_http (SH_FACEBOOK_PROVIDER (provider)),
                             "/device/login", form, cancellable, on_login, task);
}
