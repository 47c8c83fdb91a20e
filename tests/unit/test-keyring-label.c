/* test-keyring-label.c — the label of a token's keyring item, as Seahorse
 * and `secret-tool` show it (the Secret Service's Label property), holds
 * the owner's name sanitized: no escape sequence, no bidi override, no line
 * break, at most 200 characters of it (issue #13, 9). Runs against the real
 * gnome-keyring of build-aux/with-session.sh. */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "sh-providers.h"
#include "sh-secret-store.h"
#include "test-util.h"

#define SECRET "EAAtestSECRETlabellabellabellabel1"

/* The Label property of the one Secret Service item with @token_id, asked
 * over D-Bus as Seahorse does. */
static char *
label_of_item (const char *token_id)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) found = NULL;
  g_autoptr(GVariant) label = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **unlocked = NULL;
  g_autofree const char **locked = NULL;
  GVariantBuilder attributes;

  g_variant_builder_init (&attributes, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&attributes, "{ss}", "token-id", token_id);
  found = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "SearchItems",
                                       g_variant_new ("(a{ss})", &attributes),
                                       G_VARIANT_TYPE ("(aoao)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (found, "(^a&o^a&o)", &unlocked, &locked);
  g_assert_cmpuint (g_strv_length ((char **) unlocked), ==, 1);
  label = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", unlocked[0],
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.freedesktop.Secret.Item", "Label"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (label, "(v)", &value);
  return g_variant_dup_string (value, NULL);
}

static char *
stored_label (const char *owner)
{
  g_autofree char *scope = sh_test_make_dir ();
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, FALSE);
  g_autofree char *id = sh_token_generate_id ();
  g_autoptr(ShToken) token = sh_token_new (id, "facebook", "channel-1");
  g_autoptr(ShSecret) secret = sh_secret_new (SECRET, NULL, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *label;

  sh_token_set_owner_name (token, owner);
  sh_secret_store_store_async (store, token, secret, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_secret_store_store_finish (store, result, &error));
  g_assert_no_error (error);

  label = label_of_item (id);
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
  sh_providers_register ();

  g_test_add_func ("/keyring-label/hostile-owner", test_hostile_owner);
  g_test_add_func ("/keyring-label/huge-owner", test_huge_owner);
  return g_test_run ();
}
