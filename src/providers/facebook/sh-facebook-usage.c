/* sh-facebook-usage.c — the Graph's usage headers, remembered. */
#include "config.h"

#include "sh-facebook-classify.h"
#include "sh-facebook-usage.h"

void
sh_facebook_usage_note (ShFacebookUsage   *usage,
                        const ShHttpReply *reply)
{
  const char *app_usage = sh_http_reply_get_header (reply, "X-App-Usage");
  const char *business_usage = sh_http_reply_get_header (reply, "X-Business-Use-Case-Usage");
  guint regain = 0;

  if (app_usage == NULL && business_usage == NULL)
    return;
  usage->percent = sh_facebook_parse_usage (app_usage, business_usage, &regain);
  usage->noted_at = g_get_monotonic_time ();
  if (regain > 0)
    sh_facebook_usage_pause_until (usage, g_get_real_time () / G_USEC_PER_SEC +
                                          (gint64) regain * 60);
}

gboolean
sh_facebook_usage_is_fresh (const ShFacebookUsage *usage)
{
  return usage->noted_at != 0 &&
         g_get_monotonic_time () - usage->noted_at <
           (gint64) SH_FACEBOOK_USAGE_MAX_AGE * G_USEC_PER_SEC;
}

void
sh_facebook_usage_pause_until (ShFacebookUsage *usage,
                               gint64           until)
{
  usage->throttled_until = MAX (usage->throttled_until, until);
}

void
sh_facebook_usage_age (ShFacebookUsage *usage,
                       guint            seconds)
{
  if (usage->noted_at != 0)
    usage->noted_at -= (gint64) seconds * G_USEC_PER_SEC;
}
