/* sh-token.c — one access token, its owner and what the last check said.
 *
 * A check either gives a verdict (valid, expiring, expired, invalid) or it
 * does not (unknown, with a reason such as offline). An unknown never erases
 * the last verdict: it stays available as last-verdict, and the channel's
 * state is derived from the effective state, so a network outage cannot make
 * a channel look disconnected.
 */
#include "config.h"

#include "sh-enum-types.h"
#include "sh-token.h"
#include "sh-token-clock.h"

struct _ShToken
{
  GObject        parent_instance;

  char          *id;
  const char    *network;   /* interned provider id */
  char          *channel_id;
  char          *owner_name;
  char          *owner_id;
  char          *shares;    /* the token whose secret this one uses, or NULL */
  char         **scopes;
  gint64         granted_at;
  gint64         expires_at;
  gint64         expires_by;   /* the latest end when expires_at is an estimate */
  gint64         data_access_expires_at;
  ShTokenState   state;
  ShTokenReason  reason;
  ShTokenState   last_verdict;
  ShTokenReason  last_verdict_reason;
  gint64         checked_at;
  ShTokenState   notified_state;
  guint          notified_stage[2];   /* by ShTokenDeadline */
  GPtrArray     *handouts;            /* ShTokenHandout, oldest first */
  /* What the getters last gave, clock included (sh-token-clock.h): a
   * change of the clock alone is notified by sh_token_follow_clock(). */
  ShTokenState   seen_state;
  ShTokenState   seen_last_verdict;
  ShTokenState   seen_effective;
  /* Its channel, told of every change without a signal connection. */
  ShTokenObserver observer;
  gpointer        observer_data;
};

G_DEFINE_FINAL_TYPE (ShToken, sh_token, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NETWORK,
  PROP_CHANNEL_ID,
  PROP_OWNER_NAME,
  PROP_OWNER_ID,
  PROP_SCOPES,
  PROP_GRANTED_AT,
  PROP_EXPIRES_AT,
  PROP_EXPIRES_BY,
  PROP_DATA_ACCESS_EXPIRES_AT,
  PROP_STATE,
  PROP_REASON,
  PROP_LAST_VERDICT,
  PROP_LAST_VERDICT_REASON,
  PROP_CHECKED_AT,
  PROP_NOTIFIED_STATE,
  PROP_EFFECTIVE_STATE,
  PROP_LAST_HANDOUT_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (ShToken    *self,
            char      **field,
            const char *value,
            guint       prop_id)
{
  /* g_set_str() would do this, but it needs GLib 2.76. */
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_int64 (ShToken *self,
           gint64  *field,
           gint64   value,
           guint    prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
sh_token_finalize (GObject *object)
{
  ShToken *self = SH_TOKEN (object);

  g_free (self->id);
  g_free (self->channel_id);
  g_free (self->owner_name);
  g_free (self->owner_id);
  g_free (self->shares);
  g_strfreev (self->scopes);
  g_clear_pointer (&self->handouts, g_ptr_array_unref);

  G_OBJECT_CLASS (sh_token_parent_class)->finalize (object);
}

/* The observer first, as the first "notify" handler was before. */
static void
sh_token_dispatch_properties_changed (GObject     *object,
                                      guint        n_pspecs,
                                      GParamSpec **pspecs)
{
  ShToken *self = SH_TOKEN (object);

  if (self->observer != NULL)
    self->observer (self, n_pspecs, pspecs, self->observer_data);
  G_OBJECT_CLASS (sh_token_parent_class)->dispatch_properties_changed (object, n_pspecs, pspecs);
}

static void
sh_token_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  ShToken *self = SH_TOKEN (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NETWORK: g_value_set_static_string (value, self->network); break;
    case PROP_CHANNEL_ID: g_value_set_string (value, self->channel_id); break;
    case PROP_OWNER_NAME: g_value_set_string (value, self->owner_name); break;
    case PROP_OWNER_ID: g_value_set_string (value, self->owner_id); break;
    case PROP_SCOPES: g_value_set_boxed (value, self->scopes); break;
    case PROP_GRANTED_AT: g_value_set_int64 (value, self->granted_at); break;
    case PROP_EXPIRES_AT: g_value_set_int64 (value, self->expires_at); break;
    case PROP_EXPIRES_BY: g_value_set_int64 (value, self->expires_by); break;
    case PROP_DATA_ACCESS_EXPIRES_AT: g_value_set_int64 (value, self->data_access_expires_at); break;
    /* As the getters give them: by the clock (sh-token-clock.h). */
    case PROP_STATE: g_value_set_enum (value, sh_token_get_state (self)); break;
    case PROP_REASON: g_value_set_enum (value, sh_token_get_reason (self)); break;
    case PROP_LAST_VERDICT: g_value_set_enum (value, sh_token_get_last_verdict (self)); break;
    case PROP_LAST_VERDICT_REASON: g_value_set_enum (value, sh_token_get_last_verdict_reason (self)); break;
    case PROP_CHECKED_AT: g_value_set_int64 (value, self->checked_at); break;
    case PROP_NOTIFIED_STATE: g_value_set_enum (value, self->notified_state); break;
    case PROP_EFFECTIVE_STATE: g_value_set_enum (value, sh_token_get_effective_state (self)); break;
    case PROP_LAST_HANDOUT_AT: g_value_set_int64 (value, sh_token_get_last_handout_at (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_token_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  ShToken *self = SH_TOKEN (object);

  switch (prop_id)
    {
    case PROP_ID: self->id = g_value_dup_string (value); break;
    case PROP_NETWORK: self->network = g_intern_string (g_value_get_string (value)); break;
    case PROP_CHANNEL_ID: sh_token_set_channel_id (self, g_value_get_string (value)); break;
    case PROP_OWNER_NAME: sh_token_set_owner_name (self, g_value_get_string (value)); break;
    case PROP_OWNER_ID: sh_token_set_owner_id (self, g_value_get_string (value)); break;
    case PROP_SCOPES: sh_token_set_scopes (self, g_value_get_boxed (value)); break;
    case PROP_GRANTED_AT: sh_token_set_granted_at (self, g_value_get_int64 (value)); break;
    case PROP_EXPIRES_AT: sh_token_set_expires_at (self, g_value_get_int64 (value)); break;
    case PROP_EXPIRES_BY: sh_token_set_expires_by (self, g_value_get_int64 (value)); break;
    case PROP_DATA_ACCESS_EXPIRES_AT: sh_token_set_data_access_expires_at (self, g_value_get_int64 (value)); break;
    case PROP_NOTIFIED_STATE: sh_token_set_notified_state (self, g_value_get_enum (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_token_class_init (ShTokenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sh_token_finalize;
  object_class->dispatch_properties_changed = sh_token_dispatch_properties_changed;
  object_class->get_property = sh_token_get_property;
  object_class->set_property = sh_token_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, co);
  properties[PROP_NETWORK] =
    g_param_spec_string ("network", NULL, NULL, NULL, co);
  properties[PROP_CHANNEL_ID] = g_param_spec_string ("channel-id", NULL, NULL, NULL, rw);
  properties[PROP_OWNER_NAME] = g_param_spec_string ("owner-name", NULL, NULL, NULL, rw);
  properties[PROP_OWNER_ID] = g_param_spec_string ("owner-id", NULL, NULL, NULL, rw);
  properties[PROP_SCOPES] = g_param_spec_boxed ("scopes", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_GRANTED_AT] =
    g_param_spec_int64 ("granted-at", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_EXPIRES_AT] =
    g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, rw);
  /* When expires-at is an estimate, the earliest the token can end (a
   * pasted token of unknown age), the latest; 0 when it is exact. */
  properties[PROP_EXPIRES_BY] =
    g_param_spec_int64 ("expires-by", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_DATA_ACCESS_EXPIRES_AT] =
    g_param_spec_int64 ("data-access-expires-at", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SH_TYPE_TOKEN_STATE, SH_TOKEN_STATE_UNKNOWN, ro);
  properties[PROP_REASON] =
    g_param_spec_enum ("reason", NULL, NULL, SH_TYPE_TOKEN_REASON, SH_TOKEN_REASON_NONE, ro);
  properties[PROP_LAST_VERDICT] =
    g_param_spec_enum ("last-verdict", NULL, NULL, SH_TYPE_TOKEN_STATE, SH_TOKEN_STATE_UNKNOWN, ro);
  properties[PROP_LAST_VERDICT_REASON] =
    g_param_spec_enum ("last-verdict-reason", NULL, NULL, SH_TYPE_TOKEN_REASON, SH_TOKEN_REASON_NONE, ro);
  properties[PROP_CHECKED_AT] =
    g_param_spec_int64 ("checked-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_NOTIFIED_STATE] =
    g_param_spec_enum ("notified-state", NULL, NULL, SH_TYPE_TOKEN_STATE, SH_TOKEN_STATE_UNKNOWN, rw);
  properties[PROP_EFFECTIVE_STATE] =
    g_param_spec_enum ("effective-state", NULL, NULL, SH_TYPE_TOKEN_STATE, SH_TOKEN_STATE_UNKNOWN, ro);
  /* The broker's last hand-out of this token (0: never): rows follow it. */
  properties[PROP_LAST_HANDOUT_AT] =
    g_param_spec_int64 ("last-handout-at", NULL, NULL, 0, G_MAXINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_token_init (ShToken *self)
{
  self->seen_state = self->seen_last_verdict = self->seen_effective = SH_TOKEN_STATE_UNKNOWN;
}

ShToken *
sh_token_new (const char *id,
              const char *network,
              const char *channel_id)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  return g_object_new (SH_TYPE_TOKEN,
                       "id", id,
                       "network", network,
                       "channel-id", channel_id,
                       NULL);
}

gboolean
_sh_token_observe (ShToken         *self,
                   ShTokenObserver  observer,
                   gpointer         data)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), FALSE);
  g_return_val_if_fail (observer != NULL, FALSE);

  if (self->observer != NULL)
    return FALSE;
  self->observer = observer;
  self->observer_data = data;
  return TRUE;
}

void
_sh_token_unobserve (ShToken  *self,
                     gpointer  data)
{
  g_return_if_fail (SH_IS_TOKEN (self));

  if (self->observer == NULL || self->observer_data != data)
    return;
  self->observer = NULL;
  self->observer_data = NULL;
}

char *
sh_token_generate_id (void)
{
  return g_uuid_string_random ();
}

const char *
sh_token_get_id (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  return self->id;
}

const char *
sh_token_get_network (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  return self->network;
}

const char *
sh_token_get_channel_id (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  return self->channel_id;
}

void
sh_token_set_channel_id (ShToken    *self,
                         const char *channel_id)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  set_string (self, &self->channel_id, channel_id, PROP_CHANNEL_ID);
}

const char *
sh_token_get_owner_name (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  return self->owner_name;
}

void
sh_token_set_owner_name (ShToken    *self,
                         const char *owner_name)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  set_string (self, &self->owner_name, owner_name, PROP_OWNER_NAME);
}

const char *
sh_token_get_shares (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  return self->shares;
}

void
sh_token_set_shares (ShToken    *self,
                     const char *token_id)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  g_free (self->shares);
  self->shares = g_strdup (token_id);
}

const char *
sh_token_get_secret_id (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  return self->shares != NULL ? self->shares : self->id;
}

const char *
sh_token_get_owner_id (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  return self->owner_id;
}

void
sh_token_set_owner_id (ShToken    *self,
                       const char *owner_id)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  set_string (self, &self->owner_id, owner_id, PROP_OWNER_ID);
}

const char * const *
sh_token_get_scopes (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  return (const char * const *) self->scopes;
}

void
sh_token_set_scopes (ShToken            *self,
                     const char * const *scopes)
{
  g_return_if_fail (SH_IS_TOKEN (self));

  if (self->scopes != NULL && scopes != NULL &&
      g_strv_equal ((const char * const *) self->scopes, scopes))
    return;
  if (self->scopes == NULL && scopes == NULL)
    return;

  g_strfreev (self->scopes);
  self->scopes = g_strdupv ((char **) scopes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPES]);
}

gint64
sh_token_get_granted_at (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), 0);
  return self->granted_at;
}

void
sh_token_set_granted_at (ShToken *self,
                         gint64   granted_at)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  set_int64 (self, &self->granted_at, granted_at, PROP_GRANTED_AT);
}

gint64
sh_token_get_expires_at (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), 0);
  return self->expires_at;
}

void
sh_token_set_expires_at (ShToken *self,
                         gint64   expires_at)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  g_object_freeze_notify (G_OBJECT (self));
  set_int64 (self, &self->expires_at, expires_at, PROP_EXPIRES_AT);
  sh_token_follow_clock (self);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
sh_token_get_expires_by (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), 0);
  return self->expires_by;
}

void
sh_token_set_expires_by (ShToken *self,
                         gint64   expires_by)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  g_object_freeze_notify (G_OBJECT (self));
  set_int64 (self, &self->expires_by, expires_by, PROP_EXPIRES_BY);
  sh_token_follow_clock (self);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
sh_token_get_data_access_expires_at (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), 0);
  return self->data_access_expires_at;
}

void
sh_token_set_data_access_expires_at (ShToken *self,
                                     gint64   when)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  set_int64 (self, &self->data_access_expires_at, when, PROP_DATA_ACCESS_EXPIRES_AT);
}

/* @state (the latest attempt's or the last verdict's) as the clock has it
 * now: a usable verdict given before the expiry reads expired once it has
 * passed, and valid or expiring by the current warning window. */
static ShTokenState
follow_clock (ShToken      *self,
              ShTokenState  state)
{
  return sh_token_state_follow_clock (state, self->expires_at, self->expires_by, self->checked_at,
                                      sh_token_clock_now (),
                                      sh_token_clock_get_warning_window ());
}

static ShTokenReason
reason_following_clock (ShToken       *self,
                        ShTokenState   state,
                        ShTokenReason  reason)
{
  if (state != SH_TOKEN_STATE_EXPIRED && follow_clock (self, state) == SH_TOKEN_STATE_EXPIRED)
    return SH_TOKEN_REASON_EXPIRED;
  return reason;
}

ShTokenState
sh_token_get_state (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), SH_TOKEN_STATE_UNKNOWN);
  return follow_clock (self, self->state);
}

ShTokenReason
sh_token_get_reason (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), SH_TOKEN_REASON_NONE);
  return reason_following_clock (self, self->state, self->reason);
}

ShTokenState
sh_token_get_last_verdict (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), SH_TOKEN_STATE_UNKNOWN);
  return follow_clock (self, self->last_verdict);
}

ShTokenReason
sh_token_get_last_verdict_reason (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), SH_TOKEN_REASON_NONE);
  return reason_following_clock (self, self->last_verdict, self->last_verdict_reason);
}

gint64
sh_token_get_checked_at (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), 0);
  return self->checked_at;
}

ShTokenState
sh_token_get_notified_state (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), SH_TOKEN_STATE_UNKNOWN);
  return self->notified_state;
}

void
sh_token_set_notified_state (ShToken      *self,
                             ShTokenState  state)
{
  g_return_if_fail (SH_IS_TOKEN (self));

  if (self->notified_state == state)
    return;
  self->notified_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTIFIED_STATE]);
}

gint64
sh_token_get_deadline (ShToken         *self,
                       ShTokenDeadline  deadline)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), 0);
  return deadline == SH_TOKEN_DEADLINE_DATA_ACCESS ? self->data_access_expires_at
                                                   : self->expires_at;
}

guint
sh_token_get_notified_stage (ShToken         *self,
                             ShTokenDeadline  deadline)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), 0);
  g_return_val_if_fail (deadline <= SH_TOKEN_DEADLINE_DATA_ACCESS, 0);
  return self->notified_stage[deadline];
}

void
sh_token_set_notified_stage (ShToken         *self,
                             ShTokenDeadline  deadline,
                             guint            days)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  g_return_if_fail (deadline <= SH_TOKEN_DEADLINE_DATA_ACCESS);
  self->notified_stage[deadline] = days;
}

/* The state the token is believed to be in: the current state when there is
 * a verdict, otherwise the last verdict (unknown when there never was one). */
ShTokenState
sh_token_get_effective_state (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), SH_TOKEN_STATE_UNKNOWN);

  if (sh_token_state_is_verdict (self->state))
    return follow_clock (self, self->state);
  return follow_clock (self, self->last_verdict);
}

/* Notifies what the clock alone changed since the last read through here
 * (ShTokenClockWatch calls it when a moment passes). */
void
sh_token_follow_clock (ShToken *self)
{
  GObject *object = G_OBJECT (self);
  ShTokenState state, last_verdict, effective;

  g_return_if_fail (SH_IS_TOKEN (self));

  state = sh_token_get_state (self);
  last_verdict = sh_token_get_last_verdict (self);
  effective = sh_token_get_effective_state (self);

  g_object_freeze_notify (object);
  if (state != self->seen_state)
    {
      g_object_notify_by_pspec (object, properties[PROP_STATE]);
      g_object_notify_by_pspec (object, properties[PROP_REASON]);
    }
  if (last_verdict != self->seen_last_verdict)
    {
      g_object_notify_by_pspec (object, properties[PROP_LAST_VERDICT]);
      g_object_notify_by_pspec (object, properties[PROP_LAST_VERDICT_REASON]);
    }
  if (effective != self->seen_effective)
    g_object_notify_by_pspec (object, properties[PROP_EFFECTIVE_STATE]);
  self->seen_state = state;
  self->seen_last_verdict = last_verdict;
  self->seen_effective = effective;
  g_object_thaw_notify (object);
}

/* Sets every check-related field at once and notifies only what changed,
 * inside one freeze so that listeners see a consistent token. */
static void
update_check_fields (ShToken       *self,
                     ShTokenState   state,
                     ShTokenReason  reason,
                     ShTokenState   last_verdict,
                     ShTokenReason  last_verdict_reason,
                     gint64         checked_at)
{
  GObject *object = G_OBJECT (self);
  ShTokenState old_effective = sh_token_get_effective_state (self);

  g_object_freeze_notify (object);

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (object, properties[PROP_STATE]);
    }
  if (self->reason != reason)
    {
      self->reason = reason;
      g_object_notify_by_pspec (object, properties[PROP_REASON]);
    }
  if (self->last_verdict != last_verdict)
    {
      self->last_verdict = last_verdict;
      g_object_notify_by_pspec (object, properties[PROP_LAST_VERDICT]);
    }
  if (self->last_verdict_reason != last_verdict_reason)
    {
      self->last_verdict_reason = last_verdict_reason;
      g_object_notify_by_pspec (object, properties[PROP_LAST_VERDICT_REASON]);
    }
  set_int64 (self, &self->checked_at, checked_at, PROP_CHECKED_AT);
  if (old_effective != sh_token_get_effective_state (self))
    g_object_notify_by_pspec (object, properties[PROP_EFFECTIVE_STATE]);
  sh_token_follow_clock (self);

  g_object_thaw_notify (object);
}

/**
 * sh_token_apply_verdict:
 * @state: what the network's answer says: valid, expired or invalid
 * @warning_window: seconds before expiry in which a valid token is "expiring"
 *
 * Only a provider that got an answer from the network calls this.
 */
void
sh_token_apply_verdict (ShToken       *self,
                        ShTokenState   state,
                        ShTokenReason  reason,
                        gint64         checked_at,
                        gint64         warning_window)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  g_return_if_fail (sh_token_state_is_verdict (state));
  g_return_if_fail (!sh_token_reason_is_for_unknown (reason));

  if (sh_token_state_is_usable (state))
    {
      reason = SH_TOKEN_REASON_NONE;
      if (self->expires_at != 0 && self->expires_at - checked_at <= warning_window)
        state = SH_TOKEN_STATE_EXPIRING;
      else
        state = SH_TOKEN_STATE_VALID;
    }

  update_check_fields (self, state, reason, state, reason, checked_at);
}

/* A check that reached no verdict: the token becomes unknown with @reason and
 * keeps its last verdict and the time of that verdict. */
void
sh_token_mark_unknown (ShToken       *self,
                       ShTokenReason  reason)
{
  g_return_if_fail (SH_IS_TOKEN (self));
  g_return_if_fail (reason == SH_TOKEN_REASON_NONE || sh_token_reason_is_for_unknown (reason));

  update_check_fields (self, SH_TOKEN_STATE_UNKNOWN, reason,
                       self->last_verdict, self->last_verdict_reason,
                       self->checked_at);
}

/* For the data store: puts back what was saved, without judging it. */
void
sh_token_restore (ShToken       *self,
                  ShTokenState   state,
                  ShTokenReason  reason,
                  ShTokenState   last_verdict,
                  ShTokenReason  last_verdict_reason,
                  gint64         checked_at)
{
  g_return_if_fail (SH_IS_TOKEN (self));

  update_check_fields (self, state, reason, last_verdict, last_verdict_reason, checked_at);
}

void
sh_token_get_record (ShToken       *self,
                     ShTokenState  *state,
                     ShTokenReason *reason,
                     ShTokenState  *last_verdict,
                     ShTokenReason *last_verdict_reason)
{
  g_return_if_fail (SH_IS_TOKEN (self));

  *state = self->state;
  *reason = self->reason;
  *last_verdict = self->last_verdict;
  *last_verdict_reason = self->last_verdict_reason;
}

/* ---- hand-outs by the token broker (sh-broker.h) ------------------------- */

static void
handout_free (ShTokenHandout *handout)
{
  g_free (handout->via);
  g_free (handout->by);
  g_free (handout);
}

/* Keeps the SH_TOKEN_HANDOUTS_MAX newest: a script asking every minute
 * must not grow the data file without end. */
void
sh_token_add_handout (ShToken    *self,
                      gint64      at,
                      const char *via,
                      const char *by)
{
  ShTokenHandout *handout;

  g_return_if_fail (SH_IS_TOKEN (self));
  g_return_if_fail (via != NULL);

  if (self->handouts == NULL)
    self->handouts = g_ptr_array_new_with_free_func ((GDestroyNotify) handout_free);
  handout = g_new0 (ShTokenHandout, 1);
  handout->at = at;
  handout->via = g_strdup (via);
  handout->by = g_strdup (by != NULL ? by : "");
  g_ptr_array_add (self->handouts, handout);
  if (self->handouts->len > SH_TOKEN_HANDOUTS_MAX)
    g_ptr_array_remove_range (self->handouts, 0, self->handouts->len - SH_TOKEN_HANDOUTS_MAX);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_HANDOUT_AT]);
}

guint
sh_token_get_n_handouts (ShToken *self)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), 0);
  return self->handouts != NULL ? self->handouts->len : 0;
}

const ShTokenHandout *
sh_token_get_handout (ShToken *self,
                      guint    index)
{
  g_return_val_if_fail (SH_IS_TOKEN (self), NULL);
  g_return_val_if_fail (index < sh_token_get_n_handouts (self), NULL);
  return g_ptr_array_index (self->handouts, index);
}

gint64
sh_token_get_last_handout_at (ShToken *self)
{
  guint n = sh_token_get_n_handouts (self);

  return n > 0 ? sh_token_get_handout (self, n - 1)->at : 0;
}
