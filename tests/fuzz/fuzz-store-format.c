/* fuzz-store-format.c — the data-file loader, sh_store_format_parse().
 *
 * The file may have been damaged or edited by hand, so any bytes may come
 * in. What this target holds for every input:
 * - no crash, no memory error, no warning or critical;
 * - either channels, or an SH_ERROR_STORE_DAMAGED / _TOO_NEW error;
 * - what was read survives a save and a load: serializing the channels and
 *   parsing that again reads the same channels and tokens with nothing
 *   skipped, and a second save writes the same bytes (a file SocialHub
 *   wrote itself must never come back as damaged).
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "sh-channel.h"
#include "sh-error.h"
#include "sh-providers.h"
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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GListModel) model_again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;
  gsize saved_length = 0, saved_again_length = 0;
  guint n_skipped = 0;

  /* The networks a channel may name; registering again does nothing. */
  sh_providers_register ();

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

  n_skipped = 0;
  again = sh_store_format_parse (saved, (gssize) saved_length, &n_skipped, &error);
  if (again == NULL)
    g_error ("a file written from what was read cannot be read back: %s", error->message);
  g_assert_cmpuint (n_skipped, ==, 0);
  assert_same_channels (channels, again);

  model_again = to_model (again);
  saved_again = sh_store_format_serialize (model_again, &saved_again_length);
  g_assert_cmpstr (saved, ==, saved_again);
  return 0;
}
