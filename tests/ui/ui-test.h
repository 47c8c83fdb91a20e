/* ui-test.h — what the in-process GTK tests share: waiting for a state
 * of the window without a fixed sleep, and screenshots of a window. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WAIT_TIMEOUT_S 10

/* Only wakes the main loop up, so that WAIT_UNTIL looks at its condition
 * again. */
gboolean sh_test_tick (gpointer user_data);

/* Spins the main loop until @cond holds or the time is up, then asserts it:
 * no fixed sleeps, and a hang becomes a failure. The timeout source only
 * wakes the loop up so that the condition is looked at again. */
#define WAIT_UNTIL(cond) WAIT_UNTIL_S (cond, WAIT_TIMEOUT_S)
#define WAIT_UNTIL_S(cond, seconds) G_STMT_START {                            \
    gint64 deadline_ = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC;    \
    guint tick_id_ = g_timeout_add (10, sh_test_tick, NULL);                    \
    while (!(cond) && g_get_monotonic_time () < deadline_)                      \
      g_main_context_iteration (NULL, TRUE);                                    \
    g_source_remove (tick_id_);                                                 \
    if (!(cond))                                                                \
      g_error ("Timed out waiting for: %s", #cond);                             \
  } G_STMT_END

/* Renders @window as it is on screen into a PNG. A GtkWidgetPaintable would
 * not do: it copies the widget's cached render node, which a toplevel does
 * not keep. So do what GTK does for a frame: the window's background
 * colour (its CSS box is inset by the resize borders, hence not
 * gtk_snapshot_render_background), then its snapshot vfunc, which asks each
 * child for its node. */
void sh_test_save_screenshot (GtkWidget  *window,
                              const char *name);

G_END_DECLS
