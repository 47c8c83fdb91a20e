/* sh-picture-cache.c — Page and account pictures, fetched lazily, kept on disk.
 *
 * sh_picture_cache_lookup() answers at once: the picture when it is in
 * memory, else NULL, after starting to read it from the cache folder or,
 * failing that, to download it. When it arrives, "ready" is emitted with
 * the URL, and whoever shows that URL asks again. So nothing is fetched
 * before a row is on screen, and never twice: a URL that failed is not
 * tried again in this run (the placeholder stays, and nothing is lost).
 *
 * Files are named by the SHA-256 of the URL. Only http and https URLs are
 * fetched, bodies over SH_PICTURE_MAX_BYTES are refused, and URLs are never
 * logged: a CDN's signed URL is nobody's business.
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <libsoup/soup.h>

#include "sh-picture-cache.h"

#define PICTURE_SIZE   96   /* pixels: twice the biggest avatar, for HiDPI */
#define MAX_IN_MEMORY 512

struct _ShPictureCache
{
  GObject       parent_instance;

  char         *directory;
  SoupSession  *session;
  GCancellable *cancellable;
  GHashTable   *textures;   /* url -> GdkTexture */
  GHashTable   *pending;    /* url (set) */
  GHashTable   *failed;     /* url (set) */
};

G_DEFINE_FINAL_TYPE (ShPictureCache, sh_picture_cache, G_TYPE_OBJECT)

enum {
  SIGNAL_READY,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  ShPictureCache *self;
  char           *url;
  GFile          *file;
  gboolean        from_network;
  GCancellable   *download;   /* this download only: stopped when too big */
  GByteArray     *body;       /* as it arrives */
  GBytes         *bytes;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->self);
  g_free (fetch->url);
  g_object_unref (fetch->file);
  g_clear_object (&fetch->download);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_clear_pointer (&fetch->bytes, g_bytes_unref);
  g_free (fetch);
}

static void
fetch_done (Fetch      *fetch,
            GdkTexture *texture)
{
  ShPictureCache *self = fetch->self;

  g_hash_table_remove (self->pending, fetch->url);
  if (texture == NULL)
    {
      g_hash_table_add (self->failed, g_strdup (fetch->url));
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, fetch->url);
    }
  else
    {
      /* A bound, not an LRU: past it, pictures are read from disk again. */
      if (g_hash_table_size (self->textures) >= MAX_IN_MEMORY)
        g_hash_table_remove_all (self->textures);
      g_hash_table_replace (self->textures, g_strdup (fetch->url), g_object_ref (texture));
      g_signal_emit (self, signals[SIGNAL_READY], 0, fetch->url);
    }
  fetch_free (fetch);
}

static void start_download (Fetch *fetch);

/* Written under a temporary name, then renamed: GIO writes a file that does
 * not exist yet in place, so a reader (another window, the next run after a
 * crash) could otherwise find half a picture under the final name. */
static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GFile) final = user_data;
  g_autoptr(GError) error = NULL;

  /* A cache that cannot be written only costs a download next time. */
  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error) ||
      !g_file_move (G_FILE (source), final, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("A picture could not be cached: %s", error->message);
      g_file_delete (G_FILE (source), NULL, NULL);
    }
}

static void
on_decoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_stream_finish (result, &error);
  g_autoptr(GdkTexture) texture = NULL;

  if (pixbuf == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fetch_free (fetch);
          return;
        }
      /* A damaged cache file: fetch it again, once. */
      if (!fetch->from_network)
        {
          g_file_delete (fetch->file, NULL, NULL);
          start_download (fetch);
          return;
        }
      g_debug ("A picture could not be read: %s", error->message);
      fetch_done (fetch, NULL);
      return;
    }

  if (fetch->from_network)
    {
      g_autoptr(GFile) parent = g_file_get_parent (fetch->file);
      g_autofree char *part_name = g_strconcat (g_file_peek_path (fetch->file), ".part", NULL);
      g_autoptr(GFile) part = g_file_new_for_path (part_name);

      g_file_make_directory_with_parents (parent, NULL, NULL);
      g_file_replace_contents_bytes_async (part, fetch->bytes, NULL, FALSE,
                                           G_FILE_CREATE_PRIVATE, fetch->self->cancellable,
                                           on_saved, g_object_ref (fetch->file));
    }
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  fetch_done (fetch, texture);
}

static void
decode (Fetch *fetch)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (fetch->bytes);

  gdk_pixbuf_new_from_stream_at_scale_async (stream, PICTURE_SIZE, PICTURE_SIZE, TRUE,
                                             fetch->self->cancellable, on_decoded, fetch);
}

/* The body is read in pieces and given up past SH_PICTURE_MAX_BYTES, so a
 * server that sends without end (or without a length) costs at most that. */
static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) piece = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);

  if (piece != NULL && g_bytes_get_size (piece) > 0 &&
      fetch->body->len + g_bytes_get_size (piece) <= SH_PICTURE_MAX_BYTES)
    {
      g_byte_array_append (fetch->body, g_bytes_get_data (piece, NULL), g_bytes_get_size (piece));
      g_input_stream_read_bytes_async (G_INPUT_STREAM (source), 64 * 1024, G_PRIORITY_LOW,
                                       fetch->download, on_body_read, fetch);
      return;
    }
  g_input_stream_close_async (G_INPUT_STREAM (source), G_PRIORITY_LOW, NULL, NULL, NULL);
  if (piece == NULL || g_bytes_get_size (piece) > 0 || fetch->body->len == 0)
    {
      /* Failed, too big, or empty: not a picture. */
      fetch_done (fetch, NULL);
      return;
    }
  fetch->from_network = TRUE;
  fetch->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&fetch->body));
  decode (fetch);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fetch *fetch = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = soup_session_send_finish (SOUP_SESSION (source), result,
                                                             &error);

  if (stream == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      if (stream != NULL)
        g_input_stream_close_async (stream, G_PRIORITY_LOW, NULL, NULL, NULL);
      fetch_done (fetch, NULL);
      return;
    }
  fetch->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (stream, 64 * 1024, G_PRIORITY_LOW, fetch->download,
                                   on_body_read, fetch);
}

static void
on_headers (SoupMessage *msg,
            gpointer     user_data)
{
  Fetch *fetch = user_data;
  goffset length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));

  /* Refused before the body is read when the server says it is too big. */
  if (length > SH_PICTURE_MAX_BYTES)
    g_cancellable_cancel (fetch->download);
}

static void
start_download (Fetch *fetch)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GUri) uri = g_uri_parse (fetch->url, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      fetch_done (fetch, NULL);
      return;
    }
  msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  fetch->download = g_cancellable_new ();
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_headers), fetch);
  soup_session_send_async (fetch->self->session, msg, G_PRIORITY_LOW, fetch->download,
                           on_sent, fetch);
}

static void
on_read_from_disk (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);

  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fetch_free (fetch);
      else
        start_download (fetch);
      return;
    }
  fetch->bytes = g_steal_pointer (&bytes);
  decode (fetch);
}

/* The picture of URL if it is at hand; otherwise NULL, and "ready" is
 * emitted for URL once it is. */
GdkPaintable *
sh_picture_cache_lookup (ShPictureCache *self,
                         const char     *url)
{
  GdkTexture *texture;
  g_autofree char *name = NULL;
  Fetch *fetch;

  g_return_val_if_fail (SH_IS_PICTURE_CACHE (self), NULL);

  if (url == NULL || *url == '\0')
    return NULL;
  if ((texture = g_hash_table_lookup (self->textures, url)) != NULL)
    return GDK_PAINTABLE (texture);
  if (g_hash_table_contains (self->pending, url) || g_hash_table_contains (self->failed, url))
    return NULL;

  g_hash_table_add (self->pending, g_strdup (url));
  name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->url = g_strdup (url);
  fetch->file = g_file_new_build_filename (self->directory, name, NULL);
  g_file_load_bytes_async (fetch->file, self->cancellable, on_read_from_disk, fetch);
  return NULL;
}

static void
sh_picture_cache_dispose (GObject *object)
{
  ShPictureCache *self = SH_PICTURE_CACHE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    soup_session_abort (self->session);

  G_OBJECT_CLASS (sh_picture_cache_parent_class)->dispose (object);
}

static void
sh_picture_cache_finalize (GObject *object)
{
  ShPictureCache *self = SH_PICTURE_CACHE (object);

  g_free (self->directory);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->textures);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->failed);

  G_OBJECT_CLASS (sh_picture_cache_parent_class)->finalize (object);
}

static void
sh_picture_cache_class_init (ShPictureCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_picture_cache_dispose;
  object_class->finalize = sh_picture_cache_finalize;

  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The placeholder stays; said for whoever watches (the tests). */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sh_picture_cache_init (ShPictureCache *self)
{
  self->cancellable = g_cancellable_new ();
  /* Few connections and a short timeout: pictures are the least urgent
   * thing the app fetches. */
  self->session = soup_session_new_with_options ("max-conns-per-host", 2,
                                                 "timeout", 30,
                                                 NULL);
  self->textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

ShPictureCache *
sh_picture_cache_new (const char *directory)
{
  ShPictureCache *self;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (SH_TYPE_PICTURE_CACHE, NULL);
  self->directory = g_strdup (directory);
  return self;
}
