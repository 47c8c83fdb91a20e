/* test-store.c — the data file: what is saved comes back, a crash loses at
 * most the save in progress, and a damaged file is set aside, not lost. */
#include "config.h"

#include <glib/gstdio.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh-channel-list.h"
#include "sh-error.h"
#include "sh-manager.h"
#include "sh-providers.h"
#include "sh-secret-store.h"
#include "sh-store.h"
#include "sh-store-fields.h"
#include "sh-store-format.h"
#include "sh-token-clock.h"
#include "test-util.h"

#define NOW ((gint64) 1764000000)

static const char *store_writer;

static ShChannelList *
make_varied_list (void)
{
  ShChannelList *list = sh_channel_list_new ();
  g_autoptr(ShChannel) page = sh_test_make_channel ("Acme Coffee", "facebook", 3);
  g_autoptr(ShChannel) account = sh_test_make_channel ("@acme", "x", 1);
  g_autoptr(ShToken) t0 = g_list_model_get_item (sh_channel_get_tokens (page), 0);
  g_autoptr(ShToken) t1 = g_list_model_get_item (sh_channel_get_tokens (page), 1);
  g_autoptr(ShToken) t2 = g_list_model_get_item (sh_channel_get_tokens (page), 2);
  g_autoptr(ShToken) x0 = g_list_model_get_item (sh_channel_get_tokens (account), 0);
  const char *scopes[] = { "pages_show_list", "pages_read_engagement", NULL };

  sh_channel_set_picture_url (page, "https://example.com/p.png");
  sh_token_set_scopes (t0, scopes);
  sh_token_set_granted_at (t0, NOW - 100);
  sh_token_set_data_access_expires_at (t0, NOW + 90 * 86400);
  sh_token_apply_verdict (t0, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 7 * 86400);
  sh_token_apply_verdict (t1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_ROLE_LOST, NOW, 7 * 86400);
  sh_token_set_notified_state (t1, SH_TOKEN_STATE_INVALID);
  sh_token_apply_verdict (t2, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW - 50, 7 * 86400);
  sh_token_mark_unknown (t2, SH_TOKEN_REASON_SERVER_ERROR);
  sh_token_set_expires_at (x0, NOW + 7200);
  sh_token_apply_verdict (x0, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 7 * 86400);

  sh_channel_list_add (list, page);
  sh_channel_list_add (list, account);
  return list;
}

static void
save (ShStore       *store,
      ShChannelList *list,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_store_save_async (store, G_LIST_MODEL (list), NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  sh_store_save_finish (store, result, error);
}

static GPtrArray *
load (ShStore  *store,
      char    **notice,
      GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_store_load_async (store, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  return sh_store_load_finish (store, result, notice, error);
}

static char *
serialize_array (GPtrArray *channels)
{
  g_autoptr(ShChannelList) list = sh_channel_list_new ();

  sh_channel_list_replace_all (list, channels);
  return sh_store_format_serialize (G_LIST_MODEL (list), NULL);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* The one file in @dir whose name starts with "channels.json.damaged-". */
static char *
find_aside (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_prefix (name, "channels.json.damaged-"))
      {
        g_assert_null (found);
        found = g_build_filename (dir, name, NULL);
      }
  return found;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(ShStore) again = sh_store_new (dir);
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = sh_store_format_serialize (G_LIST_MODEL (list), NULL);
  g_autofree char *got = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *tmp = g_build_filename (dir, "channels.json.tmp", NULL);
  ShChannel *page;
  ShToken *token;
  GStatBuf st;

  save (store, list, &error);
  g_assert_no_error (error);

  loaded = load (again, &notice, &error);
  g_assert_no_error (error);
  g_assert_null (notice);
  got = serialize_array (loaded);
  g_assert_cmpstr (got, ==, expected);

  /* What the user sees survives, not only the bytes. */
  page = g_ptr_array_index (loaded, 0);
  g_assert_cmpstr (sh_channel_get_name (page), ==, "Acme Coffee");
  g_assert_cmpint (sh_channel_get_state (page), ==, SH_CHANNEL_STATE_DEGRADED);
  token = g_list_model_get_item (sh_channel_get_tokens (page), 2);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_UNKNOWN);
  g_assert_cmpint (sh_token_get_reason (token), ==, SH_TOKEN_REASON_SERVER_ERROR);
  g_assert_cmpint (sh_token_get_last_verdict (token), ==, SH_TOKEN_STATE_VALID);
  g_object_unref (token);

  /* Private to the user, nothing left behind. */
  g_assert_cmpint (g_stat (sh_store_get_path (store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
}

/* The token broker's hand-outs (sh_token_add_handout): kept with their
 * token, the newest SH_TOKEN_HANDOUTS_MAX; a file without them (older) or
 * with an unreadable one loses nothing else. */
static void
test_handouts (void)
{
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(ShChannel) page = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (page), 0);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) older = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  g_auto(GStrv) parts = NULL;
  ShToken *back;
  guint skipped = 0;

  for (guint i = 1; i <= SH_TOKEN_HANDOUTS_MAX + 5; i++)
    sh_token_add_handout (token, 1764000000 + i, i % 2 ? "dbus" : "command-line",
                          i % 2 ? "python3" : "command line");
  g_assert_cmpuint (sh_token_get_n_handouts (token), ==, SH_TOKEN_HANDOUTS_MAX);
  text = sh_store_format_serialize (G_LIST_MODEL (list), NULL);

  loaded = sh_store_format_parse (text, -1, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 0);
  back = g_list_model_get_item (sh_channel_get_tokens (g_ptr_array_index (loaded, 0)), 0);
  g_assert_cmpuint (sh_token_get_n_handouts (back), ==, SH_TOKEN_HANDOUTS_MAX);
  g_assert_cmpint (sh_token_get_handout (back, 0)->at, ==, 1764000000 + 6);
  g_assert_cmpint (sh_token_get_last_handout_at (back), ==, 1764000000 + 25);
  g_assert_cmpstr (sh_token_get_handout (back, SH_TOKEN_HANDOUTS_MAX - 1)->via, ==, "dbus");
  g_assert_cmpstr (sh_token_get_handout (back, SH_TOKEN_HANDOUTS_MAX - 1)->by, ==, "python3");
  g_object_unref (back);

  /* An older file (no "handouts") and a damaged entry: the token stays. */
  parts = g_strsplit (text, "\"handouts\":[", 2);
  edited = g_strjoinv ("\"handouts\":[{\"at\":\"soon\"},", parts);
  older = sh_store_format_parse (edited, -1, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 0);
  back = g_list_model_get_item (sh_channel_get_tokens (g_ptr_array_index (older, 0)), 0);
  g_assert_cmpuint (sh_token_get_n_handouts (back), ==, SH_TOKEN_HANDOUTS_MAX);
  g_object_unref (back);
  back = g_list_model_get_item (sh_channel_get_tokens (g_ptr_array_index (older, 0)), 1);
  g_assert_cmpuint (sh_token_get_n_handouts (back), ==, 0);
  g_object_unref (back);
}

/* A channel living on another's tokens (issue 19): "via", "discovered_at"
 * and its tokens' "shares" come back; files without them read as none. */
static void
test_shared_tokens (void)
{
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(ShChannel) page = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_autoptr(ShToken) page_token = g_list_model_get_item (sh_channel_get_tokens (page), 0);
  g_autoptr(ShChannel) account = sh_channel_new ("c-derived", "x", "17841400000000123");
  g_autoptr(ShToken) shared = sh_token_new ("t-derived", "x", "c-derived");
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ShChannel *back_page, *back_account;
  ShToken *back;
  guint skipped = 0;

  sh_channel_set_discovered_at (page, 1764000000);
  sh_channel_set_via (account, sh_channel_get_id (page));
  sh_token_set_shares (shared, sh_token_get_id (page_token));
  sh_channel_add_token (account, shared);
  sh_channel_list_add (list, account);
  text = sh_store_format_serialize (G_LIST_MODEL (list), NULL);
  g_assert_null (strstr (text, "\"access_token\""));

  loaded = sh_store_format_parse (text, -1, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 0);
  back_page = g_ptr_array_index (loaded, 0);
  back_account = g_ptr_array_index (loaded, loaded->len - 1);
  g_assert_cmpint (sh_channel_get_discovered_at (back_page), ==, 1764000000);
  g_assert_null (sh_channel_get_via (back_page));
  g_assert_cmpstr (sh_channel_get_via (back_account), ==, sh_channel_get_id (page));
  back = g_list_model_get_item (sh_channel_get_tokens (back_account), 0);
  g_assert_cmpstr (sh_token_get_shares (back), ==, sh_token_get_id (page_token));
  g_assert_cmpstr (sh_token_get_secret_id (back), ==, sh_token_get_id (page_token));
  g_object_unref (back);
  back = g_list_model_get_item (sh_channel_get_tokens (back_page), 0);
  g_assert_null (sh_token_get_shares (back));
  g_assert_cmpstr (sh_token_get_secret_id (back), ==, sh_token_get_id (back));
  g_object_unref (back);
}

static void
test_keeps_previous_version (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(GError) error = NULL;
  g_autofree char *prev_path = g_strconcat (sh_store_get_path (store), ".prev", NULL);
  g_autofree char *first = NULL;
  g_autofree char *prev = NULL;
  g_autoptr(ShChannel) extra = sh_test_make_channel ("Second Page", "facebook", 1);

  save (store, list, &error);
  g_assert_no_error (error);
  first = read_file (sh_store_get_path (store));

  sh_channel_list_add (list, extra);
  save (store, list, &error);
  g_assert_no_error (error);
  prev = read_file (prev_path);
  g_assert_cmpstr (prev, ==, first);
}

/* Saves the varied list, then it with one more channel; returns the first
 * save, which the store keeps as the previous version. */
static char *
save_two_versions (ShStore *store)
{
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(ShChannel) extra = sh_test_make_channel ("Second Page", "facebook", 1);
  g_autoptr(GError) error = NULL;
  char *v1 = sh_store_format_serialize (G_LIST_MODEL (list), NULL);

  save (store, list, &error);
  sh_channel_list_add (list, extra);
  save (store, list, &error);
  g_assert_no_error (error);
  return v1;
}

static void
test_damaged_restores_previous (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(ShStore) again = sh_store_new (dir);
  g_autofree char *v1 = save_two_versions (store);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *damaged = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *aside_contents = NULL;
  g_autofree char *got = NULL;

  /* Cut the current file in half, as a full disk or a bad editor might. */
  damaged = read_file (sh_store_get_path (store));
  damaged[strlen (damaged) / 2] = '\0';
  g_file_set_contents (sh_store_get_path (store), damaged, -1, &error);
  g_assert_no_error (error);

  loaded = load (again, &notice, &error);
  g_assert_no_error (error);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "damaged"));
  g_assert_nonnull (strstr (notice, "previous version"));
  got = serialize_array (loaded);
  g_assert_cmpstr (got, ==, v1);

  /* The damaged bytes are kept, named in the notice. */
  aside = find_aside (dir);
  g_assert_nonnull (aside);
  g_assert_nonnull (strstr (notice, aside));
  aside_contents = read_file (aside);
  g_assert_cmpstr (aside_contents, ==, damaged);
  g_assert_false (sh_store_get_read_only (again));
}

static void
test_damaged_without_previous (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *aside_contents = NULL;
  const char *garbage = "<html>502 Bad Gateway</html>";

  g_file_set_contents (sh_store_get_path (store), garbage, -1, &error);
  g_assert_no_error (error);
  loaded = load (store, &notice, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_assert_nonnull (strstr (notice, "no earlier version"));
  aside = find_aside (dir);
  aside_contents = read_file (aside);
  g_assert_cmpstr (aside_contents, ==, garbage);
}

static void
test_partly_readable (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *aside_contents = NULL;
  const char *contents =
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":1,\"channels\":["
    "{\"id\":\"c1\",\"network\":\"facebook\",\"external_id\":\"1\",\"name\":\"Good\",\"tokens\":["
    "  {\"id\":\"t1\",\"state\":\"valid\",\"last_verdict\":\"valid\"},"
    "  {\"id\":\"t2\",\"state\":\"sparkling\"},"
    "  {\"id\":\"t3\",\"expires_at\":\"tomorrow\"}]},"
    "{\"id\":\"c2\",\"network\":\"myspace\",\"external_id\":\"2\",\"tokens\":[]},"
    "42]}";
  ShChannel *good;

  g_file_set_contents (sh_store_get_path (store), contents, -1, &error);
  loaded = load (store, &notice, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
  good = g_ptr_array_index (loaded, 0);
  g_assert_cmpstr (sh_channel_get_name (good), ==, "Good");
  g_assert_cmpuint (sh_channel_get_n_tokens (good), ==, 1);
  g_assert_nonnull (strstr (notice, "4 entries"));

  /* The original is copied aside before anything drops those entries. */
  aside = find_aside (dir);
  aside_contents = read_file (aside);
  g_assert_cmpstr (aside_contents, ==, contents);
}

static void
test_too_new_is_left_alone (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *after = NULL;
  const char *contents =
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":7,\"channels\":[],\"shiny\":1}";

  g_file_set_contents (sh_store_get_path (store), contents, -1, &error);
  loaded = load (store, &notice, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (notice, "newer version"));
  g_assert_true (sh_store_get_read_only (store));

  save (store, list, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_STORE_IO);
  after = read_file (sh_store_get_path (store));
  g_assert_cmpstr (after, ==, contents);
  g_assert_null (find_aside (dir));
}

static void
test_unreadable_is_left_alone (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;

  /* A folder where the file should be cannot be read even by root (the
   * tests may run as root, for whom permissions are no obstacle). */
  g_assert_cmpint (g_mkdir (sh_store_get_path (store), 0700), ==, 0);
  loaded = load (store, &notice, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_assert_nonnull (strstr (notice, "could not be read"));
  g_assert_true (sh_store_get_read_only (store));
  save (store, list, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_STORE_IO);
  g_assert_true (g_file_test (sh_store_get_path (store), G_FILE_TEST_IS_DIR));
}

static void
test_saves_coalesce (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(ShStore) again = sh_store_new (dir);
  g_autoptr(ShChannelList) list = make_varied_list ();
  GAsyncResult *results[20] = { NULL };
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;

  /* Twenty saves in a row, each after a change: every caller hears back and
   * the file ends as the last state. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *name = g_strdup_printf ("Page %u", i);
      g_autoptr(ShChannel) channel = sh_test_make_channel (name, "facebook", 1);

      sh_channel_list_add (list, channel);
      sh_store_save_async (store, G_LIST_MODEL (list), NULL, sh_test_store_result, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      sh_test_wait_for_result (&results[i], 10000);
      g_assert_true (sh_store_save_finish (store, results[i], &error));
      g_assert_no_error (error);
      g_object_unref (results[i]);
    }

  expected = sh_store_format_serialize (G_LIST_MODEL (list), NULL);
  loaded = load (again, NULL, &error);
  got = serialize_array (loaded);
  g_assert_cmpstr (got, ==, expected);
}

/* ---- issue #13, item 11: only a regular file, of a bounded size ---------- */

/* Loads in a worker thread with a deadline: an old loader blocked in open()
 * on a FIFO would hang here, and the test fails by timeout, not forever. */
static void
assert_refused (ShStore    *store,
                const char *why)
{
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  gint64 start = g_get_monotonic_time ();

  loaded = load (store, &notice, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, sh_test_time_limit (5 * G_USEC_PER_SEC));
  g_assert_cmpuint (loaded->len, ==, 0);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, sh_store_get_path (store)));
  g_assert_nonnull (strstr (notice, why));
  g_assert_nonnull (strstr (notice, "will not write the file"));
  g_assert_true (sh_store_get_read_only (store));

  /* Read-only: a save says so and writes nothing. */
  save (store, list, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_STORE_IO);
  g_assert_nonnull (strstr (error->message, "cannot be saved"));
}

static void
test_fifo_is_refused (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  GStatBuf st;

  g_assert_cmpint (mkfifo (sh_store_get_path (store), 0600), ==, 0);
  assert_refused (store, "not a regular file");
  g_assert_cmpint (g_lstat (sh_store_get_path (store), &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
}

static void
test_symlink_to_device_is_refused (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autofree char *target = NULL;

  g_assert_cmpint (symlink ("/dev/zero", sh_store_get_path (store)), ==, 0);
  assert_refused (store, "not a regular file");
  target = g_file_read_link (sh_store_get_path (store), NULL);
  g_assert_cmpstr (target, ==, "/dev/zero");
}

static void
test_huge_file_is_refused (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  GStatBuf st;
  int fd;

  /* 65 MiB of real bytes (not a sparse hole): a valid start, then spaces. */
  fd = g_open (sh_store_get_path (store), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  {
    g_autofree char *block = g_malloc (1024 * 1024);
    const char *head = "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":2,\"channels\":[";

    memset (block, ' ', 1024 * 1024);
    memcpy (block, head, strlen (head));
    for (guint i = 0; i < 65; i++)
      {
        g_assert_cmpint (write (fd, block, 1024 * 1024), ==, 1024 * 1024);
        if (i == 0)
          memset (block, ' ', strlen (head));
      }
  }
  close (fd);
  assert_refused (store, "larger than 64 MiB");
  g_assert_cmpint (g_stat (sh_store_get_path (store), &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 65 * 1024 * 1024);
  g_assert_null (find_aside (dir));
}

/* Issue #13, item 6 (a): a missing file with a previous version is that
 * version, like a damaged one, and says so. */
static void
test_missing_restores_previous (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(ShStore) again = sh_store_new (dir);
  g_autofree char *v1 = save_two_versions (store);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *got = NULL;

  g_assert_cmpint (g_unlink (sh_store_get_path (store)), ==, 0);

  loaded = load (again, &notice, &error);
  g_assert_no_error (error);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "missing"));
  g_assert_nonnull (strstr (notice, "previous version"));
  got = serialize_array (loaded);
  g_assert_cmpstr (got, ==, v1);
  g_assert_false (sh_store_get_read_only (again));
  /* The same store: its id came back with it. */
  g_assert_cmpstr (sh_store_get_id (again), ==, sh_store_get_id (store));
  g_assert_true (sh_store_get_id_saved (again));
}

/* The store id is made once and kept; a version 1 file gets one at its
 * first save; removal records round-trip, sorted. */
static void
test_store_id_and_removals (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(ShStore) again = sh_store_new (dir);
  g_autoptr(ShStore) third = sh_store_new (dir);
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *id = NULL;
  const char *v1 = "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":1,\"channels\":["
                   "{\"id\":\"c1\",\"network\":\"x\",\"external_id\":\"7\",\"tokens\":["
                   "{\"id\":\"hand-made-1\"}]}]}";

  g_assert_true (g_file_set_contents (sh_store_get_path (store), v1, -1, NULL));
  loaded = load (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
  g_assert_true (g_uuid_string_is_valid (sh_store_get_id (store)));
  g_assert_false (sh_store_get_id_saved (store));
  id = g_strdup (sh_store_get_id (store));

  sh_store_mark_removed (store, "t-b");
  sh_store_mark_removed (store, "t-a");
  save (store, list, &error);
  g_assert_no_error (error);
  g_assert_true (sh_store_get_id_saved (store));
  contents = read_file (sh_store_get_path (store));
  g_assert_nonnull (strstr (contents, "\"version\" : 2"));
  g_assert_nonnull (strstr (contents, id));
  g_assert_nonnull (strstr (contents, "\"t-a\",\n    \"t-b\""));

  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = load (again, NULL, &error);
  g_assert_cmpstr (sh_store_get_id (again), ==, id);
  g_assert_true (g_hash_table_contains (sh_store_get_removed (again), "t-a"));
  g_assert_true (g_hash_table_contains (sh_store_get_removed (again), "t-b"));
  sh_store_unmark_removed (again, "t-a");
  sh_store_unmark_removed (again, "t-b");
  save (again, list, &error);
  g_clear_pointer (&contents, g_free);
  contents = read_file (sh_store_get_path (store));
  g_assert_null (strstr (contents, "removed_tokens"));

  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = load (third, NULL, &error);
  g_assert_cmpstr (sh_store_get_id (third), ==, id);
  g_assert_cmpuint (g_hash_table_size (sh_store_get_removed (third)), ==, 0);
}

/* The first channel's name says which save a file comes from ("v3"). */
static guint
loaded_version (const char *dir)
{
  g_autoptr(ShStore) store = sh_store_new (dir);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;

  loaded = load (store, &notice, &error);
  g_assert_no_error (error);
  if (notice != NULL)
    g_error ("a killed save left a file that needed recovery: %s", notice);
  g_assert_cmpuint (loaded->len, ==, 301);
  return atoi (sh_channel_get_name (g_ptr_array_index (loaded, 0)) + 1);
}

static void
test_kill_before_rename (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autofree char *tmp = g_build_filename (dir, "channels.json.tmp", NULL);
  g_autoptr(GSubprocess) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *status_path = NULL;
  const char *pid;
  gboolean stopped = FALSE;

  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                             store_writer, dir, "stop-before-rename", NULL);
  g_assert_no_error (error);
  pid = g_subprocess_get_identifier (writer);
  status_path = g_strdup_printf ("/proc/%s/stat", pid);

  /* Wait (bounded) until the writer has stopped itself inside the save. */
  for (guint i = 0; i < 1000 && !stopped; i++)
    {
      g_clear_pointer (&status, g_free);
      if (g_file_get_contents (status_path, &status, NULL, NULL))
        {
          const char *state = strrchr (status, ')');
          stopped = state != NULL && state[2] == 'T';
        }
      if (!stopped)
        g_usleep (10000);
    }
  g_assert_true (stopped);

  /* The new version is fully written beside the old one, not yet in place. */
  g_assert_true (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_subprocess_send_signal (writer, SIGKILL);
  g_subprocess_wait (writer, NULL, NULL);

  g_assert_cmpuint (loaded_version (dir), ==, 1);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
}

/* 200 saves cut short at a random moment, each followed by a reload. Under
 * the sanitizers or valgrind (SH_TEST_TIME_FACTOR > 1) every writer process
 * starts many times slower, and fewer rounds still find what they would
 * find: the rounds are divided by the factor there. */
#define KILL_ROUNDS 200

static guint
rounds (guint full)
{
  guint factor = MAX (1, (guint) (sh_test_time_limit (1000) / 1000));

  return MAX (full / factor, 10);
}

/* Reads the writer's first line ("saved 1", "added 1"), so that the kill
 * lands among the saves whatever the machine's load, not before the first;
 * returns what was read, for the caller to count. */
static char *
wait_for_first_line (GSubprocess *writer)
{
  g_autoptr(GDataInputStream) lines =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
  g_autoptr(GError) error = NULL;
  char *line;

  /* The data stream must not close the pipe: communicate() reads the rest. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (lines), 1);
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

/* Runs the writer in @mode on @dir and kills it at a random moment within
 * @max_ms of its first line; returns the number of the last @event
 * ("saved ", "added ") it reported complete. */
static guint
kill_writer (const char *dir,
             const char *mode,
             int         max_ms,
             const char *event)
{
  g_autoptr(GSubprocess) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *first = NULL;
  guint last_reported;

  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             store_writer, dir, mode, "1000", NULL);
  g_assert_no_error (error);
  first = wait_for_first_line (writer);
  g_usleep (g_random_int_range (0, max_ms) * 1000);
  g_subprocess_send_signal (writer, SIGKILL);
  g_subprocess_communicate_utf8 (writer, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);

  last_reported = atoi (first + 6);
  for (char *line = output; line != NULL && (line = strstr (line, event)) != NULL; line++)
    last_reported = atoi (line + 6);
  return last_reported;
}

static void
test_kill_at_random_moments (void)
{
  guint checked = 0, n_rounds = rounds (KILL_ROUNDS);

  for (guint round = 0; round < n_rounds; round++)
    {
      g_autofree char *dir = sh_test_make_dir ();
      guint last_reported = kill_writer (dir, "loop", 150, "saved ");
      guint found;

      if (!g_file_test (dir, G_FILE_TEST_EXISTS) || last_reported == 0)
        {
          g_autofree char *path = g_build_filename (dir, "channels.json", NULL);
          if (!g_file_test (path, G_FILE_TEST_EXISTS))
            continue; /* killed before the first save finished: nothing to check */
        }

      /* The file is the last save reported complete, or the one after it
       * that completed but could not report any more; never anything else. */
      found = loaded_version (dir);
      if (found != last_reported && found != last_reported + 1)
        g_error ("round %u: file holds v%u, last completed save was v%u",
                 round, found, last_reported);
      checked++;
    }
  /* Most rounds must have got past the first save, or this proved little. */
  g_test_message ("%u of %u killed writers had saved; every file loaded as before or after a save",
                  checked, n_rounds);
  g_assert_cmpuint (checked, >=, n_rounds / 2);
}

static GHashTable *
secret_ids (ShManager *manager)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *ids;

  sh_secret_store_list_ids_async (sh_manager_get_secret_store (manager), NULL,
                                  sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 20000);
  ids = sh_secret_store_list_ids_finish (sh_manager_get_secret_store (manager), result, &error);
  g_assert_no_error (error);
  return ids;
}

/* Tokens added through the manager (secret first, then the file), the
 * process killed at a random moment: on restart the file loads, holds every
 * token reported added (and at most the one in flight), never a token
 * without its secret, and at most one secret without its token, which the
 * reconciliation offers back and the restore files again. Then the two agree
 * exactly. */
#define ADD_ROUNDS 30

static void
test_kill_while_adding (void)
{
  guint with_tokens = 0, restored_any = 0, n_rounds = rounds (ADD_ROUNDS);

  for (guint round = 0; round < n_rounds; round++)
    {
      g_autofree char *dir = sh_test_make_dir ();
      g_autoptr(GError) error = NULL;
      g_autoptr(ShManager) manager = NULL;
      g_autoptr(GAsyncResult) loaded = NULL;
      g_autoptr(GAsyncResult) reconciled = NULL;
      g_autoptr(GHashTable) tokens = NULL;
      g_autoptr(GHashTable) secrets = NULL;
      GHashTableIter iter;
      gpointer id;
      guint last_reported = kill_writer (dir, "add", 400, "added "), orphans = 0;

      manager = sh_manager_new (dir, FALSE);
      sh_manager_load_async (manager, NULL, sh_test_store_result, &loaded);
      sh_test_wait_for_result (&loaded, 20000);
      g_assert_true (sh_manager_load_finish (manager, loaded, &error));
      g_assert_no_error (error);
      g_assert_null (sh_manager_get_notice (manager));

      tokens = sh_channel_list_dup_token_ids (sh_manager_get_channels (manager));
      secrets = secret_ids (manager);
      if (g_hash_table_size (tokens) != last_reported &&
          g_hash_table_size (tokens) != last_reported + 1)
        g_error ("round %u: %u tokens in the file, %u reported added", round,
                 g_hash_table_size (tokens), last_reported);
      g_hash_table_iter_init (&iter, tokens);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        if (!g_hash_table_contains (secrets, id))
          g_error ("round %u: a token in the file has no secret", round);
      g_hash_table_iter_init (&iter, secrets);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        if (!g_hash_table_contains (tokens, id))
          orphans++;
      g_assert_cmpuint (orphans, <=, 1);

      sh_manager_reconcile_async (manager, NULL, sh_test_store_result, &reconciled);
      sh_test_wait_for_result (&reconciled, 20000);
      g_assert_true (sh_manager_reconcile_finish (manager, reconciled, NULL, &error));
      g_assert_no_error (error);
      /* The secret of the add in flight is not deleted on a guess: it is
       * offered back, and restoring it files its token again. */
      g_assert_cmpuint (sh_manager_get_n_orphans (manager), ==, orphans);
      if (orphans > 0)
        {
          g_autoptr(GAsyncResult) restored = NULL;
          guint n_restored = 0;

          sh_manager_restore_async (manager, NULL, sh_test_store_result, &restored);
          sh_test_wait_for_result (&restored, 20000);
          g_assert_true (sh_manager_restore_finish (manager, restored, &n_restored, NULL, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (n_restored, ==, orphans);
          g_clear_pointer (&tokens, g_hash_table_unref);
          tokens = sh_channel_list_dup_token_ids (sh_manager_get_channels (manager));
          restored_any++;
        }
      g_clear_pointer (&secrets, g_hash_table_unref);
      secrets = secret_ids (manager);
      g_assert_cmpuint (g_hash_table_size (secrets), ==, g_hash_table_size (tokens));
      g_hash_table_iter_init (&iter, tokens);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_assert_true (g_hash_table_contains (secrets, id));
      if (g_hash_table_size (tokens) > 0)
        with_tokens++;
    }
  g_test_message ("%u of %u killed adders had added tokens, %u left a secret that was restored; "
                  "file and keyring agreed after each", with_tokens, n_rounds, restored_any);
  g_assert_cmpuint (with_tokens, >=, n_rounds / 2);
}

/* A file from before the last verdict had fields of its own: a verdict in
 * "state" is the token's last verdict (the command line's "verdict"); a
 * token never judged has none. */
static void
test_older_file_keeps_verdict (void)
{
  const char *data =
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":1,\"channels\":["
    "{\"id\":\"c1\",\"network\":\"facebook\",\"external_id\":\"1\",\"tokens\":["
    "{\"id\":\"t1\",\"state\":\"invalid\",\"reason\":\"password-changed\",\"checked_at\":1764000100},"
    "{\"id\":\"t2\",\"state\":\"unknown\",\"reason\":\"offline\"}]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = sh_store_format_parse (data, -1, NULL, &error);
  g_autoptr(ShToken) judged = NULL;
  g_autoptr(ShToken) never = NULL;

  g_assert_no_error (error);
  judged = g_list_model_get_item (sh_channel_get_tokens (g_ptr_array_index (channels, 0)), 0);
  never = g_list_model_get_item (sh_channel_get_tokens (g_ptr_array_index (channels, 0)), 1);
  g_assert_cmpint (sh_token_get_last_verdict (judged), ==, SH_TOKEN_STATE_INVALID);
  g_assert_cmpint (sh_token_get_last_verdict_reason (judged), ==, SH_TOKEN_REASON_PASSWORD_CHANGED);
  g_assert_cmpint (sh_token_get_checked_at (judged), ==, 1764000100);
  g_assert_cmpint (sh_token_get_last_verdict (never), ==, SH_TOKEN_STATE_UNKNOWN);
}

/* The file keeps what the checks said, not what the clock made of it: a
 * token judged valid, saved while the clock was past its expiry (a clock
 * set a day ahead), reads valid again once the clock is right. Saving the
 * clock's "expired" would have made it expired for good. */
static void
test_saves_record_not_clock (void)
{
  g_autoptr(ShChannel) page = sh_test_make_channel ("Acme Coffee", "facebook", 1);
  g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (page), 0);
  g_autoptr(ShChannelList) list = sh_channel_list_new ();
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(ShToken) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gint64 now = NOW;

  sh_token_clock_set_func (sh_test_fake_clock, &now);
  sh_token_set_expires_at (token, NOW + 30 * 86400);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 7 * 86400);
  sh_channel_list_add (list, page);

  now = NOW + 31 * 86400;
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_EXPIRED);
  data = sh_store_format_serialize (G_LIST_MODEL (list), NULL);
  g_assert_nonnull (strstr (data, "\"state\" : \"valid\""));
  g_assert_null (strstr (data, "expired"));

  now = NOW + 86400;
  channels = sh_store_format_parse (data, -1, NULL, &error);
  g_assert_no_error (error);
  loaded = g_list_model_get_item (sh_channel_get_tokens (g_ptr_array_index (channels, 0)), 0);
  g_assert_cmpint (sh_token_get_state (loaded), ==, SH_TOKEN_STATE_VALID);
  g_assert_cmpint (sh_token_get_reason (loaded), ==, SH_TOKEN_REASON_NONE);
  g_assert_cmpint (sh_token_get_last_verdict (loaded), ==, SH_TOKEN_STATE_VALID);
  g_assert_cmpint (sh_channel_get_state (g_ptr_array_index (channels, 0)), ==,
                   SH_CHANNEL_STATE_CONNECTED);
  sh_token_clock_set_func (NULL, NULL);
}

/* The data file is read one channel at a time (issue 18, memory); a file
 * written by hand in any valid way reads as the whole parse reads it:
 * brackets and quotes inside names, the channel list before the format,
 * a member name written with escapes, spaces anywhere. */
static void
test_read_by_channel_any_layout (void)
{
  const char *docs[] = {
    "{\"channels\" : [ {\"id\":\"c1\",\"network\":\"facebook\",\"external_id\":\"1\","
    "\"name\":\"Acme \\\"}], {[\\\\\",\"tokens\":[{\"id\":\"t1\",\"state\":\"valid\"}]} ,\n"
    "{\"id\":\"c2\",\"network\":\"x\",\"external_id\":\"2\",\"name\":\"B\",\"tokens\":[]}\t] ,"
    "\"format\":\"io.socialhub.SocialHub/channels\",\"version\":2,"
    "\"removed_tokens\":[\"t9\"]}",
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":2,\"removed_tokens\":[\"t9\"],"
    "\"ch\\u0061nnels\":[{\"id\":\"c1\",\"network\":\"facebook\",\"external_id\":\"1\","
    "\"name\":\"Acme \\\"}], {[\\\\\",\"tokens\":[{\"id\":\"t1\",\"state\":\"valid\"}]},"
    "{\"id\":\"c2\",\"network\":\"x\",\"external_id\":\"2\",\"name\":\"B\",\"tokens\":[]}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *store_id = NULL;
      g_autoptr(GHashTable) removed = NULL;
      guint n_skipped = 1;
      g_autoptr(GPtrArray) channels = sh_store_format_parse_full (docs[i], -1, &n_skipped, &store_id,
                                                                  &removed, &error);
      g_autoptr(ShToken) token = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (n_skipped, ==, 0);
      g_assert_cmpuint (channels->len, ==, 2);
      g_assert_cmpstr (sh_channel_get_name (g_ptr_array_index (channels, 0)), ==, "Acme \"}], {[\\");
      token = g_list_model_get_item (sh_channel_get_tokens (g_ptr_array_index (channels, 0)), 0);
      g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);
      g_assert_cmpstr (sh_channel_get_name (g_ptr_array_index (channels, 1)), ==, "B");
      g_assert_true (g_hash_table_contains (removed, "t9"));
    }
}

static void
count_scanned (const ShStoreChannelFields *channel,
               const ShStoreTokenFields   *tokens,
               guint                       n_tokens,
               gpointer                    user_data)
{
  guint *counts = user_data;

  counts[0]++;
  counts[1] += n_tokens;
}

/* Issue 18: the file SocialHub writes is read without a json-glib tree
 * (sh-store-scan.c), every field of it, and reads as the tree reads it; a
 * text the scanner is not sure of goes to the tree. */
static void
test_read_without_tree (void)
{
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(ShChannel) derived = sh_test_make_channel ("Café Ñandú 東京", "instagram", 2);
  g_autoptr(ShToken) shared = g_list_model_get_item (sh_channel_get_tokens (derived), 0);
  g_autoptr(ShToken) handed = g_list_model_get_item (sh_channel_get_tokens (derived), 1);
  g_autoptr(GHashTable) removed_in = g_hash_table_new (g_str_hash, g_str_equal);
  const char *store_id_in = "0b0c4a3e-7a44-4b36-9f5e-55c8f1a2d3e4";
  g_autofree char *text = NULL;
  g_autofree char *with_tree = NULL;
  g_autofree char *scanned_text = NULL;
  g_autofree char *store_id = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  guint counts[2] = { 0, 0 };
  const char *declined[] = {
    /* an escape */
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":2,\"channels\":"
    "[{\"id\":\"c1\",\"network\":\"x\",\"external_id\":\"1\",\"name\":\"A\\u00e9\"}]}",
    /* a member this version does not know */
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":2,\"channels\":[],\"extra\":1}",
    /* a member twice */
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":2,\"version\":2,\"channels\":[]}",
    /* a time that is not a plain integer */
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":2,\"channels\":"
    "[{\"id\":\"c1\",\"network\":\"x\",\"external_id\":\"1\",\"discovered_at\":1.5}]}",
    /* a newer version, another format, text after the root */
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":3,\"channels\":[]}",
    "{\"format\":\"something else\",\"version\":2,\"channels\":[]}",
    "{\"format\":\"io.socialhub.SocialHub/channels\",\"version\":2,\"channels\":[]} {}",
  };

  sh_channel_set_via (derived, "some-channel-id");
  sh_channel_set_discovered_at (derived, NOW - 5);
  sh_token_set_shares (shared, "some-token-id");
  sh_token_set_owner_name (handed, "Zoë «Ω»");
  sh_token_add_handout (handed, NOW - 60, "broker", "org.example.Tool");
  sh_token_add_handout (handed, NOW - 30, "cli", NULL);
  sh_token_set_expires_by (handed, NOW + 3600);
  sh_token_set_notified_stage (handed, SH_TOKEN_DEADLINE_EXPIRY, 7);
  sh_channel_list_add (list, derived);
  g_hash_table_add (removed_in, (gpointer) "removed-token");

  text = sh_store_format_serialize_full (G_LIST_MODEL (list), store_id_in, removed_in, NULL);
  g_assert_true (sh_store_scan (text, strlen (text), count_scanned, counts, &store_id, &removed));
  g_assert_cmpuint (counts[0], ==, 3);
  g_assert_cmpuint (counts[1], ==, 6);
  g_assert_cmpstr (store_id, ==, store_id_in);
  g_assert_cmpuint (removed->len, ==, 1);

  {
    g_autoptr(GPtrArray) scanned = NULL;
    g_autoptr(GPtrArray) tree = NULL;
    g_autoptr(GHashTable) scanned_removed = NULL;
    g_autoptr(GHashTable) tree_removed = NULL;
    g_autofree char *scanned_id = NULL;
    g_autofree char *tree_id = NULL;
    g_autoptr(GError) error = NULL;
    guint n_skipped = 1;

    scanned = sh_store_format_parse_full (text, -1, &n_skipped, &scanned_id, &scanned_removed, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n_skipped, ==, 0);
    tree = sh_store_format_parse_with_tree (text, -1, &n_skipped, &tree_id, &tree_removed, &error);
    g_assert_no_error (error);
    scanned_text = serialize_array (scanned);
    with_tree = serialize_array (tree);
    g_assert_cmpstr (scanned_text, ==, with_tree);
    g_assert_cmpstr (scanned_id, ==, store_id_in);
    g_assert_true (g_hash_table_contains (scanned_removed, "removed-token"));
  }
  /* What the scanner read is what was written. */
  {
    g_autofree char *written = sh_store_format_serialize (G_LIST_MODEL (list), NULL);

    g_assert_cmpstr (scanned_text, ==, written);
  }

  for (guint i = 0; i < G_N_ELEMENTS (declined); i++)
    {
      g_autofree char *id = NULL;
      g_autoptr(GPtrArray) ids = NULL;

      g_assert_false (sh_store_scan (declined[i], strlen (declined[i]), count_scanned, counts, &id, &ids));
    }
}

/* Issue 18: the file is written one channel at a time, without the whole
 * document's tree, and reads byte for byte as the tree's writer wrote it:
 * whatever the model holds (nothing, no store id, removals, derived and
 * shared tokens, hand-outs, names that need escapes, a channel without
 * tokens). */
static void
test_write_without_tree (void)
{
  g_autoptr(ShChannelList) empty = sh_channel_list_new ();
  g_autoptr(ShChannelList) list = make_varied_list ();
  g_autoptr(ShChannel) derived = sh_test_make_channel ("Café Ñandú 東京", "instagram", 2);
  g_autoptr(ShChannel) bare = sh_test_make_channel ("Line\nbreak \"quoted\" back\\slash\ttab\x01 </x>",
                                                    "facebook", 0);
  g_autoptr(ShToken) shared = g_list_model_get_item (sh_channel_get_tokens (derived), 0);
  g_autoptr(ShToken) handed = g_list_model_get_item (sh_channel_get_tokens (derived), 1);
  g_autoptr(GHashTable) removed = g_hash_table_new (g_str_hash, g_str_equal);
  struct {
    ShChannelList *list;
    const char    *store_id;
    GHashTable    *removed;
  } cases[] = {
    { empty, NULL, NULL },
    { empty, "0b0c4a3e-7a44-4b36-9f5e-55c8f1a2d3e4", removed },
    { list, NULL, NULL },
    { list, "0b0c4a3e-7a44-4b36-9f5e-55c8f1a2d3e4", removed },
  };

  g_hash_table_add (removed, (gpointer) "removed-b");
  g_hash_table_add (removed, (gpointer) "removed-a");
  sh_channel_set_via (derived, "some-channel-id");
  sh_channel_set_discovered_at (derived, NOW - 5);
  sh_token_set_shares (shared, "some-token-id");
  sh_token_set_owner_name (handed, "Zoë «Ω» \"the\" \\ owner\n");
  sh_token_add_handout (handed, NOW - 60, "broker", "org.example.Tool");
  sh_token_add_handout (handed, NOW - 30, "cli", NULL);
  sh_token_set_expires_by (handed, NOW + 3600);
  sh_token_set_notified_stage (handed, SH_TOKEN_DEADLINE_EXPIRY, 7);
  sh_channel_set_picture_url (bare, NULL);
  sh_channel_list_add (list, derived);
  sh_channel_list_add (list, bare);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GListModel *model = G_LIST_MODEL (cases[i].list);
      gsize streamed_length = 0, tree_length = 0;
      g_autofree char *streamed = sh_store_format_serialize_full (model, cases[i].store_id,
                                                                  cases[i].removed, &streamed_length);
      g_autofree char *tree = sh_store_format_serialize_with_tree (model, cases[i].store_id,
                                                                   cases[i].removed, &tree_length);

      g_assert_cmpstr (streamed, ==, tree);
      g_assert_cmpuint (streamed_length, ==, tree_length);
      g_assert_cmpuint (streamed_length, ==, strlen (streamed));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

  store_writer = g_getenv ("SH_STORE_WRITER");
  if (store_writer == NULL)
    store_writer = "./tests/unit/store-writer";

  g_test_add_func ("/store/round-trip", test_round_trip);
  g_test_add_func ("/store/older-file-keeps-verdict", test_older_file_keeps_verdict);
  g_test_add_func ("/store/saves-record-not-clock", test_saves_record_not_clock);
  g_test_add_func ("/store/read-by-channel-any-layout", test_read_by_channel_any_layout);
  g_test_add_func ("/store/read-without-tree", test_read_without_tree);
  g_test_add_func ("/store/write-without-tree", test_write_without_tree);
  g_test_add_func ("/store/handouts", test_handouts);
  g_test_add_func ("/store/shared-tokens", test_shared_tokens);
  g_test_add_func ("/store/keeps-previous-version", test_keeps_previous_version);
  g_test_add_func ("/store/damaged-restores-previous", test_damaged_restores_previous);
  g_test_add_func ("/store/damaged-without-previous", test_damaged_without_previous);
  g_test_add_func ("/store/partly-readable", test_partly_readable);
  g_test_add_func ("/store/too-new-is-left-alone", test_too_new_is_left_alone);
  g_test_add_func ("/store/unreadable-is-left-alone", test_unreadable_is_left_alone);
  g_test_add_func ("/store/saves-coalesce", test_saves_coalesce);
  g_test_add_func ("/store/fifo-is-refused", test_fifo_is_refused);
  g_test_add_func ("/store/symlink-to-device-is-refused", test_symlink_to_device_is_refused);
  g_test_add_func ("/store/huge-file-is-refused", test_huge_file_is_refused);
  g_test_add_func ("/store/missing-restores-previous", test_missing_restores_previous);
  g_test_add_func ("/store/store-id-and-removals", test_store_id_and_removals);
  g_test_add_func ("/store/kill-before-rename", test_kill_before_rename);
  g_test_add_func ("/store/kill-at-random-moments", test_kill_at_random_moments);
  g_test_add_func ("/store/kill-while-adding", test_kill_while_adding);

  return g_test_run ();
}
