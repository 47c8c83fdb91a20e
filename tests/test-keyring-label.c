/* test-keyring-label.c — the label of a token's keyring item, as Seahorse
 * and `secret-tool` show it (the Secret Service's Label property), holds
 * the owner's name sanitized: no escape sequence, no bidi override, no line
 * break, at most 200 characters of it (issue #13, 9). Runs against the real
 * gnome-keyring of build-aux/with-session.sh. */
#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "sh-secret-store.h"
#include "test-util.h"

#define SECRET "EAAtestSECRETlabellabellabellabel1"

/* Any item of ours with this token id, whatever else it carries. */
static const SecretSchema by_token_id = {
  SH_SECRET_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
  { { "token-id", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
};

static char *
stored_label (const char *owner)
{
  g_autofree char *scope = sh_test_make_dir ();
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, FALSE);
  g_autofree char *id = sh_token_generate_id ();
  g_autoptr(ShToken) token = sh_token_new (id, SH_NETWORK_FACEBOOK, "channel-1");
  g_autoptr(ShSecret) secret = sh_secret_new (SECRET, NULL, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;
  char *label;

  sh_token_set_owner_name (token, owner);
  sh_secret_store_store_async (store, token, secret, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_secret_store_store_finish (store, result, &error));
  g_assert_no_error (error);

  items = secret_password_search_sync (&by_token_id, SECRET_SEARCH_ALL, NULL, &error,
                                       "token-id", id, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_retrievable_get_label (items->data);
  g_list_free_full (items, g_object_unref);
  g_test_message ("label: %s", label);
  return label;
}

static void
test_hostile_owner (void)
{
  g_autofree char *label = stored_label ("Eve\033]0;pwned\007\nrtl\u202Egnp.exe");

  g_assert_cmpstr (label, ==,
                   "SocialHub access token of Eve\u241B]0;pwned\u2407 rtlgnp.exe (Facebook Page)");
}

static void
test_huge_owner (void)
{
  g_autofree char *owner = g_malloc (300 * 1024 + 1);
  g_autofree char *label = NULL;
  g_autofree char *expected = NULL;

  memset (owner, 'E', 300 * 1024);
  owner[300 * 1024] = '\0';
  label = stored_label (owner);
  expected = g_strdup_printf ("SocialHub access token of %.199s… (Facebook Page)", owner);
  g_assert_cmpstr (label, ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring-label/hostile-owner", test_hostile_owner);
  g_test_add_func ("/keyring-label/huge-owner", test_huge_owner);
  return g_test_run ();
}
