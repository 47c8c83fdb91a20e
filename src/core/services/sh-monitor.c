/* sh-monitor.c — when to check: start, network back, resume, timer, expiry. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-checker.h"
#include "sh-config.h"
#include "sh-monitor.h"
#include "sh-provider-registry.h"
#include "sh-time-format.h"
#include "sh-token-watch.h"

#define DEFAULT_INTERVAL      3600
#define DEFAULT_DEBOUNCE_MS   2000
#define CHECK_TIME_LIMIT      120     /* seconds one check may take */
#define BACKOFF_FIRST         30      /* seconds after the first failure */
/* GLib timeouts take a guint of milliseconds: wake up at least this often
 * and look again (the wall clock may also have jumped meanwhile). */
#define MAX_SLEEP             (6 * 60 * 60)
/* The resume tick: how often it looks (ms), and how much further the wall
 * clock must have moved than the monotonic one (s) to mean a suspend. Less
 * would take a clock correction (NTP) for one, and a shorter sleep leaves
 * little to check. */
#define RESUME_TICK_MS        (60 * 1000)
#define SUSPEND_MIN_GAP       60

struct _ShMonitor
{
  GObject               parent_instance;

  ShManager            *manager;
  GNetworkMonitor      *network_monitor;
  GSettings            *settings;
  ShTokenWatch         *token_watch;
  ShMonitorClock        clock;
  gpointer              clock_data;
  ShMonitorClock        mono_clock;
  gpointer              mono_clock_data;
  ShMonitorCheckStart   check_start;
  ShMonitorCheckFinish  check_finish;
  guint                 interval;        /* 0: from GSettings */
  guint                 debounce_ms;
  gboolean              watch_sleep;
  guint                 resume_tick_ms;

  gboolean              active;
  gboolean              checking;
  gboolean              pending;         /* a request arrived during a check */
  gboolean              wanted_offline;  /* a request arrived while offline */
  gboolean              network_available;
  gint64                last_checked;
  gint64                last_started;
  gint64                retry_at;
  gint64                next_due;
  ShMonitorReason       next_reason;     /* why next_due is due */
  gboolean              resume_owed;     /* a resume whose check has not run yet */
  guint                 n_failures;
  ShMonitorReason       debounce_reason;
  ShMonitorReason       last_reason;
  gint64                tick_wall;       /* both clocks at the last tick */
  gint64                tick_mono;
  char                 *failure;         /* "Could not check: …", or NULL */
  char                 *deferred;        /* "650 checked, 350 more by 04:17", or NULL */

  guint                 timer_id;
  guint                 debounce_id;
  guint                 tick_id;
  guint                 time_limit_id;
  GCancellable         *check_cancellable;
  GCancellable         *cancellable;     /* lives while active */
  GDBusConnection      *system_bus;
  guint                 sleep_subscription;
};

G_DEFINE_FINAL_TYPE (ShMonitor, sh_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_NETWORK_MONITOR,
  PROP_CHECKING,
  PROP_NETWORK_AVAILABLE,
  PROP_LAST_CHECKED,
  PROP_ACTIVE,
  PROP_FAILURE,
  PROP_NEXT_DUE,
  PROP_NEXT_REASON,
  PROP_DEFERRED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void reschedule (ShMonitor *self);
static void update_failure (ShMonitor *self);
static void set_deferred (ShMonitor *self, const ShCheckSummary *summary);

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gint64
real_monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time () / G_USEC_PER_SEC;
}

static gint64
now (ShMonitor *self)
{
  return self->clock (self->clock_data);
}

static gint64
now_monotonic (ShMonitor *self)
{
  return self->mono_clock (self->mono_clock_data);
}

const char *
sh_monitor_reason_to_string (ShMonitorReason reason)
{
  switch (reason)
    {
    case SH_MONITOR_REASON_START: return "start";
    case SH_MONITOR_REASON_NETWORK: return "network";
    case SH_MONITOR_REASON_RESUME: return "resume";
    case SH_MONITOR_REASON_TIMER: return "timer";
    case SH_MONITOR_REASON_EXPIRY: return "expiry";
    case SH_MONITOR_REASON_RETRY: return "retry";
    case SH_MONITOR_REASON_REQUEST: return "request";
    case SH_MONITOR_REASON_WARNING: return "warning";
    default: return "unknown";
    }
}

static guint
get_interval (ShMonitor *self)
{
  if (self->interval > 0)
    return self->interval;
  if (self->settings != NULL)
    return MAX (g_settings_get_uint (self->settings, "check-interval"), 60);
  return DEFAULT_INTERVAL;
}

guint
sh_monitor_backoff_base (guint n_failures,
                         guint max_seconds)
{
  guint delay = BACKOFF_FIRST;

  if (n_failures == 0)
    return 0;
  for (guint i = 1; i < n_failures && delay < max_seconds; i++)
    delay *= 2;
  return MIN (delay, max_seconds);
}

/* ---- the default check: the manager's checker ------------------------------ */

static void
default_check_start (ShManager           *manager,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  sh_checker_check_async (sh_manager_get_checker (manager), cancellable, callback, user_data);
}

static gboolean
default_check_finish (ShManager       *manager,
                      GAsyncResult    *result,
                      ShCheckSummary  *out_summary,
                      GError         **error)
{
  return sh_checker_check_finish (sh_manager_get_checker (manager), result, out_summary, error);
}

/* ---- running one check ------------------------------------------------------ */

static void
set_checking (ShMonitor *self,
              gboolean   checking)
{
  if (self->checking == checking)
    return;
  self->checking = checking;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKING]);
}

static gboolean
on_time_limit (gpointer user_data)
{
  ShMonitor *self = user_data;

  self->time_limit_id = 0;
  g_debug ("Check took longer than %d s; cancelled", CHECK_TIME_LIMIT);
  g_cancellable_cancel (self->check_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ShMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  ShCheckSummary summary = { 0 };
  gboolean ok, stopped;

  ok = self->check_finish (self->manager, result, &summary, &error);
  g_clear_handle_id (&self->time_limit_id, g_source_remove);
  g_clear_object (&self->check_cancellable);
  set_checking (self, FALSE);

  /* Stopped, or gone offline while it ran: no verdict, no failure either. */
  stopped = !self->active || (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
                              !self->network_available);
  if (stopped)
    return;

  /* A check in which not one token reached a verdict tells nothing: it
   * is no "last checked" (nor is a check of no token at all). */
  if (ok && !(summary.n_checked == 0 && summary.n_unknown > 0))
    {
      self->n_failures = 0;
      /* Tokens left for later within a network's budget: their check. */
      self->retry_at = summary.n_deferred > 0 ? summary.retry_at : 0;
      set_deferred (self, &summary);
      if (summary.n_checked > 0)
        {
          self->last_checked = now (self);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CHECKED]);
        }
    }
  else
    {
      guint base;
      double jitter = g_random_double_range (0.8, 1.2);

      self->n_failures++;
      base = sh_monitor_backoff_base (self->n_failures, get_interval (self));
      /* Never before the network said it takes requests again. */
      self->retry_at = MAX (now (self) + MAX (1, (gint64) (base * jitter)), summary.retry_at);
      g_debug ("Check failed (%s); retry in %" G_GINT64_FORMAT " s",
               error != NULL ? error->message : "no verdict",
               self->retry_at - now (self));
    }

  if (self->pending)
    {
      self->pending = FALSE;
      sh_monitor_request_check (self, SH_MONITOR_REASON_REQUEST);
    }
  if (!self->checking)
    reschedule (self);
  update_failure (self);
}

/* What the last check left for later and by when, as the window shows it;
 * gone once a check has judged the rest. */
static void
set_deferred (ShMonitor            *self,
              const ShCheckSummary *summary)
{
  g_autofree char *deferred = sh_checker_describe_deferred (summary);

  if (g_strcmp0 (deferred, self->deferred) == 0)
    return;
  g_free (self->deferred);
  self->deferred = g_steal_pointer (&deferred);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFERRED]);
}

static void
start_check (ShMonitor *self)
{
  g_assert (!self->checking);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->last_started = now (self);
  self->check_cancellable = g_cancellable_new ();
  self->time_limit_id = g_timeout_add_seconds (CHECK_TIME_LIMIT, on_time_limit, self);
  set_checking (self, TRUE);
  self->check_start (self->manager, self->check_cancellable, on_check_done, g_object_ref (self));
}

void
sh_monitor_request_check (ShMonitor       *self,
                          ShMonitorReason  reason)
{
  g_return_if_fail (SH_IS_MONITOR (self));

  if (!self->active)
    return;
  if (!self->network_available)
    {
      /* No check offline: it could only say "unknown". */
      self->wanted_offline = TRUE;
      return;
    }
  if (self->checking)
    {
      self->pending = TRUE;
      return;
    }
  /* The check after a resume is the resume's, also when the network coming
   * back (or the follow-up of a check under way) is what starts it. */
  if (self->resume_owed && (reason == SH_MONITOR_REASON_NETWORK ||
                            reason == SH_MONITOR_REASON_REQUEST))
    reason = SH_MONITOR_REASON_RESUME;
  self->resume_owed = FALSE;
  g_debug ("Checking (reason: %s)", sh_monitor_reason_to_string (reason));
  self->last_reason = reason;
  start_check (self);
}

static void
on_checked_now (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  ShCheckSummary summary = { 0 };

  if (!sh_checker_check_finish (SH_CHECKER (source), result, &summary, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_memdup2 (&summary, sizeof summary), g_free);
}

/* The monitor's own run when it may start one (its "checking" is what the
 * window shows), which the caller joins. */
static gboolean
check_now (gpointer user_data)
{
  GTask *task = user_data;
  ShMonitor *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  if (self->active && !self->checking)
    start_check (self);
  sh_checker_check_async (sh_manager_get_checker (self->manager), g_task_get_cancellable (task),
                          on_checked_now, task);
  return G_SOURCE_REMOVE;
}

static void
on_run_under_way_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  sh_checker_check_finish (SH_CHECKER (source), result, NULL, NULL);
  /* After the run's other callers (the monitor's own end among them). */
  g_idle_add (check_now, user_data);
}

/* Check Now and --check: they want an answer about the tokens as they are
 * now. A check under way may have judged a token before the person fixed
 * it (and then clicked Check Now): its answer would be stale, so it is
 * waited for and the answer is that of one more run after it (one for
 * every caller who asked meanwhile; the checker joins runs). Offline the
 * check runs all the same: a person asked, and "offline" is an answer too.
 * A monitor not started yet (before the window's first frame) leaves the
 * check to the caller alone. */
void
sh_monitor_check_now_async (ShMonitor           *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  ShChecker *checker;
  GTask *task;

  g_return_if_fail (SH_IS_MONITOR (self));

  checker = sh_manager_get_checker (self->manager);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_monitor_check_now_async);
  /* A run of only some channels (the broker's, a token just added) is no
   * answer for every channel: waiting for it, then running, would check
   * every token twice. The full run starts alongside it at once. */
  if (sh_checker_get_running_all (checker))
    sh_checker_check_async (checker, cancellable, on_run_under_way_done, task);
  else
    check_now (task);
}

gboolean
sh_monitor_check_now_finish (ShMonitor       *self,
                             GAsyncResult    *result,
                             ShCheckSummary  *out_summary,
                             GError         **error)
{
  g_autofree ShCheckSummary *summary = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  summary = g_task_propagate_pointer (G_TASK (result), error);
  if (summary == NULL)
    return FALSE;
  if (out_summary != NULL)
    *out_summary = *summary;
  return TRUE;
}

/* ---- the schedule -------------------------------------------------------------- */

/* A moment that comes with a token's deadline wins a tie with the timer:
 * it is the more telling reason, and considered after it. */
static void
consider (gint64          *due,
          ShMonitorReason *why,
          gint64           moment,
          ShMonitorReason  reason)
{
  if (moment <= 0 || (*due != 0 && moment > *due))
    return;
  if (moment == *due && (reason != SH_MONITOR_REASON_EXPIRY && reason != SH_MONITOR_REASON_WARNING))
    return;
  *due = moment;
  *why = reason;
}

/* The next moment at which a check is due, in clock time, and why. */
static gint64
compute_next_due (ShMonitor       *self,
                  ShMonitorReason *out_reason)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));
  gint64 window = sh_config_get_warning_window ();
  gint64 due = 0;
  ShMonitorReason why = SH_MONITOR_REASON_TIMER;

  if (self->retry_at > 0)
    consider (&due, &why, self->retry_at, SH_MONITOR_REASON_RETRY);
  else if (self->last_started > 0)
    consider (&due, &why, self->last_started + get_interval (self), SH_MONITOR_REASON_TIMER);

  /* Expiry moments and warning-window starts not yet passed by a check. */
  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
          gint64 expires_at = sh_token_get_expires_at (token);
          gint64 expires_by = sh_token_get_expires_by (token);

          if (expires_at <= 0)
            continue;
          if (expires_at > self->last_started)
            consider (&due, &why, expires_at, SH_MONITOR_REASON_EXPIRY);
          /* A pasted token of unknown age: expires_at is the earliest it can
           * end (the paste), expires_by the latest, when it surely has. */
          if (expires_by > self->last_started)
            consider (&due, &why, expires_by, SH_MONITOR_REASON_EXPIRY);
          if (expires_at - window > self->last_started)
            consider (&due, &why, expires_at - window, SH_MONITOR_REASON_WARNING);
        }
    }
  *out_reason = why;
  return due;
}

/* The debug line tests and people read ("Next check at …"), and the
 * properties, when the next wake-up moves. */
static void
set_next_due (ShMonitor       *self,
              gint64           due,
              ShMonitorReason  reason)
{
  if (due == self->next_due && reason == self->next_reason)
    return;
  self->next_due = due;
  self->next_reason = reason;
  if (due > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (due);
      g_autofree char *iso = g_date_time_format_iso8601 (when);

      g_debug ("Next check at %s (reason: %s)", iso, sh_monitor_reason_to_string (reason));
    }
  else
    g_debug ("Next check: none scheduled");
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_DUE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_REASON]);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
on_timer (gpointer user_data)
{
  ShMonitor *self = user_data;

  self->timer_id = 0;
  sh_monitor_run_due (self);
  return G_SOURCE_REMOVE;
}

/* Sleeps until @due (compute_next_due()'s), or not at all. */
static void
schedule_at (ShMonitor       *self,
             gint64           due,
             ShMonitorReason  reason)
{
  gint64 delay;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  /* Offline: the network coming back starts the next check. During a check:
   * its end schedules the next one. */
  if (!self->active || !self->network_available || self->checking)
    {
      set_next_due (self, 0, SH_MONITOR_REASON_TIMER);
      return;
    }

  set_next_due (self, due, reason);
  if (self->next_due == 0)
    return;
  delay = CLAMP (self->next_due - now (self), 0, MAX_SLEEP);
  self->timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) delay * 1000, on_timer,
                                       self, NULL);
  update_failure (self);
}

static void
reschedule (ShMonitor *self)
{
  ShMonitorReason reason = SH_MONITOR_REASON_TIMER;
  gint64 due = 0;

  if (self->active && self->network_available && !self->checking)
    due = compute_next_due (self, &reason);
  schedule_at (self, due, reason);
}

void
sh_monitor_run_due (ShMonitor *self)
{
  ShMonitorReason reason = SH_MONITOR_REASON_TIMER;
  gint64 due = 0;

  g_return_if_fail (SH_IS_MONITOR (self));

  if (!self->active)
    return;
  /* One walk over every token for both: whether a check is due now, and
   * else when. */
  if (self->network_available && !self->checking)
    {
      due = compute_next_due (self, &reason);
      if (due > 0 && due <= now (self))
        {
          sh_monitor_request_check (self, reason);
          return;
        }
    }
  schedule_at (self, due, reason);
}

/* ---- the network and sleep ------------------------------------------------------ */

static gboolean
on_debounced (gpointer user_data)
{
  ShMonitor *self = user_data;

  self->debounce_id = 0;
  sh_monitor_request_check (self, self->debounce_reason);
  return G_SOURCE_REMOVE;
}

/* A resume and the network coming back often arrive together: one check,
 * logged as the resume (the more telling reason). */
static void
debounce_check (ShMonitor       *self,
                ShMonitorReason  reason)
{
  if (self->debounce_id == 0 || reason == SH_MONITOR_REASON_RESUME)
    self->debounce_reason = reason;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (self->debounce_ms, on_debounced, self);
}

static void
on_network_available (GNetworkMonitor *monitor,
                      GParamSpec      *pspec,
                      ShMonitor       *self)
{
  gboolean available = g_network_monitor_get_network_available (monitor);

  if (available == self->network_available)
    return;
  self->network_available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_AVAILABLE]);

  if (!available)
    {
      g_clear_handle_id (&self->debounce_id, g_source_remove);
      /* What a running check would say now is only "offline". */
      if (self->check_cancellable != NULL)
        {
          g_cancellable_cancel (self->check_cancellable);
          self->wanted_offline = TRUE;
        }
      reschedule (self);
      return;
    }
  /* Back online: check again rather than trust what was seen offline. */
  self->wanted_offline = FALSE;
  if (self->active)
    debounce_check (self, SH_MONITOR_REASON_NETWORK);
}

void
sh_monitor_resumed (ShMonitor *self)
{
  g_return_if_fail (SH_IS_MONITOR (self));

  if (!self->active)
    return;
  /* The network is often still coming up right after a resume; if it is
   * down when the debounce ends, its return starts the resume's check. */
  self->resume_owed = TRUE;
  debounce_check (self, SH_MONITOR_REASON_RESUME);
}

static void
reset_tick (ShMonitor *self)
{
  self->tick_wall = now (self);
  self->tick_mono = now_monotonic (self);
}

/* The monotonic clock stands still while the machine sleeps and the wall
 * clock does not: a gap between them is a suspend, also where logind is out
 * of reach (Flatpak) or does not exist. logind and the tick may both see
 * one resume; the debounce makes it one check. A wall clock set back is no
 * suspend: only the baseline moves. */
gboolean
sh_monitor_tick (ShMonitor *self)
{
  gint64 wall_moved, mono_moved;

  g_return_val_if_fail (SH_IS_MONITOR (self), FALSE);

  if (!self->active)
    return FALSE;
  wall_moved = now (self) - self->tick_wall;
  mono_moved = now_monotonic (self) - self->tick_mono;
  reset_tick (self);
  if (wall_moved - mono_moved <= SUSPEND_MIN_GAP)
    return FALSE;
  g_debug ("Resumed: the wall clock moved %" G_GINT64_FORMAT " s, the monotonic clock %"
           G_GINT64_FORMAT " s", wall_moved, mono_moved);
  sh_monitor_resumed (self);
  return TRUE;
}

static gboolean
on_resume_tick (gpointer user_data)
{
  sh_monitor_tick (SH_MONITOR (user_data));
  return G_SOURCE_CONTINUE;
}

static void
start_resume_tick (ShMonitor *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  reset_tick (self);
  if (self->active && self->resume_tick_ms > 0)
    self->tick_id = g_timeout_add (self->resume_tick_ms, on_resume_tick, self);
}

static void
on_prepare_for_sleep (GDBusConnection *connection,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  gboolean going_to_sleep = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!going_to_sleep)
    {
      g_debug ("Resumed: logind's PrepareForSleep");
      sh_monitor_resumed (SH_MONITOR (user_data));
    }
}

static void
on_system_bus (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ShMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      /* No system bus (a container, a test): no resume checks, nothing else lost. */
      g_debug ("No system bus, no resume checks: %s", error->message);
      return;
    }
  if (!self->active)
    {
      g_object_unref (bus);
      return;
    }
  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_prepare_for_sleep,
                                        self, NULL);
}

/* ---- life cycle ---------------------------------------------------------------------- */

void
sh_monitor_start (ShMonitor *self)
{
  g_return_if_fail (SH_IS_MONITOR (self));

  if (self->active)
    return;
  self->active = TRUE;
  self->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  if (self->watch_sleep)
    g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus, g_object_ref (self));
  start_resume_tick (self);
  sh_monitor_request_check (self, SH_MONITOR_REASON_START);
  if (!self->checking)
    reschedule (self);
}

void
sh_monitor_stop (ShMonitor *self)
{
  g_return_if_fail (SH_IS_MONITOR (self));

  if (!self->active)
    return;
  self->active = FALSE;
  self->pending = FALSE;
  self->resume_owed = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
  set_next_due (self, 0, SH_MONITOR_REASON_TIMER);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/* A token added, removed or renewed, or any setting (check-interval,
 * warning-window-days, …) changed: the next wake-up may have moved. During
 * a check its end reschedules anyway. */
static void
on_schedule_input_changed (ShMonitor *self)
{
  if (!self->checking)
    reschedule (self);
}

/* ---- why the last check failed ---------------------------------------------------- */

/* "Could not check: Facebook asked SocialHub to slow down. Next try at
 * 11:05.", from the tokens the last check left without a verdict (a token
 * without its secret says so in its own row, not here), or NULL when every
 * token got one. The network's part of the words is its provider's. */
/* Every token of every channel, each held by the array. */
static GPtrArray *
all_tokens (ShMonitor *self)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        g_ptr_array_add (all, g_list_model_get_item (tokens, j));
    }
  return all;
}

static char *
describe_failure (ShMonitor *self)
{
  g_autoptr(GPtrArray) tokens = all_tokens (self);
  g_autoptr(GPtrArray) clauses = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  g_autofree char *sentence = NULL;

  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);
      ShTokenReason reason = sh_token_get_reason (token);
      char *clause;

      if (sh_token_get_state (token) != SH_TOKEN_STATE_UNKNOWN ||
          reason == SH_TOKEN_REASON_NONE || reason == SH_TOKEN_REASON_SECRET_MISSING)
        continue;
      clause = sh_network_describe_check_failure (sh_token_get_network (token), reason);
      if (g_ptr_array_find_with_equal_func (clauses, clause, g_str_equal, NULL))
        g_free (clause);
      else
        g_ptr_array_add (clauses, clause);
    }
  if (clauses->len == 0)
    return NULL;
  g_ptr_array_add (clauses, NULL);
  /* Translators: joins the reasons of several networks after "Could not check:" */
  joined = g_strjoinv (_("; "), (char **) clauses->pdata);
  /* Translators: %s says why, e.g. "Facebook asked SocialHub to slow down" */
  sentence = g_strdup_printf (_("Could not check: %s."), joined);
  if (self->next_due > 0 && self->active)
    {
      g_autofree char *when = sh_time_format_moment (self->next_due, now (self));

      /* Translators: %s is a time of day, e.g. "11:05", or a date and time */
      return g_strdup_printf (_("%s Next try at %s."), sentence, when);
    }
  return g_steal_pointer (&sentence);
}

static void
update_failure (ShMonitor *self)
{
  g_autofree char *failure = describe_failure (self);

  if (g_strcmp0 (failure, self->failure) == 0)
    return;
  g_free (self->failure);
  self->failure = g_steal_pointer (&failure);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
}

/* The newest verdict of any token, also one from an earlier process or from
 * a check that joined this one: what "Last checked" shows. */
static void
note_verdict_times (ShMonitor *self)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));
  gint64 newest = self->last_checked;

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
          newest = MAX (newest, sh_token_get_checked_at (token));
        }
    }
  if (newest != self->last_checked)
    {
      self->last_checked = newest;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CHECKED]);
    }
  update_failure (self);
}

static void
sh_monitor_constructed (GObject *object)
{
  ShMonitor *self = SH_MONITOR (object);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE)
                                             : NULL;

  G_OBJECT_CLASS (sh_monitor_parent_class)->constructed (object);

  if (schema != NULL && g_settings_schema_has_key (schema, "check-interval"))
    {
      self->settings = g_settings_new_full (schema, NULL, NULL);
      g_signal_connect_object (self->settings, "changed",
                               G_CALLBACK (on_schedule_input_changed), self, G_CONNECT_SWAPPED);
    }
  self->token_watch = sh_token_watch_new (sh_manager_get_channels (self->manager));
  g_signal_connect_object (self->token_watch, "changed",
                           G_CALLBACK (on_schedule_input_changed), self, G_CONNECT_SWAPPED);
  if (self->network_monitor == NULL)
    self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_available = g_network_monitor_get_network_available (self->network_monitor);
  g_signal_connect_object (self->network_monitor, "notify::network-available",
                           G_CALLBACK (on_network_available), self, 0);
  /* Scanned when the file is read and after each check, not per repaint. */
  g_signal_connect_object (self->manager, "notify::loaded", G_CALLBACK (note_verdict_times),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sh_manager_get_checker (self->manager), "checked",
                           G_CALLBACK (note_verdict_times), self, G_CONNECT_SWAPPED);
  note_verdict_times (self);
}

static void
sh_monitor_dispose (GObject *object)
{
  ShMonitor *self = SH_MONITOR (object);

  sh_monitor_stop (self);
  g_clear_handle_id (&self->time_limit_id, g_source_remove);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->token_watch);
  g_clear_object (&self->network_monitor);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (sh_monitor_parent_class)->dispose (object);
}

static void
sh_monitor_finalize (GObject *object)
{
  g_free (SH_MONITOR (object)->failure);
  g_free (SH_MONITOR (object)->deferred);
  G_OBJECT_CLASS (sh_monitor_parent_class)->finalize (object);
}

static void
sh_monitor_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ShMonitor *self = SH_MONITOR (object);

  switch (prop_id)
    {
    case PROP_MANAGER: g_value_set_object (value, self->manager); break;
    case PROP_NETWORK_MONITOR: g_value_set_object (value, self->network_monitor); break;
    case PROP_CHECKING: g_value_set_boolean (value, self->checking); break;
    case PROP_NETWORK_AVAILABLE: g_value_set_boolean (value, self->network_available); break;
    case PROP_LAST_CHECKED: g_value_set_int64 (value, self->last_checked); break;
    case PROP_ACTIVE: g_value_set_boolean (value, self->active); break;
    case PROP_FAILURE: g_value_set_string (value, self->failure); break;
    case PROP_NEXT_DUE: g_value_set_int64 (value, self->next_due); break;
    case PROP_NEXT_REASON: g_value_set_string (value, self->next_due > 0
                                               ? sh_monitor_reason_to_string (self->next_reason)
                                               : NULL); break;
    case PROP_DEFERRED: g_value_set_string (value, self->deferred); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_monitor_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ShMonitor *self = SH_MONITOR (object);

  switch (prop_id)
    {
    case PROP_MANAGER: self->manager = g_value_dup_object (value); break;
    case PROP_NETWORK_MONITOR: self->network_monitor = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_monitor_class_init (ShMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sh_monitor_constructed;
  object_class->dispose = sh_monitor_dispose;
  object_class->finalize = sh_monitor_finalize;
  object_class->get_property = sh_monitor_get_property;
  object_class->set_property = sh_monitor_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, SH_TYPE_MANAGER, co);
  /* NULL at construction: g_network_monitor_get_default(). */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR, co);
  properties[PROP_CHECKING] =
    g_param_spec_boolean ("checking", NULL, NULL, FALSE, ro);
  properties[PROP_NETWORK_AVAILABLE] =
    g_param_spec_boolean ("network-available", NULL, NULL, TRUE, ro);
  properties[PROP_LAST_CHECKED] =
    g_param_spec_int64 ("last-checked", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE, ro);
  /* Why the last check left tokens without a verdict, and when the next
   * try is; NULL when it did not. */
  properties[PROP_FAILURE] =
    g_param_spec_string ("failure", NULL, NULL, NULL, ro);
  /* The next wake-up (clock time; 0: none) and why ("timer", "expiry",
   * "warning", "retry"; NULL: none): what tests read. */
  properties[PROP_NEXT_DUE] =
    g_param_spec_int64 ("next-due", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_NEXT_REASON] =
    g_param_spec_string ("next-reason", NULL, NULL, NULL, ro);
  /* "650 checked, 350 more by 04:17" after a check (scheduled or not)
   * that left tokens for later within a network's budget
   * (sh_checker_describe_deferred); NULL once none wait. */
  properties[PROP_DEFERRED] =
    g_param_spec_string ("deferred", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_monitor_init (ShMonitor *self)
{
  self->clock = real_clock;
  self->mono_clock = real_monotonic_clock;
  self->resume_tick_ms = RESUME_TICK_MS;
  self->check_start = default_check_start;
  self->check_finish = default_check_finish;
  self->debounce_ms = DEFAULT_DEBOUNCE_MS;
  self->watch_sleep = TRUE;
  self->network_available = TRUE;
}

ShMonitor *
sh_monitor_new (ShManager       *manager,
                GNetworkMonitor *network_monitor)
{
  g_return_val_if_fail (SH_IS_MANAGER (manager), NULL);
  g_return_val_if_fail (network_monitor == NULL || G_IS_NETWORK_MONITOR (network_monitor), NULL);

  return g_object_new (SH_TYPE_MONITOR, "manager", manager, "network-monitor", network_monitor, NULL);
}

void
sh_monitor_set_clock (ShMonitor      *self,
                      ShMonitorClock  clock,
                      gpointer        user_data)
{
  g_return_if_fail (SH_IS_MONITOR (self));
  self->clock = clock != NULL ? clock : real_clock;
  self->clock_data = user_data;
  reset_tick (self);
}

void
sh_monitor_set_monotonic_clock (ShMonitor      *self,
                                ShMonitorClock  clock,
                                gpointer        user_data)
{
  g_return_if_fail (SH_IS_MONITOR (self));
  self->mono_clock = clock != NULL ? clock : real_monotonic_clock;
  self->mono_clock_data = user_data;
  reset_tick (self);
}

void
sh_monitor_set_resume_tick (ShMonitor *self,
                            guint      milliseconds)
{
  g_return_if_fail (SH_IS_MONITOR (self));
  self->resume_tick_ms = milliseconds;
  if (self->active)
    start_resume_tick (self);
}

ShMonitorReason
sh_monitor_get_last_reason (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), SH_MONITOR_REASON_START);
  return self->last_reason;
}

void
sh_monitor_set_check_func (ShMonitor            *self,
                           ShMonitorCheckStart   start,
                           ShMonitorCheckFinish  finish)
{
  g_return_if_fail (SH_IS_MONITOR (self));
  g_return_if_fail ((start == NULL) == (finish == NULL));
  self->check_start = start != NULL ? start : default_check_start;
  self->check_finish = finish != NULL ? finish : default_check_finish;
}

void
sh_monitor_set_interval (ShMonitor *self,
                         guint      seconds)
{
  g_return_if_fail (SH_IS_MONITOR (self));
  self->interval = seconds;
  if (!self->checking)
    reschedule (self);
}

void
sh_monitor_set_debounce (ShMonitor *self,
                         guint      milliseconds)
{
  g_return_if_fail (SH_IS_MONITOR (self));
  self->debounce_ms = milliseconds;
}

void
sh_monitor_set_watch_sleep (ShMonitor *self,
                            gboolean   watch)
{
  g_return_if_fail (SH_IS_MONITOR (self));
  self->watch_sleep = watch;
}

ShManager *
sh_monitor_get_manager (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), NULL);
  return self->manager;
}

gboolean
sh_monitor_get_active (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), FALSE);
  return self->active;
}

gboolean
sh_monitor_get_checking (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), FALSE);
  return self->checking;
}

gboolean
sh_monitor_get_network_available (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), FALSE);
  return self->network_available;
}

gint64
sh_monitor_get_last_checked (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), 0);
  return self->last_checked;
}

gint64
sh_monitor_get_next_due (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), 0);
  return self->next_due;
}

const char *
sh_monitor_get_failure (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), NULL);
  return self->failure;
}

const char *
sh_monitor_get_deferred (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), NULL);
  return self->deferred;
}

guint
sh_monitor_get_n_failures (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), 0);
  return self->n_failures;
}

ShMonitorReason
sh_monitor_get_next_reason (ShMonitor *self)
{
  g_return_val_if_fail (SH_IS_MONITOR (self), SH_MONITOR_REASON_TIMER);
  return self->next_reason;
}
