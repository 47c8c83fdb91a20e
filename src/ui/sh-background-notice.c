/* sh-background-notice.c — see sh-background-notice.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-background-notice.h"
#include "sh-window.h"

#define NOTIFICATION_ID "running-in-background"

typedef struct {
  GSettings          *settings;
  ShStaysRunningFunc  stays_running;
} Notice;

static void
notice_free (gpointer data)
{
  Notice *notice = data;

  g_object_unref (notice->settings);
  g_free (notice);
}

/* The window is closing: it is gone from the screen, but SocialHub is not.
 * Never stops the close (returns FALSE). */
static gboolean
on_close_request (GtkWindow      *window,
                  GtkApplication *app)
{
  Notice *notice = g_object_get_data (G_OBJECT (app), "sh-background-notice");
  g_autoptr(GNotification) notification = NULL;

  if (notice == NULL ||
      g_settings_get_boolean (notice->settings, "background-notice-sent") ||
      !g_settings_get_boolean (notice->settings, "run-in-background") ||
      !notice->stays_running (app))
    return FALSE;

  notification = g_notification_new (_("SocialHub keeps checking in the background"));
  g_notification_set_body (notification,
                           _("Your access tokens are still checked while the window is closed, "
                             "and you are told when one stops working."));
  g_notification_add_button (notification, _("Stop Checking in the Background"),
                             "app.stop-running-in-background");
  g_application_send_notification (G_APPLICATION (app), NOTIFICATION_ID, notification);
  /* Once ever, not once a start. */
  g_settings_set_boolean (notice->settings, "background-notice-sent", TRUE);
  return FALSE;
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window)
{
  /* The main window only: Preferences or a dialog closing leaves it open. */
  if (SH_IS_WINDOW (window))
    g_signal_connect_object (window, "close-request", G_CALLBACK (on_close_request), app, 0);
}

/* app.stop-running-in-background: the notification's button. Without a
 * window SocialHub then quits, as it would have when the window closed. */
static void
stop_running_in_background (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  Notice *notice = g_object_get_data (G_OBJECT (user_data), "sh-background-notice");

  g_application_withdraw_notification (G_APPLICATION (user_data), NOTIFICATION_ID);
  g_settings_set_boolean (notice->settings, "run-in-background", FALSE);
  /* Written before the application may leave. */
  g_settings_sync ();
}

void
sh_background_notice_install (GtkApplication     *app,
                              GSettings          *settings,
                              ShStaysRunningFunc  stays_running)
{
  static const GActionEntry actions[] = {
    { .name = "stop-running-in-background", .activate = stop_running_in_background },
  };
  g_autoptr(GSettingsSchema) schema = NULL;
  Notice *notice;

  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (stays_running != NULL);

  g_object_get (settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, "background-notice-sent"))
    return;

  notice = g_new0 (Notice, 1);
  notice->settings = g_object_ref (settings);
  notice->stays_running = stays_running;
  g_object_set_data_full (G_OBJECT (app), "sh-background-notice", notice, notice_free);
  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
}
