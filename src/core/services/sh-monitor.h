/* sh-monitor.h — decides when every token is checked.
 *
 * Checks run on start, when the network comes back (debounced), after a
 * resume from suspend (logind's PrepareForSleep, where the system bus has
 * logind; and everywhere a periodic tick that sees the wall clock move much
 * further than the monotonic clock, which stands still during a suspend:
 * inside Flatpak the system bus is out of reach), on a timer (GSettings check-interval) and at each known expiry
 * moment or warning-window start. One check at a time: requests made while
 * one runs are merged into one follow-up. A failed check (an error such as a
 * locked keyring, or no token reaching a verdict) backs off exponentially
 * with jitter. While the network monitor says offline nothing is checked, so
 * no verdict changes.
 *
 * Time, the network monitor and the check itself can be replaced, so that
 * tests never wait for real intervals.
 */
#pragma once

#include <gio/gio.h>
#include "sh-manager.h"

G_BEGIN_DECLS

#define SH_TYPE_MONITOR (sh_monitor_get_type ())
G_DECLARE_FINAL_TYPE (ShMonitor, sh_monitor, SH, MONITOR, GObject)

/* Wall-clock seconds since the epoch (the same clock as a token's
 * expires_at and checked_at). */
typedef gint64 (*ShMonitorClock) (gpointer user_data);
/* The monotonic clock is the same type, in seconds: g_get_monotonic_time()
 * by default, which does not advance while the machine is suspended. */

/* The check the monitor runs: the manager's ShChecker by default. */
typedef void     (*ShMonitorCheckStart)  (ShManager           *manager,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
typedef gboolean (*ShMonitorCheckFinish) (ShManager           *manager,
                                          GAsyncResult        *result,
                                          ShCheckSummary      *out_summary,
                                          GError             **error);

typedef enum {
  SH_MONITOR_REASON_START,
  SH_MONITOR_REASON_NETWORK,
  SH_MONITOR_REASON_RESUME,
  SH_MONITOR_REASON_TIMER,
  SH_MONITOR_REASON_EXPIRY,
  SH_MONITOR_REASON_RETRY,
  SH_MONITOR_REASON_REQUEST,
  SH_MONITOR_REASON_WARNING,    /* a token's warning window opens */
} ShMonitorReason;

ShMonitor   *sh_monitor_new                (ShManager            *manager,
                                            GNetworkMonitor      *network_monitor);
void         sh_monitor_set_clock          (ShMonitor            *self,
                                            ShMonitorClock        clock,
                                            gpointer              user_data);
void         sh_monitor_set_check_func     (ShMonitor            *self,
                                            ShMonitorCheckStart   start,
                                            ShMonitorCheckFinish  finish);
/* Seconds between timer checks (default: GSettings check-interval). */
void         sh_monitor_set_interval       (ShMonitor            *self,
                                            guint                 seconds);
/* Milliseconds between "network available" and the check (default 2000). */
void         sh_monitor_set_debounce       (ShMonitor            *self,
                                            guint                 milliseconds);
/* Whether to listen to logind on the system bus (default TRUE). */
void         sh_monitor_set_watch_sleep    (ShMonitor            *self,
                                            gboolean              watch);
void         sh_monitor_set_monotonic_clock (ShMonitor           *self,
                                            ShMonitorClock        clock,
                                            gpointer              user_data);
/* Milliseconds between two looks for a suspend (default 60000; 0: none). */
void         sh_monitor_set_resume_tick    (ShMonitor            *self,
                                            guint                 milliseconds);

ShManager   *sh_monitor_get_manager        (ShMonitor            *self);
void         sh_monitor_start              (ShMonitor            *self);
void         sh_monitor_stop               (ShMonitor            *self);
gboolean     sh_monitor_get_active         (ShMonitor            *self);
/* Asks for a check now (merged with one that is running or queued). */
void         sh_monitor_request_check      (ShMonitor            *self,
                                            ShMonitorReason       reason);
/* The way a person's check starts (Check Now): starts one, even when
 * offline, and answers with its summary; a check under way (which may have
 * judged a token before the person fixed it) is waited for and one more
 * run after it answers.
 * It answers through the manager's ShChecker, which is where runs join: a
 * check function set with sh_monitor_set_check_func() (tests of the
 * schedule) is not used here. */
void         sh_monitor_check_now_async    (ShMonitor            *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean     sh_monitor_check_now_finish   (ShMonitor            *self,
                                            GAsyncResult         *result,
                                            ShCheckSummary       *out_summary,
                                            GError              **error);
/* Runs whatever is due at the clock's current time and schedules the rest:
 * the real timer calls this; a test calls it after moving its clock. */
void         sh_monitor_run_due            (ShMonitor            *self);
/* For the resume path and tests: what logind's PrepareForSleep(false) does. */
void         sh_monitor_resumed            (ShMonitor            *self);
/* What the resume tick does: a wall clock that moved more than a minute
 * further than the monotonic clock since the last tick means the machine
 * slept; then the same as sh_monitor_resumed(). Returns whether it did. */
gboolean     sh_monitor_tick               (ShMonitor            *self);
/* Why the last check the monitor started was started (a log word too). */
ShMonitorReason sh_monitor_get_last_reason (ShMonitor            *self);
const char  *sh_monitor_reason_to_string   (ShMonitorReason       reason);

gboolean     sh_monitor_get_checking       (ShMonitor            *self);
gboolean     sh_monitor_get_network_available (ShMonitor         *self);
/* Clock time of the last check that reached a verdict (so reached the
 * network), also as the tokens
 * remember it from an earlier process ("last-checked"); 0 = none yet. */
gint64       sh_monitor_get_last_checked   (ShMonitor            *self);
/* Clock time of the next scheduled check (timer, expiry, warning-window
 * start or retry); 0 none. Recomputed whenever a token is added, removed or
 * renewed, a setting changes, a check ends or the network comes and goes;
 * each move is logged as "Next check at 2026-… (reason: expiry)" (the
 * "next-due" and "next-reason" properties). */
gint64       sh_monitor_get_next_due       (ShMonitor            *self);
/* Why the next scheduled check is due (meaningful while next-due > 0). */
ShMonitorReason sh_monitor_get_next_reason (ShMonitor            *self);
/* "Could not check: Facebook asked SocialHub to slow down. Next try at
 * 11:05." while the last check left tokens without a verdict, else NULL
 * (the "failure" property). */
const char  *sh_monitor_get_failure        (ShMonitor            *self);
/* The "deferred" property: "650 checked, 350 more by 04:17", or NULL. */
const char  *sh_monitor_get_deferred       (ShMonitor            *self);
guint        sh_monitor_get_n_failures     (ShMonitor            *self);
/* The back-off delay in seconds after @n_failures failures, before jitter. */
guint        sh_monitor_backoff_base       (guint                 n_failures,
                                            guint                 max_seconds);

G_END_DECLS
