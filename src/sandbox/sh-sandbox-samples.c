/* sh-sandbox-samples.c — see sh-sandbox-samples.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-sandbox-samples.h"

/* The seeded world's people (sh-sandbox-world-records.c). */
#define ALICE "10001"
#define BOB   "10002"

/* One token to identify and file: the channels it gives that are kept. */
typedef struct {
  const char *network;
  char       *access_token;
  char       *refresh_token;   /* X only */
  char       *share_with;      /* keep only the Pages this person manages too */
} Grant;

typedef struct {
  ShSandboxServer *server;
  ShManager       *manager;
  Grant            grants[3];
  guint            n_grants;
  guint            next_grant;
  GPtrArray       *granted;      /* ShGrantedChannel, to file in order */
  guint            next_add;
  guint            n_added;
  char            *alice_x_refresh;
} Samples;

static void
samples_free (Samples *data)
{
  for (guint i = 0; i < data->n_grants; i++)
    {
      g_free (data->grants[i].access_token);
      g_free (data->grants[i].refresh_token);
      g_free (data->grants[i].share_with);
    }
  g_clear_pointer (&data->granted, g_ptr_array_unref);
  g_free (data->alice_x_refresh);
  g_object_unref (data->server);
  g_object_unref (data->manager);
  g_free (data);
}

static void identify_next (GTask *task);
static void add_next      (GTask *task);

/* What the network tells about a grant, filtered as the sample wants it. */
static void
keep_granted (Samples    *data,
              Grant      *grant,
              GPtrArray  *channels)
{
  ShSandboxWorld *world = sh_sandbox_server_get_world (data->server);

  while (channels->len > 0)
    {
      ShGrantedChannel *channel = g_ptr_array_steal_index (channels, 0);

      if (grant->share_with != NULL &&
          !sh_sandbox_world_has_role (world, channel->external_id, grant->share_with))
        {
          sh_granted_channel_free (channel);
          continue;
        }
      /* A pasted X token comes without its refresh token; the sample's
       * grant is a sign-in's, so it keeps both, as a sign-in does. Its
       * age is known too (issued just now): the latest end is the end. */
      if (grant->refresh_token != NULL && channel->secret != NULL)
        {
          gint64 ends = channel->expires_by != 0 ? channel->expires_by
                                                 : channel->secret->expires_at;
          ShSecret *secret = sh_secret_new (grant->access_token, grant->refresh_token, ends);

          sh_secret_free (channel->secret);
          channel->secret = secret;
          channel->expires_at = ends;
          channel->expires_by = 0;
        }
      g_ptr_array_add (data->granted, channel);
    }
}

static void
on_identified (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Samples *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) channels = sh_provider_identify_finish (SH_PROVIDER (source), result,
                                                               &error);

  if (channels == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  keep_granted (data, &data->grants[data->next_grant - 1], channels);
  identify_next (g_steal_pointer (&task));
}

static void
identify_next (GTask *task)
{
  Samples *data = g_task_get_task_data (task);
  Grant *grant;
  ShProvider *provider;

  if (data->next_grant == data->n_grants)
    {
      add_next (task);
      return;
    }
  grant = &data->grants[data->next_grant++];
  provider = sh_manager_get_provider (data->manager, grant->network);
  if (provider == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                               _("The sandbox has no emulated network “%s”."), grant->network);
      g_object_unref (task);
      return;
    }
  sh_provider_identify_async (provider, grant->access_token, g_task_get_cancellable (task),
                              on_identified, task);
}

/* The tokens are filed: now two of them die, as the Sandbox menu's
 * "Bob changes their password" and "Alice revokes SocialHub on X" do. */
static void
break_samples (Samples *data)
{
  ShSandboxWorld *world = sh_sandbox_server_get_world (data->server);

  sh_sandbox_world_change_password (world, BOB);
  /* The refresh token takes its access token with it. */
  sh_sandbox_world_revoke_token (world, data->alice_x_refresh);
  sh_sandbox_server_save_state_now (data->server);
}

static void
on_added (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Samples *data = g_task_get_task_data (task);
  GError *error = NULL;
  ShToken *token = sh_manager_add_granted_finish (SH_MANAGER (source), result, &error);

  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->n_added++;
  add_next (g_steal_pointer (&task));
}

static void
add_next (GTask *task)
{
  Samples *data = g_task_get_task_data (task);

  if (data->next_add == data->granted->len)
    {
      break_samples (data);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  sh_manager_add_granted_async (data->manager, g_ptr_array_index (data->granted, data->next_add++),
                                g_task_get_cancellable (task), on_added, task);
}

static Grant *
add_grant (Samples    *data,
           const char *network)
{
  Grant *grant = &data->grants[data->n_grants++];

  grant->network = network;
  return grant;
}

void
sh_sandbox_samples_add_async (ShSandboxServer     *server,
                              ShManager           *manager,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  static const char * const page_scopes[] = { "pages_show_list", "pages_read_engagement", NULL };
  GTask *task = g_task_new (server, cancellable, callback, user_data);
  ShSandboxWorld *world = sh_sandbox_server_get_world (server);
  ShSandboxXAccount *account = sh_sandbox_world_x_account_of (world, ALICE);
  ShSandboxToken *token, *refresh = NULL;
  Samples *data;
  Grant *grant;

  g_task_set_source_tag (task, sh_sandbox_samples_add_async);
  data = g_new0 (Samples, 1);
  data->server = g_object_ref (server);
  data->manager = g_object_ref (manager);
  data->granted = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_granted_channel_free);
  g_task_set_task_data (task, data, (GDestroyNotify) samples_free);

  if (sh_sandbox_world_get_person (world, ALICE) == NULL ||
      sh_sandbox_world_get_person (world, BOB) == NULL || account == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_FOUND,
                               _("The sandbox’s sample people are missing from its world."));
      g_object_unref (task);
      return;
    }

  /* The tokens a device login and an X sign-in would have brought. */
  token = sh_sandbox_world_issue_token (world, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL,
                                        SH_SANDBOX_FB_USER_LIFETIME, page_scopes);
  grant = add_grant (data, "facebook");
  grant->access_token = g_strdup (token->value);

  token = sh_sandbox_world_issue_token (world, SH_SANDBOX_TOKEN_FB_USER, BOB, NULL,
                                        SH_SANDBOX_FB_USER_LIFETIME, page_scopes);
  grant = add_grant (data, "facebook");
  grant->access_token = g_strdup (token->value);
  grant->share_with = g_strdup (ALICE);

  token = sh_sandbox_world_issue_x_pair (world, ALICE, account->id, &refresh);
  grant = add_grant (data, "x");
  grant->access_token = g_strdup (token->value);
  grant->refresh_token = g_strdup (refresh->value);
  data->alice_x_refresh = g_strdup (refresh->value);

  identify_next (task);
}

gboolean
sh_sandbox_samples_add_finish (ShSandboxServer  *server,
                               GAsyncResult     *result,
                               guint            *out_n_tokens,
                               GError          **error)
{
  GTask *task = G_TASK (result);
  Samples *data = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, server), FALSE);

  if (out_n_tokens != NULL)
    *out_n_tokens = data->n_added;
  return g_task_propagate_boolean (task, error);
}
