/* test-window-idle.c — an idle window is still (issue 20, item 1).
 *
 * A GtkSpinner left spinning runs its CSS animation whether it shows or
 * not: the window is restyled at every frame, so an idle window with one
 * spinning on a hidden page woke 60 times a second, 4 % of a core and as
 * much again in the X server. Here, in process on a real display with
 * animations on (as a person has them; the other window tests turn them
 * off), the window on its loading page, empty, with channels and on a
 * channel's page:
 *  - a spinner spins only while something is under way, and only where it
 *    is on screen;
 *  - once nothing happens the window paints nothing: its frame clock
 *    counts no frame for QUIET_S seconds in a row (a state waited for; an
 *    animation that never ends never gets there).
 */
#include "config.h"

#include <adwaita.h>

#include "sh-providers.h"
#include "sh-window.h"
#include "test-util.h"
#include "ui-test.h"

#define QUIET_S 2
/* How long the window may take to settle (scaled for the sanitizer runs). */
#define SETTLE_S 30

static GtkApplication *app;

typedef struct {
  char      *dir;
  ShManager *manager;
  ShMonitor *monitor;
  ShWindow  *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = sh_test_make_dir ();
  fixture->manager = sh_manager_new (fixture->dir, FALSE);
  fixture->monitor = sh_monitor_new (fixture->manager, NULL);
  fixture->window = sh_window_new (app, fixture->monitor);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->monitor);
  g_clear_object (&fixture->manager);
  g_free (fixture->dir);
}

static void
collect_spinners (GtkWidget *widget,
                  GPtrArray *spinners)
{
  if (GTK_IS_SPINNER (widget))
    g_ptr_array_add (spinners, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_spinners (child, spinners);
}

/* How many of the window's spinners spin; fails if one spins where it is
 * not on screen. */
static guint
n_spinning (Fixture *fixture)
{
  g_autoptr(GPtrArray) spinners = g_ptr_array_new ();
  guint n = 0;

  collect_spinners (GTK_WIDGET (fixture->window), spinners);
  g_assert_cmpuint (spinners->len, >, 0);
  for (guint i = 0; i < spinners->len; i++)
    {
      GtkWidget *spinner = g_ptr_array_index (spinners, i);

      if (!gtk_spinner_get_spinning (GTK_SPINNER (spinner)))
        continue;
      if (!gtk_widget_get_mapped (spinner))
        g_error ("A spinner spins off screen (its parent: %s): it wakes the window at every "
                 "frame", G_OBJECT_TYPE_NAME (gtk_widget_get_parent (spinner)));
      n++;
    }
  return n;
}

typedef struct {
  GdkFrameClock *clock;
  gint64         counter;
  gint64         since;
} FrameWatch;

/* TRUE once the frame clock has counted no frame for QUIET_S seconds. */
static gboolean
frames_stopped (FrameWatch *watch)
{
  gint64 counter = gdk_frame_clock_get_frame_counter (watch->clock);
  gint64 now = g_get_monotonic_time ();

  if (counter != watch->counter)
    {
      watch->counter = counter;
      watch->since = now;
    }
  return now - watch->since >= QUIET_S * G_USEC_PER_SEC;
}

/* The window goes still: no spinner spins, and then no frame is painted. */
static void
assert_goes_still (Fixture *fixture)
{
  FrameWatch watch = { gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window)), -1, 0 };
  gint64 settle_s = sh_test_time_limit (SETTLE_S * G_USEC_PER_SEC) / G_USEC_PER_SEC;

  g_assert_nonnull (watch.clock);
  g_assert_cmpuint (n_spinning (fixture), ==, 0);
  WAIT_UNTIL_S (frames_stopped (&watch), settle_s);
  g_assert_cmpuint (n_spinning (fixture), ==, 0);
}

static const char *
visible_page (Fixture *fixture)
{
  GtkWidget *spinner = NULL;
  g_autoptr(GPtrArray) spinners = g_ptr_array_new ();

  /* The window's stack is the loading spinner's grandparent (stack page). */
  collect_spinners (GTK_WIDGET (fixture->window), spinners);
  for (guint i = 0; spinner == NULL && i < spinners->len; i++)
    {
      GtkWidget *parent = gtk_widget_get_parent (g_ptr_array_index (spinners, i));

      if (GTK_IS_STACK (parent) && gtk_stack_get_child_by_name (GTK_STACK (parent), "list"))
        spinner = g_ptr_array_index (spinners, i);
    }
  g_assert_nonnull (spinner);
  return gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_parent (spinner)));
}

static void
load (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_manager_ensure_loaded_async (fixture->manager, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_manager_ensure_loaded_finish (fixture->manager, result, &error));
  g_assert_no_error (error);
}

/* While the channels are read, the spinner says so; once the window says
 * there are none, nothing moves. */
static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  g_assert_cmpstr (visible_page (fixture), ==, "loading");
  g_assert_cmpuint (n_spinning (fixture), ==, 1);

  load (fixture);
  WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "empty") == 0);
  assert_goes_still (fixture);
}

/* The list of channels, then a channel's page: still too. */
static void
test_channels (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(ShChannel) acme = sh_test_make_channel ("Acme Coffee", "facebook", 2);
  g_autoptr(ShChannel) bakery = sh_test_make_channel ("Bakery & Sons", "x", 1);

  load (fixture);
  sh_channel_list_add (sh_manager_get_channels (fixture->manager), acme);
  sh_channel_list_add (sh_manager_get_channels (fixture->manager), bakery);
  WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "list") == 0);
  assert_goes_still (fixture);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-channel",
                                             "s", sh_channel_get_id (acme)));
  WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "channel") == 0);
  assert_goes_still (fixture);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  app = GTK_APPLICATION (adw_application_new ("io.socialhub.SocialHub.IdleTest",
                                              G_APPLICATION_NON_UNIQUE));
  g_application_set_resource_base_path (G_APPLICATION (app), "/io/socialhub/SocialHub");
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  /* As a person has them: an animation is what would keep the window busy. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);

  g_test_add ("/window-idle/empty", Fixture, NULL, fixture_set_up, test_empty, fixture_tear_down);
  g_test_add ("/window-idle/channels", Fixture, NULL, fixture_set_up, test_channels,
              fixture_tear_down);

  status = g_test_run ();
  g_object_unref (app);
  return status;
}
