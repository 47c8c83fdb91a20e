/* sh-window-state.h — the main window opens at the size and in the
 * maximized state it was closed with: the GSettings keys window-width,
 * window-height and window-maximized. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Sizes @window from @settings (call before it is presented) and saves its
 * size and maximized state there when it is closed. Nothing without
 * @settings, or with a schema that lacks the keys (an uninstalled build). */
void sh_window_state_attach (GtkWindow *window,
                             GSettings *settings);
/* Saves now: for a quit, which ends the application with its windows
 * open (no close-request). Nothing for a window never attached. */
void sh_window_state_save   (GtkWindow *window);

G_END_DECLS
