/* sh-picture-cache.c — Page and account pictures, fetched lazily, kept on disk.
 *
 * sh_picture_cache_lookup() answers at once: the picture when it is in
 * memory, else NULL, after starting to read it from the cache folder or,
 * failing that, to download it. When it arrives, "ready" is emitted with
 * the URL, and whoever shows that URL asks again. So nothing is fetched
 * before a row is on screen, and never twice: a URL that failed is not
 * tried again in this run (the placeholder stays, and nothing is lost).
 *
 * Files are named by the SHA-256 of the URL, in a folder only its owner
 * can read (0700, tightened if it was not). Only https URLs are fetched;
 * plain http only from the host of an API configured with http (the
 * sandbox on 127.0.0.1), never from wherever a data file points. Bodies
 * over SH_PICTURE_MAX_BYTES are refused, and so are pictures wider or
 * higher than SH_PICTURE_MAX_SIDE, before their pixels are decoded: a
 * 16000×16000 PNG fits in a few KB and would take a gigabyte. URLs are
 * never logged: a CDN's signed URL is nobody's business.
 */
#include "config.h"

#include <errno.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "sh-config.h"
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
  g_autoptr(GdkPixbuf) pixbuf = g_task_propagate_pointer (G_TASK (result), &error);
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
      g_autofree char *part_name = g_strconcat (g_file_peek_path (fetch->file), ".part", NULL);
      g_autoptr(GFile) part = g_file_new_for_path (part_name);

      g_mkdir_with_parents (fetch->self->directory, 0700);
      g_file_replace_contents_bytes_async (part, fetch->bytes, NULL, FALSE,
                                           G_FILE_CREATE_PRIVATE, fetch->self->cancellable,
                                           on_saved, g_object_ref (fetch->file));
    }
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  fetch_done (fetch, texture);
}

/* Told the picture's size before any pixel is decoded: refuses one that
 * is too big (a size of 0 makes the loaders stop), else asks for it
 * scaled to fit PICTURE_SIZE, keeping its proportions. */
static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  gboolean *too_big = user_data;

  if (width <= 0 || height <= 0 || width > SH_PICTURE_MAX_SIDE || height > SH_PICTURE_MAX_SIDE)
    {
      *too_big = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }
  if ((double) height * PICTURE_SIZE > (double) width * PICTURE_SIZE)
    {
      width = (int) (0.5 + (double) width * PICTURE_SIZE / height);
      height = PICTURE_SIZE;
    }
  else
    {
      height = (int) (0.5 + (double) height * PICTURE_SIZE / width);
      width = PICTURE_SIZE;
    }
  gdk_pixbuf_loader_set_size (loader, MAX (width, 1), MAX (height, 1));
}

/* In a worker thread, as gdk_pixbuf_new_from_stream_async() did: fed in
 * small pieces, so that a loader that went on regardless of the refusal
 * would decode at most one piece's worth. */
static void
decode_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size, offset = 0;
  gboolean too_big = FALSE;
  gboolean ok = TRUE;
  GdkPixbuf *pixbuf;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &too_big);
  data = g_bytes_get_data (bytes, &size);
  while (ok && !too_big && offset < size)
    {
      gsize piece = MIN (size - offset, 4096);

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        break;
      ok = gdk_pixbuf_loader_write (loader, data + offset, piece, &error);
      offset += piece;
    }
  /* Closed in every case: a loader must be, and its error is the one to
   * keep when writing went well. */
  if (!gdk_pixbuf_loader_close (loader, error == NULL ? &error : NULL) && error == NULL)
    g_set_error_literal (&error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_FAILED, _("Not a picture"));
  if (too_big)
    {
      g_clear_error (&error);
      g_task_return_new_error (task, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_FAILED,
                               _("The picture is larger than %d×%d pixels"), SH_PICTURE_MAX_SIDE,
                               SH_PICTURE_MAX_SIDE);
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    g_task_return_new_error (task, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_FAILED, _("Not a picture"));
  else
    g_task_return_pointer (task, g_object_ref (pixbuf), g_object_unref);
}

static void
decode (Fetch *fetch)
{
  g_autoptr(GTask) task = g_task_new (NULL, fetch->self->cancellable, on_decoded, fetch);

  g_task_set_source_tag (task, decode);
  g_task_set_task_data (task, g_bytes_ref (fetch->bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_in_thread);
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

/* Whether @uri is the same http host and port as one of the APIs, when
 * that API is configured with plain http (the sandbox). */
static gboolean
is_http_api (GUri *uri)
{
  g_auto(GStrv) apis = sh_config_dup_all (SH_CONFIG_KIND_API_URL);

  for (guint i = 0; apis[i] != NULL; i++)
    {
      g_autoptr(GUri) api = g_uri_parse (apis[i], SOUP_HTTP_URI_FLAGS, NULL);

      if (api != NULL && g_strcmp0 (g_uri_get_scheme (api), "http") == 0 &&
          g_uri_get_host (api) != NULL && g_uri_get_host (uri) != NULL &&
          g_ascii_strcasecmp (g_uri_get_host (api), g_uri_get_host (uri)) == 0 &&
          g_uri_get_port (api) == g_uri_get_port (uri))
        return TRUE;
    }
  return FALSE;
}

/* https anywhere; http only where an API is: a picture over plain http
 * could be swapped or watched on the way. */
static gboolean
may_fetch (GUri *uri)
{
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (g_strcmp0 (scheme, "https") == 0)
    return TRUE;
  return g_strcmp0 (scheme, "http") == 0 && is_http_api (uri);
}

static void
start_download (Fetch *fetch)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GUri) uri = g_uri_parse (fetch->url, SOUP_HTTP_URI_FLAGS, NULL);

  if (!may_fetch (uri))
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
  GStatBuf st;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (SH_TYPE_PICTURE_CACHE, NULL);
  self->directory = g_strdup (directory);
  /* A folder made by an older version (or by hand) readable by others is
   * tightened now, not when the next picture is saved: the pictures in it
   * say which Pages this person manages. One stat, once per window. */
  if (g_stat (directory, &st) == 0 && (st.st_mode & 077) != 0 &&
      g_chmod (directory, 0700) != 0)
    g_debug ("The picture cache folder could not be made private: %s", g_strerror (errno));
  return self;
}
