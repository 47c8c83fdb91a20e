/* sh-startup-timer.c — the process's age and a window's first frames.
 *
 * The process start is the kernel's (/proc/self/stat starttime, in clock
 * ticks of CLOCK_BOOTTIME), read once when the program is loaded and
 * carried on from there with the monotonic clock, which has a finer grain
 * than the ticks. It is only read with SOCIALHUB_DEBUG_STARTUP set.
 *
 * Both the window's start-up timing and the application's "start the
 * background work after the first frame" (issue #9) wait for the frames of
 * a window that may not be realized yet: sh_startup_timer_watch_paint()
 * does that wait once for both.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sh-startup-timer.h"

static gint64 startup_origin_us = -1;   /* process start on g_get_monotonic_time()'s clock */

static gint64
process_age_us (void)
{
  g_autofree char *stat = NULL;
  const char *after_comm;
  unsigned long long start_ticks = 0;
  struct timespec boot;
  long hz = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (after_comm = strrchr (stat, ')')) == NULL || hz <= 0 ||
      clock_gettime (CLOCK_BOOTTIME, &boot) != 0)
    return 0;
  /* Field 22 is starttime; after_comm points at the end of field 2. */
  if (sscanf (after_comm + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
              "%*d %*d %*d %*d %llu", &start_ticks) != 1)
    return 0;
  return MAX ((gint64) boot.tv_sec * G_USEC_PER_SEC + boot.tv_nsec / 1000 -
              (gint64) (start_ticks * G_USEC_PER_SEC / (unsigned long long) hz), 0);
}

__attribute__((constructor)) static void
startup_origin_init (void)
{
  if (g_getenv ("SOCIALHUB_DEBUG_STARTUP") != NULL)
    startup_origin_us = g_get_monotonic_time () - process_age_us ();
}

gboolean
sh_startup_timer_enabled (void)
{
  return startup_origin_us >= 0;
}

gint64
sh_startup_timer_elapsed_ms (void)
{
  return (g_get_monotonic_time () - startup_origin_us) / 1000;
}

/* ---- waiting for a window's frames ---------------------------------------- */

typedef struct {
  GCallback after_paint;
  gpointer  object;
} PaintWatch;

static void
watch_frame_clock (GtkWidget *widget,
                   GCallback  after_paint,
                   gpointer   object)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                           after_paint, object, 0);
  gtk_widget_queue_draw (widget);
}

static void
on_realize (GtkWidget  *widget,
            PaintWatch *watch)
{
  GCallback after_paint = watch->after_paint;
  gpointer object = watch->object;

  /* Frees @watch: what it held is copied above. */
  g_signal_handlers_disconnect_by_func (widget, on_realize, watch);
  watch_frame_clock (widget, after_paint, object);
}

static void
paint_watch_free (gpointer  data,
                  GClosure *closure)
{
  g_free (data);
}

void
sh_startup_timer_watch_paint (GtkWidget *widget,
                              GCallback  after_paint,
                              gpointer   object)
{
  PaintWatch *watch;
  GClosure *closure;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (G_IS_OBJECT (object));

  if (gtk_widget_get_realized (widget))
    {
      watch_frame_clock (widget, after_paint, object);
      return;
    }
  watch = g_new0 (PaintWatch, 1);
  watch->after_paint = after_paint;
  watch->object = object;
  /* Like g_signal_connect_object(): nothing is called once @object is gone. */
  closure = g_cclosure_new (G_CALLBACK (on_realize), watch, paint_watch_free);
  g_object_watch_closure (G_OBJECT (object), closure);
  g_signal_connect_closure (widget, "realize", closure, FALSE);
}
