/* sh-preferences-window.h — the Preferences window, bound to GSettings. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SH_TYPE_PREFERENCES_WINDOW (sh_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (ShPreferencesWindow, sh_preferences_window, SH, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @settings: the io.socialhub.SocialHub settings to show and change; the
 * window keeps a reference. */
GtkWidget *sh_preferences_window_new          (GSettings           *settings);
GSettings *sh_preferences_window_get_settings (ShPreferencesWindow *self);

G_END_DECLS
