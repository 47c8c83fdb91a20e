/* sh-window.h — the main window: every channel and its tokens, by health. */
#pragma once

#include <adwaita.h>

#include "sh-channel-sections.h"
#include "sh-manager.h"
#include "sh-monitor.h"

G_BEGIN_DECLS

#define SH_TYPE_WINDOW (sh_window_get_type ())
G_DECLARE_FINAL_TYPE (ShWindow, sh_window, SH, WINDOW, AdwApplicationWindow)

/* The window's manager is @monitor's; Check Now goes through @monitor. */
ShWindow  *sh_window_new         (GtkApplication *app,
                                  ShMonitor      *monitor);
ShManager *sh_window_get_manager (ShWindow       *self);
ShMonitor *sh_window_get_monitor (ShWindow       *self);
ShChannelSections *sh_window_get_sections (ShWindow *self);
void       sh_window_add_toast   (ShWindow       *self,
                                  const char     *title);
/* The same for a message of a sentence or two, wrapped instead of cut. */
void       sh_window_add_long_toast (ShWindow    *self,
                                     const char  *text);

G_END_DECLS
