/* sh-token-watch.c — "changed" when tokens come, go or change deadlines. */
#include "config.h"

#include "sh-token-watch.h"

struct _ShTokenWatch
{
  GObject        parent_instance;
  ShChannelList *channels;
};

G_DEFINE_FINAL_TYPE (ShTokenWatch, sh_token_watch, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
emit_changed (ShTokenWatch *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Connects once: a channel removed and added again (or seen both
 * at construction and in an items-changed) must not double the signal. */
static void
connect_once (gpointer      instance,
              const char   *signal,
              GCallback     callback,
              ShTokenWatch *self)
{
  if (g_signal_handler_find (instance, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                             callback, self) != 0)
    return;
  g_signal_connect_object (instance, signal, callback, self, G_CONNECT_SWAPPED);
}

/* G_CONNECT_SWAPPED: the watch first. The channel passes on its tokens'
 * deadlines (sh-channel.h): one connection per channel, not per token;
 * expires-by alone does not count, as it did not before. */
static void
on_token_deadline (ShTokenWatch *self,
                   ShToken      *token,
                   GParamSpec   *pspec)
{
  if (g_str_equal (pspec->name, "expires-at") || g_str_equal (pspec->name, "data-access-expires-at"))
    emit_changed (self);
}

typedef void (*WatchFunc) (ShTokenWatch *self, gpointer item);

/* Watches the @n items of @list from @position on. */
static void
watch_items (ShTokenWatch *self,
             GListModel   *list,
             guint         position,
             guint         n,
             WatchFunc     watch)
{
  for (guint i = position; i < position + n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);
      watch (self, item);
    }
}

/* G_CONNECT_SWAPPED: the watch first, the model last. */
static void
on_tokens_changed (ShTokenWatch *self,
                   guint         position,
                   guint         removed,
                   guint         added,
                   GListModel   *tokens)
{
  emit_changed (self);
}

static void
watch_channel (ShTokenWatch *self,
               ShChannel    *channel)
{
  connect_once (channel, "token-deadline-changed", G_CALLBACK (on_token_deadline), self);
  connect_once (sh_channel_get_tokens (channel), "items-changed", G_CALLBACK (on_tokens_changed),
                self);
}

static void
on_channels_changed (ShTokenWatch *self,
                     guint         position,
                     guint         removed,
                     guint         added,
                     GListModel   *channels)
{
  watch_items (self, channels, position, added, (WatchFunc) watch_channel);
  emit_changed (self);
}

static void
sh_token_watch_dispose (GObject *object)
{
  g_clear_object (&SH_TOKEN_WATCH (object)->channels);
  G_OBJECT_CLASS (sh_token_watch_parent_class)->dispose (object);
}

static void
sh_token_watch_class_init (ShTokenWatchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_token_watch_dispose;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sh_token_watch_init (ShTokenWatch *self)
{
}

ShTokenWatch *
sh_token_watch_new (ShChannelList *channels)
{
  ShTokenWatch *self;
  GListModel *list = G_LIST_MODEL (channels);

  g_return_val_if_fail (SH_IS_CHANNEL_LIST (channels), NULL);

  self = g_object_new (SH_TYPE_TOKEN_WATCH, NULL);
  self->channels = g_object_ref (channels);
  watch_items (self, list, 0, g_list_model_get_n_items (list), (WatchFunc) watch_channel);
  g_signal_connect_object (channels, "items-changed", G_CALLBACK (on_channels_changed), self,
                           G_CONNECT_SWAPPED);
  return self;
}
