/* test-keyring.c — secrets in a real gnome-keyring (run under
 * build-aux/with-session.sh): one item per token, one search for all of them,
 * tokens and secrets never disagree, and a locked keyring is said so.
 *
 * The same tests run on both backends of ShSecretStore: meson's `keyring`
 * on the Secret Service, `keyring-file` on libsecret's file keyring
 * (SECRET_BACKEND=file, a bus with no Secret Service at all). What only one
 * backend has (adopting items named by a path, how a keyring gets locked) is
 * chosen in main(). */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <libsecret/secret.h>

#include "sh-checker.h"
#include "sh-error.h"
#include "sh-manager.h"
#include "sh-providers.h"
#include "sh-secret-store.h"
#include "test-util.h"

/* Made-up but recognisable, so that a leak would be found by grep. */
#define SECRET_A "EAAtestSECRETaaaaaaaaaaaaaaaaaaaaaaa1"
#define SECRET_B "EAAtestSECRETbbbbbbbbbbbbbbbbbbbbbbb2"

static gboolean
store_secret (ShSecretStore *store,
              ShToken       *token,
              const char    *access_token,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ShSecret) secret = sh_secret_new (access_token, NULL, 0);

  sh_secret_store_store_async (store, token, secret, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  return sh_secret_store_store_finish (store, result, error);
}

/* The item removed behind the app's back (Seahorse, a keyring reset). */
static gboolean
delete_secret (ShSecretStore *store,
               ShToken       *token,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_secret_store_delete_async (store, sh_token_get_id (token), NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  return sh_secret_store_delete_finish (store, result, error);
}

static GHashTable *
load_secrets (ShSecretStore *store,
              const char    *network,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_secret_store_load_async (store, network, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  return sh_secret_store_load_finish (store, result, error);
}

static GHashTable *
list_ids (ShSecretStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *ids;

  sh_secret_store_list_ids_async (store, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  ids = sh_secret_store_list_ids_finish (store, result, &error);
  g_assert_no_error (error);
  return ids;
}

static ShToken *
make_token (const char *network)
{
  g_autofree char *id = sh_token_generate_id ();
  ShToken *token = sh_token_new (id, network, "channel-1");

  sh_token_set_owner_name (token, "Alice Example");
  return token;
}

static void
test_store_load_delete (void)
{
  g_autofree char *scope = sh_test_make_dir ();
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, FALSE);
  g_autoptr(ShToken) a = make_token ("facebook");
  g_autoptr(ShToken) b = make_token ("x");
  g_autoptr(GHashTable) all = NULL;
  g_autoptr(GHashTable) facebook = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShSecret) with_refresh = sh_secret_new (SECRET_B, "refresh-" SECRET_B, 1764007200);
  ShSecret *got;

  g_assert_true (store_secret (store, a, SECRET_A, &error));
  g_assert_no_error (error);
  sh_secret_store_store_async (store, b, with_refresh, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_secret_store_store_finish (store, result, &error));
  g_assert_no_error (error);

  all = load_secrets (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 2);
  got = g_hash_table_lookup (all, sh_token_get_id (a));
  g_assert_cmpstr (got->access_token, ==, SECRET_A);
  g_assert_null (got->refresh_token);
  got = g_hash_table_lookup (all, sh_token_get_id (b));
  g_assert_cmpstr (got->access_token, ==, SECRET_B);
  g_assert_cmpstr (got->refresh_token, ==, "refresh-" SECRET_B);
  g_assert_cmpint (got->expires_at, ==, 1764007200);

  facebook = load_secrets (store, "facebook", &error);
  g_assert_cmpuint (g_hash_table_size (facebook), ==, 1);
  g_assert_true (g_hash_table_contains (facebook, sh_token_get_id (a)));

  /* Storing again replaces, it does not duplicate. */
  g_assert_true (store_secret (store, a, SECRET_B, &error));
  g_clear_pointer (&all, g_hash_table_unref);
  all = load_secrets (store, NULL, &error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 2);
  got = g_hash_table_lookup (all, sh_token_get_id (a));
  g_assert_cmpstr (got->access_token, ==, SECRET_B);

  g_assert_true (delete_secret (store, a, &error));
  ids = list_ids (store);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 1);
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (b)));
}

static void
test_scopes_are_separate (void)
{
  g_autofree char *scope1 = sh_test_make_dir ();
  g_autofree char *scope2 = sh_test_make_dir ();
  g_autoptr(ShSecretStore) one = sh_secret_store_new (scope1, FALSE);
  g_autoptr(ShSecretStore) two = sh_secret_store_new (scope2, FALSE);
  g_autoptr(ShToken) a = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (store_secret (one, a, SECRET_A, &error));
  ids = list_ids (two);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 0);
}

/* Counts the Secret Service calls this process makes. */
typedef struct {
  guint search_items;
  guint get_secrets;
  guint get_secret;
  guint properties;   /* Get / GetAll: one per item would be slow */
} CallCount;

static GDBusMessage *
count_calls (GDBusConnection *connection,
             GDBusMessage    *message,
             gboolean         incoming,
             gpointer         user_data)
{
  CallCount *count = user_data;
  const char *member = g_dbus_message_get_member (message);

  if (!incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      member != NULL)
    {
      if (g_str_equal (member, "SearchItems"))
        g_atomic_int_inc (&count->search_items);
      else if (g_str_equal (member, "GetSecrets"))
        g_atomic_int_inc (&count->get_secrets);
      else if (g_str_equal (member, "GetSecret"))
        g_atomic_int_inc (&count->get_secret);
      else if (g_str_equal (member, "Get") || g_str_equal (member, "GetAll"))
        g_atomic_int_inc (&count->properties);
    }
  return message;
}

static void
test_one_search_for_all (void)
{
  g_autofree char *scope = sh_test_make_dir ();
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, FALSE);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GHashTable) all = NULL;
  g_autoptr(GError) error = NULL;
  CallCount count = { 0 };
  guint filter;

  for (guint i = 0; i < 25; i++)
    {
      g_autoptr(ShToken) token = make_token ("facebook");
      g_autofree char *secret = g_strdup_printf ("token-%u-" SECRET_A, i);

      g_assert_true (store_secret (store, token, secret, &error));
    }

  filter = g_dbus_connection_add_filter (bus, count_calls, &count, NULL);
  all = load_secrets (store, NULL, &error);
  g_dbus_connection_remove_filter (bus, filter);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 25);

  if (sh_secret_store_get_backend (store) == SH_SECRET_STORE_BACKEND_FILE)
    {
      /* The file is read in memory: no keyring call on the bus at all. */
      g_assert_cmpuint (count.search_items + count.get_secrets + count.get_secret +
                        count.properties, ==, 0);
      return;
    }
  /* 25 secrets: one search and one batch read, no read per token (neither
   * of its secret nor of its attributes: a thousand round trips is what made
   * libsecret's own search slow, tests/bench/README.md). */
  g_assert_cmpuint (count.search_items, ==, 1);
  g_assert_cmpuint (count.get_secrets, ==, 1);
  g_assert_cmpuint (count.get_secret, ==, 0);
  g_assert_cmpuint (count.properties, ==, 0);
}

/* Issue 18: listing the ids (the reconciliation after every start) reads
 * the secrets in slices of at most 400, each reply freed before the next
 * is read, not the whole keyring's secrets in one message: at 10,000
 * tokens that one message and its decoded copy were the start-up's peak. */
static void
test_list_ids_in_slices (void)
{
  g_autofree char *scope = sh_test_make_dir ();
  /* The session collection: the login one rewrites its file per item. */
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, TRUE);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  CallCount count = { 0 };
  guint filter;

  if (sh_secret_store_get_backend (store) == SH_SECRET_STORE_BACKEND_FILE)
    {
      g_test_skip ("the file backend reads its file, no GetSecrets");
      return;
    }
  for (guint i = 0; i < 420; i++)
    {
      g_autoptr(ShToken) token = make_token ("facebook");

      g_assert_true (store_secret (store, token, SECRET_A, &error));
    }

  filter = g_dbus_connection_add_filter (bus, count_calls, &count, NULL);
  ids = list_ids (store);
  g_dbus_connection_remove_filter (bus, filter);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 420);
  g_assert_cmpuint (count.search_items, ==, 1);
  g_assert_cmpuint (count.get_secrets, ==, 2);
  g_assert_cmpuint (count.properties, ==, 0);
}

/* What a caller of a sliced load holds, as the Facebook check holds its
 * batch's access tokens: each secret as it arrived. */
typedef struct {
  GHashTable *held;      /* token id → ShSecret *, borrowed from the table */
  GHashTable *table;     /* the table the slices fill */
  guint       n_slices;
} Holding;

static void
check_held (Holding    *holding,
            GHashTable *secrets)
{
  GHashTableIter iter;
  gpointer id, secret;

  g_hash_table_iter_init (&iter, holding->held);
  while (g_hash_table_iter_next (&iter, &id, &secret))
    {
      g_autofree char *expected = g_strdup_printf ("shared-%s-" SECRET_A, (char *) id);

      /* Still the one handed out (not freed under the holder)... */
      g_assert_true (g_hash_table_lookup (secrets, id) == secret);
      /* ...and still the token, not a wiped one. */
      g_assert_cmpstr (((ShSecret *) secret)->access_token, ==, expected);
    }
}

static void
on_slice_held (GHashTable *secrets,
               GPtrArray  *ids,
               gpointer    user_data)
{
  Holding *holding = user_data;

  holding->n_slices++;
  holding->table = secrets;
  check_held (holding, secrets);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);

      /* Each token id is announced once. */
      g_assert_false (g_hash_table_contains (holding->held, id));
      g_hash_table_insert (holding->held, g_strdup (id), g_hash_table_lookup (secrets, id));
    }
}

/* Two keyring items for one token id (a Page's token and an Instagram
 * account sharing it, each item naming its channel): a sliced load hands
 * the first out as soon as its slice arrives, and the second, in a later
 * slice, used to replace it in the table, freeing (and wiping) the secret
 * the check was still to send. Now the table only grows. */
static void
test_shared_token_id_sliced (void)
{
  g_autofree char *scope = sh_test_make_dir ();
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, FALSE);
  g_autoptr(GHashTable) all = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Holding holding = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), NULL, 0 };
  const char *channels[] = { "page-channel", "instagram-channel" };

  /* All first items, then all second ones: whatever order the service
   * answers in, slices of 50 split many pairs. */
  for (guint i = 0; i < 60; i++)
    g_ptr_array_add (ids, sh_token_generate_id ());
  for (guint c = 0; c < G_N_ELEMENTS (channels); c++)
    for (guint i = 0; i < ids->len; i++)
      {
        g_autoptr(ShToken) token = sh_token_new (g_ptr_array_index (ids, i), "facebook",
                                                 channels[c]);
        g_autofree char *secret = g_strdup_printf ("shared-%s-" SECRET_A,
                                                   (char *) g_ptr_array_index (ids, i));

        g_assert_true (store_secret (store, token, secret, &error));
        g_assert_no_error (error);
      }

  sh_secret_store_load_sliced_async (store, NULL, on_slice_held, &holding, NULL,
                                     sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 20000);
  all = sh_secret_store_load_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 60);
  g_assert_cmpuint (holding.n_slices, >=, 2);
  g_assert_true (holding.table == all);
  g_assert_cmpuint (g_hash_table_size (holding.held), ==, 60);
  check_held (&holding, all);
  g_hash_table_unref (holding.held);
}

/* An item written before the token id was kept in its text (SocialHub 0.1's
 * format: only the attributes name the token) still loads and lists. */
static void
test_item_without_id_in_text (void)
{
  g_autofree char *scope = sh_test_make_dir ();
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, FALSE);
  g_autoptr(ShToken) new_one = make_token ("facebook");
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) all = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  const SecretSchema schema = {
    "io.socialhub.SocialHub.Token", SECRET_SCHEMA_NONE,
    {
      { "token-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "channel-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "network", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "format-version", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "store", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };
  ShSecret *got;

  g_hash_table_insert (attributes, "token-id", "old-token-1");
  g_hash_table_insert (attributes, "channel-id", "channel-1");
  g_hash_table_insert (attributes, "network", "facebook");
  g_hash_table_insert (attributes, "format-version", "1");
  g_hash_table_insert (attributes, "store", scope);
  g_assert_true (secret_password_storev_sync (&schema, attributes, SECRET_COLLECTION_DEFAULT,
                                              "old item",
                                              "{\"version\":1,\"access_token\":\"" SECRET_A "\","
                                              "\"expires_at\":0}",
                                              NULL, &error));
  g_assert_no_error (error);
  g_assert_true (store_secret (store, new_one, SECRET_B, &error));

  all = load_secrets (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 2);
  got = g_hash_table_lookup (all, "old-token-1");
  g_assert_nonnull (got);
  g_assert_cmpstr (got->access_token, ==, SECRET_A);
  got = g_hash_table_lookup (all, sh_token_get_id (new_one));
  g_assert_nonnull (got);
  g_assert_cmpstr (got->access_token, ==, SECRET_B);

  ids = list_ids (store);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 2);
  g_assert_true (g_hash_table_contains (ids, "old-token-1"));
}

/* ---- the manager keeps tokens and secrets together ------------------- */

static gboolean
add_token (ShManager  *manager,
           ShChannel  *channel,
           ShToken    *token,
           const char *access_token,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ShSecret) secret = sh_secret_new (access_token, NULL, 0);

  sh_manager_add_token_async (manager, channel, token, secret, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  return sh_manager_add_token_finish (manager, result, error);
}

static guint
reconcile (ShManager *manager)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  sh_manager_reconcile_async (manager, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_manager_reconcile_finish (manager, result, &n, &error));
  g_assert_no_error (error);
  return n;
}

static char *
data_file (ShManager *manager)
{
  char *contents = NULL;

  g_file_get_contents (sh_store_get_path (sh_manager_get_store (manager)), &contents, NULL, NULL);
  return contents;
}

static void
test_add_and_remove_together (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShManager) reloaded = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) token = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (add_token (manager, channel, token, SECRET_A, &error));
  g_assert_no_error (error);
  g_assert_true (sh_channel_list_lookup (sh_manager_get_channels (manager),
                                         sh_channel_get_id (channel)) == channel);

  /* In the data file, by id, and never the secret itself. */
  contents = data_file (manager);
  g_assert_nonnull (strstr (contents, sh_token_get_id (token)));
  g_assert_null (strstr (contents, SECRET_A));
  ids = list_ids (sh_manager_get_secret_store (manager));
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (token)));

  /* A restart sees the same and has nothing to repair. */
  reloaded = sh_test_load_manager (dir);
  g_assert_nonnull (sh_channel_list_lookup_token (sh_manager_get_channels (reloaded),
                                                  sh_token_get_id (token), NULL));
  g_assert_cmpuint (reconcile (reloaded), ==, 0);

  sh_manager_remove_token_async (manager, token, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_manager_remove_token_finish (manager, result, &error));
  g_assert_no_error (error);

  g_clear_pointer (&contents, g_free);
  contents = data_file (manager);
  g_assert_null (strstr (contents, sh_token_get_id (token)));
  /* Its last token gone, the channel goes too. */
  g_assert_null (sh_channel_list_lookup (sh_manager_get_channels (manager),
                                         sh_channel_get_id (channel)));
  g_clear_pointer (&ids, g_hash_table_unref);
  ids = list_ids (sh_manager_get_secret_store (manager));
  g_assert_false (g_hash_table_contains (ids, sh_token_get_id (token)));
}

static void
test_add_rolls_back_when_save_fails (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autofree char *moved = g_strconcat (dir, ".moved", NULL);
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) token = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;

  /* The data folder becomes a plain file: the save after the secret fails. */
  g_assert_cmpint (g_rename (dir, moved), ==, 0);
  g_assert_true (g_file_set_contents (dir, "in the way", -1, NULL));

  g_assert_false (add_token (manager, channel, token, SECRET_A, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_STORE_IO);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sh_manager_get_channels (manager))), ==, 0);
  g_assert_cmpuint (sh_channel_get_n_tokens (channel), ==, 0);
  ids = list_ids (sh_manager_get_secret_store (manager));
  g_assert_false (g_hash_table_contains (ids, sh_token_get_id (token)));
}

static GHashTable *
attributes_of (ShSecretStore *store,
               const char    *token_id)
{
  /* Any item of the schema with this token id, whatever its store. */
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  const SecretSchema any = {
    SH_SECRET_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
    { { "token-id", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  GList *items;
  GHashTable *attributes = NULL;

  g_hash_table_insert (query, "token-id", (gpointer) token_id);
  items = secret_service_search_sync (NULL, &any, query, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), <=, 1);
  if (items != NULL)
    attributes = secret_item_get_attributes (items->data);
  g_list_free_full (items, g_object_unref);
  return attributes;
}

static guint
restore (ShManager *manager,
         guint     *out_left)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  sh_manager_restore_async (manager, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_manager_restore_finish (manager, result, &n, out_left, &error));
  g_assert_no_error (error);
  return n;
}

static guint
count_occurrences (const char *text,
                   const char *part)
{
  guint n = 0;

  for (const char *at = strstr (text, part); at != NULL; at = strstr (at + 1, part))
    n++;
  return n;
}

/* A keyring reset under a big store: the notice counts every token but
 * names only the first five, so the window's label stays a few lines (all
 * 3,000 names kept the window laying it out for 48 s). */
static void
test_reconcile_many_lost (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShManager) restarted = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(GError) error = NULL;
  const char *notice;

  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(ShToken) token = make_token ("facebook");

      g_assert_true (add_token (manager, channel, token, SECRET_A, &error));
      g_assert_true (delete_secret (sh_manager_get_secret_store (manager), token, &error));
    }

  restarted = sh_test_load_manager (dir);
  g_assert_cmpuint (reconcile (restarted), ==, 8);
  notice = sh_manager_get_notice (restarted);
  g_assert_nonnull (strstr (notice, "8 access tokens have no secret in the keyring"));
  g_assert_cmpuint (count_occurrences (notice, "Alice Example on Acme Coffee"), ==, 5);
  g_assert_nonnull (strstr (notice, "Alice Example on Acme Coffee and 3 more."));
  g_assert_nonnull (strstr (notice, "secret missing"));
}

/* Issue #13: nothing is deleted on a guess. A token whose secret is gone
 * stays ("secret missing"); a secret no token lists is offered back and
 * restored into its channel; neither is deleted. */
static void
test_reconcile_keeps_and_offers (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShManager) restarted = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) kept = make_token ("facebook");
  g_autoptr(ShToken) lost = make_token ("facebook");
  g_autoptr(ShToken) orphan = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  ShChannelList *channels;
  ShToken *found;
  ShChannel *home = NULL;

  g_assert_true (add_token (manager, channel, kept, SECRET_A, &error));
  g_assert_true (add_token (manager, channel, lost, SECRET_B, &error));
  /* A secret whose token never reached the data file (a crash in between). */
  sh_token_set_channel_id (orphan, sh_channel_get_id (channel));
  g_assert_true (store_secret (sh_manager_get_secret_store (manager), orphan, SECRET_B, &error));
  /* A secret deleted behind our back (Seahorse, a keyring reset). */
  g_assert_true (delete_secret (sh_manager_get_secret_store (manager), lost, &error));

  restarted = sh_test_load_manager (dir);
  g_assert_cmpuint (reconcile (restarted), ==, 1);

  /* The token without its secret is still there, and says so. */
  channels = sh_manager_get_channels (restarted);
  g_assert_nonnull (sh_channel_list_lookup_token (channels, sh_token_get_id (kept), NULL));
  found = sh_channel_list_lookup_token (channels, sh_token_get_id (lost), NULL);
  g_assert_nonnull (found);
  g_assert_cmpint (sh_token_get_state (found), ==, SH_TOKEN_STATE_UNKNOWN);
  g_assert_cmpint (sh_token_get_reason (found), ==, SH_TOKEN_REASON_SECRET_MISSING);
  g_assert_nonnull (strstr (sh_manager_get_notice (restarted), "Alice Example on Acme Coffee"));
  g_assert_nonnull (strstr (sh_manager_get_notice (restarted), "secret missing"));
  contents = data_file (restarted);
  g_assert_nonnull (strstr (contents, sh_token_get_id (lost)));
  g_assert_nonnull (strstr (contents, "\"secret-missing\""));

  /* The secret nobody lists is still in the keyring, offered back. */
  ids = list_ids (sh_manager_get_secret_store (restarted));
  g_assert_cmpuint (g_hash_table_size (ids), ==, 2);
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (orphan)));
  g_assert_cmpuint (sh_manager_get_n_orphans (restarted), ==, 1);
  g_assert_null (sh_channel_list_lookup_token (channels, sh_token_get_id (orphan), NULL));

  g_assert_cmpuint (restore (restarted, NULL), ==, 1);
  g_assert_cmpuint (sh_manager_get_n_orphans (restarted), ==, 0);
  found = sh_channel_list_lookup_token (channels, sh_token_get_id (orphan), &home);
  g_assert_nonnull (found);
  g_assert_cmpstr (sh_channel_get_id (home), ==, sh_channel_get_id (channel));
  g_assert_cmpstr (sh_token_get_owner_name (found), ==, "Alice Example");

  /* Saved: the next start lists it and has nothing to do. */
  g_clear_object (&restarted);
  restarted = sh_test_load_manager (dir);
  g_assert_nonnull (sh_channel_list_lookup_token (sh_manager_get_channels (restarted),
                                                  sh_token_get_id (orphan), NULL));
  g_assert_cmpuint (reconcile (restarted), ==, 0);
  g_assert_cmpuint (sh_manager_get_n_orphans (restarted), ==, 0);
}

/* A token whose data file entry is lost with its channel (an older file put
 * back) comes back with its channel, from what its keyring item says. */
static void
test_restore_rebuilds_channel (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShManager) restarted = NULL;
  g_autoptr(ShChannel) first = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShChannel) second = sh_test_make_channel ("Acme Tea", "x", 0);
  g_autoptr(ShToken) a = make_token ("facebook");
  g_autoptr(ShToken) b = make_token ("x");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *prev = NULL;
  g_autofree char *older = NULL;
  ShChannel *rebuilt;
  ShToken *found;

  sh_token_set_owner_id (b, "4242");
  g_assert_true (add_token (manager, first, a, SECRET_A, &error));
  g_assert_true (add_token (manager, second, b, SECRET_B, &error));

  /* The version before the second add, put back as the current file. */
  path = g_strdup (sh_store_get_path (sh_manager_get_store (manager)));
  prev = g_strconcat (path, ".prev", NULL);
  g_assert_true (g_file_get_contents (prev, &older, NULL, NULL));
  g_assert_null (strstr (older, sh_token_get_id (b)));
  g_assert_true (g_file_set_contents (path, older, -1, NULL));

  restarted = sh_test_load_manager (dir);
  g_assert_cmpuint (reconcile (restarted), ==, 0);
  g_assert_cmpuint (sh_manager_get_n_orphans (restarted), ==, 1);
  g_assert_cmpuint (restore (restarted, NULL), ==, 1);

  rebuilt = sh_channel_list_lookup_external (sh_manager_get_channels (restarted), "x",
                                             sh_channel_get_external_id (second));
  g_assert_nonnull (rebuilt);
  g_assert_cmpstr (sh_channel_get_id (rebuilt), ==, sh_channel_get_id (second));
  g_assert_cmpstr (sh_channel_get_name (rebuilt), ==, "Acme Tea");
  found = sh_channel_lookup_token (rebuilt, sh_token_get_id (b));
  g_assert_nonnull (found);
  g_assert_cmpstr (sh_token_get_owner_id (found), ==, "4242");
  g_assert_cmpstr (sh_token_get_owner_name (found), ==, "Alice Example");
}

/* An item that names no channel the list has and not enough to make one
 * (written before items kept their channel) stays in the keyring: counted,
 * never deleted, never filed in a made-up channel. */
static void
test_restore_leaves_unplaceable (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShManager) restarted = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) kept = make_token ("facebook");
  g_autoptr(ShToken) stray = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  guint left = 0;

  g_assert_true (add_token (manager, channel, kept, SECRET_A, &error));
  sh_token_set_channel_id (stray, "a-channel-nobody-lists");
  g_assert_true (store_secret (sh_manager_get_secret_store (manager), stray, SECRET_B, &error));

  restarted = sh_test_load_manager (dir);
  g_assert_cmpuint (reconcile (restarted), ==, 0);
  g_assert_cmpuint (sh_manager_get_n_orphans (restarted), ==, 1);
  g_assert_cmpuint (restore (restarted, &left), ==, 0);
  g_assert_cmpuint (left, ==, 1);
  g_assert_cmpuint (sh_manager_get_n_orphans (restarted), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sh_manager_get_channels (restarted))), ==, 1);
  ids = list_ids (sh_manager_get_secret_store (restarted));
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (stray)));
}

/* Only a removal the data file records deletes a secret; the record goes
 * once the secret is gone. */
static void
test_recorded_removal_deletes (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShManager) restarted = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) removed = make_token ("facebook");
  g_autoptr(ShToken) stays = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  ShStore *store = sh_manager_get_store (manager);

  g_assert_true (add_token (manager, channel, removed, SECRET_A, &error));
  g_assert_true (add_token (manager, channel, stays, SECRET_B, &error));

  /* A removal cut short after its first save: the file records it, the
   * secret is still there. */
  sh_store_mark_removed (store, sh_token_get_id (removed));
  sh_channel_remove_token (channel, removed);
  sh_store_save_async (store, G_LIST_MODEL (sh_manager_get_channels (manager)), NULL,
                       sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_store_save_finish (store, result, &error));
  contents = data_file (manager);
  g_assert_nonnull (strstr (contents, "\"removed_tokens\""));

  restarted = sh_test_load_manager (dir);
  g_assert_cmpuint (reconcile (restarted), ==, 1);
  ids = list_ids (sh_manager_get_secret_store (restarted));
  g_assert_false (g_hash_table_contains (ids, sh_token_get_id (removed)));
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (stays)));
  g_assert_cmpuint (sh_manager_get_n_orphans (restarted), ==, 0);
  g_clear_pointer (&contents, g_free);
  contents = data_file (restarted);
  g_assert_null (strstr (contents, sh_token_get_id (removed)));
}

/* Issue #13 (a): channels.json gone, channels.json.prev there. The previous
 * version is loaded, and no secret is deleted: not the one of its tokens,
 * not the one of the token only the lost file listed. */
static void
test_missing_file_keeps_secrets (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShManager) restarted = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) a = make_token ("facebook");
  g_autoptr(ShToken) b = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (add_token (manager, channel, a, SECRET_A, &error));
  g_assert_true (add_token (manager, channel, b, SECRET_B, &error));
  path = g_strdup (sh_store_get_path (sh_manager_get_store (manager)));
  g_assert_cmpint (g_unlink (path), ==, 0);

  restarted = sh_test_load_manager (dir);
  g_assert_nonnull (strstr (sh_manager_get_notice (restarted), "missing"));
  g_assert_nonnull (sh_channel_list_lookup_token (sh_manager_get_channels (restarted),
                                                  sh_token_get_id (a), NULL));
  g_assert_cmpuint (reconcile (restarted), ==, 0);
  ids = list_ids (sh_manager_get_secret_store (restarted));
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (a)));
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (b)));
  /* Nothing on disk became an empty list: the previous version is intact
   * and the file, once written, is that version. */
  if (g_file_get_contents (path, &contents, NULL, NULL))
    g_assert_nonnull (strstr (contents, sh_token_get_id (a)));
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&path, g_free);
  path = g_strconcat (sh_store_get_path (sh_manager_get_store (restarted)), ".prev", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, sh_token_get_id (a)));
}

/* Issue #13 (b): the data folder moves (home renamed, /home → /var/home, a
 * restore under another user name). Nothing is lost: the items name their
 * store by the id in the file, not by a path. */
static void
test_folder_moved (void)
{
  g_autofree char *parent = sh_test_make_dir ();
  g_autofree char *before = g_build_filename (parent, "home-before", "socialhub", NULL);
  g_autofree char *after_parent = g_build_filename (parent, "var-home", NULL);
  g_autofree char *after = g_build_filename (after_parent, "socialhub", NULL);
  g_autofree char *before_parent = g_path_get_dirname (before);
  g_autoptr(ShManager) manager = NULL;
  g_autoptr(ShManager) moved = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) a = make_token ("facebook");
  g_autoptr(ShToken) b = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  ShToken *found;

  g_assert_cmpint (g_mkdir_with_parents (before, 0700), ==, 0);
  manager = sh_test_load_manager (before);
  g_assert_true (add_token (manager, channel, a, SECRET_A, &error));
  g_assert_true (add_token (manager, channel, b, SECRET_B, &error));
  g_clear_object (&manager);

  g_assert_cmpint (g_rename (before_parent, after_parent), ==, 0);
  moved = sh_test_load_manager (after);
  g_assert_null (sh_manager_get_notice (moved));
  g_assert_cmpuint (reconcile (moved), ==, 0);
  g_assert_null (sh_manager_get_notice (moved));
  found = sh_channel_list_lookup_token (sh_manager_get_channels (moved), sh_token_get_id (a), NULL);
  g_assert_nonnull (found);
  g_assert_cmpint (sh_token_get_reason (found), !=, SH_TOKEN_REASON_SECRET_MISSING);
  g_assert_nonnull (sh_channel_list_lookup_token (sh_manager_get_channels (moved),
                                                  sh_token_get_id (b), NULL));
  ids = list_ids (sh_manager_get_secret_store (moved));
  g_assert_cmpuint (g_hash_table_size (ids), ==, 2);
}

/* Items written by SocialHub before 0.3 name their store by the data
 * folder's path, and the file (version 1) has no store id. After the folder
 * moved, the items of the file's tokens are adopted: found, and renamed to
 * the store id the file now holds; an item of another store is left alone. */
static void
test_legacy_items_adopted (void)
{
  g_autofree char *parent = sh_test_make_dir ();
  g_autofree char *old_dir = g_build_filename (parent, "old", NULL);
  g_autofree char *new_dir = g_build_filename (parent, "new", NULL);
  g_autofree char *other_dir = g_build_filename (parent, "other", NULL);
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(ShManager) manager = NULL;
  g_autoptr(GHashTable) secrets = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GHashTable) other = NULL;
  g_autoptr(GError) error = NULL;
  const SecretSchema schema = {
    SH_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "token-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "channel-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "network", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "format-version", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "store", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };
  g_autofree char *t1 = g_uuid_string_random ();
  g_autofree char *t2 = g_uuid_string_random ();
  g_autofree char *foreign = g_uuid_string_random ();
  const char *ids[] = { t1, t2, foreign };
  const char *stores[] = { old_dir, old_dir, other_dir };
  ShToken *found;

  g_assert_cmpint (g_mkdir_with_parents (old_dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GHashTable) attrs = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *text = g_strdup_printf ("{\"version\":1,\"token_id\":\"%s\","
                                               "\"access_token\":\"" SECRET_A "%u\","
                                               "\"expires_at\":0}", ids[i], i);

      g_hash_table_insert (attrs, "token-id", (gpointer) ids[i]);
      g_hash_table_insert (attrs, "channel-id", "c1");
      g_hash_table_insert (attrs, "network", "facebook");
      g_hash_table_insert (attrs, "format-version", "1");
      g_hash_table_insert (attrs, "store", (gpointer) stores[i]);
      g_assert_true (secret_password_storev_sync (&schema, attrs, SECRET_COLLECTION_DEFAULT,
                                                  "old item", text, NULL, &error));
      g_assert_no_error (error);
    }
  file = g_build_filename (old_dir, "channels.json", NULL);
  contents = g_strdup_printf ("{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":1,"
                              "\"channels\":[{\"id\":\"c1\",\"network\":\"facebook\","
                              "\"external_id\":\"100\",\"name\":\"Old Page\",\"tokens\":["
                              "{\"id\":\"%s\",\"owner\":{\"name\":\"Alice\"}},"
                              "{\"id\":\"%s\",\"owner\":{\"name\":\"Bob\"}}]}]}", t1, t2);
  g_assert_true (g_file_set_contents (file, contents, -1, NULL));

  /* The home folder moves, then the first start. */
  g_assert_cmpint (g_rename (old_dir, new_dir), ==, 0);
  manager = sh_test_load_manager (new_dir);
  g_assert_cmpuint (reconcile (manager), ==, 0);
  found = sh_channel_list_lookup_token (sh_manager_get_channels (manager), t1, NULL);
  g_assert_nonnull (found);
  g_assert_cmpint (sh_token_get_reason (found), ==, SH_TOKEN_REASON_NONE);
  secrets = load_secrets (sh_manager_get_secret_store (manager), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (secrets), ==, 2);
  g_assert_true (g_hash_table_contains (secrets, t1));
  g_assert_true (g_hash_table_contains (secrets, t2));
  g_assert_cmpuint (sh_manager_get_n_orphans (manager), ==, 0);

  /* Migrated to the id the file now holds; the other store's item kept. */
  g_clear_pointer (&contents, g_free);
  contents = data_file (manager);
  g_assert_nonnull (strstr (contents, sh_store_get_id (sh_manager_get_store (manager))));
  attributes = attributes_of (sh_manager_get_secret_store (manager), t1);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "store"), ==,
                   sh_store_get_id (sh_manager_get_store (manager)));
  other = attributes_of (sh_manager_get_secret_store (manager), foreign);
  g_assert_cmpstr (g_hash_table_lookup (other, "store"), ==, other_dir);
}

static void
test_no_reconcile_after_recovery (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShManager) restarted = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) token = make_token ("facebook");
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (add_token (manager, channel, token, SECRET_A, &error));
  g_file_set_contents (sh_store_get_path (sh_manager_get_store (manager)), "{\"format\":", -1, NULL);

  /* The damaged file is set aside; the secret of its token must survive
   * until someone has looked at that file. */
  restarted = sh_test_load_manager (dir);
  g_assert_nonnull (sh_manager_get_notice (restarted));
  g_assert_cmpuint (reconcile (restarted), ==, 0);
  ids = list_ids (sh_manager_get_secret_store (restarted));
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (token)));
}

/* A check of a token whose secret is gone: unknown, "secret-missing", its
 * last verdict kept, never invalid, and the network is not asked. */
static void
test_check_secret_missing (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) token = make_token ("facebook");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShCheckSummary summary = { 0 };

  g_assert_true (add_token (manager, channel, token, SECRET_A, &error));
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, 1764000000, 0);
  g_assert_true (delete_secret (sh_manager_get_secret_store (manager), token, &error));

  sh_checker_check_async (sh_manager_get_checker (manager), NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  sh_checker_check_finish (sh_manager_get_checker (manager), result, &summary, NULL);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_UNKNOWN);
  g_assert_cmpint (sh_token_get_reason (token), ==, SH_TOKEN_REASON_SECRET_MISSING);
  g_assert_cmpint (sh_token_get_last_verdict (token), ==, SH_TOKEN_STATE_VALID);
  g_assert_cmpuint (summary.n_unknown, ==, 1);
  g_assert_cmpuint (summary.n_checked, ==, 0);
  g_assert_cmpuint (summary.n_requests, ==, 0);
  g_assert_nonnull (sh_channel_list_lookup_token (sh_manager_get_channels (manager),
                                                  sh_token_get_id (token), NULL));
}

/* Reading a locked keyring: a clear "locked", at once, not a prompt nobody
 * sees. */
static void
assert_load_locked (ShSecretStore *store)
{
  g_autoptr(GHashTable) secrets = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  secrets = load_secrets (store, NULL, &error);
  g_assert_null (secrets);
  g_assert_error (error, SH_ERROR, SH_ERROR_KEYRING_LOCKED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, sh_test_time_limit (G_USEC_PER_SEC));
}

/* Last: it locks the keyring for the rest of this process's session. */
static void
test_locked_keyring (void)
{
  g_autofree char *scope = sh_test_make_dir ();
  g_autoptr(ShSecretStore) store = sh_secret_store_new (scope, FALSE);
  g_autoptr(ShToken) token = make_token ("facebook");
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) login = NULL;
  g_autoptr(GError) error = NULL;
  GList *objects;
  gint64 start;

  g_assert_true (store_secret (store, token, SECRET_A, &error));

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  login = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                            SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  objects = g_list_append (NULL, login);
  secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_list_free (objects);
  g_assert_no_error (error);

  /* Reading: a clear "locked", at once, not a prompt nobody sees. */
  assert_load_locked (store);

  /* Writing: the same. */
  start = g_get_monotonic_time ();
  g_assert_false (store_secret (store, token, SECRET_B, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_KEYRING_LOCKED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, sh_test_time_limit (G_USEC_PER_SEC));
  g_assert_null (strstr (error->message, SECRET_B));
}

/* ---- the file backend's lock: the Secret portal --------------------- */

static GSubprocess *
start_fake_portal (guint answer)
{
  const char *fake = g_getenv ("SH_FAKE_SECRET_PORTAL");
  g_autofree char *answer_text = g_strdup_printf ("%u", answer);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  GSubprocess *portal;

  g_assert_nonnull (fake);
  /* Its standard input closes when this process ends: then it leaves. */
  portal = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             "/usr/bin/python3", fake, answer_text, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (portal));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
  return portal;
}

static guint
fake_portal_call (const char *method,
                  GVariant   *parameters)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.portal.Desktop",
                                       "/org/freedesktop/portal/desktop",
                                       "io.socialhub.FakeSecretPortal", method, parameters,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(u)")))
    g_variant_get (reply, "(u)", &n);
  return n;
}

/* Inside Flatpak the file's key comes from the Secret portal, which may
 * refuse it (the person dismissed the prompt that unlocks their keyring):
 * that is "locked", at once, and nothing is written; once the portal hands
 * the key over, the same store works. libsecret takes this path with
 * SNAP_NAME set as it does inside Flatpak. In a process of its own:
 * libsecret keeps the first backend it opened, and this one must ask. */
static void
test_locked_file (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GSubprocess) portal = NULL;
  g_autoptr(ShSecretStore) store = NULL;
  g_autoptr(ShToken) token = make_token ("facebook");
  g_autoptr(GHashTable) secrets = NULL;
  g_autoptr(GError) error = NULL;
  ShSecret *got;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                                       G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  dir = sh_test_make_dir ();
  file = g_build_filename (dir, "keyrings", "default.keyring", NULL);
  g_unsetenv ("SECRET_FILE_TEST_PASSWORD");
  g_setenv ("SECRET_FILE_TEST_PATH", file, TRUE);
  g_setenv ("SNAP_NAME", "socialhub-test", TRUE);
  portal = start_fake_portal (1);
  store = sh_secret_store_new (dir, FALSE);

  assert_load_locked (store);

  g_assert_false (store_secret (store, token, SECRET_B, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_KEYRING_LOCKED);
  g_assert_null (strstr (error->message, SECRET_B));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  fake_portal_call ("SetAnswer", g_variant_new ("(u)", 0));
  g_assert_true (store_secret (store, token, SECRET_A, &error));
  g_assert_no_error (error);
  secrets = load_secrets (store, NULL, &error);
  g_assert_no_error (error);
  got = g_hash_table_lookup (secrets, sh_token_get_id (token));
  g_assert_nonnull (got);
  g_assert_cmpstr (got->access_token, ==, SECRET_A);
  /* Two refusals, one key; the load after it asked no more. */
  g_assert_cmpuint (fake_portal_call ("CountRequests", NULL), ==, 3);
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
  g_subprocess_send_signal (portal, SIGTERM);
}

int
main (int    argc,
      char **argv)
{
  ShSecretStoreBackend backend = sh_secret_store_backend_for_environment ();

  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

  g_test_add_func ("/keyring/store-load-delete", test_store_load_delete);
  g_test_add_func ("/keyring/scopes-are-separate", test_scopes_are_separate);
  g_test_add_func ("/keyring/one-search-for-all", test_one_search_for_all);
  g_test_add_func ("/keyring/list-ids-in-slices", test_list_ids_in_slices);
  g_test_add_func ("/keyring/item-without-id-in-text", test_item_without_id_in_text);
  g_test_add_func ("/keyring/add-and-remove-together", test_add_and_remove_together);
  g_test_add_func ("/keyring/add-rolls-back-when-save-fails", test_add_rolls_back_when_save_fails);
  g_test_add_func ("/keyring/reconcile-keeps-and-offers", test_reconcile_keeps_and_offers);
  g_test_add_func ("/keyring/reconcile-many-lost", test_reconcile_many_lost);
  g_test_add_func ("/keyring/restore-rebuilds-channel", test_restore_rebuilds_channel);
  g_test_add_func ("/keyring/restore-leaves-unplaceable", test_restore_leaves_unplaceable);
  g_test_add_func ("/keyring/recorded-removal-deletes", test_recorded_removal_deletes);
  g_test_add_func ("/keyring/missing-file-keeps-secrets", test_missing_file_keeps_secrets);
  g_test_add_func ("/keyring/folder-moved", test_folder_moved);
  /* The file backend never holds items named by a path. */
  if (backend == SH_SECRET_STORE_BACKEND_SERVICE)
    g_test_add_func ("/keyring/legacy-items-adopted", test_legacy_items_adopted);
  /* Only the Secret Service's loads come in slices. */
  if (backend == SH_SECRET_STORE_BACKEND_SERVICE)
    g_test_add_func ("/keyring/shared-token-id-sliced", test_shared_token_id_sliced);
  g_test_add_func ("/keyring/check-secret-missing", test_check_secret_missing);
  g_test_add_func ("/keyring/no-reconcile-after-recovery", test_no_reconcile_after_recovery);
  g_test_add_func ("/keyring/locked", backend == SH_SECRET_STORE_BACKEND_FILE
                                         ? test_locked_file : test_locked_keyring);

  return g_test_run ();
}
