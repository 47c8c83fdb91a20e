/* sh-preferences-window.h — the Preferences window, bound to GSettings. */
#pragma once

#include <adwaita.h>
#include "sh-background.h"

G_BEGIN_DECLS

#define SH_TYPE_PREFERENCES_WINDOW (sh_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (ShPreferencesWindow, sh_preferences_window, SH, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @settings: the io.socialhub.SocialHub settings to show and change; the
 * window keeps a reference. */
GtkWidget *sh_preferences_window_new          (GSettings           *settings);
GSettings *sh_preferences_window_get_settings (ShPreferencesWindow *self);
/* Shows why the system refused to let the app run in the background, as
 * long as @background says so (NULL: never; the sandbox has none). */
void       sh_preferences_window_set_background (ShPreferencesWindow *self,
                                                 ShBackground        *background);

G_END_DECLS
