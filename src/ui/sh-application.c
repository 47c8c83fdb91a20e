/* sh-application.c — the GUI application.
 *
 * It owns the ShManager, opens the window, and also answers command-line
 * requests forwarded from a `socialhub --list` started while it runs, so that
 * both see the same channels.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-application.h"
#include "sh-background-notice.h"
#include "sh-background.h"
#include "sh-broker-service.h"
#include "sh-command-line.h"
#include "sh-manager.h"
#include "sh-monitor.h"
#include "sh-notifier.h"
#include "sh-preferences-window.h"
#include "sh-sandbox-menu.h"
#include "sh-sandbox-session.h"
#include "sh-startup-timer.h"
#include "sh-status-notifier-item.h"
#include "sh-window.h"
#include "sh-window-state.h"

struct _ShApplication
{
  AdwApplication    parent_instance;

  gboolean          sandbox;
  ShSandboxSession *sandbox_session;
  ShManager        *manager;
  ShMonitor        *monitor;
  ShNotifier       *notifier;
  ShBackground     *background;  /* autostart, the Background portal */
  GSettings        *settings;
  ShStatusNotifierItem *tray;    /* the tray icon, where a panel hosts one */
  ShBrokerService  *broker;      /* io.socialhub.SocialHub.Broker1 on the bus */
  gboolean          held;        /* running in the background */
  GCancellable     *cancellable;
};

G_DEFINE_FINAL_TYPE (ShApplication, sh_application, ADW_TYPE_APPLICATION)

static gint
sh_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  ShApplication *self = SH_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  sh_command_line_parse (options, &error);
  if (error != NULL)
    {
      g_printerr ("socialhub: %s\n", error->message);
      return SH_EXIT_USAGE;
    }

  /* Only used if this process becomes the primary instance. */
  self->sandbox = sh_command_line_get_sandbox (options);
  return -1;
}

static void
on_reconciled (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint n_repaired = 0;

  /* A keyring problem here is not fatal: the channels are shown anyway, and
   * the checks report the keyring state on each token. */
  if (!sh_manager_reconcile_finish (SH_MANAGER (source), result, &n_repaired, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Keyring not reconciled: %s", error->message);
  else
    /* The window offers the orphans back (a toast with "Restore"); without
     * a window, app.restore-tokens does the same. */
    g_debug ("Reconciled: %u repaired, %u secrets in the keyring that no channel lists",
             n_repaired, sh_manager_get_n_orphans (SH_MANAGER (source)));
  /* The benchmark's memory figure is taken once the keyring step is over
   * (tests/bench/startup-ab.py), whatever it found. */
  if (sh_startup_timer_enabled ())
    g_printerr ("reconciled-ms: %" G_GINT64_FORMAT " repaired: %u\n", /* not-translated: read by tests/bench */
                sh_startup_timer_elapsed_ms (), n_repaired);
}

/* With run-in-background on, the application stays when its window closes,
 * so that the monitor keeps checking and notifications keep arriving; "Quit"
 * still quits. */
static void
update_background (ShApplication *self)
{
  gboolean wanted = self->monitor != NULL && sh_monitor_get_active (self->monitor) &&
                    (self->settings == NULL ||
                     g_settings_get_boolean (self->settings, "run-in-background"));

  if (wanted == self->held)
    return;
  self->held = wanted;
  if (wanted)
    g_application_hold (G_APPLICATION (self));
  else
    g_application_release (G_APPLICATION (self));
}

/* For the first-close notification: whether closing the window leaves
 * SocialHub running. */
static gboolean
stays_running (GtkApplication *app)
{
  return SH_APPLICATION (app)->held;
}

static void
start_monitor (ShApplication *self)
{
  if (sh_monitor_get_active (self->monitor))
    return;
  sh_monitor_start (self->monitor);
  update_background (self);
  /* Not for the sandbox, a demonstration: it would start at login. */
  if (self->background != NULL)
    sh_background_start (self->background);
}

/* The first check and the reconciliation read every secret from the
 * keyring; done at once, they would compete with the window's first frame
 * of the list (issue #9: no secrets loaded before it). So they start once
 * the window has painted, when the main loop is idle; without a window
 * (running in the background) at once. */
static gboolean
start_background_work (gpointer user_data)
{
  ShApplication *self = user_data;

  start_monitor (self);
  sh_manager_reconcile_async (self->manager, self->cancellable, on_reconciled, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_first_paint (GdkFrameClock *clock,
                ShApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_paint, self);
  g_idle_add_full (G_PRIORITY_LOW, start_background_work, g_object_ref (self), g_object_unref);
}

static void
start_after_first_frame (ShApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    start_background_work (self);
  else
    sh_startup_timer_watch_paint (GTK_WIDGET (window), G_CALLBACK (on_first_paint), self);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ShApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_manager_ensure_loaded_finish (SH_MANAGER (source), result, &error))
    {
      g_message ("Could not load the channels: %s", error->message);
      return;
    }
  start_after_first_frame (self);
}

/* The token broker on the bus (it refuses while token-broker is off), on
 * the object path of the application, before the name is taken. */
static gboolean
sh_application_dbus_register (GApplication     *app,
                              GDBusConnection  *connection,
                              const char       *object_path,
                              GError          **error)
{
  ShApplication *self = SH_APPLICATION (app);
  g_autoptr(GError) local_error = NULL;

  if (!G_APPLICATION_CLASS (sh_application_parent_class)->dbus_register (app, connection,
                                                                         object_path, error))
    return FALSE;
  self->broker = sh_broker_service_new (connection, object_path, &local_error);
  if (self->broker == NULL)
    g_message ("The token broker is not on the bus: %s", local_error->message);
  return TRUE;
}

static void
sh_application_dbus_unregister (GApplication    *app,
                                GDBusConnection *connection,
                                const char      *object_path)
{
  g_clear_object (&SH_APPLICATION (app)->broker);
  G_APPLICATION_CLASS (sh_application_parent_class)->dbus_unregister (app, connection, object_path);
}

static void
sh_application_startup (GApplication *app)
{
  ShApplication *self = SH_APPLICATION (app);
  g_autofree char *data_dir = sh_manager_default_data_dir (self->sandbox);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  /* window.close is GtkWindow's own action: an application accelerator
   * reaches every window of the application, Preferences too. */
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (sh_application_parent_class)->startup (app);

  if (self->sandbox)
    {
      g_autoptr(GError) error = NULL;

      /* Before anything reads the configuration: every provider of this
       * process talks to the emulator. */
      self->sandbox_session = sh_sandbox_session_new (&error);
      if (self->sandbox_session == NULL)
        g_error ("The sandbox could not start: %s", error->message);
    }

  self->manager = sh_manager_new (data_dir, self->sandbox);
  /* Made now for the window's Check Now; started after the first frame. */
  self->monitor = sh_monitor_new (self->manager, NULL);
  /* Before any check, whoever starts it (the monitor, Check Now, a
   * forwarded --check): it compares each check's verdicts with what it told. */
  self->notifier = sh_notifier_new (self->manager, app);
  if (self->broker != NULL)
    sh_broker_service_set_manager (self->broker, self->manager, G_APPLICATION (self));
  if (self->sandbox_session != NULL)
    sh_sandbox_menu_install (app, sh_sandbox_session_get_server (self->sandbox_session),
                             self->manager, self->monitor);
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE)
                                               : NULL;

    if (schema != NULL && g_settings_schema_has_key (schema, "run-in-background"))
      {
        self->settings = g_settings_new_full (schema, NULL, NULL);
        g_signal_connect_object (self->settings, "changed::run-in-background",
                                 G_CALLBACK (update_background), self, G_CONNECT_SWAPPED);
        sh_background_notice_install (GTK_APPLICATION (app), self->settings, stays_running);
      }
    self->tray = sh_status_notifier_item_new (app,
                                              G_LIST_MODEL (sh_manager_get_channels (self->manager)));
    if (self->settings != NULL && g_settings_schema_has_key (schema, "show-tray-icon"))
      g_settings_bind (self->settings, "show-tray-icon", self->tray, "enabled", G_SETTINGS_BIND_GET);
  }
  if (!self->sandbox)
    self->background = sh_background_new (self->settings, sh_manager_get_channels (self->manager));
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  /* Without the schema (an uninstalled build) there is nothing to show. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (app),
                                                                            "preferences")),
                               self->settings != NULL);

  /* Loaded once, early: the window shows the channels as soon as they are read. */
  sh_manager_ensure_loaded_async (self->manager, self->cancellable, on_loaded,
                                  g_object_ref (self));
}

static void
sh_application_activate (GApplication *app)
{
  ShApplication *self = SH_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (sh_window_new (GTK_APPLICATION (app), self->monitor));
      /* At the size and state it was closed with. */
      sh_window_state_attach (window, self->settings);
    }
  gtk_window_present (window);
}

static void
on_command_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  sh_command_line_run_finish (SH_MANAGER (source), result);
  g_application_release (G_APPLICATION (user_data));
}

static int
sh_application_command_line (GApplication            *app,
                             GApplicationCommandLine *cmdline)
{
  ShApplication *self = SH_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);

  if (sh_command_line_parse (options, NULL) == SH_COMMAND_WINDOW)
    {
      if (sh_command_line_get_sandbox (options) != self->sandbox)
        g_application_command_line_printerr (cmdline, "socialhub: %s\n",
          self->sandbox ? _("SocialHub is already running with the sandbox.")
                        : _("SocialHub is already running with the real networks; quit it "
                            "to use the sandbox."));
      g_application_activate (app);
      return 0;
    }

  g_application_hold (app);
  sh_command_line_run_async (self->manager, self->monitor, cmdline, self->cancellable,
                             on_command_done, app);
  /* GApplication sets the returned status on the command line: keep the
   * one a command refused at once has set (a sandbox mismatch: 69). */
  return g_application_command_line_get_exit_status (cmdline);
}

static void
sh_application_shutdown (GApplication *app)
{
  ShApplication *self = SH_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  /* Quit leaves the windows open: nothing else saves their size. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    sh_window_state_save (l->data);
  if (self->monitor != NULL)
    sh_monitor_stop (self->monitor);
  /* While the bus is still there: the panel sees the icon go. */
  g_clear_object (&self->tray);
  G_APPLICATION_CLASS (sh_application_parent_class)->shutdown (app);
}

static void
sh_application_dispose (GObject *object)
{
  ShApplication *self = SH_APPLICATION (object);

  g_clear_object (&self->monitor);
  g_clear_object (&self->notifier);
  g_clear_object (&self->tray);
  g_clear_object (&self->broker);
  g_clear_object (&self->background);
  g_clear_object (&self->settings);
  g_clear_object (&self->manager);
  g_clear_object (&self->sandbox_session);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sh_application_parent_class)->dispose (object);
}

static void
sh_application_class_init (ShApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sh_application_dispose;
  app_class->handle_local_options = sh_application_handle_local_options;
  app_class->startup = sh_application_startup;
  app_class->activate = sh_application_activate;
  app_class->command_line = sh_application_command_line;
  app_class->shutdown = sh_application_shutdown;
  app_class->dbus_register = sh_application_dbus_register;
  app_class->dbus_unregister = sh_application_dbus_unregister;
}

/* The About window over @parent (public for the test of narrow screens). */
void
sh_application_show_about (GtkWindow *parent)
{
  static const char *developers[] = { "SocialHub developers", NULL };

  /* adw_show_about_window is deprecated from libadwaita 1.6 (the Flatpak runtime's);
   * adw_show_about_dialog (1.5) takes the same properties. */
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_show_about_dialog (GTK_WIDGET (parent),
#else
  adw_show_about_window (parent,
#endif
                         "application-name", _("SocialHub"),
                         "application-icon", APP_ID,
                         "developer-name", _("SocialHub developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Keeps the access tokens of your channels working, and "
                                       "tells you first when one stops."),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
show_about (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  sh_application_show_about (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

/* app.preferences: one Preferences window at a time, over the main window;
 * asked for again, the open one comes forward. */
static void
show_preferences (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  ShApplication *self = SH_APPLICATION (user_data);
  GtkWindow *parent;
  GtkWidget *preferences;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SH_IS_PREFERENCES_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return;
      }

  /* The main window first, for Preferences to sit on; there may be none
   * when the action comes over D-Bus while running in the background. */
  g_application_activate (G_APPLICATION (self));
  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  preferences = sh_preferences_window_new (self->settings);
  sh_preferences_window_set_background (SH_PREFERENCES_WINDOW (preferences), self->background);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
on_checked_now (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ShApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_monitor_check_now_finish (self->monitor, result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Check Now: %s", error->message);
  g_application_release (G_APPLICATION (self));
}

/* app.check-now: the tray icon's Check Now. The window's own Check Now
 * where there is a window (its spinner and its toast say how it went);
 * without one the monitor's, the application kept until the check ends. */
static void
check_now (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  ShApplication *self = SH_APPLICATION (user_data);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SH_IS_WINDOW (l->data))
      {
        gtk_widget_activate_action (GTK_WIDGET (l->data), "win.check-now", NULL);
        return;
      }
  g_application_hold (G_APPLICATION (self));
  sh_monitor_check_now_async (self->monitor, self->cancellable, on_checked_now, g_object_ref (self));
}

static void
quit_app (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* The main window (not Preferences, which may be the active one). */
static GtkWindow *
main_window (ShApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SH_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

typedef struct {
  char *window_action;   /* win.add-token, win.show-channel or win.show-people */
  char *channel_id;      /* "": the list (the People page for win.show-people) */
} OpenWindowOn;

static void
open_window_on_free (OpenWindowOn *data)
{
  g_free (data->window_action);
  g_free (data->channel_id);
  g_free (data);
}

static void
on_loaded_for_window (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  OpenWindowOn *data = user_data;
  ShApplication *self = SH_APPLICATION (g_application_get_default ());
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  if (sh_manager_ensure_loaded_finish (SH_MANAGER (source), result, &error) && self != NULL)
    {
      g_application_activate (G_APPLICATION (self));
      window = main_window (self);
      if (window != NULL && *data->channel_id == '\0' &&
          !g_str_equal (data->window_action, "win.show-people"))
        gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
      else if (window != NULL)
        gtk_widget_activate_action (GTK_WIDGET (window), data->window_action, "s",
                                    data->channel_id);
    }
  if (self != NULL)
    g_application_release (G_APPLICATION (self));
  open_window_on_free (data);
}

/* A notification's actions: they may start the application, so the
 * channels may not be read yet. */
static void
open_window_on (ShApplication *self,
                const char    *window_action,
                GVariant      *parameter)
{
  OpenWindowOn *data = g_new0 (OpenWindowOn, 1);

  data->window_action = g_strdup (window_action);
  data->channel_id = g_variant_dup_string (parameter, NULL);
  g_application_hold (G_APPLICATION (self));
  sh_manager_ensure_loaded_async (self->manager, self->cancellable, on_loaded_for_window, data);
}

/* app.add-token("CHANNEL-ID"): a notification's fix button. Shows the
 * window on that channel with the "Add access token" flow started. */
static void
add_token (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  open_window_on (SH_APPLICATION (user_data), "win.add-token", parameter);
}

/* app.show-channel("CHANNEL-ID"): a notification's default action. Shows
 * the window on that channel's page, or on the list for "". */
static void
show_channel (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  open_window_on (SH_APPLICATION (user_data), "win.show-channel", parameter);
}

/* app.show-person("NETWORK:USER_ID"): the default action of the
 * notification about a person's tokens. Shows the People page on that
 * person, or from its top for "" or someone no longer there. */
static void
show_person (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  open_window_on (SH_APPLICATION (user_data), "win.show-people", parameter);
}

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GApplication) app = user_data;
  g_autoptr(GError) error = NULL;
  guint n_restored = 0, n_left = 0;

  if (!sh_manager_restore_finish (SH_MANAGER (source), result, &n_restored, &n_left, &error))
    g_message ("Nothing restored: %s", error->message);
  else
    g_debug ("Restored %u tokens; %u secrets stay in the keyring", n_restored, n_left);
  g_application_release (app);
}

/* app.restore-tokens: the restore offer's button, from the window or (it is
 * exported on the bus) from outside when no window is open. */
static void
restore_tokens (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ShApplication *self = SH_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-tokens", NULL);
      return;
    }
  g_application_hold (G_APPLICATION (self));
  sh_manager_restore_async (self->manager, self->cancellable, on_restored, g_object_ref (self));
}

static const GActionEntry app_actions[] = {
  { .name = "restore-tokens", .activate = restore_tokens },
  { .name = "about", .activate = show_about },
  { .name = "add-token", .activate = add_token, .parameter_type = "s" },
  { .name = "show-channel", .activate = show_channel, .parameter_type = "s" },
  { .name = "show-person", .activate = show_person, .parameter_type = "s" },
  { .name = "preferences", .activate = show_preferences },
  { .name = "check-now", .activate = check_now },
  { .name = "quit", .activate = quit_app },
};

static void
sh_application_init (ShApplication *self)
{
  self->cancellable = g_cancellable_new ();
  sh_command_line_add_options (G_APPLICATION (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
}

ShManager *
sh_application_get_manager (ShApplication *self)
{
  g_return_val_if_fail (SH_IS_APPLICATION (self), NULL);
  return self->manager;
}

ShApplication *
sh_application_new (void)
{
  return g_object_new (SH_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/socialhub/SocialHub",
                       NULL);
}
