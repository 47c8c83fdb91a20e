/* test-preferences.c — the Preferences window and the shortcuts window, in
 * process, on a real display.
 *
 * Each test gets its own in-memory settings backend, so that the window is
 * checked against the keys themselves: a change in a control must reach its
 * key, a change of the key must show in the control, and a value the window
 * refuses must leave the key as it was. Saves screenshots to
 * $SH_TEST_ARTIFACT_DIR (or the temporary folder). Needs a display
 * (xvfb-run).
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "sh-preferences-window.h"
#include "ui-test.h"
#include "sh-providers.h"


typedef struct {
  GSettings           *settings;
  ShPreferencesWindow *window;
} Fixture;

/* ---- helpers --------------------------------------------------------------- */

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A template child, or a row the window made from a provider's settings
 * (named after its key, sh-developer-app-group.h). */
static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                   SH_TYPE_PREFERENCES_WINDOW, name);

  if (object == NULL)
    object = G_OBJECT (find_named (GTK_WIDGET (fixture->window), name));
  g_assert_nonnull (object);
  return object;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static const char *
selected_interval (Fixture *fixture)
{
  AdwComboRow *row = child (fixture, "interval_row");
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static guint
find_interval (Fixture    *fixture,
               const char *label)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (child (fixture, "interval_row")));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), label))
        return i;
    }
  g_error ("No check interval %s", label);
  return 0;
}

/* Types @text into a developer-app row and presses its apply button. */
static void
apply_text (Fixture    *fixture,
            const char *row_name,
            const char *text)
{
  GtkEditable *row = child (fixture, row_name);

  gtk_editable_set_text (row, text);
  g_signal_emit_by_name (row, "apply");
  iterate ();
}

static gboolean
row_refused (Fixture    *fixture,
             const char *row_name)
{
  return gtk_widget_has_css_class (child (fixture, row_name), "error");
}

/* ---- fixture --------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  g_assert_nonnull (schema);
  fixture->settings = g_settings_new_full (schema, backend, NULL);
  fixture->window = SH_PREFERENCES_WINDOW (sh_preferences_window_new (fixture->settings));
  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ShPreferencesWindow *window = fixture->window;
  GSettings *settings = fixture->settings;

  /* Neither may keep the other alive (a binding left behind would). */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_object_add_weak_pointer (G_OBJECT (settings), (gpointer *) &settings);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  WAIT_UNTIL (window == NULL);
  g_object_unref (fixture->settings);
  WAIT_UNTIL (settings == NULL);
}

/* ---- tests ----------------------------------------------------------------- */

static void
test_switches (Fixture       *fixture,
               gconstpointer  data)
{
  static const struct {
    const char *widget;
    const char *key;
  } switches[] = {
    { "background_switch", "run-in-background" },
    { "tray_switch", "show-tray-icon" },
    { "notify_invalid_switch", "notify-token-invalid" },
    { "notify_disconnected_switch", "notify-channel-disconnected" },
    { "notify_expiring_switch", "notify-token-expiring" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
    {
      GtkSwitch *button = child (fixture, switches[i].widget);

      g_test_message ("%s", switches[i].key);
      g_assert_true (g_settings_get_boolean (fixture->settings, switches[i].key));
      g_assert_true (gtk_switch_get_active (button));

      /* As a person would: activating the switch flips it. */
      gtk_widget_activate (GTK_WIDGET (button));
      iterate ();
      g_assert_false (gtk_switch_get_active (button));
      g_assert_false (g_settings_get_boolean (fixture->settings, switches[i].key));

      g_settings_set_boolean (fixture->settings, switches[i].key, TRUE);
      iterate ();
      g_assert_true (gtk_switch_get_active (button));
    }

  /* Each switch has its own key: only the last one changed stays off. */
  gtk_widget_activate (child (fixture, "notify_expiring_switch"));
  iterate ();
  g_assert_false (g_settings_get_boolean (fixture->settings, "notify-token-expiring"));
  g_assert_true (g_settings_get_boolean (fixture->settings, "notify-token-invalid"));
  g_assert_true (g_settings_get_boolean (fixture->settings, "notify-channel-disconnected"));
  g_assert_true (g_settings_get_boolean (fixture->settings, "run-in-background"));
}

/* The token broker is off until a person turns it on; its row says the risk. */
static void
test_token_broker (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkSwitch *button = child (fixture, "broker_switch");
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

  g_assert_false (g_settings_get_boolean (fixture->settings, "token-broker"));
  g_assert_false (gtk_switch_get_active (button));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "Let scripts and other apps ask for access tokens");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "can post as your channels"));
  gtk_widget_activate (GTK_WIDGET (button));
  iterate ();
  g_assert_true (g_settings_get_boolean (fixture->settings, "token-broker"));
}

/* The expiry switch's row names the reminder stages, and follows them. */
static void
test_reminder_stages (Fixture       *fixture,
                      gconstpointer  data)
{
  AdwActionRow *row = child (fixture, "notify_expiring_row");
  const guint32 stages[] = { 14, 3, 1 };

  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==,
                   "7, 1 days before an access token or its data access ends");
  g_settings_set_value (fixture->settings, "expiry-reminder-days",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, stages,
                                                   G_N_ELEMENTS (stages), sizeof (guint32)));
  iterate ();
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==,
                   "14, 3, 1 days before an access token or its data access ends");
  g_settings_reset (fixture->settings, "expiry-reminder-days");
}

static void
test_interval (Fixture       *fixture,
               gconstpointer  data)
{
  AdwComboRow *row = child (fixture, "interval_row");
  GListModel *model = adw_combo_row_get_model (row);
  guint n_choices = g_list_model_get_n_items (model);

  /* The default, 3600 s, is shown in hours. */
  g_assert_cmpstr (selected_interval (fixture), ==, "1 hour");

  adw_combo_row_set_selected (row, find_interval (fixture, "30 minutes"));
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "check-interval"), ==, 1800);
  adw_combo_row_set_selected (row, find_interval (fixture, "24 hours"));
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "check-interval"), ==, 86400);

  g_settings_set_uint (fixture->settings, "check-interval", 7200);
  iterate ();
  g_assert_cmpstr (selected_interval (fixture), ==, "2 hours");

  /* A value that is not a choice is shown as it is, not rounded, and not
   * written back as something else. */
  g_settings_set_uint (fixture->settings, "check-interval", 3000);
  iterate ();
  g_assert_cmpstr (selected_interval (fixture), ==, "50 minutes");
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "check-interval"), ==, 3000);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_choices + 1);
  /* … in order, between 30 minutes and 1 hour. */
  g_assert_cmpuint (find_interval (fixture, "50 minutes"), ==,
                    find_interval (fixture, "30 minutes") + 1);
  g_settings_set_uint (fixture->settings, "check-interval", 301);
  iterate ();
  g_assert_cmpstr (selected_interval (fixture), ==, "301 seconds");
  g_assert_cmpuint (find_interval (fixture, "301 seconds"), ==,
                    find_interval (fixture, "5 minutes") + 1);
  /* And choosing a listed one still works after the list grew. */
  adw_combo_row_set_selected (row, find_interval (fixture, "10 minutes"));
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "check-interval"), ==, 600);
}

static void
test_spin_buttons (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkSpinButton *days = child (fixture, "warning_spin");
  GtkSpinButton *port = child (fixture, "x_redirect_port_spin");
  GtkLabel *unit = child (fixture, "warning_unit");
  AdwActionRow *port_row = child (fixture, "x_redirect_port_row");

  g_assert_cmpint (gtk_spin_button_get_value_as_int (days), ==, 7);
  g_assert_cmpstr (gtk_label_get_label (unit), ==, "days");
  gtk_spin_button_set_value (days, 14);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "warning-window-days"), ==, 14);
  g_settings_set_uint (fixture->settings, "warning-window-days", 1);
  iterate ();
  g_assert_cmpint (gtk_spin_button_get_value_as_int (days), ==, 1);
  g_assert_cmpstr (gtk_label_get_label (unit), ==, "day");
  /* Out of the key's range: the spin button stops at its end. */
  gtk_spin_button_set_value (days, 365);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "warning-window-days"), ==, 60);

  g_assert_cmpint (gtk_spin_button_get_value_as_int (port), ==, 8923);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (port_row), "http://127.0.0.1:8923/callback"));
  gtk_spin_button_set_value (port, 9100);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "x-redirect-port"), ==, 9100);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (port_row), "http://127.0.0.1:9100/callback"));
  g_settings_set_uint (fixture->settings, "x-redirect-port", 50000);
  iterate ();
  g_assert_cmpint (gtk_spin_button_get_value_as_int (port), ==, 50000);
  /* A privileged port is not offered: the key's range starts at 1024. */
  gtk_spin_button_set_value (port, 80);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "x-redirect-port"), ==, 1024);
}

static void
test_developer_apps (Fixture       *fixture,
                     gconstpointer  data)
{
  GSettings *settings = fixture->settings;
  static const struct {
    const char *row;
    const char *key;
    const char *refused[4];
    const char *typed;
    const char *saved;
  } fields[] = {
    { "facebook_app_id_row", "facebook-app-id",
      { "12ab", "123 456", "1234|abcd", NULL }, " 1234567890123456 ", "1234567890123456" },
    { "facebook_client_token_row", "facebook-client-token",
      { "1234567890|0123456789abcdef", "0123 4567", "tok\xc3\xa9n", NULL },
      "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef" },
    { "x_client_id_row", "x-client-id",
      { "my client", "id&scope=all", "a/b", NULL },
      "\tM1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ  ", "M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ" },
  };

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 640, 800);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (fixture->window), "developer");

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GtkEditable *row = child (fixture, fields[i].row);

      g_test_message ("%s", fields[i].key);
      g_assert_cmpstr (gtk_editable_get_text (row), ==, "");

      for (guint j = 0; fields[i].refused[j] != NULL; j++)
        {
          g_autofree char *value = NULL;

          apply_text (fixture, fields[i].row, fields[i].refused[j]);
          g_assert_true (row_refused (fixture, fields[i].row));
          /* The key keeps its value: a sign-in never sees the bad one. */
          value = g_settings_get_string (settings, fields[i].key);
          g_assert_cmpstr (value, ==, "");
          /* What was typed stays, to be corrected. */
          g_assert_cmpstr (gtk_editable_get_text (row), ==, fields[i].refused[j]);
        }
      if (i == 0)
        sh_test_save_screenshot (GTK_WIDGET (fixture->window), "preferences-refused.png");

      /* Correcting it clears the mark before anything is applied. */
      gtk_editable_set_text (row, "");
      g_assert_false (row_refused (fixture, fields[i].row));

      apply_text (fixture, fields[i].row, fields[i].typed);
      g_assert_false (row_refused (fixture, fields[i].row));
      {
        g_autofree char *value = g_settings_get_string (settings, fields[i].key);
        g_assert_cmpstr (value, ==, fields[i].saved);
      }
      /* Surrounding white space (a careless paste) is dropped. */
      g_assert_cmpstr (gtk_editable_get_text (row), ==, fields[i].saved);

      /* Key → row. */
      g_settings_set_string (settings, fields[i].key, "42");
      iterate ();
      g_assert_cmpstr (gtk_editable_get_text (row), ==, "42");

      /* Typing alone saves nothing: only Apply does. */
      gtk_editable_set_text (row, "4242");
      iterate ();
      {
        g_autofree char *value = g_settings_get_string (settings, fields[i].key);
        g_assert_cmpstr (value, ==, "42");
      }

      /* Emptied and applied: back to the built-in app. */
      apply_text (fixture, fields[i].row, "");
      {
        g_autofree char *value = g_settings_get_string (settings, fields[i].key);
        g_assert_cmpstr (value, ==, "");
      }
    }

  /* No override in the test's environment. */
  g_assert_false (gtk_widget_get_visible (child (fixture, "override_group")));
  sh_test_save_screenshot (GTK_WIDGET (fixture->window), "preferences-developer.png");
}

static void
test_overrides (void)
{
  Fixture fixture = { NULL, };
  AdwActionRow *row;

  /* As the sandbox does: the environment wins over GSettings (sh-config.c),
   * and the window must say so rather than seem to ignore what is saved. */
  g_setenv ("SOCIALHUB_FACEBOOK_APP_ID", "1", TRUE);
  g_setenv ("SOCIALHUB_X_CLIENT_ID", "x", TRUE);
  fixture_set_up (&fixture, NULL);
  row = child (&fixture, "override_row");
  g_assert_true (gtk_widget_get_visible (child (&fixture, "override_group")));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row),
                            "SOCIALHUB_FACEBOOK_APP_ID, SOCIALHUB_X_CLIENT_ID"));
  g_assert_null (strstr (adw_action_row_get_subtitle (row), "CLIENT_TOKEN"));
  fixture_tear_down (&fixture, NULL);
  g_unsetenv ("SOCIALHUB_FACEBOOK_APP_ID");
  g_unsetenv ("SOCIALHUB_X_CLIENT_ID");
}

/* Every control a person uses has a name a screen reader can say. */
static void
test_accessible (Fixture       *fixture,
                 gconstpointer  data)
{
  /* Named after their rows' titles by AdwActionRow… */
  static const char * const controls[] = {
    "background_switch", "tray_switch", "notify_invalid_switch", "notify_disconnected_switch",
    "notify_expiring_switch", "x_redirect_port_spin", "broker_switch",
  };
  static const char * const rows[] = {
    "interval_row", "facebook_app_id_row", "facebook_client_token_row", "x_client_id_row",
  };

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      GtkAccessible *control = child (fixture, controls[i]);

      g_test_message ("%s", controls[i]);
      g_assert_true (gtk_test_accessible_has_relation (control, GTK_ACCESSIBLE_RELATION_LABELLED_BY));
      /* … and only so: GTK 4.8 would read a label of their own as well. */
      g_assert_false (gtk_test_accessible_has_property (control, GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
  /* … but for this one, whose name says the unit. */
  g_assert_true (gtk_test_accessible_has_property (child (fixture, "warning_spin"),
                                                   GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_false (gtk_test_accessible_has_relation (child (fixture, "warning_spin"),
                                                    GTK_ACCESSIBLE_RELATION_LABELLED_BY));
  /* Rows are named by their titles (AdwPreferencesRow). */
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const char *title = adw_preferences_row_get_title (child (fixture, rows[i]));

      g_test_message ("%s", rows[i]);
      g_assert_nonnull (title);
      g_assert_cmpuint (strlen (title), >, 0);
    }

  /* A refused value is announced as invalid, with the reason. */
  apply_text (fixture, "facebook_app_id_row", "abc");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (child (fixture, "facebook_app_id_row")),
                                    GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (child (fixture, "facebook_app_id_row")),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Not saved: a Facebook App ID has only digits");
}

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  sh_test_save_screenshot (GTK_WIDGET (fixture->window), "preferences.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  sh_test_save_screenshot (GTK_WIDGET (fixture->window), "preferences-dark.png");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (fixture->window),
                                                "notifications");
  sh_test_save_screenshot (GTK_WIDGET (fixture->window), "preferences-notifications-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  sh_test_save_screenshot (GTK_WIDGET (fixture->window), "preferences-notifications.png");
}

/* The shortcuts window lists every shortcut the application has, with the
 * keys that really trigger it. */
static void
test_shortcuts_window (void)
{
  static const char * const expected[][2] = {
    { "Search", "<Primary>f" },
    { "Add Channel", "<Primary>n" },
    { "Check Now", "<Primary>r F5" },
    { "People", "<Primary>p" },
    { "Preferences", "<Primary>comma" },
    { "Keyboard Shortcuts", "<Primary>question" },
    { "Close Window", "<Primary>w" },
    { "Quit", "<Primary>q" },
  };
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/socialhub/SocialHub/gtk/help-overlay.ui");
  GtkWidget *window = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  GSList *objects = gtk_builder_get_objects (builder);
  guint found = 0;

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (window));
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "title", &title, "accelerator", &accelerator, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        if (g_str_equal (title, expected[i][0]))
          {
            g_assert_cmpstr (accelerator, ==, expected[i][1]);
            found |= 1u << i;
          }
    }
  g_slist_free (objects);
  g_assert_cmpuint (found, ==, (1u << G_N_ELEMENTS (expected)) - 1);

  gtk_window_present (GTK_WINDOW (window));
  sh_test_save_screenshot (window, "shortcuts.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkApplication) app = NULL;

  /* GtkTestATContext, so that accessible properties can be asserted. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("SOCIALHUB_FACEBOOK_APP_ID");
  g_unsetenv ("SOCIALHUB_FACEBOOK_CLIENT_TOKEN");
  g_unsetenv ("SOCIALHUB_X_CLIENT_ID");
  g_unsetenv ("SOCIALHUB_X_REDIRECT_PORT");
  gtk_test_init (&argc, &argv, NULL);
  sh_providers_register ();

  /* An application as in the real program, for libadwaita's and our
   * stylesheet: the screenshots must look like what users get. */
  app = GTK_APPLICATION (adw_application_new ("io.socialhub.SocialHub.PreferencesTest",
                                              G_APPLICATION_NON_UNIQUE));
  g_application_set_resource_base_path (G_APPLICATION (app), "/io/socialhub/SocialHub");
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/preferences/switches", Fixture, NULL, fixture_set_up, test_switches,
              fixture_tear_down);
  g_test_add ("/preferences/token-broker", Fixture, NULL, fixture_set_up, test_token_broker,
              fixture_tear_down);
  g_test_add ("/preferences/interval", Fixture, NULL, fixture_set_up, test_interval,
              fixture_tear_down);
  g_test_add ("/preferences/reminder-stages", Fixture, NULL, fixture_set_up, test_reminder_stages,
              fixture_tear_down);
  g_test_add ("/preferences/spin-buttons", Fixture, NULL, fixture_set_up, test_spin_buttons,
              fixture_tear_down);
  g_test_add ("/preferences/developer-apps", Fixture, NULL, fixture_set_up, test_developer_apps,
              fixture_tear_down);
  g_test_add_func ("/preferences/overrides", test_overrides);
  g_test_add ("/preferences/accessible", Fixture, NULL, fixture_set_up, test_accessible,
              fixture_tear_down);
  g_test_add ("/preferences/screenshots", Fixture, NULL, fixture_set_up, test_screenshots,
              fixture_tear_down);
  g_test_add_func ("/preferences/shortcuts-window", test_shortcuts_window);

  return g_test_run ();
}
