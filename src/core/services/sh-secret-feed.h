/* sh-secret-feed.h — secrets that arrive while a check already runs.
 *
 * ShChecker reads every secret in one keyring search whose answers come in
 * slices (sh_secret_store_load_sliced_async); a provider that can start on
 * the first slice (ShProviderClass.check_feed_async) is handed the feed and
 * hears of each slice ("arrived") and of the end ("closed"). A token whose
 * secret has not arrived when the feed closes has none: the checker decides
 * about it, as about any token without a secret.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_TYPE_SECRET_FEED (sh_secret_feed_get_type ())
G_DECLARE_FINAL_TYPE (ShSecretFeed, sh_secret_feed, SH, SECRET_FEED, GObject)

ShSecretFeed *sh_secret_feed_new         (void);

/* @secrets: token id → ShSecret, the whole table so far (a reference is
 * kept); @ids: the token ids just added. Emits "arrived" (@ids). */
void          sh_secret_feed_push        (ShSecretFeed *self,
                                          GHashTable   *secrets,
                                          GPtrArray    *ids);
/* No more secrets will come. Emits "closed" once. */
void          sh_secret_feed_close       (ShSecretFeed *self);

/* Token id → ShSecret of every secret that arrived, or NULL before any.
 * The table only grows: a secret in it stays, unchanged, as long as the
 * table does, so a borrowed string lives as long as a reference to the
 * table (sh_secret_store_load_sliced_async). */
GHashTable   *sh_secret_feed_get_secrets (ShSecretFeed *self);
gboolean      sh_secret_feed_is_closed   (ShSecretFeed *self);

G_END_DECLS
