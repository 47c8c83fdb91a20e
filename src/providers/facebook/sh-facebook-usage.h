/* sh-facebook-usage.h — what the Graph's usage headers last said, for each
 * client of the Graph (the Facebook provider, and the Instagram provider,
 * whose batches go to the same Graph). */
#pragma once

#include <glib.h>

#include "sh-http.h"

G_BEGIN_DECLS

/* Seconds for which the last usage headers are trusted (the Graph counts
 * usage over a rolling hour). */
#define SH_FACEBOOK_USAGE_MAX_AGE (5 * 60)

typedef struct {
  guint  percent;          /* the last usage headers' verdict */
  gint64 noted_at;         /* when they came (monotonic µs), 0: never */
  gint64 throttled_until;  /* no request before this (unix seconds) */
} ShFacebookUsage;

/* Notes @reply's X-App-Usage / X-Business-Use-Case-Usage, if it has any. */
void     sh_facebook_usage_note        (ShFacebookUsage   *usage,
                                        const ShHttpReply *reply);
/* Whether the headers came recently enough (SH_FACEBOOK_USAGE_MAX_AGE) to
 * go by: FALSE before any came, as in every new --check process. */
gboolean sh_facebook_usage_is_fresh    (const ShFacebookUsage *usage);
/* No request before @until (unix seconds); an earlier pause never shortens
 * a later one. */
void     sh_facebook_usage_pause_until (ShFacebookUsage   *usage,
                                        gint64             until);
/* For tests: the headers as if they had come @seconds earlier. */
void     sh_facebook_usage_age         (ShFacebookUsage   *usage,
                                        guint              seconds);

G_END_DECLS
