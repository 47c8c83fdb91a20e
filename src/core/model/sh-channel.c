/* sh-channel.c — a Page or account and its tokens; its state is derived.
 *
 * The channel observes its tokens (sh-token.h, _sh_token_observe): on a
 * token's effective-state it recomputes its own state, n-valid and summary,
 * notifying only when they change; a token's deadlines it passes on as
 * "token-deadline-changed", so that whoever plans by them (the token watch,
 * the token clock) connects once per channel instead of once per token.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-channel.h"
#include "sh-enum-types.h"

struct _ShChannel
{
  GObject         parent_instance;

  char           *id;
  const char    *network;   /* interned provider id */
  char           *external_id;
  char           *name;
  char           *picture_url;
  char           *via;            /* the channel whose tokens it shares, or NULL */
  char           *via_name;       /* that channel's name, as last seen */
  gint64          discovered_at;  /* when channels via this one were last looked for */
  GListStore     *tokens;

  /* cached derivation, recomputed on every token change */
  ShChannelState  state;
  guint           n_valid;
};

G_DEFINE_FINAL_TYPE (ShChannel, sh_channel, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NETWORK,
  PROP_EXTERNAL_ID,
  PROP_NAME,
  PROP_PICTURE_URL,
  PROP_TOKENS,
  PROP_N_TOKENS,
  PROP_N_VALID,
  PROP_STATE,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { TOKEN_DEADLINE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/**
 * sh_channel_state_derive:
 *
 * ARCHITECTURE.md: connected when every token is valid, degraded when at least one
 * is valid and at least one is known dead, disconnected when none is valid
 * and at least one is dead, unknown when there is no verdict. A token with no
 * verdict yet beside a valid one does not degrade the channel: nothing is
 * known to be wrong with it, and an alarm must rest on an answer.
 */
ShChannelState
sh_channel_state_derive (const ShTokenState *effective_states,
                         guint               n_states)
{
  guint n_usable = 0, n_dead = 0;

  for (guint i = 0; i < n_states; i++)
    {
      if (sh_token_state_is_usable (effective_states[i]))
        n_usable++;
      else if (sh_token_state_is_verdict (effective_states[i]))
        n_dead++;
    }

  if (n_usable > 0 && n_dead == 0)
    return SH_CHANNEL_STATE_CONNECTED;
  if (n_usable > 0)
    return SH_CHANNEL_STATE_DEGRADED;
  if (n_dead > 0)
    return SH_CHANNEL_STATE_DISCONNECTED;
  return SH_CHANNEL_STATE_UNKNOWN;
}

static void
recompute_state (ShChannel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tokens));
  g_autofree ShTokenState *states = g_new (ShTokenState, MAX (n, 1));
  ShChannelState state;
  guint n_valid = 0;
  gboolean changed = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (G_LIST_MODEL (self->tokens), i);

      states[i] = sh_token_get_effective_state (token);
      if (sh_token_state_is_usable (states[i]))
        n_valid++;
    }
  state = sh_channel_state_derive (states, n);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      changed = TRUE;
    }
  if (self->n_valid != n_valid)
    {
      self->n_valid = n_valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VALID]);
      changed = TRUE;
    }
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
is_deadline (const GParamSpec *pspec)
{
  return g_str_equal (pspec->name, "expires-at") || g_str_equal (pspec->name, "expires-by") ||
         g_str_equal (pspec->name, "data-access-expires-at");
}

/* In the order the token notifies them, as "notify" handlers saw them. */
static void
on_token_changed (ShToken     *token,
                  guint        n_pspecs,
                  GParamSpec **pspecs,
                  gpointer     data)
{
  /* Held while the handlers run, as g_signal_connect_object held it: one
   * of them may drop the last other reference. */
  g_autoptr(ShChannel) self = g_object_ref (data);

  for (guint i = 0; i < n_pspecs; i++)
    {
      if (g_str_equal (pspecs[i]->name, "effective-state"))
        recompute_state (self);
      else if (is_deadline (pspecs[i]))
        g_signal_emit (self, signals[TOKEN_DEADLINE_CHANGED], 0, token, pspecs[i]);
    }
}

/* A token some other channel observes already (never in the app). */
static void
on_token_notify (ShToken    *token,
                 GParamSpec *pspec,
                 ShChannel  *self)
{
  on_token_changed (token, 1, &pspec, self);
}

static void
forget_token (ShChannel *self,
              ShToken   *token)
{
  _sh_token_unobserve (token, self);
  g_signal_handlers_disconnect_by_func (token, on_token_notify, self);
}

static void
sh_channel_dispose (GObject *object)
{
  ShChannel *self = SH_CHANNEL (object);

  if (self->tokens != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tokens));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (G_LIST_MODEL (self->tokens), i);
          forget_token (self, token);
        }
      g_clear_object (&self->tokens);
    }

  G_OBJECT_CLASS (sh_channel_parent_class)->dispose (object);
}

static void
sh_channel_finalize (GObject *object)
{
  ShChannel *self = SH_CHANNEL (object);

  g_free (self->id);
  g_free (self->external_id);
  g_free (self->name);
  g_free (self->picture_url);
  g_free (self->via);
  g_free (self->via_name);

  G_OBJECT_CLASS (sh_channel_parent_class)->finalize (object);
}

static void
sh_channel_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ShChannel *self = SH_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NETWORK: g_value_set_static_string (value, self->network); break;
    case PROP_EXTERNAL_ID: g_value_set_string (value, self->external_id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_PICTURE_URL: g_value_set_string (value, self->picture_url); break;
    case PROP_TOKENS: g_value_set_object (value, self->tokens); break;
    case PROP_N_TOKENS: g_value_set_uint (value, sh_channel_get_n_tokens (self)); break;
    case PROP_N_VALID: g_value_set_uint (value, self->n_valid); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_SUMMARY: g_value_take_string (value, sh_channel_dup_summary (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ShChannel *self = SH_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_ID: self->id = g_value_dup_string (value); break;
    case PROP_NETWORK: self->network = g_intern_string (g_value_get_string (value)); break;
    case PROP_EXTERNAL_ID: self->external_id = g_value_dup_string (value); break;
    case PROP_NAME: sh_channel_set_name (self, g_value_get_string (value)); break;
    case PROP_PICTURE_URL: sh_channel_set_picture_url (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_class_init (ShChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sh_channel_dispose;
  object_class->finalize = sh_channel_finalize;
  object_class->get_property = sh_channel_get_property;
  object_class->set_property = sh_channel_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, co);
  properties[PROP_NETWORK] =
    g_param_spec_string ("network", NULL, NULL, NULL, co);
  properties[PROP_EXTERNAL_ID] = g_param_spec_string ("external-id", NULL, NULL, NULL, co);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_PICTURE_URL] = g_param_spec_string ("picture-url", NULL, NULL, NULL, rw);
  properties[PROP_TOKENS] = g_param_spec_object ("tokens", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_N_TOKENS] = g_param_spec_uint ("n-tokens", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_VALID] = g_param_spec_uint ("n-valid", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SH_TYPE_CHANNEL_STATE, SH_CHANNEL_STATE_UNKNOWN, ro);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShChannel::token-deadline-changed:
   * @token: the channel's token
   * @pspec: which: expires-at, expires-by or data-access-expires-at
   *
   * One of the channel's tokens changed a deadline.
   */
  signals[TOKEN_DEADLINE_CHANGED] =
    g_signal_new ("token-deadline-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, SH_TYPE_TOKEN, G_TYPE_PARAM);
}

static void
sh_channel_init (ShChannel *self)
{
  self->tokens = g_list_store_new (SH_TYPE_TOKEN);
  self->state = SH_CHANNEL_STATE_UNKNOWN;
}

ShChannel *
sh_channel_new (const char *id,
                const char *network,
                const char *external_id)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);
  g_return_val_if_fail (external_id != NULL, NULL);

  return g_object_new (SH_TYPE_CHANNEL,
                       "id", id,
                       "network", network,
                       "external-id", external_id,
                       NULL);
}

char *
sh_channel_generate_id (void)
{
  return g_uuid_string_random ();
}

const char *
sh_channel_get_id (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);
  return self->id;
}

const char *
sh_channel_get_network (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);
  return self->network;
}

const char *
sh_channel_get_external_id (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);
  return self->external_id;
}

const char *
sh_channel_get_name (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);
  return self->name;
}

void
sh_channel_set_name (ShChannel  *self,
                     const char *name)
{
  g_return_if_fail (SH_IS_CHANNEL (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
sh_channel_get_via (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);
  return self->via;
}

void
sh_channel_set_via (ShChannel  *self,
                    const char *channel_id)
{
  g_return_if_fail (SH_IS_CHANNEL (self));
  g_free (self->via);
  self->via = g_strdup (channel_id);
}

const char *
sh_channel_get_via_name (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);
  return self->via_name;
}

void
sh_channel_set_via_name (ShChannel  *self,
                         const char *name)
{
  g_return_if_fail (SH_IS_CHANNEL (self));
  g_free (self->via_name);
  self->via_name = g_strdup (name);
}

gint64
sh_channel_get_discovered_at (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), 0);
  return self->discovered_at;
}

void
sh_channel_set_discovered_at (ShChannel *self,
                              gint64     when)
{
  g_return_if_fail (SH_IS_CHANNEL (self));
  self->discovered_at = when;
}

const char *
sh_channel_get_picture_url (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);
  return self->picture_url;
}

void
sh_channel_set_picture_url (ShChannel  *self,
                            const char *picture_url)
{
  g_return_if_fail (SH_IS_CHANNEL (self));

  if (g_strcmp0 (self->picture_url, picture_url) == 0)
    return;
  g_free (self->picture_url);
  self->picture_url = g_strdup (picture_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICTURE_URL]);
}

GListModel *
sh_channel_get_tokens (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);
  return G_LIST_MODEL (self->tokens);
}

guint
sh_channel_get_n_tokens (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->tokens));
}

guint
sh_channel_get_n_valid (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), 0);
  return self->n_valid;
}

ShChannelState
sh_channel_get_state (ShChannel *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL (self), SH_CHANNEL_STATE_UNKNOWN);
  return self->state;
}

/* "2 of 3 tokens valid": the one line a list row shows under the name. */
char *
sh_channel_dup_summary (ShChannel *self)
{
  guint n;

  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);

  n = sh_channel_get_n_tokens (self);
  if (n == 0)
    return g_strdup (_("No access tokens"));
  if (self->state == SH_CHANNEL_STATE_UNKNOWN)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u token, not checked yet",
                                         "%u tokens, not checked yet", n), n);
  /* Translators: "2 of 3 tokens valid" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u of %u token valid",
                                       "%u of %u tokens valid", n),
                          self->n_valid, n);
}

static void
notify_token_count (ShChannel *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOKENS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
  recompute_state (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
sh_channel_add_token (ShChannel *self,
                      ShToken   *token)
{
  sh_channel_add_tokens (self, &token, 1);
}

/* One change of the token list and one round of notifications for all of
 * them: the data file's reader adds a channel's tokens at once. */
void
sh_channel_add_tokens (ShChannel  *self,
                       ShToken   **tokens,
                       guint       n_tokens)
{
  g_return_if_fail (SH_IS_CHANNEL (self));

  for (guint i = 0; i < n_tokens; i++)
    {
      g_return_if_fail (SH_IS_TOKEN (tokens[i]));
      g_return_if_fail (sh_token_get_network (tokens[i]) == self->network);
    }
  if (n_tokens == 0)
    return;
  for (guint i = 0; i < n_tokens; i++)
    {
      sh_token_set_channel_id (tokens[i], self->id);
      if (!_sh_token_observe (tokens[i], on_token_changed, self))
        g_signal_connect (tokens[i], "notify", G_CALLBACK (on_token_notify), self);
    }
  g_list_store_splice (self->tokens, g_list_model_get_n_items (G_LIST_MODEL (self->tokens)), 0,
                       (gpointer *) tokens, n_tokens);
  notify_token_count (self);
}

gboolean
sh_channel_remove_token (ShChannel *self,
                         ShToken   *token)
{
  guint position;

  g_return_val_if_fail (SH_IS_CHANNEL (self), FALSE);
  g_return_val_if_fail (SH_IS_TOKEN (token), FALSE);

  if (!g_list_store_find (self->tokens, token, &position))
    return FALSE;

  forget_token (self, token);
  g_list_store_remove (self->tokens, position);
  notify_token_count (self);
  return TRUE;
}

ShToken *
sh_channel_lookup_token (ShChannel  *self,
                         const char *token_id)
{
  guint n;

  g_return_val_if_fail (SH_IS_CHANNEL (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tokens));
  for (guint i = 0; i < n; i++)
    {
      ShToken *token = g_list_model_get_item (G_LIST_MODEL (self->tokens), i);

      g_object_unref (token); /* the store keeps it alive */
      if (g_strcmp0 (sh_token_get_id (token), token_id) == 0)
        return token;
    }
  return NULL;
}
