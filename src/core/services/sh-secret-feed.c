/* sh-secret-feed.c — secrets that arrive while a check already runs. */
#include "config.h"

#include "sh-secret-feed.h"

struct _ShSecretFeed
{
  GObject     parent_instance;

  GHashTable *secrets;   /* token id → ShSecret, or NULL before the first slice */
  gboolean    closed;
};

G_DEFINE_FINAL_TYPE (ShSecretFeed, sh_secret_feed, G_TYPE_OBJECT)

enum {
  SIGNAL_ARRIVED,
  SIGNAL_CLOSED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
sh_secret_feed_finalize (GObject *object)
{
  g_clear_pointer (&SH_SECRET_FEED (object)->secrets, g_hash_table_unref);
  G_OBJECT_CLASS (sh_secret_feed_parent_class)->finalize (object);
}

static void
sh_secret_feed_class_init (ShSecretFeedClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sh_secret_feed_finalize;

  /* (GPtrArray of token ids) the secrets that just arrived. */
  signals[SIGNAL_ARRIVED] =
    g_signal_new ("arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sh_secret_feed_init (ShSecretFeed *self)
{
}

ShSecretFeed *
sh_secret_feed_new (void)
{
  return g_object_new (SH_TYPE_SECRET_FEED, NULL);
}

void
sh_secret_feed_push (ShSecretFeed *self,
                     GHashTable   *secrets,
                     GPtrArray    *ids)
{
  g_return_if_fail (SH_IS_SECRET_FEED (self));
  g_return_if_fail (!self->closed);

  if (self->secrets != secrets)
    {
      g_clear_pointer (&self->secrets, g_hash_table_unref);
      self->secrets = g_hash_table_ref (secrets);
    }
  if (ids->len > 0)
    g_signal_emit (self, signals[SIGNAL_ARRIVED], 0, ids);
}

void
sh_secret_feed_close (ShSecretFeed *self)
{
  g_return_if_fail (SH_IS_SECRET_FEED (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

GHashTable *
sh_secret_feed_get_secrets (ShSecretFeed *self)
{
  g_return_val_if_fail (SH_IS_SECRET_FEED (self), NULL);
  return self->secrets;
}

gboolean
sh_secret_feed_is_closed (ShSecretFeed *self)
{
  g_return_val_if_fail (SH_IS_SECRET_FEED (self), FALSE);
  return self->closed;
}
