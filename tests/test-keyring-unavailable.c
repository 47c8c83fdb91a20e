/* test-keyring-unavailable.c — run on a bus where nothing provides
 * org.freedesktop.secrets (build-aux/with-session.sh --no-keyring): every
 * keyring call fails fast with SH_ERROR_KEYRING_UNAVAILABLE, and nothing is
 * half-added. */
#include "config.h"

#include "sh-error.h"
#include "sh-manager.h"
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
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_add_token_changes_nothing (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_manager_new (dir, FALSE);
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", SH_NETWORK_FACEBOOK, 0);
  g_autoptr(ShToken) token = sh_token_new ("6f1c8f5e-4a53-4a63-9d3c-2b7f0f3f1a11", SH_NETWORK_FACEBOOK, NULL);
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
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  /* No token without its secret: nothing in the list, nothing on disk, and
   * the token's state untouched. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sh_manager_get_channels (manager))), ==, 0);
  g_assert_false (g_file_test (sh_store_get_path (sh_manager_get_store (manager)), G_FILE_TEST_EXISTS));
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_UNKNOWN);
  g_assert_null (strstr (error->message, SECRET));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring-unavailable/load-fails-fast", test_load_fails_fast);
  g_test_add_func ("/keyring-unavailable/add-token-changes-nothing", test_add_token_changes_nothing);

  return g_test_run ();
}
