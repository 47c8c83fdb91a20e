/* sh-startup-timer.h — how long since the process started, and the first
 * frames a window paints: for SOCIALHUB_DEBUG_STARTUP (the benchmark reads
 * what the window prints) and for starting background work only once the
 * window is on screen. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* TRUE when SOCIALHUB_DEBUG_STARTUP was set as the program was loaded. */
gboolean sh_startup_timer_enabled    (void);
/* Milliseconds since the kernel started this process (with the timer on). */
gint64   sh_startup_timer_elapsed_ms (void);

/* Connects @after_paint (a GdkFrameClock::after-paint handler whose data is
 * @object) to @widget's frame clock once @widget is realized, now if it is
 * already, and asks for a frame so that one is painted. The handler lives
 * as long as @object, and disconnects itself when it has seen enough. */
void     sh_startup_timer_watch_paint (GtkWidget *widget,
                                       GCallback  after_paint,
                                       gpointer   object);

G_END_DECLS
