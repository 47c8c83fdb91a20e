/* test-time-format.c — one duration formatter for the list, the window and
 * notifications (issue 20, item 6), with fixed clocks and time zones. */
#include "config.h"

#include <locale.h>
#include <time.h>

#include "sh-time-format.h"

#define HOUR ((gint64) 3600)
#define DAY (24 * HOUR)

/* A local wall-clock moment in the time zone of $TZ. */
static gint64
local (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (year, month, day, hour, minute, 0);

  g_assert_nonnull (when);
  return g_date_time_to_unix (when);
}

static void
assert_until (gint64      moment,
              gint64      now,
              const char *expected)
{
  g_autofree char *text = sh_time_format_until (moment, now);

  g_assert_cmpstr (text, ==, expected);
}

static void
use_time_zone (const char *tz)
{
  g_setenv ("TZ", tz, TRUE);
  tzset ();
}

/* Minutes under an hour, hours under a day, then days. */
static void
test_units (void)
{
  gint64 now;

  use_time_zone ("Europe/Berlin");
  now = local (2026, 12, 4, 10, 0);
  assert_until (now + 1, now, "in 1 minute");
  assert_until (now + 45 * 60, now, "in 45 minutes");
  assert_until (now + HOUR - 1, now, "in 1 hour");
  assert_until (now + HOUR, now, "in 1 hour");
  /* A 2-hour X token, a few seconds after it was issued. */
  assert_until (now + 2 * HOUR - 5, now, "in 2 hours");
  assert_until (now + 2 * HOUR, now, "in 2 hours");
  assert_until (now + 5 * HOUR + 20 * 60, now, "in 5 hours");
  /* Near a day, the calendar says which: 23 h 40 min after 00:10 is
   * still today, 23 h 59 min after 10:00 is tomorrow. */
  assert_until (local (2026, 12, 4, 23, 50), local (2026, 12, 4, 0, 10), "today");
  assert_until (local (2026, 12, 4, 23, 20), local (2026, 12, 4, 0, 10), "in 23 hours");
  assert_until (now + DAY - 60, now, "tomorrow");
  assert_until (now, now, "now");
  assert_until (now - DAY, now, "now");
}

/* A 21-hour token that ends tomorrow (local time) is "in 21 hours", the
 * same wherever it is said; a day or more ahead, the local calendar counts. */
static void
test_calendar (void)
{
  gint64 now;

  use_time_zone ("Europe/Berlin");
  now = local (2026, 12, 4, 10, 0);
  assert_until (local (2026, 12, 5, 7, 0), now, "in 21 hours");
  assert_until (now + DAY, now, "tomorrow");
  assert_until (local (2026, 12, 5, 23, 59), now, "tomorrow");
  assert_until (local (2026, 12, 6, 0, 1), now, "in 2 days");
  /* 23:00 + 25 h is the day after tomorrow. */
  now = local (2026, 12, 4, 23, 0);
  assert_until (now + 25 * HOUR, now, "in 2 days");
}

/* The warning window's start reads "in 7 days" at the moment and all that
 * day after it (the list said 6 days while the notification said 7). */
static void
test_warning_window_start (void)
{
  gint64 now;

  use_time_zone ("Europe/Berlin");
  now = local (2026, 12, 4, 10, 0);
  assert_until (now + 7 * DAY, now, "in 7 days");
  assert_until (now + 7 * DAY, now + 1, "in 7 days");
  assert_until (now + 7 * DAY, now + 13 * HOUR, "in 7 days");
  assert_until (now + 7 * DAY, now + 14 * HOUR + 1, "in 6 days");
}

/* The calendar is the local one: the same two moments are "tomorrow" in
 * one zone and "in 2 days" in another; a daylight-saving change (Berlin,
 * 28 March 2027) does not shift a day. */
static void
test_time_zones (void)
{
  gint64 now = 1796457600;   /* 2026-12-05 08:00 UTC */
  gint64 moment = now + 40 * HOUR;   /* 2026-12-07 00:00 UTC */

  use_time_zone ("UTC");
  assert_until (moment, now, "in 2 days");
  use_time_zone ("America/New_York");   /* 03:00 → 19:00 the next day */
  assert_until (moment, now, "tomorrow");

  use_time_zone ("Europe/Berlin");
  assert_until (local (2027, 3, 29, 12, 0), local (2027, 3, 27, 12, 0), "in 2 days");
  /* 23 hours of real time that day: still under a day. */
  assert_until (local (2027, 3, 28, 12, 0), local (2027, 3, 27, 12, 0), "in 23 hours");
  assert_until (local (2027, 3, 28, 18, 0), local (2027, 3, 27, 12, 0), "tomorrow");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/time-format/units", test_units);
  g_test_add_func ("/time-format/calendar", test_calendar);
  g_test_add_func ("/time-format/warning-window-start", test_warning_window_start);
  g_test_add_func ("/time-format/time-zones", test_time_zones);
  return g_test_run ();
}
