/* sh-time-format.c — dates and times in words a person reads the same way
 * in every country (see sh-time-format.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-time-format.h"

static char *
format_local (gint64      unix_time,
              const char *format)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_time);

  if (when == NULL)
    return g_strdup ("");
  return g_date_time_format (when, format);
}

char *
sh_time_format_date (gint64 unix_time)
{
  /* Translators: a date as g_date_time_format() writes it, e.g.
   * "4 December 2026". %-d is the day without a leading zero, %B the
   * month's name, %Y the year. Keep the month a word, never a number
   * ("12/04/26" reads as two different days); German: "%-d. %B %Y".
   * xgettext:no-c-format */
  return format_local (unix_time, C_("date format", "%-d %B %Y"));
}

char *
sh_time_format_clock (gint64 unix_time)
{
  /* Translators: a time of day as g_date_time_format() writes it, e.g.
   * "11:05": %H the hour (00–23), %M the minutes. "%l:%M %p" gives "11:05 AM".
   * xgettext:no-c-format */
  return format_local (unix_time, C_("time format", "%H:%M"));
}

static gboolean
same_local_day (gint64 a,
                gint64 b)
{
  g_autoptr(GDateTime) da = g_date_time_new_from_unix_local (a);
  g_autoptr(GDateTime) db = g_date_time_new_from_unix_local (b);

  return da != NULL && db != NULL &&
         g_date_time_get_year (da) == g_date_time_get_year (db) &&
         g_date_time_get_day_of_year (da) == g_date_time_get_day_of_year (db);
}

char *
sh_time_format_moment (gint64 unix_time,
                       gint64 now)
{
  g_autofree char *clock = sh_time_format_clock (unix_time);
  g_autofree char *date = NULL;

  if (same_local_day (unix_time, now))
    return g_steal_pointer (&clock);
  date = sh_time_format_date (unix_time);
  /* Translators: a date, then a time of day: "5 December 2026, 11:05" */
  return g_strdup_printf (C_("date and time", "%s, %s"), date, clock);
}

/* Days between the local dates of @now and @unix_time: 1 for any moment
 * tomorrow, whatever the hour (and whatever daylight saving does). */
static gint64
calendar_days_between (gint64 now,
                       gint64 unix_time)
{
  g_autoptr(GDateTime) a = g_date_time_new_from_unix_local (now);
  g_autoptr(GDateTime) b = g_date_time_new_from_unix_local (unix_time);
  GDate da, db;

  if (a == NULL || b == NULL)
    return (unix_time - now) / SH_TIME_DAY;
  g_date_clear (&da, 1);
  g_date_clear (&db, 1);
  g_date_set_dmy (&da, g_date_time_get_day_of_month (a), g_date_time_get_month (a),
                  g_date_time_get_year (a));
  g_date_set_dmy (&db, g_date_time_get_day_of_month (b), g_date_time_get_month (b),
                  g_date_time_get_year (b));
  return g_date_days_between (&da, &db);
}

char *
sh_time_format_until (gint64 unix_time,
                      gint64 now)
{
  gint64 left = unix_time - now;
  gint64 n;

  if (left <= 0)
    /* Translators: when something ends, for "Expires %s" */
    return g_strdup (C_("until", "now"));
  if (left < SH_TIME_HOUR)
    {
      n = (left + 59) / 60;
      if (n < 60)
        /* Translators: for "Expires %s", "expires %s" */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d minute", "in %d minutes",
                                             (gulong) n), (int) n);
    }
  n = MAX ((left + SH_TIME_HOUR / 2) / SH_TIME_HOUR, 1);
  if (n < 24)
    /* Translators: for "Expires %s", "expires %s" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d hour", "in %d hours",
                                         (gulong) n), (int) n);

  /* About a day or more: the local calendar says which day. */
  n = calendar_days_between (now, unix_time);
  if (n <= 0)
    /* Translators: for "Expires %s", "expires %s" */
    return g_strdup (C_("until", "today"));
  if (n == 1)
    /* Translators: for "Expires %s", "expires %s" */
    return g_strdup (C_("until", "tomorrow"));
  /* Translators: for "Expires %s", "expires %s" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d day", "in %d days", (gulong) n),
                          (int) n);
}
