/* sh-facebook-usage.h — what the Graph's usage headers last said, and the
 * calls spent on them, ONE memory per Graph app: the Facebook provider and
 * the Instagram provider (whose batches go to the same Graph, on the same
 * app's budget) share it (sh_facebook_usage_share), so that the budget
 * planner counts every call either makes and each stops on the other's
 * answers too. Per Page as well: the batch items' X-Business-Use-Case-Usage
 * and a Page's own throttle (80001, 32). */
#pragma once

#include <glib.h>

#include "sh-http.h"

G_BEGIN_DECLS

/* Seconds for which the last usage headers are trusted (the Graph counts
 * usage over a rolling hour). */
#define SH_FACEBOOK_USAGE_MAX_AGE (5 * 60)
/* Above this share of a budget: one batch at a time. Above the second: no
 * more requests that would pass it. */
#define SH_FACEBOOK_USAGE_SLOW_DOWN 75
#define SH_FACEBOOK_USAGE_STOP      90

typedef struct _ShFacebookUsage ShFacebookUsage;

struct _ShFacebookUsage {
  guint       percent;          /* the last usage headers' verdict */
  gint64      noted_at;         /* when they came (monotonic µs), 0: never */
  gint64      throttled_until;  /* no request before this (unix seconds) */

  /* The budget planner: every Graph call of every client of the app. */
  guint64     calls_sent;       /* every batch item, and the batch */
  guint64     calls_answered;
  guint64     last_mark;        /* the highest mark of a request answered */
  guint       last_usage;       /* the usage its answer carried */
  gboolean    have_base;        /* the first answer's usage and mark since the
                                 * headers were last stale */
  guint       base_usage;
  guint64     base_mark;
  double      calls_per_percent; /* learnt from the usage's growth, 0: not yet */

  GHashTable *pages;            /* Page key → ShFacebookPageUsage */
  /* private */
  gint        ref_count;
  char       *app_id;
};

/* One Page's budget (X-Business-Use-Case-Usage of its tokens' items). */
typedef struct {
  guint  percent;               /* its last header's verdict */
  gint64 noted_at;              /* monotonic µs, 0: never */
  gint64 paused_until;          /* 80001/32: none of its calls before (unix s) */
  gint64 first_sent_at;         /* unix seconds: its calls leave the hour after */
  guint  sent;                  /* its calls sent, and answered */
  guint  answered;
  guint  base_percent;          /* planning, as for the app */
  guint  base_answered;
  gboolean have_base;
  double calls_per_percent;
  double calls_per_percent_at_most; /* from our calls since it was fresh */
} ShFacebookPageUsage;

/* The memory of @app_id's budget: the one every client of that app shares
 * while any holds it (a new one when none does). @fresh: a new one all the
 * same, which the clients asking from now on share — the Facebook
 * provider's, so that a new one starts as a new process would, and the
 * Instagram provider made after it shares its memory. */
ShFacebookUsage *sh_facebook_usage_share (const char *app_id,
                                          gboolean    fresh);
ShFacebookUsage *sh_facebook_usage_ref   (ShFacebookUsage *usage);
void             sh_facebook_usage_unref (ShFacebookUsage *usage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShFacebookUsage, sh_facebook_usage_unref)

/* Notes @reply's X-App-Usage, if it has one (a Page's usage is not the app's). */
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

/* The planner. A request of @calls Graph calls goes: returns its mark, the
 * calls the Graph surely had counted when it took the request (those
 * answered before it was sent, and its own). */
guint64  sh_facebook_usage_sent        (ShFacebookUsage   *usage,
                                        guint              calls);
/* Its answer came (its headers noted already): learn how many calls a
 * percent is, from how the usage grew. */
void     sh_facebook_usage_answered    (ShFacebookUsage   *usage,
                                        guint              calls,
                                        guint64            mark);
/* Whether a request of @calls more calls now would keep the usage at
 * SH_FACEBOOK_USAGE_STOP or below, counting the requests still out (of
 * every client). TRUE when the headers are not fresh: nothing to go by. */
gboolean sh_facebook_usage_allows      (ShFacebookUsage   *usage,
                                        guint              calls);

/* Per Page, @page a key of the caller's (the Page's channel). */
ShFacebookPageUsage *sh_facebook_usage_page (ShFacebookUsage *usage,
                                             const char      *page);
/* A call for @page goes. */
void     sh_facebook_usage_page_sent   (ShFacebookUsage   *usage,
                                        const char        *page);
/* Its answer came, with the item's X-Business-Use-Case-Usage (or NULL)
 * and whether it was the Page's throttle (80001, 32). */
void     sh_facebook_usage_page_answered (ShFacebookUsage *usage,
                                          const char      *page,
                                          const char      *business_usage,
                                          gboolean         throttled);
/* Whether one more call for @page keeps its budget at
 * SH_FACEBOOK_USAGE_STOP or below; else, in @out_resume, when it may go
 * again (unix seconds). */
gboolean sh_facebook_usage_page_allows (ShFacebookUsage   *usage,
                                        const char        *page,
                                        gint64            *out_resume);

/* The memory of the configured app's budget (sh_facebook_config_app_id):
 * how the Facebook and Instagram providers share one (@fresh: see
 * sh_facebook_usage_share). */
ShFacebookUsage *_sh_facebook_share_usage (gboolean fresh);

G_END_DECLS
