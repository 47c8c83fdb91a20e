/* sh-token-clock.c — see sh-token-clock.h. */
#include "config.h"

#include "sh-channel.h"
#include "sh-token-clock.h"

/* However far the next moment, look again within an hour: a token's expiry
 * moved sooner, or a wall clock that jumped, is caught up with by then. */
#define MAX_SLEEP ((gint64) 60 * 60)

static ShTokenClockFunc clock_func;
static gpointer clock_data;
static gint64 warning_window = (gint64) 7 * 24 * 60 * 60;

gint64
sh_token_clock_now (void)
{
  if (clock_func != NULL)
    return clock_func (clock_data);
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
sh_token_clock_set_func (ShTokenClockFunc func,
                         gpointer         user_data)
{
  clock_func = func;
  clock_data = user_data;
}

gint64
sh_token_clock_get_warning_window (void)
{
  return warning_window;
}

void
sh_token_clock_set_warning_window (gint64 seconds)
{
  warning_window = MAX (seconds, 0);
}

/* Judged usable before @moment, and @moment has passed since. */
static gboolean
ran_out (gint64 moment,
         gint64 verdict_at,
         gint64 now)
{
  return moment > 0 && now >= moment && verdict_at < moment;
}

ShTokenState
sh_token_state_follow_clock (ShTokenState state,
                             gint64       expires_at,
                             gint64       expires_by,
                             gint64       verdict_at,
                             gint64       now,
                             gint64       window)
{
  if (!sh_token_state_is_usable (state) || expires_at <= 0)
    return state;
  /* A verdict given after the moment is the network's word and wins,
   * but not past the latest moment an estimated expiry can be. */
  if (ran_out (expires_at, verdict_at, now) || ran_out (expires_by, verdict_at, now))
    return SH_TOKEN_STATE_EXPIRED;
  return expires_at - now <= window ? SH_TOKEN_STATE_EXPIRING : SH_TOKEN_STATE_VALID;
}

gint64
sh_token_clock_next_moment (gint64 expires_at,
                            gint64 expires_by,
                            gint64 now,
                            gint64 window)
{
  if (expires_at <= 0)
    return 0;
  if (expires_at - window > now)
    return expires_at - window;
  if (expires_at > now)
    return expires_at;
  return expires_by > now ? expires_by : 0;
}

/* ---- the watch ----------------------------------------------------------------------- */

struct _ShTokenClockWatch
{
  GObject     parent_instance;

  GListModel *channels;
  guint       timer_id;
  guint       idle_id;     /* a change to look at, many at once after a check */
  gint64      next;
};

G_DEFINE_FINAL_TYPE (ShTokenClockWatch, sh_token_clock_watch, G_TYPE_OBJECT)

static gboolean on_timer (gpointer user_data);
static void     on_tokens_changed (GObject           *object,
                                   GParamSpec        *pspec,
                                   ShTokenClockWatch *self);

/* Every token of every channel, in a list of their own: following the
 * clock may make a channel's listeners change the model. */
static GPtrArray *
all_tokens (ShTokenClockWatch *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (self->channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (self->channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        g_ptr_array_add (out, g_list_model_get_item (tokens, j));
    }
  return out;
}

static void
schedule (ShTokenClockWatch *self,
          gint64             now)
{
  g_autoptr(GPtrArray) tokens = all_tokens (self);
  gint64 window = sh_token_clock_get_warning_window ();
  gint64 next = 0;
  gint64 delay_ms;

  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);
      gint64 moment = sh_token_clock_next_moment (sh_token_get_expires_at (token),
                                                  sh_token_get_expires_by (token),
                                                  now, window);

      if (moment > 0 && (next == 0 || moment < next))
        next = moment;
    }

  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->next = next;
  if (next == 0)
    return;
  /* In milliseconds of the real clock: the moment itself, not a second
   * early (g_timeout_add_seconds() may round down). */
  delay_ms = MIN (next - now, MAX_SLEEP) * 1000 + 50;
  self->timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) delay_ms,
                                       on_timer, self, NULL);
  g_source_set_name_by_id (self->timer_id, "[socialhub] token clock");
}

void
sh_token_clock_watch_update (ShTokenClockWatch *self)
{
  g_autoptr(GPtrArray) tokens = NULL;

  g_return_if_fail (SH_IS_TOKEN_CLOCK_WATCH (self));

  tokens = all_tokens (self);
  for (guint i = 0; i < tokens->len; i++)
    sh_token_follow_clock (g_ptr_array_index (tokens, i));
  schedule (self, sh_token_clock_now ());
}

static gboolean
on_timer (gpointer user_data)
{
  ShTokenClockWatch *self = user_data;

  self->timer_id = 0;
  sh_token_clock_watch_update (self);
  return G_SOURCE_REMOVE;
}

gint64
sh_token_clock_watch_get_next (ShTokenClockWatch *self)
{
  g_return_val_if_fail (SH_IS_TOKEN_CLOCK_WATCH (self), 0);
  return self->next;
}

static gboolean
on_idle (gpointer user_data)
{
  ShTokenClockWatch *self = user_data;

  self->idle_id = 0;
  schedule (self, sh_token_clock_now ());
  return G_SOURCE_REMOVE;
}

static void
on_tokens_changed (GObject           *object,
                   GParamSpec        *pspec,
                   ShTokenClockWatch *self)
{
  if (self->idle_id == 0)
    self->idle_id = g_idle_add (on_idle, self);
}

/* A renewal or a token filed with its expiry set afterwards moves the next
 * moment: its channel passes the change on (one connection per channel). */
static void
on_token_deadline (ShChannel         *channel,
                   ShToken           *token,
                   GParamSpec        *pspec,
                   ShTokenClockWatch *self)
{
  if (g_str_equal (pspec->name, "expires-at") || g_str_equal (pspec->name, "expires-by"))
    on_tokens_changed (NULL, NULL, self);
}

static void
on_channels_changed (GListModel        *channels,
                     guint              position,
                     guint              removed,
                     guint              added,
                     ShTokenClockWatch *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);

      g_signal_connect_object (channel, "notify::n-tokens",
                               G_CALLBACK (on_tokens_changed), self, 0);
      g_signal_connect_object (channel, "token-deadline-changed",
                               G_CALLBACK (on_token_deadline), self, 0);
    }
  on_tokens_changed (NULL, NULL, self);
}

static void
sh_token_clock_watch_dispose (GObject *object)
{
  ShTokenClockWatch *self = SH_TOKEN_CLOCK_WATCH (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->channels != NULL)
    g_signal_handlers_disconnect_by_data (self->channels, self);
  g_clear_object (&self->channels);

  G_OBJECT_CLASS (sh_token_clock_watch_parent_class)->dispose (object);
}

static void
sh_token_clock_watch_class_init (ShTokenClockWatchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_token_clock_watch_dispose;
}

static void
sh_token_clock_watch_init (ShTokenClockWatch *self)
{
}

ShTokenClockWatch *
sh_token_clock_watch_new (GListModel *channels)
{
  ShTokenClockWatch *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (channels), NULL);

  self = g_object_new (SH_TYPE_TOKEN_CLOCK_WATCH, NULL);
  self->channels = g_object_ref (channels);
  g_signal_connect_object (channels, "items-changed",
                           G_CALLBACK (on_channels_changed), self, 0);
  on_channels_changed (channels, 0, 0, g_list_model_get_n_items (channels), self);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  schedule (self, sh_token_clock_now ());
  return self;
}
