/* test-notifier.c — what reaches the notification server after a check:
 * one Notify per change, none for results without a verdict, one grouped
 * notification for several changes, CloseNotification when resolved,
 * nothing new after a restart, and the notify-* settings.
 *
 * Runs a real GApplication with the freedesktop backend against
 * lib/shtest/fake_notifications.py (its path in SH_FAKE_NOTIFICATIONS) on the private
 * session bus of with-session.sh. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sh-channel-list.h"
#include "sh-checker.h"
#include "sh-notifier.h"
#include "sh-providers.h"
#include "test-util.h"

#define T0 ((gint64) 1764000000)
#define DAY ((gint64) 24 * 60 * 60)

static char *log_path;
static GSubprocess *server;
static GApplication *app;

static gint64
fake_clock (gpointer user_data)
{
  return T0;
}

static JsonArray *
read_log (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, log_path, &error);
  g_assert_no_error (error);
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static guint
n_calls (void)
{
  g_autoptr(JsonArray) calls = read_log ();
  return json_array_get_length (calls);
}

static void
spin_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Waits until the log has @n calls, then checks that no more arrive. */
static JsonArray *
expect_calls (guint n)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (n_calls () < n && g_get_monotonic_time () < end)
    spin_ms (20);
  spin_ms (200);
  g_assert_cmpuint (n_calls (), ==, n);
  return read_log ();
}

static JsonObject *
call (JsonArray *calls, guint i)
{
  return json_array_get_object_element (calls, i);
}

/* What the end of a check does: "checked", then the one save. */
static void
announce (ShManager *manager)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_checker_announce_async (sh_manager_get_checker (manager), NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 5000);
  g_assert_true (sh_checker_announce_finish (sh_manager_get_checker (manager), result, &error));
  g_assert_no_error (error);
}

/* The notifier saves nothing itself: what it told is saved with the
 * verdicts (announce()). Whatever else is queued runs. */
static void
wait_idle (ShNotifier *notifier)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static ShToken *
token_of (ShChannel *channel, guint i)
{
  g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), i);
  return token;   /* the channel keeps it */
}

static void
verdict (ShChannel *channel, guint i, ShTokenState state, ShTokenReason reason)
{
  sh_token_apply_verdict (token_of (channel, i), state, reason, T0, 7 * DAY);
}

static ShChannel *
lookup (ShManager *manager, const char *name)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      if (g_strcmp0 (sh_channel_get_name (channel), name) == 0)
        return channel;
    }
  g_assert_not_reached ();
}

static void
test_notifications (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShNotifier) notifier = sh_notifier_new (manager, app);
  g_autoptr(ShChannel) acme = sh_test_make_channel ("Acme Coffee", "facebook", 2);
  g_autoptr(ShChannel) bean = sh_test_make_channel ("Bean Bar", "facebook", 1);
  g_autoptr(ShChannel) xacc = sh_test_make_channel ("Crema X", "x", 4);
  g_autoptr(JsonArray) calls = NULL;
  ShChannelList *list = sh_manager_get_channels (manager);
  const ShTokenReason unknowns[] = {
    SH_TOKEN_REASON_OFFLINE, SH_TOKEN_REASON_SERVER_ERROR, SH_TOKEN_REASON_NETWORK_ERROR,
    SH_TOKEN_REASON_RATE_LIMITED, SH_TOKEN_REASON_KEYRING_LOCKED,
  };
  g_autofree char *action = NULL;
  gint64 acme_id;

  sh_notifier_set_clock (notifier, fake_clock, NULL);
  sh_token_set_owner_name (token_of (acme, 0), "Alice Example");
  sh_channel_list_add (list, acme);
  sh_channel_list_add (list, bean);
  sh_channel_list_add (list, xacc);

  /* Never checked, then all valid: nothing to say. */
  announce (manager);
  for (guint i = 0; i < 2; i++)
    verdict (acme, i, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  verdict (bean, 0, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  for (guint i = 0; i < 4; i++)
    verdict (xacc, i, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  announce (manager);
  wait_idle (notifier);
  g_clear_pointer (&calls, json_array_unref);
  calls = expect_calls (0);

  /* One token dies, its channel stays linked: one normal notification. */
  verdict (acme, 0, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED);
  announce (manager);
  g_clear_pointer (&calls, json_array_unref);
  calls = expect_calls (1);
  g_assert_cmpstr (json_object_get_string_member (call (calls, 0), "method"), ==, "Notify");
  g_assert_cmpstr (json_object_get_string_member (call (calls, 0), "summary"), ==,
                   "Alice Example’s token for Acme Coffee stopped working");
  g_assert_nonnull (strstr (json_object_get_string_member (call (calls, 0), "body"),
                            "changed their password"));
  g_assert_nonnull (strstr (json_object_get_string_member (call (calls, 0), "body"),
                            "Acme Coffee stays linked"));
  g_assert_cmpint (json_object_get_int_member (call (calls, 0), "urgency"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (call (calls, 0), "icon"), ==,
                   "io.socialhub.SocialHub-facebook-symbolic");
  {
    JsonArray *actions = json_object_get_array_member (call (calls, 0), "actions");
    g_autofree char *expected = g_strdup_printf ("app.add-token::%s", sh_channel_get_id (acme));
    gboolean found = FALSE;

    for (guint i = 0; i + 1 < json_array_get_length (actions); i += 2)
      if (g_strcmp0 (json_array_get_string_element (actions, i + 1), "Add Access Token") == 0)
        {
          action = g_strdup (json_array_get_string_element (actions, i));
          found = TRUE;
        }
    g_assert_true (found);
    g_test_message ("action key: %s (detailed form %s)", action, expected);
    g_assert_nonnull (strstr (action, "add-token"));
    g_assert_nonnull (strstr (action, sh_channel_get_id (acme)));
  }
  acme_id = json_object_get_int_member (call (calls, 0), "id");

  /* The same state again, and checks without a verdict: nothing. */
  announce (manager);
  for (guint r = 0; r < G_N_ELEMENTS (unknowns); r++)
    {
      for (guint i = 0; i < 2; i++)
        sh_token_mark_unknown (token_of (acme, i), unknowns[r]);
      sh_token_mark_unknown (token_of (bean, 0), unknowns[r]);
      for (guint i = 0; i < 4; i++)
        sh_token_mark_unknown (token_of (xacc, i), unknowns[r]);
      announce (manager);
    }
  g_clear_pointer (&calls, json_array_unref);
  calls = expect_calls (1);

  /* A channel loses its only token: urgent, "Reconnect". */
  verdict (bean, 0, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED);
  announce (manager);
  g_clear_pointer (&calls, json_array_unref);
  calls = expect_calls (2);
  g_assert_cmpstr (json_object_get_string_member (call (calls, 1), "summary"), ==,
                   "Bean Bar is disconnected");
  g_assert_cmpint (json_object_get_int_member (call (calls, 1), "urgency"), ==, 2);
  {
    JsonArray *actions = json_object_get_array_member (call (calls, 1), "actions");
    gboolean found = FALSE;

    for (guint i = 1; i < json_array_get_length (actions); i += 2)
      found |= g_strcmp0 (json_array_get_string_element (actions, i), "Reconnect") == 0;
    g_assert_true (found);
  }

  /* Three tokens die at once: one notification, not three. */
  for (guint i = 0; i < 3; i++)
    verdict (xacc, i, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_REVOKED);
  announce (manager);
  g_clear_pointer (&calls, json_array_unref);
  calls = expect_calls (3);
  g_assert_cmpstr (json_object_get_string_member (call (calls, 2), "summary"), ==,
                   "3 access tokens stopped working");

  /* A token enters the warning window: low priority, in days. */
  sh_token_set_expires_at (token_of (acme, 1), T0 + 3 * DAY);
  verdict (acme, 1, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  announce (manager);
  g_clear_pointer (&calls, json_array_unref);
  calls = expect_calls (4);
  g_assert_cmpstr (json_object_get_string_member (call (calls, 3), "summary"), ==,
                   "Owner 2’s token for Acme Coffee expires in 3 days");
  g_assert_cmpint (json_object_get_int_member (call (calls, 3), "urgency"), ==, 0);

  /* Renewed: the notification about it is withdrawn. */
  verdict (acme, 0, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  announce (manager);
  g_clear_pointer (&calls, json_array_unref);
  calls = expect_calls (5);
  g_assert_cmpstr (json_object_get_string_member (call (calls, 4), "method"), ==,
                   "CloseNotification");
  g_assert_cmpint (json_object_get_int_member (call (calls, 4), "id"), ==, acme_id);
  wait_idle (notifier);

  /* A restart reads what was told and tells nothing again. */
  {
    g_autoptr(ShManager) again = sh_test_load_manager (dir);
    g_autoptr(ShNotifier) notifier2 = sh_notifier_new (again, NULL);

    g_assert_cmpint (sh_token_get_notified_state (token_of (lookup (again, "Bean Bar"), 0)), ==,
                     SH_TOKEN_STATE_EXPIRED);
    g_assert_cmpuint (sh_notifier_process (notifier2), ==, 0);
  }
  g_assert_cmpuint (sh_notifier_process (notifier), ==, 0);
  wait_idle (notifier);
}

static void
test_settings (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(ShNotifier) notifier = NULL;
  g_autoptr(ShChannel) acme = sh_test_make_channel ("Acme Coffee", "facebook", 2);
  g_autoptr(JsonArray) calls = NULL;
  guint before = n_calls ();

  g_settings_set_boolean (settings, "notify-token-invalid", FALSE);
  notifier = sh_notifier_new (manager, app);
  sh_channel_list_add (sh_manager_get_channels (manager), acme);
  verdict (acme, 0, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  verdict (acme, 1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_APP_REMOVED);
  g_assert_cmpuint (sh_notifier_process (notifier), ==, 0);
  calls = expect_calls (before);
  /* Not notified, but marked as told: enabling later sends nothing old. */
  g_assert_cmpint (sh_token_get_notified_state (token_of (acme, 1)), ==, SH_TOKEN_STATE_INVALID);
  g_settings_set_boolean (settings, "notify-token-invalid", TRUE);
  g_assert_cmpuint (sh_notifier_process (notifier), ==, 0);
  wait_idle (notifier);
}

static void
set_server_capabilities (const char * const *capabilities)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications",
                                       "/org/freedesktop/Notifications",
                                       "io.socialhub.FakeNotifications", "SetCapabilities",
                                       g_variant_new ("(^as)", capabilities), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

#define HOSTILE "<b>Acme</b> & Co\033]0;pwned\007rtl\u202Egnp.exe"
#define SHOWN   "<b>Acme</b> & Co\u241B]0;pwned\u2407rtlgnp.exe"

/* One token of @channel dies: the notification about it. */
static JsonObject *
notify_dead_token (ShManager  *manager,
                   ShChannel  *channel,
                   JsonArray **calls)
{
  guint before = n_calls ();

  sh_channel_list_add (sh_manager_get_channels (manager), channel);
  verdict (channel, 0, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  verdict (channel, 1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_REVOKED);
  announce (manager);
  g_clear_pointer (calls, json_array_unref);
  *calls = expect_calls (before + 1);
  return call (*calls, before);
}

/* Names from the network reach the notification server sanitized (issue
 * #13, 9): no escape sequence, no bidi override, 200 characters at most;
 * and a body escaped where the server parses markup, plain where not. */
static void
test_hostile_names (void)
{
  static const char * const with_markup[] = { "actions", "body", "body-markup", NULL };
  static const char * const without_markup[] = { "actions", "body", NULL };
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(JsonArray) calls = NULL;
  g_autofree char *huge = NULL;
  JsonObject *notify;
  const char *summary, *body;

  /* A server that parses markup (GNOME Shell's, dunst): the body escaped. */
  set_server_capabilities (with_markup);
  {
    g_autoptr(ShNotifier) notifier = sh_notifier_new (manager, app);
    g_autoptr(ShChannel) channel = sh_test_make_channel (HOSTILE, "facebook", 2);

    sh_notifier_set_clock (notifier, fake_clock, NULL);
    sh_token_set_owner_name (token_of (channel, 1), "Eve\nEvil\033[2J");
    notify = notify_dead_token (manager, channel, &calls);
    summary = json_object_get_string_member (notify, "summary");
    body = json_object_get_string_member (notify, "body");
    g_test_message ("summary: %s", summary);
    g_test_message ("body: %s", body);
    /* The summary is plain text in the specification: sanitized only. */
    g_assert_cmpstr (summary, ==, "Eve Evil\u241B[2J’s token for " SHOWN " stopped working");
    g_assert_nonnull (strstr (body, "&lt;b&gt;Acme&lt;/b&gt; &amp; Co\u241B]0;pwned\u2407rtlgnp.exe "
                                    "stays linked"));
    g_assert_null (strstr (body, "<b>"));
    g_assert_null (strchr (body, '\033'));
    g_assert_null (strstr (body, "\u202E"));
    wait_idle (notifier);
  }

  /* One that does not: the same body, plain. */
  set_server_capabilities (without_markup);
  {
    g_autoptr(ShNotifier) notifier = sh_notifier_new (manager, app);
    g_autoptr(ShChannel) channel = sh_test_make_channel (HOSTILE " 2", "facebook", 2);

    sh_notifier_set_clock (notifier, fake_clock, NULL);
    notify = notify_dead_token (manager, channel, &calls);
    body = json_object_get_string_member (notify, "body");
    g_assert_nonnull (strstr (body, SHOWN " 2 stays linked"));
    wait_idle (notifier);
  }

  /* A 300 KB name: 200 characters of it. */
  {
    g_autoptr(ShNotifier) notifier = sh_notifier_new (manager, app);
    g_autoptr(ShChannel) channel = NULL;
    g_autofree char *expected = NULL;

    huge = g_malloc (300 * 1024 + 1);
    memset (huge, 'H', 300 * 1024);
    huge[300 * 1024] = '\0';
    channel = sh_test_make_channel (huge, "facebook", 2);
    sh_notifier_set_clock (notifier, fake_clock, NULL);
    notify = notify_dead_token (manager, channel, &calls);
    summary = json_object_get_string_member (notify, "summary");
    body = json_object_get_string_member (notify, "body");
    g_assert_cmpuint (strlen (summary), <, 400);
    g_assert_cmpuint (strlen (body), <, 600);
    expected = g_strdup_printf ("Owner 2’s token for %.199s… stopped working", huge);
    g_assert_cmpstr (summary, ==, expected);
    wait_idle (notifier);
  }
}

int
main (int argc, char **argv)
{
  const char *fake = g_getenv ("SH_FAKE_NOTIFICATIONS");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *tmp = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", TRUE);
  g_assert_nonnull (fake);

  tmp = sh_test_make_dir ();
  log_path = g_build_filename (tmp, "notifications.json", NULL);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             "/usr/bin/python3", fake, log_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");

  app = g_application_new ("io.socialhub.TestNotifier", G_APPLICATION_DEFAULT_FLAGS);
  g_application_register (app, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/notifier/notifications", test_notifications);
  g_test_add_func ("/notifier/settings", test_settings);
  g_test_add_func ("/notifier/hostile-names", test_hostile_names);
  status = g_test_run ();

  g_clear_object (&app);
  g_subprocess_send_signal (server, 15);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  g_free (log_path);
  return status;
}
