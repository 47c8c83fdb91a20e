/* sh-cli-application.c — runs one command-line request without a window. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-cli-application.h"
#include "sh-command-line.h"
#include "sh-flatpak.h"
#include "sh-manager.h"
#include "sh-monitor.h"
#include "sh-notifier.h"

struct _ShCliApplication
{
  GApplication  parent_instance;

  gboolean      sandbox;
  ShManager    *manager;
  ShMonitor    *monitor;    /* never started: no schedule, only --check */
  ShNotifier   *notifier;
  int           local_exit_status;
};

G_DEFINE_FINAL_TYPE (ShCliApplication, sh_cli_application, G_TYPE_APPLICATION)

static gint
sh_cli_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  ShCliApplication *self = SH_CLI_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  ShCommand command;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("socialhub %s\n", PACKAGE_VERSION);
      return 0;
    }

  /* Refuse a wrong argument here, in the process the user started, before
   * anything is forwarded to a running instance. */
  command = sh_command_line_parse (options, &error);
  if (error == NULL)
    sh_command_line_check_local (command, &error);
  if (error != NULL)
    {
      g_printerr ("socialhub: %s\n", error->message);
      return SH_EXIT_USAGE;
    }

  self->sandbox = sh_command_line_get_sandbox (options);
  return -1;
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
name_is_activatable (GDBusConnection *bus,
                     const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **names = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                       G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, NULL);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(^a&s)", &names);
  return g_strv_contains (names, name);
}

/* Whether GNotification has anyone to talk to. With nobody there, GLib's
 * freedesktop backend prints a warning on standard error, which a script
 * reading --check would take for a problem of ours; and nobody was told, so
 * nothing may be recorded as notified. Mirrors GLib's choice of backend:
 * the portal inside Flatpak, org.gtk.Notifications, then the freedesktop
 * server, running or started on demand. */
static gboolean
notifications_available (GApplication *app)
{
  GDBusConnection *bus = g_application_get_dbus_connection (app);

  if (sh_flatpak_is_sandboxed ())
    return TRUE;
  if (bus == NULL)
    return FALSE;
  return name_has_owner (bus, "org.gtk.Notifications") ||
         name_has_owner (bus, "org.freedesktop.Notifications") ||
         name_is_activatable (bus, "org.freedesktop.Notifications");
}

static void
sh_cli_application_startup (GApplication *app)
{
  ShCliApplication *self = SH_CLI_APPLICATION (app);
  g_autofree char *data_dir = sh_manager_default_data_dir (self->sandbox);

  G_APPLICATION_CLASS (sh_cli_application_parent_class)->startup (app);

  self->manager = sh_manager_new (data_dir, self->sandbox);
  self->monitor = sh_monitor_new (self->manager, NULL);
  /* --check notifies about the changes it finds, once each, like the
   * window's monitor; what it told is saved with the check's verdicts,
   * before --check answers. */
  if (notifications_available (app))
    self->notifier = sh_notifier_new (self->manager, app);
}

static void
on_command_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GApplicationCommandLine) cmdline = user_data;
  ShCliApplication *self = g_object_get_data (G_OBJECT (cmdline), "sh-application");

  sh_command_line_run_finish (SH_MANAGER (source), result);
  /* GApplication reports 0 for a local command that kept the main loop
   * running, whatever the command line's status: remember it for main(). */
  if (!g_application_command_line_get_is_remote (cmdline))
    self->local_exit_status = g_application_command_line_get_exit_status (cmdline);
  g_application_release (G_APPLICATION (self));
}

static int
sh_cli_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *cmdline)
{
  ShCliApplication *self = SH_CLI_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);

  if (self->notifier == NULL && g_variant_dict_contains (options, "verbose") &&
      sh_command_line_parse (options, NULL) == SH_COMMAND_CHECK)
    g_application_command_line_printerr (cmdline, "socialhub: %s\n",
      _("No notification server is running, so nobody is notified of what this check finds."));

  g_application_hold (app);
  g_object_set_data (G_OBJECT (cmdline), "sh-application", self);
  sh_command_line_run_async (self->manager, self->monitor, cmdline, NULL, on_command_done,
                             g_object_ref (cmdline));
  /* GApplication sets the status returned here on the command line: a
   * command refused at once (a running sandbox) has set its own already,
   * which must not become 0. A command still running sets it later. */
  return g_application_command_line_get_exit_status (cmdline);
}

static void
sh_cli_application_dispose (GObject *object)
{
  ShCliApplication *self = SH_CLI_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->monitor);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (sh_cli_application_parent_class)->dispose (object);
}

static void
sh_cli_application_class_init (ShCliApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sh_cli_application_dispose;
  app_class->handle_local_options = sh_cli_application_handle_local_options;
  app_class->startup = sh_cli_application_startup;
  app_class->command_line = sh_cli_application_command_line;
}

static void
sh_cli_application_init (ShCliApplication *self)
{
  sh_command_line_add_options (G_APPLICATION (self));
}

ShManager *
sh_cli_application_get_manager (ShCliApplication *self)
{
  g_return_val_if_fail (SH_IS_CLI_APPLICATION (self), NULL);
  return self->manager;
}

int
sh_cli_application_get_local_exit_status (ShCliApplication *self)
{
  g_return_val_if_fail (SH_IS_CLI_APPLICATION (self), 0);
  return self->local_exit_status;
}

ShCliApplication *
sh_cli_application_new (void)
{
  return g_object_new (SH_TYPE_CLI_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}
