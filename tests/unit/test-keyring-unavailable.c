/* test-keyring-unavailable.c — run on a bus where nothing provides
 * org.freedesktop.secrets (build-aux/with-session.sh --no-keyring): every
 * keyring call fails fast with SH_ERROR_KEYRING_UNAVAILABLE, and nothing is
 * half-added. */
#include "config.h"

#include "sh-checker.h"
#include "sh-error.h"
#include "sh-manager.h"
#include "sh-providers.h"
#include "sh-store.h"
#include "sh-secret-store.h"
#include "test-util.h"

#define SECRET "EAAtestSECRETunavailablexxxxxxxxxxxxx"

static void
test_load_fails_fast (void)
{
  g_autofree char *scope = sh_test_make_dir ();
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) secrets = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  sh_secret_store_load_async (store, NULL, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 5000);
  secrets = sh_secret_store_load_finish (store, result, &error);

  g_assert_null (secrets);
  g_assert_error (error, SH_ERROR, SH_ERROR_KEYRING_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "No keyring is available"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, sh_test_time_limit (G_USEC_PER_SEC));
}

static void
test_add_token_changes_nothing (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_manager_new (dir, FALSE);
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) token = sh_token_new ("6f1c8f5e-4a53-4a63-9d3c-2b7f0f3f1a11", "facebook", NULL);
  g_autoptr(ShSecret) secret = sh_secret_new (SECRET, NULL, 0);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) added = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  sh_manager_load_async (manager, NULL, sh_test_store_result, &loaded);
  sh_test_wait_for_result (&loaded, 5000);
  g_assert_true (sh_manager_load_finish (manager, loaded, &error));

  start = g_get_monotonic_time ();
  sh_manager_add_token_async (manager, channel, token, secret, NULL, sh_test_store_result, &added);
  sh_test_wait_for_result (&added, 5000);
  g_assert_false (sh_manager_add_token_finish (manager, added, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_KEYRING_UNAVAILABLE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, sh_test_time_limit (G_USEC_PER_SEC));

  /* No token without its secret: nothing in the list, nothing on disk, and
   * the token's state untouched. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sh_manager_get_channels (manager))), ==, 0);
  g_assert_false (g_file_test (sh_store_get_path (sh_manager_get_store (manager)), G_FILE_TEST_EXISTS));
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_UNKNOWN);
  g_assert_null (strstr (error->message, SECRET));
}

/* A data file with one checked token, as an earlier run left it. */
#define STORE_WITH_VALID_TOKEN \
  "{\"format\": \"io.socialhub.SocialHub/channels\", \"version\": 1, \"channels\": [" \
  "{\"id\": \"0b7d3c52-6a7e-4a8e-9a51-1d2f4c1e7a01\", \"network\": \"facebook\"," \
  " \"external_id\": \"104857600123\", \"name\": \"Acme Coffee\", \"tokens\": [" \
  "{\"id\": \"5a0f5e1c-0a7b-4d47-8a43-0b7a9c1e2f01\"," \
  " \"owner\": {\"id\": \"10001\", \"name\": \"Alice Example\"}, \"scopes\": []," \
  " \"granted_at\": 1763000000, \"expires_at\": 0," \
  " \"state\": \"valid\", \"reason\": \"\", \"last_verdict\": \"valid\"," \
  " \"last_verdict_reason\": \"\", \"checked_at\": 1764000000," \
  " \"notified_state\": \"unknown\"}]}]}"

/* A check with no keyring: no verdict changes, the token reads unknown
 * (keyring) with its last verdict, and the error says why. */
static void
test_check_changes_no_verdict (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, SH_STORE_FILE_NAME, NULL);
  g_autoptr(ShManager) manager = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) checked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShToken) token = NULL;
  ShCheckSummary summary = { 0 };
  ShChannel *channel;

  g_assert_true (g_file_set_contents (path, STORE_WITH_VALID_TOKEN, -1, &error));
  manager = sh_manager_new (dir, FALSE);
  sh_manager_load_async (manager, NULL, sh_test_store_result, &loaded);
  sh_test_wait_for_result (&loaded, 5000);
  g_assert_true (sh_manager_load_finish (manager, loaded, &error));
  g_assert_no_error (error);
  channel = g_list_model_get_item (G_LIST_MODEL (sh_manager_get_channels (manager)), 0);
  g_assert_nonnull (channel);
  token = g_list_model_get_item (sh_channel_get_tokens (channel), 0);
  g_object_unref (channel);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);

  sh_checker_check_async (sh_manager_get_checker (manager), NULL, sh_test_store_result, &checked);
  sh_test_wait_for_result (&checked, 5000);
  g_assert_false (sh_checker_check_finish (sh_manager_get_checker (manager), checked, &summary, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_KEYRING_UNAVAILABLE);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_UNKNOWN);
  g_assert_cmpint (sh_token_get_reason (token), ==, SH_TOKEN_REASON_KEYRING_LOCKED);
  g_assert_cmpint (sh_token_get_last_verdict (token), ==, SH_TOKEN_STATE_VALID);
  g_assert_cmpint (sh_checker_exit_status (G_LIST_MODEL (sh_manager_get_channels (manager))), ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

  g_test_add_func ("/keyring-unavailable/load-fails-fast", test_load_fails_fast);
  g_test_add_func ("/keyring-unavailable/add-token-changes-nothing", test_add_token_changes_nothing);
  g_test_add_func ("/keyring-unavailable/check-changes-no-verdict", test_check_changes_no_verdict);

  return g_test_run ();
}
