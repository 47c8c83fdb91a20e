/* test-background.c — what run-in-background does beyond keeping the
 * process (src/desktop/sh-background.c).
 *
 * Inside Flatpak (forced with SOCIALHUB_ASSUME_FLATPAK=1): the requests
 * lib/shtest/fake_portal.py (its path in SH_FAKE_PORTAL) receives on the
 * private session bus of with-session.sh, with their options; a refusal
 * turns the key off and says why; SetStatus follows the channels from
 * connected to disconnected, and is not called where the portal is too old.
 * Outside Flatpak: the autostart entry in $XDG_CONFIG_HOME/autostart,
 * written with an absolute Exec and removed when the key goes off, and a
 * file that is not ours neither replaced nor deleted. */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "sh-autostart.h"
#include "sh-background.h"
#include "sh-channel-list.h"
#include "sh-providers.h"
#include "test-util.h"

#define KEY "run-in-background"

static const char *fake_portal;

/* Spins the main context until @cond holds, failing after 10 s (scaled). */
#define WAIT_FOR(cond)                                                             \
  G_STMT_START {                                                                   \
    gint64 end_ = g_get_monotonic_time () + sh_test_time_limit (10 * G_USEC_PER_SEC); \
    while (!(cond) && g_get_monotonic_time () < end_)                              \
      g_main_context_iteration (NULL, FALSE);                                      \
    if (!(cond))                                                                   \
      g_error ("Timed out waiting for: %s", #cond);                                \
  } G_STMT_END

typedef struct {
  GSettings     *settings;
  ShChannelList *channels;
  ShBackground  *background;
  GSubprocess   *portal;
  char          *dir;
  char          *log_path;
  const char    *answer;
  GDBusConnection *bus;         /* held: the process's one session connection */
  guint          n_responses;   /* Response signals seen on our connection */
  guint          response_subscription;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  f->settings = g_settings_new_with_backend (APP_ID, backend);
  f->channels = sh_channel_list_new ();
  f->dir = sh_test_make_dir ();
  f->log_path = g_build_filename (f->dir, "portal.json", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *path = sh_autostart_dup_path ();

  g_clear_object (&f->background);
  if (f->response_subscription != 0)
    g_dbus_connection_signal_unsubscribe (f->bus, f->response_subscription);
  g_clear_object (&f->bus);
  if (f->portal != NULL)
    {
      g_subprocess_send_signal (f->portal, 15);
      g_subprocess_wait (f->portal, NULL, NULL);
      g_clear_object (&f->portal);
    }
  g_clear_object (&f->channels);
  g_clear_object (&f->settings);
  g_unlink (path);
  g_unsetenv ("SOCIALHUB_ASSUME_FLATPAK");
  g_free (f->log_path);
  g_free (f->dir);
}

static void
count_response (GDBusConnection *bus, const char *sender, const char *path,
                const char *interface, const char *signal, GVariant *parameters,
                gpointer user_data)
{
  Fixture *f = user_data;
  f->n_responses++;
}

/* A round trip to the fake portal: what this process sent before has
 * reached it (one connection's messages arrive in order). */
static void
portal_barrier (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (f->bus, "org.freedesktop.portal.Desktop",
                                       "/org/freedesktop/portal/desktop",
                                       "io.socialhub.FakePortal", "SetAnswer",
                                       g_variant_new ("(s)", f->answer), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* The fake portal, owning its name before the test goes on. */
static void
start_portal (Fixture *f, const char *version, const char *answer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  /* The background's own subscription is made before its request, so it
   * has run when this one counts the Response. g_bus_get_sync() keeps no
   * reference: the fixture holds the connection the background uses. */
  f->answer = answer;
  f->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  f->response_subscription =
    g_dbus_connection_signal_subscribe (f->bus, NULL, "org.freedesktop.portal.Request",
                                        "Response", NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        count_response, f, NULL);

  f->portal = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/usr/bin/python3",
                                fake_portal, f->log_path, "--version", version,
                                "--answer", answer, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->portal));
  /* Debug output (G_MESSAGES_DEBUG) may come first. */
  do
    {
      g_free (line);
      line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
    }
  while (!g_str_equal (line, "ready"));
}

static void
start_background (Fixture *f, gboolean flatpak)
{
  if (flatpak)
    g_setenv ("SOCIALHUB_ASSUME_FLATPAK", "1", TRUE);
  f->background = sh_background_new (f->settings, f->channels);
  g_assert_cmpint (sh_background_get_flatpak (f->background), ==, flatpak);
  sh_background_start (f->background);
}

/* The portal's calls named @method, in order. */
static GPtrArray *
calls (Fixture *f, const char *method)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *all;

  if (!json_parser_load_from_file (parser, f->log_path, NULL))
    return found;
  all = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonObject *call = json_array_get_object_element (all, i);

      if (g_strcmp0 (json_object_get_string_member (call, "method"), method) == 0)
        g_ptr_array_add (found, json_object_ref (call));
    }
  return found;
}

static guint
n_calls (Fixture *f, const char *method)
{
  g_autoptr(GPtrArray) found = calls (f, method);
  return found->len;
}

static const char *
last_status (Fixture *f)
{
  static char *message;
  g_autoptr(GPtrArray) found = calls (f, "SetStatus");

  g_clear_pointer (&message, g_free);
  if (found->len > 0)
    message = g_strdup (json_object_get_string_member (g_ptr_array_index (found, found->len - 1),
                                                       "message"));
  return message;
}

/* ---- inside Flatpak ------------------------------------------------------ */

/* The key on (its default) at start asks once, with autostart, the command
 * line of the service and a reason; off asks again without autostart. No
 * host autostart file: the portal writes that one. */
static void
test_portal_request (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *path = sh_autostart_dup_path ();
  JsonObject *options;
  JsonArray *commandline;

  start_portal (f, "2", "allow");
  g_assert_true (g_settings_get_boolean (f->settings, KEY));
  start_background (f, TRUE);
  WAIT_FOR (n_calls (f, "RequestBackground") == 1);

  requests = calls (f, "RequestBackground");
  options = json_object_get_object_member (g_ptr_array_index (requests, 0), "options");
  g_assert_true (json_object_get_boolean_member (options, "autostart"));
  g_assert_false (json_object_get_boolean_member (options, "dbus-activatable"));
  commandline = json_object_get_array_member (options, "commandline");
  g_assert_cmpuint (json_array_get_length (commandline), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (commandline, 0), ==, "socialhub");
  g_assert_cmpstr (json_array_get_string_element (commandline, 1), ==, "--gapplication-service");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (options, "reason"),
                                   "SocialHub checks the access tokens"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (options, "handle_token"),
                                   "socialhub"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Allowed: the key stays on, nothing to say. */
  WAIT_FOR (f->n_responses == 1);
  g_assert_true (g_settings_get_boolean (f->settings, KEY));
  g_assert_null (sh_background_get_refusal (f->background));

  g_settings_set_boolean (f->settings, KEY, FALSE);
  WAIT_FOR (n_calls (f, "RequestBackground") == 2);
  g_clear_pointer (&requests, g_ptr_array_unref);
  requests = calls (f, "RequestBackground");
  options = json_object_get_object_member (g_ptr_array_index (requests, 1), "options");
  g_assert_false (json_object_get_boolean_member (options, "autostart"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A stored "no" (response 0, background false) or a closed dialog
 * (response 1): the key goes off, the refusal says why, and that "off" is
 * not sent back to the portal. Turning it on again asks again. */
static void
test_portal_refusal (Fixture *f, gconstpointer data)
{
  const char *answer = data;

  start_portal (f, "2", answer);
  start_background (f, TRUE);
  WAIT_FOR (!g_settings_get_boolean (f->settings, KEY));
  g_assert_nonnull (sh_background_get_refusal (f->background));
  g_assert_nonnull (strstr (sh_background_get_refusal (f->background),
                            "SocialHub to run in the background"));
  portal_barrier (f);
  g_assert_cmpuint (n_calls (f, "RequestBackground"), ==, 1);

  g_settings_set_boolean (f->settings, KEY, TRUE);
  g_assert_null (sh_background_get_refusal (f->background));
  WAIT_FOR (n_calls (f, "RequestBackground") == 2);
  WAIT_FOR (!g_settings_get_boolean (f->settings, KEY));
  g_assert_nonnull (sh_background_get_refusal (f->background));
}

/* No portal on the bus at all: refused with the reason, the key off. */
static void
test_portal_absent (Fixture *f, gconstpointer data)
{
  start_background (f, TRUE);
  WAIT_FOR (!g_settings_get_boolean (f->settings, KEY));
  g_assert_nonnull (strstr (sh_background_get_refusal (f->background),
                            "could not be asked"));
}

static ShToken *
first_token (ShChannel *channel)
{
  return g_list_model_get_item (sh_channel_get_tokens (channel), 0);
}

static void
test_portal_status (Fixture *f, gconstpointer data)
{
  g_autoptr(ShChannel) acme = sh_test_make_channel ("Acme Coffee", "facebook", 1);
  g_autoptr(ShChannel) bakery = sh_test_make_channel ("Bakery", "x", 1);
  g_autoptr(ShToken) acme_token = first_token (acme);
  g_autoptr(ShToken) bakery_token = first_token (bakery);

  sh_token_apply_verdict (acme_token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, 1, 0);
  sh_token_apply_verdict (bakery_token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, 1, 0);
  sh_channel_list_add (f->channels, acme);
  sh_channel_list_add (f->channels, bakery);

  start_portal (f, "2", "allow");
  start_background (f, TRUE);
  WAIT_FOR (g_strcmp0 (last_status (f), "All channels connected") == 0);
  g_assert_cmpstr (sh_background_get_status (f->background), ==, "All channels connected");

  sh_token_apply_verdict (acme_token, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED,
                          2, 0);
  WAIT_FOR (g_strcmp0 (last_status (f), "1 channel needs attention") == 0);
  sh_token_apply_verdict (bakery_token, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED, 2, 0);
  WAIT_FOR (g_strcmp0 (last_status (f), "2 channels need attention") == 0);
  /* Only changes are sent. */
  g_assert_cmpuint (n_calls (f, "SetStatus"), ==, 3);
}

/* Version 1 has no SetStatus: none is sent (the status is still known). */
static void
test_portal_old_version (Fixture *f, gconstpointer data)
{
  start_portal (f, "1", "allow");
  start_background (f, TRUE);
  WAIT_FOR (n_calls (f, "RequestBackground") == 1);
  WAIT_FOR (f->n_responses == 1);
  portal_barrier (f);
  g_assert_cmpuint (n_calls (f, "SetStatus"), ==, 0);
  g_assert_cmpstr (sh_background_get_status (f->background), ==, "No channels yet");
}

/* ---- outside Flatpak ----------------------------------------------------- */

static char *
expected_path (void)
{
  return g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "autostart",
                           "io.socialhub.SocialHub.desktop", NULL);
}

static void
test_autostart (Fixture *f, gconstpointer data)
{
  g_autofree char *path = expected_path ();
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *type = NULL;
  g_auto(GStrv) argv = NULL;

  g_assert_nonnull (g_getenv ("XDG_CONFIG_HOME"));
  start_background (f, FALSE);
  g_assert_true (g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  exec = g_key_file_get_string (entry, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);
  g_assert_true (g_shell_parse_argv (exec, NULL, &argv, NULL));
  g_assert_cmpuint (g_strv_length (argv), ==, 2);
  g_assert_true (g_path_is_absolute (argv[0]));
  g_assert_true (g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE));
  g_assert_cmpstr (argv[1], ==, "--gapplication-service");
  type = g_key_file_get_string (entry, "Desktop Entry", "Type", NULL);
  g_assert_cmpstr (type, ==, "Application");
  g_assert_true (g_key_file_get_boolean (entry, "Desktop Entry", "X-SocialHub-Autostart", NULL));
  g_assert_true (sh_autostart_is_ours (path));
  g_assert_null (sh_background_get_refusal (f->background));

  g_settings_set_boolean (f->settings, KEY, FALSE);
  WAIT_FOR (!g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (sh_background_get_refusal (f->background));
  g_settings_set_boolean (f->settings, KEY, TRUE);
  WAIT_FOR (g_file_test (path, G_FILE_TEST_EXISTS));
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, needle) != NULL;
}

/* Someone else's file at our path: neither replaced nor deleted. An entry
 * of an earlier version, without the mark, is ours and goes. */
static void
test_autostart_foreign (Fixture *f, gconstpointer data)
{
  g_autofree char *path = expected_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autofree char *target = g_build_filename (f->dir, "mine.desktop", NULL);
  const char *foreign = "[Desktop Entry]\nType=Application\nName=Mine\nExec=/opt/mine/run\n";
  const char *old = "[Desktop Entry]\nType=Application\nName=SocialHub\n"
                    "Exec=socialhub --gapplication-service\n";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, foreign, -1, NULL));
  g_assert_false (sh_autostart_is_ours (path));
  start_background (f, FALSE);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, foreign);
  /* Preferences says why SocialHub will not start at login. */
  g_assert_nonnull (sh_background_get_refusal (f->background));
  g_assert_nonnull (strstr (sh_background_get_refusal (f->background), path));
  g_settings_set_boolean (f->settings, KEY, FALSE);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, foreign);

  /* A symlink is the person's, even to an entry of ours. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_true (g_file_set_contents (target, old, -1, NULL));
  g_assert_cmpint (symlink (target, path), ==, 0);
  g_assert_false (sh_autostart_is_ours (path));
  g_assert_false (sh_autostart_remove (NULL));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_SYMLINK));

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_true (g_file_set_contents (path, old, -1, NULL));
  g_assert_true (sh_autostart_is_ours (path));
  g_settings_set_boolean (f->settings, KEY, TRUE);
  WAIT_FOR (file_contains (path, "X-SocialHub-Autostart=true"));
  g_settings_set_boolean (f->settings, KEY, FALSE);
  WAIT_FOR (!g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  fake_portal = g_getenv ("SH_FAKE_PORTAL");
  g_assert_nonnull (fake_portal);

#define ADD(path, func, data) g_test_add (path, Fixture, data, setup, func, teardown)
  ADD ("/background/portal-request", test_portal_request, NULL);
  ADD ("/background/portal-refusal/denied", test_portal_refusal, "deny");
  ADD ("/background/portal-refusal/cancelled", test_portal_refusal, "cancel");
  ADD ("/background/portal-absent", test_portal_absent, NULL);
  ADD ("/background/portal-status", test_portal_status, NULL);
  ADD ("/background/portal-old-version", test_portal_old_version, NULL);
  ADD ("/background/autostart", test_autostart, NULL);
  ADD ("/background/autostart-foreign", test_autostart_foreign, NULL);
  return g_test_run ();
}
