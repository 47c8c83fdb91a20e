/* sh-x-revoke.c — revoking an X grant (RFC 7009): the refresh token first,
 * then the access token, each with its token_type_hint; a refresh of the
 * same grant under way is waited for, and what it gave is revoked. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-x-private.h"
#include "sh-x-refresh.h"

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
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);

  /* RFC 7009 §2.2: 200 also for a token that was already dead. */
  if (reply->status != 200 && data->error == NULL)
    {
      if (reply->status == 0)
        data->error = _sh_x_transport_error (reply);
      else
        data->error = g_error_new (SH_ERROR, SH_ERROR_SERVER,
                                   _("X did not revoke the token (HTTP %u)."), reply->status);
    }
  if (sh_http_reply_is_cancelled (reply))
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
  sh_http_client_post_async (_sh_x_get_http (g_task_get_source_object (task)), "/2/oauth2/revoke",
                             form, g_task_get_cancellable (task), on_revoked, task);
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
