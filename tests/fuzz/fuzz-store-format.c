/* fuzz-store-format.c — the data-file loader, sh_store_format_parse().
 *
 * The file may have been damaged or edited by hand, so any bytes may come
 * in. What this target holds for every input:
 * - no crash, no memory error, no warning or critical;
 * - either channels, or an SH_ERROR_STORE_DAMAGED / _TOO_NEW error;
 * - what was read survives a save and a load: serializing the channels and
 *   parsing that again reads the same channels and tokens with nothing
 *   skipped, and a second save writes the same bytes (a file SocialHub
 *   wrote itself must never come back as damaged);
 * - the reader without a tree (sh-store-scan.c) reads every input as
 *   json-glib's tree does: the same channels, tokens, skipped entries, store
 *   id and removed tokens, or the same error; and it reads every file
 *   SocialHub writes itself.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "sh-channel.h"
#include "sh-error.h"
#include "sh-providers.h"
#include "sh-store-fields.h"
#include "sh-store-format.h"

static GListModel *
to_model (GPtrArray *channels)
{
  GListStore *store = g_list_store_new (SH_TYPE_CHANNEL);

  for (guint i = 0; i < channels->len; i++)
    g_list_store_append (store, g_ptr_array_index (channels, i));
  return G_LIST_MODEL (store);
}

static void
assert_same_channels (GPtrArray *a,
                      GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      ShChannel *ca = g_ptr_array_index (a, i), *cb = g_ptr_array_index (b, i);

      g_assert_cmpstr (sh_channel_get_id (ca), ==, sh_channel_get_id (cb));
      g_assert_cmpstr (sh_channel_get_external_id (ca), ==, sh_channel_get_external_id (cb));
      g_assert_cmpstr (sh_channel_get_name (ca), ==, sh_channel_get_name (cb));
      g_assert_cmpuint (sh_channel_get_n_tokens (ca), ==, sh_channel_get_n_tokens (cb));
    }
}

static char *
serialize_all (GPtrArray  *channels,
               const char *store_id,
               GHashTable *removed)
{
  g_autoptr(GListModel) model = to_model (channels);

  return sh_store_format_serialize_full (model, store_id, removed, NULL);
}

/* Two readings of a file are the same: the same channels, the same store
 * id, and saved with their store ids and removed tokens, the same bytes. */
static void
assert_same_reading (GPtrArray  *a,
                     const char *a_id,
                     GHashTable *a_removed,
                     GPtrArray  *b,
                     const char *b_id,
                     GHashTable *b_removed)
{
  g_autofree char *a_text = serialize_all (a, a_id, a_removed);
  g_autofree char *b_text = serialize_all (b, b_id, b_removed);

  assert_same_channels (a, b);
  g_assert_cmpstr (a_id, ==, b_id);
  g_assert_cmpstr (a_text, ==, b_text);
}

/* A control character other than the generator's own new lines. */
static gboolean
has_control (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text < 0x20 && *text != '\n')
      return TRUE;
  return FALSE;
}

static void
ignore_channel (const ShStoreChannelFields *channel,
                const ShStoreTokenFields   *tokens,
                guint                       n_tokens,
                gpointer                    user_data)
{
}

/* What one reader made of a file. */
typedef struct {
  GPtrArray  *channels;
  guint       n_skipped;
  char       *store_id;
  GHashTable *removed;
  GError     *error;
} Reading;

static void
reading_clear (Reading *reading)
{
  g_clear_pointer (&reading->channels, g_ptr_array_unref);
  g_clear_pointer (&reading->store_id, g_free);
  g_clear_pointer (&reading->removed, g_hash_table_unref);
  g_clear_error (&reading->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reading, reading_clear)

/* Both readers, on the same bytes: the same result. */
static void
assert_readers_agree (const char *data,
                      gssize      size)
{
  g_auto(Reading) scanned = { 0 };
  g_auto(Reading) tree = { 0 };

  scanned.channels = sh_store_format_parse_full (data, size, &scanned.n_skipped,
                                                 &scanned.store_id, &scanned.removed,
                                                 &scanned.error);
  tree.channels = sh_store_format_parse_with_tree (data, size, &tree.n_skipped, &tree.store_id,
                                                   &tree.removed, &tree.error);
  if (tree.channels == NULL)
    {
      g_assert_null (scanned.channels);
      g_assert_cmpstr (scanned.error->message, ==, tree.error->message);
      return;
    }
  g_assert_nonnull (scanned.channels);
  g_assert_cmpuint (scanned.n_skipped, ==, tree.n_skipped);
  assert_same_reading (scanned.channels, scanned.store_id, scanned.removed,
                       tree.channels, tree.store_id, tree.removed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autofree char *saved = NULL;
  gsize saved_length = 0;
  guint n_skipped = 0;

  /* The networks a channel may name; registering again does nothing. */
  sh_providers_register ();
  assert_readers_agree ((const char *) data, (gssize) size);

  /* The store reads the file with its length: the bytes need not end in
   * a NUL, and a NUL inside is just a damaged byte. */
  channels = sh_store_format_parse ((const char *) data, (gssize) size, &n_skipped, &error);
  if (channels == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_error_matches (error, SH_ERROR, SH_ERROR_STORE_DAMAGED) ||
                     g_error_matches (error, SH_ERROR, SH_ERROR_STORE_TOO_NEW));
      return 0;
    }
  g_assert_null (error);

  model = to_model (channels);
  saved = sh_store_format_serialize (model, &saved_length);
  g_assert_nonnull (saved);
  g_assert_cmpuint (saved_length, ==, strlen (saved));
  /* What SocialHub writes, the scanner reads, unless a name holds an
   * escape or a control character (which json-glib writes as it is). */
  {
    g_autofree char *scan_id = NULL;
    g_autoptr(GPtrArray) scan_removed = NULL;

    if (!sh_store_scan (saved, saved_length, ignore_channel, NULL, &scan_id, &scan_removed))
      g_assert_true (memchr (saved, '\\', saved_length) != NULL || has_control (saved));
  }

  n_skipped = 0;
  again = sh_store_format_parse (saved, (gssize) saved_length, &n_skipped, &error);
  if (again == NULL)
    g_error ("a file written from what was read cannot be read back: %s", error->message);
  g_assert_cmpuint (n_skipped, ==, 0);
  /* Saved again, the same bytes (sh_store_format_parse() keeps no store
   * id or removed tokens, and @saved has none). */
  assert_same_reading (channels, NULL, NULL, again, NULL, NULL);
  return 0;
}
