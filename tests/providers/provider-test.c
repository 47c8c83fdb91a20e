/* provider-test.c — see provider-test.h. */
#include "config.h"

#include <string.h>

#include "provider-test.h"
#include "test-util.h"

const char * const sh_test_graph_url_secrets[] = {
  "access_token=", SH_SANDBOX_CLIENT_TOKEN, NULL
};

void
sh_provider_fixture_set_up (ShProviderFixture *fixture,
                            GType              provider_type)
{
  fixture->server = sh_test_sandbox_start ();
  fixture->world = sh_sandbox_server_get_world (fixture->server);
  fixture->data_dir = sh_test_make_dir ();
  fixture->manager = sh_test_manager_new_loaded (fixture->data_dir);
  fixture->provider = sh_provider_fixture_add_provider (fixture, provider_type);
}

ShProvider *
sh_provider_fixture_add_provider (ShProviderFixture *fixture,
                                  GType              provider_type)
{
  g_autoptr(ShProvider) provider = g_object_new (provider_type, NULL);

  sh_manager_add_provider (fixture->manager, provider);
  return provider;   /* the manager holds it */
}

void
sh_provider_fixture_tear_down (ShProviderFixture  *fixture,
                               const char * const *url_secrets)
{
  if (url_secrets != NULL)
    sh_test_assert_no_token_in_urls (fixture->server, url_secrets);
  fixture->provider = NULL;
  g_clear_object (&fixture->manager);
  g_clear_object (&fixture->server);
  g_free (fixture->data_dir);
}

ShSandboxServer *
sh_test_sandbox_start (void)
{
  g_autoptr(GError) error = NULL;
  ShSandboxServer *server = sh_sandbox_server_new (NULL, 0, &error);

  g_assert_no_error (error);
  sh_sandbox_server_export_environment (server);
  return server;
}

ShSandboxServer *
sh_test_sandbox_start_tls (ShSandboxWorld *world,
                           const char     *dir)
{
  g_autoptr(GTlsCertificate) certificate = sh_test_make_self_signed_certificate (dir);
  g_autoptr(GError) error = NULL;
  ShSandboxServer *https;

  if (certificate == NULL)
    {
      g_test_skip ("openssl is not installed");
      return NULL;
    }
  https = sh_sandbox_server_new_tls (world, 0, certificate, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sh_sandbox_server_get_base_url (https), "https://"));
  return https;
}

ShManager *
sh_test_manager_new_loaded (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  ShManager *manager = sh_manager_new (data_dir, FALSE);

  sh_manager_ensure_loaded_async (manager, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, SH_TEST_PROVIDER_WAIT_MS);
  g_assert_true (sh_manager_ensure_loaded_finish (manager, result, &error));
  g_assert_no_error (error);
  return manager;
}

void
sh_test_assert_no_token_in_urls (ShSandboxServer    *server,
                                 const char * const *forbidden)
{
  GPtrArray *log = sh_sandbox_server_get_request_log (server);
  GPtrArray *tokens = sh_sandbox_world_list_tokens (sh_sandbox_server_get_world (server));

  for (guint i = 0; i < log->len; i++)
    {
      const char *line = g_ptr_array_index (log, i);

      for (guint j = 0; j < tokens->len; j++)
        {
          ShSandboxToken *token = g_ptr_array_index (tokens, j);

          if (strstr (line, token->value) != NULL)
            g_error ("request %u carries token %u of the world in its URL", i, j);
        }
      for (guint k = 0; forbidden[k] != NULL; k++)
        if (strstr (line, forbidden[k]) != NULL)
          g_error ("request %u carries %s in its URL", i, forbidden[k]);
    }
}

void
sh_test_clear_requests (ShSandboxServer *server)
{
  g_ptr_array_set_size (sh_sandbox_server_get_request_log (server), 0);
}

guint
sh_test_count_requests (ShSandboxServer *server,
                        const char      *line,
                        gboolean         any_query)
{
  GPtrArray *log = sh_sandbox_server_get_request_log (server);
  gsize length = strlen (line);
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    {
      const char *logged = g_ptr_array_index (log, i);

      if (strncmp (logged, line, length) == 0 &&
          (logged[length] == '\0' || (any_query && logged[length] == '?')))
        n++;
    }
  return n;
}

ShToken *
sh_test_file_granted (ShManager              *manager,
                      const ShGrantedChannel *granted)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShToken *token;

  sh_manager_add_granted_async (manager, granted, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, SH_TEST_PROVIDER_WAIT_MS);
  token = sh_manager_add_granted_finish (manager, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

ShToken *
sh_test_file_page_token (ShManager  *manager,
                         const char *page_id,
                         const char *page_name,
                         const char *owner_id,
                         const char *owner_name,
                         const char *value)
{
  g_autoptr(ShGrantedChannel) granted = sh_granted_channel_new ("facebook");

  granted->external_id = g_strdup (page_id);
  granted->name = g_strdup (page_name);
  granted->owner_id = g_strdup (owner_id);
  granted->owner_name = g_strdup (owner_name);
  granted->secret = sh_secret_new (value, NULL, 0);
  return sh_test_file_granted (manager, granted);
}

GPtrArray *
sh_test_identify (ShProvider  *provider,
                  const char  *value,
                  GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_provider_identify_async (provider, value, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, SH_TEST_PROVIDER_WAIT_MS);
  return sh_provider_identify_finish (provider, result, error);
}

ShCheckSummary
sh_test_check_all (ShManager *manager)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShCheckSummary summary = { 0 };

  sh_checker_check_async (sh_manager_get_checker (manager), NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 60000);
  g_assert_true (sh_checker_check_finish (sh_manager_get_checker (manager), result, &summary, &error));
  g_assert_no_error (error);
  return summary;
}

ShChannelState
sh_test_channel_state (ShManager  *manager,
                       const char *network,
                       const char *external_id)
{
  ShChannel *channel = sh_channel_list_lookup_external (sh_manager_get_channels (manager),
                                                        network, external_id);

  g_assert_nonnull (channel);
  return sh_channel_get_state (channel);
}

void
assert_token (ShToken       *token,
              ShTokenState   state,
              ShTokenReason  reason,
              ShTokenState   last_verdict,
              ShTokenReason  last_reason,
              const char    *what)
{
  if (sh_token_get_state (token) != state || sh_token_get_reason (token) != reason ||
      sh_token_get_last_verdict (token) != last_verdict ||
      sh_token_get_last_verdict_reason (token) != last_reason)
    g_error ("%s: token of %s is %s/%s (last verdict %s/%s), wanted %s/%s (last verdict %s/%s)",
             what, sh_token_get_owner_name (token) ?: "nobody",
             sh_token_state_to_string (sh_token_get_state (token)),
             sh_token_reason_to_string (sh_token_get_reason (token)) ?: "none",
             sh_token_state_to_string (sh_token_get_last_verdict (token)),
             sh_token_reason_to_string (sh_token_get_last_verdict_reason (token)) ?: "none",
             sh_token_state_to_string (state), sh_token_reason_to_string (reason) ?: "none",
             sh_token_state_to_string (last_verdict),
             sh_token_reason_to_string (last_reason) ?: "none");
}

void
assert_verdict (ShToken       *token,
                ShTokenState   state,
                ShTokenReason  reason,
                const char    *what)
{
  assert_token (token, state, reason, state, reason, what);
}
