/* sh-token.h — one access token granted by one person, without its secret.
 *
 * The secret lives only in the keyring (ShSecretStore); this object holds what
 * may be shown and stored in the data file.
 */
#pragma once

#include <glib-object.h>
#include "sh-enums.h"

G_BEGIN_DECLS

#define SH_TYPE_TOKEN (sh_token_get_type ())
G_DECLARE_FINAL_TYPE (ShToken, sh_token, SH, TOKEN, GObject)

/* Default warning window before an expiry, ARCHITECTURE.md: 7 days. */
#define SH_TOKEN_DEFAULT_WARNING_WINDOW (7 * 24 * 60 * 60)

ShToken        *sh_token_new                   (const char    *id,
                                                const char    *network,
                                                const char    *channel_id);
char           *sh_token_generate_id           (void);

/* For the model only (sh-channel.c): the channel that holds a token is told
 * of its changed properties, before the "notify" handlers, without a signal
 * connection: the data file's reader makes thousands of tokens, and a
 * connection each was a seventh of its time. One observer per token;
 * _sh_token_observe() is FALSE when another has it. */
typedef void  (*ShTokenObserver)              (ShToken       *token,
                                               guint          n_pspecs,
                                               GParamSpec   **pspecs,
                                               gpointer       data);
gboolean        _sh_token_observe              (ShToken        *self,
                                                ShTokenObserver observer,
                                                gpointer        data);
/* Only if @data is the observer's. */
void            _sh_token_unobserve            (ShToken        *self,
                                                gpointer        data);

const char     *sh_token_get_id                (ShToken       *self);
const char     *sh_token_get_network           (ShToken       *self);
const char     *sh_token_get_channel_id        (ShToken       *self);
void            sh_token_set_channel_id        (ShToken       *self,
                                                const char    *channel_id);
const char     *sh_token_get_owner_name        (ShToken       *self);
void            sh_token_set_owner_name        (ShToken       *self,
                                                const char    *owner_name);
const char     *sh_token_get_owner_id          (ShToken       *self);
void            sh_token_set_owner_id          (ShToken       *self,
                                                const char    *owner_id);
/* A token of a channel that lives on another channel's tokens (a channel
 * "via" another, sh_channel_get_via) shares that token: its secret, and its
 * verdict when the token dies. @shares is that token's id; the keyring holds
 * no secret of its own for it. NULL for a token with its own secret. */
const char     *sh_token_get_shares            (ShToken       *self);
void            sh_token_set_shares            (ShToken       *self,
                                                const char    *token_id);
/* The id the keyring keeps this token's secret under: the shared token's
 * for a sharing token, else its own. */
const char     *sh_token_get_secret_id         (ShToken       *self);
const char * const *sh_token_get_scopes        (ShToken       *self);
void            sh_token_set_scopes            (ShToken       *self,
                                                const char * const *scopes);
gint64          sh_token_get_granted_at        (ShToken       *self);
void            sh_token_set_granted_at        (ShToken       *self,
                                                gint64         granted_at);
gint64          sh_token_get_expires_at        (ShToken       *self);
void            sh_token_set_expires_at        (ShToken       *self,
                                                gint64         expires_at);
/* The latest end when expires_at is an estimate, the earliest it can be (a
 * pasted token of unknown age); 0 when expires_at is exact. */
gint64          sh_token_get_expires_by        (ShToken       *self);
void            sh_token_set_expires_by        (ShToken       *self,
                                                gint64         expires_by);
gint64          sh_token_get_data_access_expires_at (ShToken  *self);
void            sh_token_set_data_access_expires_at (ShToken  *self,
                                                gint64         when);
ShTokenState    sh_token_get_state             (ShToken       *self);
ShTokenReason   sh_token_get_reason            (ShToken       *self);
ShTokenState    sh_token_get_last_verdict      (ShToken       *self);
ShTokenReason   sh_token_get_last_verdict_reason (ShToken     *self);
gint64          sh_token_get_checked_at        (ShToken       *self);
ShTokenState    sh_token_get_notified_state    (ShToken       *self);
void            sh_token_set_notified_state    (ShToken       *self,
                                                ShTokenState   state);
ShTokenState    sh_token_get_effective_state   (ShToken       *self);
/* The state getters follow the clock (sh-token-clock.h); this notifies what
 * it changed since they were last read through here. */
void            sh_token_follow_clock          (ShToken       *self);

/* The two moments a token stops working on its own, each with reminders
 * before it (sh-notice.h). */
typedef enum {
  SH_TOKEN_DEADLINE_EXPIRY,        /* expires_at */
  SH_TOKEN_DEADLINE_DATA_ACCESS,   /* data_access_expires_at */
} ShTokenDeadline;

gint64          sh_token_get_deadline          (ShToken         *self,
                                                ShTokenDeadline  deadline);
/* The last reminder stage told before @deadline, in days (0: none):
 * bookkeeping for the notifier, saved in the data file. */
guint           sh_token_get_notified_stage    (ShToken         *self,
                                                ShTokenDeadline  deadline);
void            sh_token_set_notified_stage    (ShToken         *self,
                                                ShTokenDeadline  deadline,
                                                guint            days);

void            sh_token_apply_verdict         (ShToken       *self,
                                                ShTokenState   state,
                                                ShTokenReason  reason,
                                                gint64         checked_at,
                                                gint64         warning_window);
void            sh_token_mark_unknown          (ShToken       *self,
                                                ShTokenReason  reason);
void            sh_token_restore               (ShToken       *self,
                                                ShTokenState   state,
                                                ShTokenReason  reason,
                                                ShTokenState   last_verdict,
                                                ShTokenReason  last_verdict_reason,
                                                gint64         checked_at);
/* What the checks recorded, before the clock is applied: what the data
 * file keeps and sh_token_restore() puts back. The getters above derive
 * the state of the moment from it. */
void            sh_token_get_record            (ShToken       *self,
                                                ShTokenState  *state,
                                                ShTokenReason *reason,
                                                ShTokenState  *last_verdict,
                                                ShTokenReason *last_verdict_reason);

/* One hand-out of the token by the token broker (sh-broker.h): when, and
 * who asked. Kept with the token in the data file, newest last. */
typedef struct {
  gint64  at;
  char   *via;   /* "command-line" or "dbus" */
  char   *by;    /* "command line", or the D-Bus caller's process name */
} ShTokenHandout;

#define SH_TOKEN_HANDOUTS_MAX 20

void            sh_token_add_handout           (ShToken       *self,
                                                gint64         at,
                                                const char    *via,
                                                const char    *by);
guint           sh_token_get_n_handouts        (ShToken       *self);
const ShTokenHandout *sh_token_get_handout     (ShToken       *self,
                                                guint          index);
/* 0: never handed out ("last-handout-at"). */
gint64          sh_token_get_last_handout_at   (ShToken       *self);

G_END_DECLS
