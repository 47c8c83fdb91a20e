/* test-config.c — the environment beats GSettings beats the build. Runs with
 * GSETTINGS_SCHEMA_DIR set to the build's compiled schema and the memory
 * GSettings backend (build-aux/with-session.sh). */
#include "config.h"

#include <gio/gio.h>

#include "sh-config.h"
#include "sh-facebook-provider.h"
#include "sh-providers.h"

static void
test_precedence (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *built = NULL;
  g_autofree char *from_settings = NULL;
  g_autofree char *from_env = NULL;
  g_autofree char *graph = NULL;

  g_unsetenv ("SOCIALHUB_FACEBOOK_APP_ID");
  built = sh_config_dup (&sh_facebook_config_app_id);
  g_assert_cmpstr (built, ==, SH_FACEBOOK_APP_ID);

  g_settings_set_string (settings, "facebook-app-id", "1234567890");
  from_settings = sh_config_dup (&sh_facebook_config_app_id);
  g_assert_cmpstr (from_settings, ==, "1234567890");
  g_assert_true (sh_config_has_credentials ());

  g_setenv ("SOCIALHUB_FACEBOOK_APP_ID", "555", TRUE);
  from_env = sh_config_dup (&sh_facebook_config_app_id);
  g_assert_cmpstr (from_env, ==, "555");

  g_unsetenv ("SOCIALHUB_GRAPH_URL");
  graph = sh_config_dup (&sh_facebook_config_graph_url);
  g_assert_cmpstr (graph, ==, "https://graph.facebook.com/v24.0");
}

static void
test_no_credentials (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_unsetenv ("SOCIALHUB_FACEBOOK_APP_ID");
  g_unsetenv ("SOCIALHUB_X_CLIENT_ID");
  g_settings_reset (settings, "facebook-app-id");
  g_settings_reset (settings, "x-client-id");
  if (*SH_FACEBOOK_APP_ID == '\0' && *SH_X_CLIENT_ID == '\0')
    g_assert_false (sh_config_has_credentials ());
  else
    g_assert_true (sh_config_has_credentials ());
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  g_test_add_func ("/config/precedence", test_precedence);
  g_test_add_func ("/config/no-credentials", test_no_credentials);
  return g_test_run ();
}
