/* test-picture-cache.c — channel pictures: fetched once, kept on disk in a
 * private folder, read from there when the network is gone, and refused
 * when they are not pictures (too big in bytes or in pixels, not https nor
 * the configured API's http, not found) without anything breaking. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "sh-picture-cache.h"
#include "sh-providers.h"
#include "test-util.h"

#define SVG "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\">" \
            "<circle cx=\"32\" cy=\"32\" r=\"32\" fill=\"#3584e4\"/></svg>"

typedef struct {
  SoupServer *server;
  char       *base;
  guint       requests;
  GBytes     *huge_png;
  GBytes     *wide_png;
  GBytes     *max_png;
} Server;

/* ---- PNGs made here: 1-bit grey, all black, so that any size compresses
 * to almost nothing (16000×16000 is 32 MB of rows, about 32 KB of file). */

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         size)
{
  static guint32 table[256];

  if (table[1] == 0)
    for (guint32 n = 0; n < 256; n++)
      {
        guint32 c = n;

        for (int k = 0; k < 8; k++)
          c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
      }
  for (gsize i = 0; i < size; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         size)
{
  guint32 length = GUINT32_TO_BE ((guint32) size);
  guint32 crc = 0xFFFFFFFFu;

  g_byte_array_append (png, (const guint8 *) &length, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, size);
  crc = crc32_update (crc, (const guint8 *) type, 4);
  crc = GUINT32_TO_BE (crc32_update (crc, data, size) ^ 0xFFFFFFFFu);
  g_byte_array_append (png, (const guint8 *) &crc, 4);
}

static GBytes *
make_png (guint32 width,
          guint32 height)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) deflate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *row = g_malloc0 (1 + (width + 7) / 8);   /* filter 0, then black */
  guint8 ihdr[13];
  guint32 be;

  be = GUINT32_TO_BE (width);
  memcpy (ihdr, &be, 4);
  be = GUINT32_TO_BE (height);
  memcpy (ihdr + 4, &be, 4);
  ihdr[8] = 1;    /* bit depth */
  ihdr[9] = 0;    /* greyscale */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;

  deflate = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  for (guint32 y = 0; y < height; y++)
    {
      g_output_stream_write_all (deflate, row, 1 + (width + 7) / 8, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_close (deflate, NULL, &error);
  g_assert_no_error (error);

  g_byte_array_append (png, signature, sizeof signature);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT",
                g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)),
                g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory)));
  append_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

static void
serve_bytes (SoupServerMessage *msg,
             GBytes            *bytes)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

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
  else if (g_str_equal (path, "/huge.png"))
    serve_bytes (msg, self->huge_png);
  else if (g_str_equal (path, "/wide.png"))
    serve_bytes (msg, self->wide_png);
  else if (g_str_equal (path, "/max.png"))
    serve_bytes (msg, self->max_png);
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
  /* The server plays the sandbox: an API configured with plain http,
   * whose pictures may come over http too. */
  {
    g_autofree char *graph = g_strconcat (self->base, "/graph/v24.0", NULL);

    g_setenv ("SOCIALHUB_GRAPH_URL", graph, TRUE);
  }
}

static void
server_stop (Server *self)
{
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_free (self->base);
  g_clear_pointer (&self->huge_png, g_bytes_unref);
  g_clear_pointer (&self->wide_png, g_bytes_unref);
  g_clear_pointer (&self->max_png, g_bytes_unref);
  g_unsetenv ("SOCIALHUB_GRAPH_URL");
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
  GStatBuf st;

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
  /* Which Pages a person manages is theirs to know: a private folder. */
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

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

/* A folder left readable by others (by an older version) is made private
 * as soon as the cache opens it, pictures already in it included. */
static void
test_folder_tightened (void)
{
  g_autofree char *home = sh_test_make_dir ();
  g_autofree char *dir = g_build_filename (home, "pictures", NULL);
  g_autoptr(ShPictureCache) cache = NULL;
  GStatBuf st;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  cache = sh_picture_cache_new (dir);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

/* Plain http only from the host and port of an API configured with http
 * (the sandbox): not another name for the same machine, not when the APIs
 * are the real (https) ones. Refused before any request. */
static void
test_http_only_from_api (void)
{
  g_autofree char *home = sh_test_make_dir ();
  g_autofree char *dir = g_build_filename (home, "pictures", NULL);
  g_autoptr(ShPictureCache) cache = sh_picture_cache_new (dir);
  g_autoptr(ShPictureCache) real_apis = sh_picture_cache_new (dir);
  g_autofree char *url = NULL;
  g_autofree char *other_host = NULL;
  g_autofree char *other_port = NULL;
  g_autoptr(GUri) uri = NULL;
  Server server = { 0 };

  server_start (&server);
  uri = g_uri_parse (server.base, G_URI_FLAGS_NONE, NULL);
  url = g_strconcat (server.base, "/page.svg", NULL);
  other_host = g_strdup_printf ("http://localhost:%d/page.svg", g_uri_get_port (uri));
  other_port = g_strdup_printf ("http://127.0.0.1:%d/page.svg", g_uri_get_port (uri) + 1);

  g_assert_false (fetch (cache, other_host));
  g_assert_false (fetch (cache, other_port));
  g_assert_cmpuint (server.requests, ==, 0);
  g_assert_true (fetch (cache, url));
  g_assert_cmpuint (server.requests, ==, 1);

  /* The real networks are https: then no http picture at all. */
  g_unsetenv ("SOCIALHUB_GRAPH_URL");
  g_assert_false (fetch (real_apis, url));
  g_assert_cmpuint (server.requests, ==, 1);
  server_stop (&server);
}

/* Peak resident memory of this process since the last reset, in KiB. */
static gint64
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10);
}

static void
reset_peak_rss (void)
{
  /* "5" resets VmHWM to the current RSS (Linux ≥ 4.0). Where that is not
   * allowed the peak so far stays the base: the earlier tests' pictures
   * are small, so a decoded 16000×16000 one still shows. */
  FILE *file = fopen ("/proc/self/clear_refs", "w");

  if (file == NULL)
    return;
  fputs ("5", file);
  fclose (file);
}

/* Issue #13, 10: a 16000×16000 PNG of 32 KB (under the 1 MiB cap) took the
 * window from 254 MB to 896 MB. Its size is read before its pixels: it is
 * refused, and the process's peak memory does not move. Over 1024 pixels
 * either way is refused; 1024×1024 is shown, scaled down. */
static void
test_huge_dimensions (void)
{
  g_autofree char *home = sh_test_make_dir ();
  g_autofree char *dir = g_build_filename (home, "pictures", NULL);
  g_autoptr(ShPictureCache) cache = sh_picture_cache_new (dir);
  g_autofree char *huge = NULL;
  g_autofree char *wide = NULL;
  g_autofree char *max = NULL;
  Server server = { 0 };
  GdkPaintable *picture;
  gint64 before, after;

  server.huge_png = make_png (16000, 16000);
  server.wide_png = make_png (SH_PICTURE_MAX_SIDE + 1, 1);
  server.max_png = make_png (SH_PICTURE_MAX_SIDE, SH_PICTURE_MAX_SIDE);
  g_test_message ("16000×16000 PNG: %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (server.huge_png));
  g_assert_cmpuint (g_bytes_get_size (server.huge_png), <, SH_PICTURE_MAX_BYTES);
  server_start (&server);
  huge = g_strconcat (server.base, "/huge.png", NULL);
  wide = g_strconcat (server.base, "/wide.png", NULL);
  max = g_strconcat (server.base, "/max.png", NULL);

  reset_peak_rss ();
  before = peak_rss_kib ();
  g_assert_false (fetch (cache, huge));
  after = peak_rss_kib ();
  g_test_message ("peak RSS %" G_GINT64_FORMAT " KiB before, %" G_GINT64_FORMAT " KiB after",
                  before, after);
  /* Decoding it would take 16000 × 16000 × 3 bytes: 732 MiB. */
  g_assert_cmpint (after - before, <, 32 * 1024);

  g_assert_false (fetch (cache, wide));
  g_assert_true (fetch (cache, max));
  picture = sh_picture_cache_lookup (cache, max);
  g_assert_true (GDK_IS_TEXTURE (picture));
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (picture)), ==, 96);
  g_assert_cmpint (gdk_texture_get_height (GDK_TEXTURE (picture)), ==, 96);
  /* Nothing refused was kept on disk. */
  g_assert_cmpuint (count_files (dir), <=, 1);
  server_stop (&server);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  sh_providers_register ();

  g_test_add_func ("/picture-cache/fetched-once-then-from-disk", test_fetched_once_then_from_disk);
  g_test_add_func ("/picture-cache/refused", test_refused);
  g_test_add_func ("/picture-cache/folder-tightened", test_folder_tightened);
  g_test_add_func ("/picture-cache/http-only-from-api", test_http_only_from_api);
  g_test_add_func ("/picture-cache/huge-dimensions", test_huge_dimensions);
  return g_test_run ();
}
