/* sh-http.c — sending a request and reading its answer within a size limit. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-http.h"

/* Bytes asked of the stream at once. */
#define READ_CHUNK 16384

typedef struct {
  GInputStream *stream;
  guint8       *data;
  gsize         length;
  gsize         allocated;
  gsize         max_body;
  GError       *error;      /* kept while the stream closes */
} BoundedRead;

/* The buffer may hold tokens (X's token endpoint answers with them): wipe
 * it rather than leave them in freed memory. */
static void
wipe_free (guint8 *data,
           gsize   allocated)
{
  if (data == NULL)
    return;
  memset (data, 0, allocated);
  g_free (data);
}

static void
bounded_read_free (BoundedRead *read)
{
  g_clear_object (&read->stream);
  wipe_free (read->data, read->allocated);
  g_clear_error (&read->error);
  g_free (read);
}

/* Room for @more bytes after what was read; grown by hand, not with
 * g_realloc, so that no copy of the answer stays in freed memory. */
static void
reserve (BoundedRead *read,
         gsize        more)
{
  gsize wanted = read->length + more;
  gsize allocated = MAX (read->allocated, READ_CHUNK);
  guint8 *data;

  if (wanted <= read->allocated)
    return;
  while (allocated < wanted)
    allocated *= 2;
  data = g_malloc (allocated);
  if (read->length > 0)
    memcpy (data, read->data, read->length);
  wipe_free (read->data, read->allocated);
  read->data = data;
  read->allocated = allocated;
}

static GError *
too_large_error (gsize max_body)
{
  g_autofree char *size = g_format_size_full (max_body, G_FORMAT_SIZE_IEC_UNITS);

  return g_error_new (SH_ERROR, SH_ERROR_SERVER,
                      _("The server sent an answer larger than %s; SocialHub did not read it."),
                      size);
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BoundedRead *read = g_task_get_task_data (task);

  /* A close error says nothing the reading did not. */
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);

  if (read->error != NULL)
    g_task_return_error (task, g_steal_pointer (&read->error));
  else
    {
      /* The caller wipes what it reads (sh-x-provider.c). */
      GBytes *bytes = g_bytes_new_take (g_steal_pointer (&read->data), read->length);

      read->allocated = 0;
      g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
    }
}

/* Closing the body before its end makes libsoup drop the connection
 * instead of reading the rest to reuse it: the rest is never read. */
static void
finish (GTask  *task,
        GError *error)
{
  BoundedRead *read = g_task_get_task_data (task);

  read->error = error;
  g_input_stream_close_async (read->stream, g_task_get_priority (task), NULL, on_closed, task);
}

static void read_more (GTask *task);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  BoundedRead *read = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    finish (task, error);
  else if (n == 0)
    finish (task, NULL);
  else
    {
      read->length += n;
      if (read->length > read->max_body)
        finish (task, too_large_error (read->max_body));
      else
        read_more (task);
    }
}

static void
read_more (GTask *task)
{
  BoundedRead *read = g_task_get_task_data (task);
  /* One byte past the limit is enough to know it was passed. */
  gsize count = MIN (READ_CHUNK, read->max_body + 1 - read->length);

  reserve (read, count);
  g_input_stream_read_async (read->stream, read->data + read->length, count,
                             g_task_get_priority (task), g_task_get_cancellable (task),
                             on_read, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  BoundedRead *read = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *error = NULL;
  SoupMessageHeaders *headers;

  read->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (read->stream == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  headers = soup_message_get_response_headers (msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      goffset announced = soup_message_headers_get_content_length (headers);

      /* Said too large up front: not a byte of it is read. */
      if (announced < 0 || (guint64) announced > read->max_body)
        {
          finish (task, too_large_error (read->max_body));
          return;
        }
      reserve (read, announced);
    }
  read_more (task);
}

void
sh_http_send_and_read_async (SoupSession         *session,
                             SoupMessage         *msg,
                             gsize                max_body,
                             int                  io_priority,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  BoundedRead *read;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (max_body > 0 && max_body < G_MAXSIZE);

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_http_send_and_read_async);
  g_task_set_priority (task, io_priority);
  read = g_new0 (BoundedRead, 1);
  read->max_body = max_body;
  g_task_set_task_data (task, read, (GDestroyNotify) bounded_read_free);
  soup_session_send_async (session, msg, io_priority, cancellable, on_sent, task);
}

GBytes *
sh_http_send_and_read_finish (SoupSession   *session,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sh_http_error_is_too_large (const GError *error)
{
  /* The only SH_ERROR this file makes. */
  return error != NULL && error->domain == SH_ERROR && error->code == SH_ERROR_SERVER;
}

const char *
sh_http_describe_error (const GError *error)
{
  if (error == NULL)
    return _("no answer");
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return _("The server’s certificate is not trusted.");
  if (error->domain == G_TLS_ERROR)
    return _("No secure connection to the server could be made.");
  return error->message;
}
