/* test-picture-cache.c — channel pictures: fetched once, kept on disk,
 * read from there when the network is gone, and refused when they are not
 * pictures (too big, not http, not found) without anything breaking. */
#include "config.h"

#include <gtk/gtk.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sh-picture-cache.h"
#include "test-util.h"

#define SVG "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\">" \
            "<circle cx=\"32\" cy=\"32\" r=\"32\" fill=\"#3584e4\"/></svg>"

typedef struct {
  SoupServer *server;
  char       *base;
  guint       requests;
} Server;

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Server *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  self->requests++;
  if (g_str_equal (path, "/page.svg"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "image/svg+xml", SOUP_MEMORY_STATIC, SVG, strlen (SVG));
    }
  else if (g_str_equal (path, "/big.png") || g_str_equal (path, "/big-chunked.png"))
    {
      gsize size = 2 * SH_PICTURE_MAX_BYTES;
      char *body = g_malloc0 (size);

      soup_server_message_set_status (msg, 200, NULL);
      if (g_str_equal (path, "/big-chunked.png"))
        soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_TAKE, body, size);
      soup_message_body_complete (soup_server_message_get_response_body (msg));
    }
  else if (g_str_equal (path, "/not-a-picture.png"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC, "<html>", 6);
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
server_start (Server *self)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handle, self, NULL);
  g_assert_true (soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  /* "http://127.0.0.1:PORT/" */
  if (g_str_has_suffix (self->base, "/"))
    self->base[strlen (self->base) - 1] = '\0';
}

static void
server_stop (Server *self)
{
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_free (self->base);
}

typedef struct {
  char     *url;
  gboolean  ready;
  gboolean  failed;
} Outcome;

static void
on_ready (ShPictureCache *cache, const char *url, Outcome *outcome)
{
  if (g_str_equal (url, outcome->url))
    outcome->ready = TRUE;
}

static void
on_failed (ShPictureCache *cache, const char *url, Outcome *outcome)
{
  if (g_str_equal (url, outcome->url))
    outcome->failed = TRUE;
}

/* Looks URL up and waits until the cache has an answer: TRUE for a picture. */
static gboolean
fetch (ShPictureCache *cache,
       const char     *url)
{
  Outcome outcome = { (char *) url, FALSE, FALSE };
  gulong ready = g_signal_connect (cache, "ready", G_CALLBACK (on_ready), &outcome);
  gulong failed = g_signal_connect (cache, "failed", G_CALLBACK (on_failed), &outcome);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  if (sh_picture_cache_lookup (cache, url) == NULL)
    while (!outcome.ready && !outcome.failed && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  else
    outcome.ready = TRUE;
  g_signal_handler_disconnect (cache, ready);
  g_signal_handler_disconnect (cache, failed);
  g_assert_true (outcome.ready || outcome.failed);
  return outcome.ready;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (handle != NULL && g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static void
test_fetched_once_then_from_disk (void)
{
  g_autofree char *home = sh_test_make_dir ();
  g_autofree char *dir = g_build_filename (home, "pictures", NULL);
  g_autoptr(ShPictureCache) cache = sh_picture_cache_new (dir);
  g_autoptr(ShPictureCache) later = NULL;
  g_autofree char *url = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  Server server = { 0 };
  GdkPaintable *picture;

  server_start (&server);
  url = g_strconcat (server.base, "/page.svg", NULL);

  g_assert_true (fetch (cache, url));
  picture = sh_picture_cache_lookup (cache, url);
  g_assert_true (GDK_IS_TEXTURE (picture));
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (picture)), >, 0);
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (picture)), <=, 96);
  /* Asked again (every row that scrolls by): no second request. */
  g_assert_true (sh_picture_cache_lookup (cache, url) == picture);
  g_assert_cmpuint (server.requests, ==, 1);
  /* Kept on disk, as one file named after the URL's hash. */
  name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  file = g_build_filename (dir, name, NULL);
  while (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_files (dir), ==, 1);

  /* The next run, with the network gone: the picture comes from disk. */
  server_stop (&server);
  later = sh_picture_cache_new (dir);
  g_assert_true (fetch (later, url));
  g_assert_true (GDK_IS_TEXTURE (sh_picture_cache_lookup (later, url)));
}

static void
test_refused (void)
{
  g_autofree char *home = sh_test_make_dir ();
  g_autofree char *dir = g_build_filename (home, "pictures", NULL);
  g_autoptr(ShPictureCache) cache = sh_picture_cache_new (dir);
  const char *paths[] = { "/missing.png", "/big.png", "/big-chunked.png", "/not-a-picture.png" };
  Server server = { 0 };

  server_start (&server);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat (server.base, paths[i], NULL);
      guint before;

      g_test_message ("%s", paths[i]);
      g_assert_false (fetch (cache, url));
      /* Not tried again in this run. */
      before = server.requests;
      g_assert_null (sh_picture_cache_lookup (cache, url));
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpuint (server.requests, ==, before);
    }
  /* Nothing but http(s) is fetched: a data file's URL could point anywhere. */
  g_assert_false (fetch (cache, "file:///etc/passwd"));
  g_assert_false (fetch (cache, "ftp://127.0.0.1/x.png"));
  g_assert_null (sh_picture_cache_lookup (cache, ""));
  g_assert_null (sh_picture_cache_lookup (cache, NULL));
  g_assert_cmpuint (count_files (dir), ==, 0);
  server_stop (&server);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/picture-cache/fetched-once-then-from-disk", test_fetched_once_then_from_disk);
  g_test_add_func ("/picture-cache/refused", test_refused);
  return g_test_run ();
}
