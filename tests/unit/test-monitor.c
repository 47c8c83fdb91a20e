/* test-monitor.c — when checks run: start, merged requests, offline, network
 * back, timer, expiry moments, back-off, resume (logind's and the tick that
 * compares the wall clock with the monotonic one). Time is two fake clocks
 * and the network a fake GNetworkMonitor: nothing waits for a real
 * interval. */
#include "config.h"

#include "sh-channel-list.h"
#include "sh-checker.h"
#include "sh-monitor.h"
#include "test-fake-network.h"
#include "sh-providers.h"
#include "test-util.h"

#define T0 ((gint64) 1764000000)
#define DAY ((gint64) 24 * 60 * 60)

/* ---- a check the test completes by hand ------------------------------------ */

static guint n_started;
static GTask *running;
static gint64 fake_now = T0;
static gint64 fake_mono = 1000;   /* seconds since boot, asleep excluded */

static void
fake_check_start (ShManager *manager, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_assert_null (running);     /* one at a time */
  n_started++;
  running = g_task_new (manager, cancellable, callback, user_data);
}

static gboolean
fake_check_finish (ShManager *manager, GAsyncResult *result,
                   ShCheckSummary *out_summary, GError **error)
{
  g_autofree ShCheckSummary *summary = g_task_propagate_pointer (G_TASK (result), error);

  if (summary == NULL)
    return FALSE;
  *out_summary = *summary;
  return TRUE;
}

static void
spin (void)
{
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Ends the running check: @n_checked verdicts, @n_unknown without, or an error. */
static void
complete (guint n_checked, guint n_unknown, gboolean error)
{
  g_autoptr(GTask) task = g_steal_pointer (&running);
  ShCheckSummary summary = { n_checked, n_unknown, 1 };

  g_assert_nonnull (task);
  if (error)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "keyring locked");
  else
    g_task_return_pointer (task, g_memdup2 (&summary, sizeof summary), g_free);
  spin ();
}

typedef struct {
  ShManager   *manager;
  FakeNetwork *network;
  ShMonitor   *monitor;
  char        *dir;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = sh_test_make_dir ();
  f->manager = sh_manager_new (f->dir, FALSE);
  f->network = g_object_new (FAKE_TYPE_NETWORK, NULL);
  f->monitor = sh_monitor_new (f->manager, G_NETWORK_MONITOR (f->network));
  fake_now = T0;
  fake_mono = 1000;
  sh_monitor_set_clock (f->monitor, sh_test_fake_clock, &fake_now);
  sh_monitor_set_monotonic_clock (f->monitor, sh_test_fake_clock, &fake_mono);
  /* The tests below call sh_monitor_tick() themselves, but one. */
  sh_monitor_set_resume_tick (f->monitor, 0);
  sh_monitor_set_check_func (f->monitor, fake_check_start, fake_check_finish);
  sh_monitor_set_interval (f->monitor, 3600);
  sh_monitor_set_debounce (f->monitor, 1);
  sh_monitor_set_watch_sleep (f->monitor, FALSE);
  n_started = 0;
  fake_now = T0;
}

static void
teardown (Fixture *f, gconstpointer data)
{
  sh_monitor_stop (f->monitor);
  if (running != NULL)
    complete (0, 0, TRUE);
  g_clear_object (&f->monitor);
  g_clear_object (&f->network);
  g_clear_object (&f->manager);
  g_free (f->dir);
}

static void
wait_for_start (guint expected)
{
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (n_started < expected && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (n_started, ==, expected);
}

static void
test_start_and_merge (Fixture *f, gconstpointer data)
{
  sh_monitor_start (f->monitor);
  g_assert_cmpuint (n_started, ==, 1);
  g_assert_true (sh_monitor_get_checking (f->monitor));

  /* Three requests during a check: one follow-up, not three. (The
   * debounced ones, network and resume, have their own tests.) */
  sh_monitor_request_check (f->monitor, SH_MONITOR_REASON_REQUEST);
  sh_monitor_request_check (f->monitor, SH_MONITOR_REASON_TIMER);
  sh_monitor_request_check (f->monitor, SH_MONITOR_REASON_EXPIRY);
  spin ();
  g_assert_cmpuint (n_started, ==, 1);
  complete (2, 0, FALSE);
  g_assert_cmpuint (n_started, ==, 2);
  g_assert_cmpint (sh_monitor_get_last_checked (f->monitor), ==, T0);
  complete (2, 0, FALSE);
  spin ();
  g_assert_cmpuint (n_started, ==, 2);
  g_assert_false (sh_monitor_get_checking (f->monitor));
}

static void
test_timer (Fixture *f, gconstpointer data)
{
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, T0 + 3600);

  fake_now = T0 + 3599;
  sh_monitor_run_due (f->monitor);
  g_assert_cmpuint (n_started, ==, 1);
  fake_now = T0 + 3600;
  sh_monitor_run_due (f->monitor);
  g_assert_cmpuint (n_started, ==, 2);
  complete (1, 0, FALSE);
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, T0 + 7200);
}

static void
test_expiry_moments (Fixture *f, gconstpointer data)
{
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 1);
  g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), 0);
  gint64 expires_at = T0 + 10 * DAY;

  sh_token_set_expires_at (token, expires_at);
  sh_channel_list_add (sh_manager_get_channels (f->manager), channel);
  sh_monitor_set_interval (f->monitor, 30 * DAY);

  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);
  /* The warning window (7 days) opens 3 days from now: a check then. */
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, expires_at - 7 * DAY);
  fake_now = expires_at - 7 * DAY;
  sh_monitor_run_due (f->monitor);
  g_assert_cmpuint (n_started, ==, 2);
  /* Logged with its own reason, not "timer". */
  g_assert_cmpstr (sh_monitor_reason_to_string (sh_monitor_get_last_reason (f->monitor)), ==,
                   "warning");
  complete (1, 0, FALSE);
  /* Then at the expiry itself. */
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, expires_at);
  fake_now = expires_at;
  sh_monitor_run_due (f->monitor);
  g_assert_cmpuint (n_started, ==, 3);
  g_assert_cmpstr (sh_monitor_reason_to_string (sh_monitor_get_last_reason (f->monitor)), ==,
                   "expiry");
  complete (1, 0, FALSE);
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, expires_at + 30 * DAY);
}

static void
test_backoff (Fixture *f, gconstpointer data)
{
  gint64 delay;

  g_assert_cmpuint (sh_monitor_backoff_base (0, 3600), ==, 0);
  g_assert_cmpuint (sh_monitor_backoff_base (1, 3600), ==, 30);
  g_assert_cmpuint (sh_monitor_backoff_base (2, 3600), ==, 60);
  g_assert_cmpuint (sh_monitor_backoff_base (5, 3600), ==, 480);
  g_assert_cmpuint (sh_monitor_backoff_base (20, 3600), ==, 3600);

  sh_monitor_start (f->monitor);
  complete (0, 0, TRUE);          /* a keyring error */
  g_assert_cmpuint (sh_monitor_get_n_failures (f->monitor), ==, 1);
  delay = sh_monitor_get_next_due (f->monitor) - T0;
  g_assert_cmpint (delay, >=, 24);
  g_assert_cmpint (delay, <=, 36);

  fake_now = T0 + delay;
  sh_monitor_run_due (f->monitor);
  g_assert_cmpuint (n_started, ==, 2);
  complete (0, 3, FALSE);         /* every token unknown: a failure too */
  g_assert_cmpuint (sh_monitor_get_n_failures (f->monitor), ==, 2);
  delay = sh_monitor_get_next_due (f->monitor) - fake_now;
  g_assert_cmpint (delay, >=, 48);
  g_assert_cmpint (delay, <=, 72);

  fake_now += delay;
  sh_monitor_run_due (f->monitor);
  complete (3, 0, FALSE);
  g_assert_cmpuint (sh_monitor_get_n_failures (f->monitor), ==, 0);
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, fake_now + 3600);
}

static void
test_offline (Fixture *f, gconstpointer data)
{
  fake_network_set (f->network, FALSE);
  sh_monitor_start (f->monitor);
  sh_monitor_request_check (f->monitor, SH_MONITOR_REASON_REQUEST);
  fake_now += 10 * DAY;
  sh_monitor_run_due (f->monitor);
  spin ();
  /* Offline: no check at all, so no verdict can change, and no timer runs. */
  g_assert_cmpuint (n_started, ==, 0);
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, 0);
  g_assert_false (sh_monitor_get_network_available (f->monitor));

  /* Back online: one check after the debounce, not one per flap. */
  fake_network_set (f->network, TRUE);
  fake_network_set (f->network, FALSE);
  fake_network_set (f->network, TRUE);
  wait_for_start (1);
  spin ();
  g_assert_cmpuint (n_started, ==, 1);

  /* Going offline during a check cancels it and counts no failure. */
  fake_network_set (f->network, FALSE);
  g_assert_true (g_cancellable_is_cancelled (g_task_get_cancellable (running)));
  {
    g_autoptr(GTask) task = g_steal_pointer (&running);
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  }
  spin ();
  g_assert_cmpuint (sh_monitor_get_n_failures (f->monitor), ==, 0);
  g_assert_cmpint (sh_monitor_get_last_checked (f->monitor), ==, 0);
  fake_network_set (f->network, TRUE);
  wait_for_start (2);
}

static void
test_resume (Fixture *f, gconstpointer data)
{
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);
  sh_monitor_resumed (f->monitor);
  wait_for_start (2);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_RESUME);
  complete (1, 0, FALSE);
  /* Stopped: nothing more. */
  sh_monitor_stop (f->monitor);
  sh_monitor_resumed (f->monitor);
  sh_monitor_request_check (f->monitor, SH_MONITOR_REASON_REQUEST);
  spin ();
  g_assert_cmpuint (n_started, ==, 2);
}

/* Both clocks move alike while awake; during a suspend only the wall clock
 * does. A gap of more than a minute is a resume, checked as after logind's. */
static void
test_resume_tick (Fixture *f, gconstpointer data)
{
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);

  fake_now += 60;
  fake_mono += 60;
  g_assert_false (sh_monitor_tick (f->monitor));
  /* A minute's gap could be a clock correction: not yet a suspend. */
  fake_now += 120;
  fake_mono += 60;
  g_assert_false (sh_monitor_tick (f->monitor));
  /* The wall clock set back an hour: no suspend either. */
  fake_now -= 3600;
  fake_mono += 60;
  g_assert_false (sh_monitor_tick (f->monitor));
  spin ();
  g_assert_cmpuint (n_started, ==, 1);

  /* A night asleep: eight hours on the wall clock, a minute awake. */
  fake_now += 8 * 3600;
  fake_mono += 60;
  g_assert_true (sh_monitor_tick (f->monitor));
  wait_for_start (2);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_RESUME);
  g_assert_cmpstr (sh_monitor_reason_to_string (sh_monitor_get_last_reason (f->monitor)), ==,
                   "resume");
  complete (1, 0, FALSE);
  g_assert_cmpint (sh_monitor_get_last_checked (f->monitor), ==, fake_now);

  /* The next tick measures from the last one: nothing new. */
  fake_now += 60;
  fake_mono += 60;
  g_assert_false (sh_monitor_tick (f->monitor));
  spin ();
  g_assert_cmpuint (n_started, ==, 2);
}

/* The real tick (a GLib timeout) runs sh_monitor_tick by itself. */
static void
test_resume_tick_timer (Fixture *f, gconstpointer data)
{
  sh_monitor_set_resume_tick (f->monitor, 5);
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);

  fake_now += DAY;
  wait_for_start (2);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_RESUME);
  complete (1, 0, FALSE);

  /* Stopped: the tick stops with it. */
  sh_monitor_stop (f->monitor);
  fake_now += DAY;
  g_assert_false (sh_monitor_tick (f->monitor));
}

/* logind's signal, the tick and the network coming back after one suspend:
 * one check, logged as a resume. */
static void
test_resume_seen_twice (Fixture *f, gconstpointer data)
{
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);
  sh_monitor_set_debounce (f->monitor, 50);

  fake_network_set (f->network, FALSE);
  fake_now += DAY;
  sh_monitor_resumed (f->monitor);
  fake_network_set (f->network, TRUE);
  g_assert_true (sh_monitor_tick (f->monitor));
  wait_for_start (2);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_RESUME);
  complete (1, 0, FALSE);
  spin ();
  g_assert_cmpuint (n_started, ==, 2);
}

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* logind's PrepareForSleep(false) on the system bus, played by a second
 * connection owning org.freedesktop.login1 on the test's private bus (the
 * system bus address points at it): a check, logged as a resume. The
 * signal is sent again until the monitor, which subscribes once its
 * system-bus connection is there, has heard it. */
static void
test_logind_signal (Fixture *f, gconstpointer data)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  g_autoptr(GDBusConnection) logind = NULL;
  g_autoptr(GDBusConnection) system_bus = NULL;
  g_autoptr(GError) error = NULL;
  gboolean owned = FALSE;
  gint64 end;
  guint owner;

  g_assert_nonnull (address);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  system_bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  logind = g_dbus_connection_new_for_address_sync (address,
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, &error);
  g_assert_no_error (error);
  owner = g_bus_own_name_on_connection (logind, "org.freedesktop.login1",
                                        G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired, NULL,
                                        &owned, NULL);
  end = g_get_monotonic_time () + sh_test_time_limit (5 * G_USEC_PER_SEC);
  while (!owned && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (owned);

  sh_monitor_set_watch_sleep (f->monitor, TRUE);
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);

  end = g_get_monotonic_time () + sh_test_time_limit (5 * G_USEC_PER_SEC);
  while (n_started < 2 && g_get_monotonic_time () < end)
    {
      gint64 next = g_get_monotonic_time () + G_USEC_PER_SEC / 10;

      g_dbus_connection_emit_signal (logind, NULL, "/org/freedesktop/login1",
                                     "org.freedesktop.login1.Manager", "PrepareForSleep",
                                     g_variant_new ("(b)", FALSE), &error);
      g_assert_no_error (error);
      while (n_started < 2 && g_get_monotonic_time () < next)
        g_main_context_iteration (NULL, FALSE);
    }
  g_assert_cmpuint (n_started, ==, 2);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_RESUME);
  complete (1, 0, FALSE);
  g_bus_unown_name (owner);
}

static void
test_logind_absent (Fixture *f, gconstpointer data)
{
  /* With no system bus (or no logind on it) the monitor still works. */
  sh_monitor_set_watch_sleep (f->monitor, TRUE);
  sh_monitor_start (f->monitor);
  g_assert_cmpuint (n_started, ==, 1);
  complete (1, 0, FALSE);
  spin ();
}

static void
count_announced (guint *n_announced)
{
  (*n_announced)++;
}

/* Check Now while the monitor's own check runs (the start check here, a
 * timer's alike): that check may predate what the person just fixed, so
 * Check Now waits for it and answers with one more run of the monitor's
 * own — two runs, two "checked" — and nothing runs after. */
static void
test_check_now_after_running (Fixture *f, gconstpointer data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShCheckSummary summary = { 1, 1, 1 };
  guint n_announced = 0;

  /* The real check: the manager's checker. */
  sh_monitor_set_check_func (f->monitor, NULL, NULL);
  g_signal_connect_swapped (sh_manager_get_checker (f->manager), "checked",
                            G_CALLBACK (count_announced), &n_announced);
  sh_monitor_start (f->monitor);
  g_assert_true (sh_monitor_get_checking (f->monitor));
  g_assert_true (sh_checker_get_running (sh_manager_get_checker (f->manager)));

  sh_monitor_check_now_async (f->monitor, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 5000);
  g_assert_true (sh_monitor_check_now_finish (f->monitor, result, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_checked + summary.n_unknown, ==, 0);
  spin ();
  g_assert_cmpuint (n_announced, ==, 2);
  g_assert_false (sh_monitor_get_checking (f->monitor));
  g_assert_false (sh_checker_get_running (sh_manager_get_checker (f->manager)));
  g_assert_cmpuint (n_started, ==, 0);
}

/* Check Now while only some channels are being checked (the broker's
 * "check that channel first", a token just added): that run is no answer
 * for every channel, so one full run starts at once, not one after it and
 * then another (every token checked twice). */
static void
test_check_now_during_some_channels (Fixture *f, gconstpointer data)
{
  ShChecker *checker = sh_manager_get_checker (f->manager);
  const char *only[] = { "some-channel", NULL };
  g_autoptr(GAsyncResult) partial = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint n_announced = 0;

  sh_monitor_set_check_func (f->monitor, NULL, NULL);
  g_signal_connect_swapped (checker, "checked", G_CALLBACK (count_announced), &n_announced);
  sh_checker_check_channels_async (checker, only, NULL, sh_test_store_result, &partial);
  g_assert_true (sh_checker_get_running (checker));
  g_assert_false (sh_checker_get_running_all (checker));

  sh_monitor_check_now_async (f->monitor, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 5000);
  sh_test_wait_for_result (&partial, 5000);
  g_assert_true (sh_monitor_check_now_finish (f->monitor, result, NULL, NULL));
  g_assert_true (sh_checker_check_finish (checker, partial, NULL, NULL));
  spin ();
  /* The run of some channels and one of every channel. */
  g_assert_cmpuint (n_announced, ==, 2);
  g_assert_false (sh_checker_get_running (checker));
}

/* A check that reached no verdict (here: every token rate-limited, the
 * network taking requests again in 5 minutes) is no "last checked": it
 * says why and when the next try is, and that next try is not before the
 * network's pause ends. A check of no token at all is none either. */
static void
count_call (guint *count)
{
  (*count)++;
}

/* Ends the running check with @summary. */
static void
complete_with (const ShCheckSummary *summary)
{
  g_autoptr(GTask) task = g_steal_pointer (&running);

  g_assert_nonnull (task);
  g_task_return_pointer (task, g_memdup2 (summary, sizeof *summary), g_free);
  spin ();
}

/* A scheduled check that left tokens for later within a network's budget:
 * the "deferred" property says how many and by when (the window shows it,
 * issue 18, 4), the next check is at the summary's retry_at, and the
 * continuation that judges the rest clears it. */
static void
test_deferred_said_until_judged (Fixture *f, gconstpointer data)
{
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 1);
  ShCheckSummary first = { 650, 0, 14, T0 + 3660, 350, T0 + 3720 };
  ShCheckSummary rest = { 350, 0, 8, 0, 0, 0 };
  g_autofree char *expected = sh_checker_describe_deferred (&first);
  guint notified = 0;

  sh_channel_list_add (sh_manager_get_channels (f->manager), channel);
  g_signal_connect_swapped (f->monitor, "notify::deferred", G_CALLBACK (count_call), &notified);
  sh_monitor_start (f->monitor);
  g_assert_null (sh_monitor_get_deferred (f->monitor));
  complete_with (&first);
  g_assert_cmpstr (sh_monitor_get_deferred (f->monitor), ==, expected);
  g_assert_true (g_str_has_prefix (expected, "650 checked, 350 more by "));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, T0 + 3660);

  fake_now = T0 + 3660;
  sh_monitor_run_due (f->monitor);
  g_assert_nonnull (running);
  complete_with (&rest);
  g_assert_null (sh_monitor_get_deferred (f->monitor));
  g_assert_cmpuint (notified, ==, 2);
}

static void
test_failure_says_why (Fixture *f, gconstpointer data)
{
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 2);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDateTime) retry = g_date_time_new_from_unix_local (T0 + 300);
  g_autofree char *clock = g_date_time_format (retry, "%H:%M");
  g_autofree char *expected = NULL;
  ShCheckSummary summary = { 0, 2, 1, T0 + 300 };
  GListModel *tokens = sh_channel_get_tokens (channel);

  sh_monitor_start (f->monitor);
  complete (0, 0, FALSE);                 /* no token yet */
  g_assert_cmpint (sh_monitor_get_last_checked (f->monitor), ==, 0);
  g_assert_null (sh_monitor_get_failure (f->monitor));

  sh_channel_list_add (sh_manager_get_channels (f->manager), channel);
  fake_now = T0 + 10;
  sh_monitor_request_check (f->monitor, SH_MONITOR_REASON_REQUEST);
  g_assert_nonnull (running);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      sh_token_mark_unknown (token, SH_TOKEN_REASON_RATE_LIMITED);
    }
  task = g_steal_pointer (&running);
  g_signal_emit_by_name (sh_manager_get_checker (f->manager), "checked");
  g_task_return_pointer (task, g_memdup2 (&summary, sizeof summary), g_free);
  spin ();

  g_assert_cmpint (sh_monitor_get_last_checked (f->monitor), ==, 0);
  g_assert_cmpuint (sh_monitor_get_n_failures (f->monitor), ==, 1);
  /* Back-off alone would say 30 s; the network said 5 minutes. */
  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, T0 + 300);
  expected = g_strdup_printf ("Could not check: Facebook asked SocialHub to slow down. "
                              "Next try at %s.", clock);
  g_assert_cmpstr (sh_monitor_get_failure (f->monitor), ==, expected);

  /* The next try reaches a verdict: the failure is gone, and that check
   * is the last one. */
  fake_now = T0 + 300;
  sh_monitor_run_due (f->monitor);
  g_assert_nonnull (running);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, fake_now, 0);
    }
  g_signal_emit_by_name (sh_manager_get_checker (f->manager), "checked");
  complete (2, 0, FALSE);
  g_assert_null (sh_monitor_get_failure (f->monitor));
  g_assert_cmpint (sh_monitor_get_last_checked (f->monitor), ==, T0 + 300);
}

/* ---- the schedule follows every change (issue 20, item 4) ------------------ */

/* A channel with one token expiring at @expires_at, added to the running
 * app's list the way a forwarded --add-token or the window adds it. */
static ShToken *
add_token_expiring (Fixture *f, const char *name, gint64 expires_at)
{
  g_autoptr(ShChannel) channel = sh_test_make_channel (name, "x", 1);
  ShToken *token = g_list_model_get_item (sh_channel_get_tokens (channel), 0);

  sh_token_set_expires_at (token, expires_at);
  sh_channel_list_add (sh_manager_get_channels (f->manager), channel);
  return token;
}

static void
assert_next (Fixture *f, gint64 due, ShMonitorReason reason)
{
  g_autofree char *word = NULL;
  gint64 property = 0;

  g_assert_cmpint (sh_monitor_get_next_due (f->monitor), ==, due);
  g_assert_cmpint (sh_monitor_get_next_reason (f->monitor), ==, reason);
  g_object_get (f->monitor, "next-due", &property, "next-reason", &word, NULL);
  g_assert_cmpint (property, ==, due);
  g_assert_cmpstr (word, ==, sh_monitor_reason_to_string (reason));
}

/* check-interval one day: a 2-hour X token added while running is checked
 * at its expiry moment, not at the next daily check; removed, the day is
 * back; renewed (a new token replacing it), its new moment counts. */
static void
test_token_added_while_running (Fixture *f, gconstpointer data)
{
  g_autoptr(ShToken) token = NULL;
  g_autoptr(ShToken) renewed = NULL;
  ShChannel *channel;

  sh_monitor_set_interval (f->monitor, DAY);
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);
  assert_next (f, T0 + DAY, SH_MONITOR_REASON_TIMER);

  fake_now = T0 + 600;
  token = add_token_expiring (f, "Acme Coffee", T0 + 2 * 3600);
  assert_next (f, T0 + 2 * 3600, SH_MONITOR_REASON_EXPIRY);

  /* Renewed: the old token goes, a new one with a later expiry comes. */
  channel = sh_channel_list_lookup (sh_manager_get_channels (f->manager),
                                    sh_token_get_channel_id (token));
  renewed = sh_token_new ("renewed", "x", sh_channel_get_id (channel));
  sh_token_set_expires_at (renewed, T0 + 5 * 3600);
  sh_channel_add_token (channel, renewed);
  sh_channel_remove_token (channel, token);
  assert_next (f, T0 + 5 * 3600, SH_MONITOR_REASON_EXPIRY);

  /* The same token's expiry moved (a refresh in place). */
  sh_token_set_expires_at (renewed, T0 + 4 * 3600);
  assert_next (f, T0 + 4 * 3600, SH_MONITOR_REASON_EXPIRY);

  fake_now = T0 + 4 * 3600;
  sh_monitor_run_due (f->monitor);
  g_assert_cmpuint (n_started, ==, 2);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_EXPIRY);
  complete (1, 0, FALSE);
  assert_next (f, fake_now + DAY, SH_MONITOR_REASON_TIMER);

  /* Removed before its moment: that moment leaves the schedule. */
  sh_token_set_expires_at (renewed, fake_now + 3600);
  assert_next (f, fake_now + 3600, SH_MONITOR_REASON_EXPIRY);
  sh_channel_remove_token (channel, renewed);
  assert_next (f, fake_now + DAY, SH_MONITOR_REASON_TIMER);
}

/* Raising warning-window-days while running: a check at the new window
 * start (and lowering it moves it back); check-interval moves the timer. */
static void
test_settings_change_reschedules (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(ShToken) token = NULL;
  gint64 expires_at = T0 + 3 * DAY + 12 * 3600;

  sh_monitor_set_interval (f->monitor, 0);          /* GSettings check-interval */
  g_settings_set_uint (settings, "check-interval", DAY);
  g_settings_set_uint (settings, "warning-window-days", 1);
  token = add_token_expiring (f, "Acme Coffee", expires_at);
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);
  /* The window opens in two and a half days: the daily check comes first. */
  assert_next (f, T0 + DAY, SH_MONITOR_REASON_TIMER);

  g_settings_set_uint (settings, "warning-window-days", 3);
  assert_next (f, expires_at - 3 * DAY, SH_MONITOR_REASON_WARNING);
  g_settings_set_uint (settings, "warning-window-days", 1);
  assert_next (f, T0 + DAY, SH_MONITOR_REASON_TIMER);
  g_settings_set_uint (settings, "warning-window-days", 3);

  fake_now = expires_at - 3 * DAY;
  sh_monitor_run_due (f->monitor);
  g_assert_cmpuint (n_started, ==, 2);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_WARNING);
  complete (1, 0, FALSE);
  assert_next (f, fake_now + DAY, SH_MONITOR_REASON_TIMER);

  g_settings_set_uint (settings, "check-interval", 600);
  assert_next (f, fake_now + 600, SH_MONITOR_REASON_TIMER);

  g_settings_reset (settings, "check-interval");
  g_settings_reset (settings, "warning-window-days");
}

/* A resume while the network is still down: the debounce ends offline, and
 * the network coming back starts the resume's check, logged as a resume. */
static void
test_resume_then_network (Fixture *f, gconstpointer data)
{
  sh_monitor_start (f->monitor);
  complete (1, 0, FALSE);

  /* A debounce of 0 ms ends at the next main-loop turn: inside spin(). */
  sh_monitor_set_debounce (f->monitor, 0);
  fake_network_set (f->network, FALSE);
  fake_now += DAY;
  sh_monitor_resumed (f->monitor);
  spin ();
  g_assert_cmpuint (n_started, ==, 1);
  fake_network_set (f->network, TRUE);
  wait_for_start (2);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_RESUME);
  complete (1, 0, FALSE);

  /* The next time the network comes back it is the network's again. */
  fake_network_set (f->network, FALSE);
  fake_network_set (f->network, TRUE);
  wait_for_start (3);
  g_assert_cmpint (sh_monitor_get_last_reason (f->monitor), ==, SH_MONITOR_REASON_NETWORK);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/monitor/start-and-merge", test_start_and_merge);
  ADD ("/monitor/timer", test_timer);
  ADD ("/monitor/expiry-moments", test_expiry_moments);
  ADD ("/monitor/backoff", test_backoff);
  ADD ("/monitor/offline", test_offline);
  ADD ("/monitor/resume", test_resume);
  ADD ("/monitor/resume-tick", test_resume_tick);
  ADD ("/monitor/resume-tick-timer", test_resume_tick_timer);
  ADD ("/monitor/resume-seen-twice", test_resume_seen_twice);
  ADD ("/monitor/logind-signal", test_logind_signal);
  ADD ("/monitor/logind-absent", test_logind_absent);
  ADD ("/monitor/check-now-after-running", test_check_now_after_running);
  ADD ("/monitor/check-now-during-some-channels", test_check_now_during_some_channels);
  ADD ("/monitor/failure-says-why", test_failure_says_why);
  ADD ("/monitor/deferred-said-until-judged", test_deferred_said_until_judged);
  ADD ("/monitor/token-added-while-running", test_token_added_while_running);
  ADD ("/monitor/settings-change-reschedules", test_settings_change_reschedules);
  ADD ("/monitor/resume-then-network", test_resume_then_network);
  return g_test_run ();
}
