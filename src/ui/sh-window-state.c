/* sh-window-state.c — see sh-window-state.h.
 *
 * The GNOME way: the default size (what GTK keeps as the size of the
 * window when it is neither maximized nor full screen) and the maximized
 * state are saved apart, once, when the window closes rather than at every
 * step of a resize; so a window closed maximized reopens maximized, and
 * unmaximizes to the size a person gave it. */
#include "config.h"

#include "sh-window-state.h"

#define SETTINGS_KEY "sh-window-state-settings"

/* The window's width-request in sh-window.ui: a saved width below it (a
 * hand-edited key) would be refused by GTK anyway. */
#define MIN_WIDTH  360
#define MIN_HEIGHT 294

static gboolean
has_keys (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema != NULL &&
         g_settings_schema_has_key (schema, "window-width") &&
         g_settings_schema_has_key (schema, "window-height") &&
         g_settings_schema_has_key (schema, "window-maximized");
}

void
sh_window_state_save (GtkWindow *window)
{
  GSettings *settings;
  int width = 0, height = 0;

  g_return_if_fail (GTK_IS_WINDOW (window));

  settings = g_object_get_data (G_OBJECT (window), SETTINGS_KEY);
  if (settings == NULL)
    return;
  gtk_window_get_default_size (window, &width, &height);
  /* GTK keeps the default size while the window is maximized; 0 means
   * none was ever set, so there is nothing better than what is saved. */
  if (width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
}

static gboolean
on_close_request (GtkWindow *window,
                  gpointer   user_data)
{
  sh_window_state_save (window);
  return GDK_EVENT_PROPAGATE;
}

void
sh_window_state_attach (GtkWindow *window,
                        GSettings *settings)
{
  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (settings == NULL || !has_keys (settings))
    return;
  gtk_window_set_default_size (window,
                               MAX (g_settings_get_int (settings, "window-width"), MIN_WIDTH),
                               MAX (g_settings_get_int (settings, "window-height"), MIN_HEIGHT));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (window);
  g_object_set_data_full (G_OBJECT (window), SETTINGS_KEY, g_object_ref (settings),
                          g_object_unref);
  g_signal_connect (window, "close-request", G_CALLBACK (on_close_request), NULL);
}
