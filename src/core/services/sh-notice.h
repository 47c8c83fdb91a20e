/* sh-notice.h — what is true to tell about the channels, and what of it is new.
 *
 * The notifier's decision, apart from how it is shown. Each notice is one
 * fact with a stable id:
 *   "channel-CHANNEL"     a channel has no valid token left (urgent);
 *   "token-TOKEN"         a token is expired or invalid while its channel
 *                         still has a valid one;
 *   "expiry-TOKEN"        a working token's end is within a reminder stage;
 *   "data-access-TOKEN"   a working token's data access ends within a stage.
 * A notice is "new" when the tokens' saved record of what was told does
 * not include it yet; collecting also updates that record, so that a fact
 * is new once (a restart reads the record from the data file). The id is
 * also the notification's when the fact is told alone.
 *
 * Reminder stages are days before a deadline (GSettings
 * expiry-reminder-days, default 7 and 1): a token whose deadline is within
 * a stage it was not reminded of gets one reminder, for the nearest stage
 * reached; each stage once per token. A deadline that moves out of every
 * stage (renewed) forgets what was told.
 */
#pragma once

#include <gio/gio.h>
#include "sh-channel.h"

G_BEGIN_DECLS

typedef enum {
  SH_NOTICE_CHANNEL_DISCONNECTED,
  SH_NOTICE_TOKEN_DEAD,
  SH_NOTICE_TOKEN_EXPIRES,
  SH_NOTICE_DATA_ACCESS_ENDS,
} ShNoticeKind;

typedef struct {
  ShNoticeKind  kind;
  char         *id;
  ShChannel    *channel;
  ShToken      *token;       /* for a channel: its first dead token */
  guint         stage_days;  /* reminders: the stage reached */
  gboolean      is_new;      /* not told yet */
  /* The same fact of the channels living on this one's tokens
   * (sh_channel_get_via): told with it, in one notification that names
   * them all ("Bakery & Sons and @bakery are disconnected"). ShNotice *,
   * owned; NULL when none. */
  GPtrArray    *riders;
} ShNotice;

typedef struct {
  gint64        now;
  const guint  *stages;         /* days before a deadline, largest first */
  guint         n_stages;
  /* FALSE between checks: no network verdict is new then, so only
   * reminders (which follow the clock) can be new. */
  gboolean      after_check;
  /* The notify-* settings: a fact not to be told is recorded as told. */
  gboolean      tell_dead;
  gboolean      tell_disconnected;
  gboolean      tell_reminders;
} ShNoticeRules;

void       sh_notice_free         (ShNotice            *notice);
/* Every notice true now, in the channels' order. A derived channel's
 * notice that says the same as its parent channel's (the same token dead,
 * both disconnected for the same reason, the same reminder stage, equally
 * new) is not a notice of its own but one of the parent notice's riders. */
GPtrArray *sh_notices_collect     (GListModel          *channels,
                                   const ShNoticeRules *rules);
/* The next moment (after @now) at which a reminder becomes due, 0 if none. */
gint64     sh_notices_next_reminder (GListModel        *channels,
                                     const ShNoticeRules *rules);
/* One person's tokens that died together, from one cause: the new
 * notices (a token dead, a channel disconnected) that it covers. */
typedef struct {
  char      *id;        /* "person-NETWORK:USER_ID" */
  char      *target;    /* "NETWORK:USER_ID", app.show-person's */
  GPtrArray *notices;   /* ShNotice *, not owned */
} ShPersonNotices;

void       sh_person_notices_free  (ShPersonNotices     *person);
/* Takes out of @fresh (new notices, not owned) those that say one
 * person's tokens stopped working from one cause, when they are at least
 * two tokens (issue 17): one notification then says them all. A person is
 * the tokens' network and owner id; a token without an owner id is nobody's
 * and never grouped. Returns ShPersonNotices, in the order of @fresh. */
GPtrArray *sh_notices_take_people  (GPtrArray           *fresh);
/* How many of the person's tokens @notice says stopped working: its token,
 * or for a disconnected channel each dead token of its token's owner
 * there with the same reason. */
guint      sh_notice_count_person_tokens (const ShNotice *notice);

/* @days: any order, zeros and repeats allowed; returns them largest first,
 * without zeros or repeats, in a new array of *@out_n items. */
guint     *sh_notice_stages_normalize (const guint     *days,
                                       gsize            n_days,
                                       guint           *out_n);

G_END_DECLS
