/* sh-http.c — sending a request and reading its answer within a size limit,
 * and the REST client built on it (ShHttpClient, ShHttpReply). */
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
      /* The caller wipes what it reads (ShHttpClient does). */
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

/* ---- the reply -------------------------------------------------------------- */

void
sh_http_reply_free (ShHttpReply *reply)
{
  if (reply == NULL)
    return;
  if (reply->body != NULL)
    {
      /* Token endpoint answers hold tokens. */
      memset (reply->body, 0, reply->length);
      g_free (reply->body);
    }
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_error (&reply->error);
  g_free (reply);
}

const char *
sh_http_reply_get_header (const ShHttpReply *reply,
                          const char        *name)
{
  g_return_val_if_fail (reply != NULL, NULL);

  if (reply->headers == NULL)
    return NULL;
  return soup_message_headers_get_one (reply->headers, name);
}

gboolean
sh_http_reply_is_cancelled (const ShHttpReply *reply)
{
  return g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- the client --------------------------------------------------------------- */

struct _ShHttpClient
{
  GObject            parent_instance;

  SoupSession       *session;
  ShHttpBaseFunc     base_url;
  char              *auth_scheme;
  ShHttpClientFlags  flags;
};

G_DEFINE_FINAL_TYPE (ShHttpClient, sh_http_client, G_TYPE_OBJECT)

enum {
  SIGNAL_REPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
full_url (ShHttpClient *self,
          const char   *path)
{
  g_autofree char *base = self->base_url ();

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strconcat (base, path[0] == '/' ? "" : "/", path, NULL);
}

static void
on_message_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  ShHttpReply *reply = g_new0 (ShHttpReply, 1);
  g_autoptr(GBytes) bytes = sh_http_send_and_read_finish (SOUP_SESSION (source), result,
                                                          &reply->error);

  if (bytes != NULL)
    {
      gsize length;
      gconstpointer data = g_bytes_get_data (bytes, &length);

      reply->status = soup_message_get_status (msg);
      reply->length = length;
      reply->body = g_strndup (data, length);
      /* The answer may hold tokens: do not leave them in freed memory. */
      memset ((gpointer) data, 0, length);
    }
  else if (sh_http_error_is_too_large (reply->error))
    {
      /* The server answered, with something no answer of its API is:
       * judged like any other unusable body (the error says why). */
      reply->status = soup_message_get_status (msg);
      reply->body = g_strdup ("");
    }
  if (reply->status != 0)
    {
      reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
      g_signal_emit (g_task_get_source_object (task), signals[SIGNAL_REPLIED], 0, reply);
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) sh_http_reply_free);
}

static void
send_message (ShHttpClient        *self,
              const char          *method,
              const char          *path,
              GHashTable          *form,
              const char          *token,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autofree char *url = full_url (self, path);
  g_autoptr(SoupMessage) msg = form != NULL
    ? soup_message_new_from_encoded_form (method, url, soup_form_encode_hash (form))
    : soup_message_new (method, url);
  SoupMessageHeaders *headers;
  GTask *task;

  if (msg == NULL)
    {
      g_task_report_new_error (self, callback, user_data, send_message, SH_ERROR,
                               SH_ERROR_INVALID_ARGUMENT, "Bad API address");
      return;
    }
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat (self->auth_scheme, " ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
      memset (value, 0, strlen (value));
    }
  if (self->flags & SH_HTTP_CLIENT_NO_STORE)
    soup_message_headers_replace (headers, "Cache-Control", "no-store");

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, send_message);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  sh_http_send_and_read_async (self->session, msg, SH_HTTP_MAX_BODY, G_PRIORITY_DEFAULT,
                               cancellable, on_message_sent, task);
}

void
sh_http_client_get_async (ShHttpClient        *self,
                          const char          *path,
                          const char          *token,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SH_IS_HTTP_CLIENT (self));
  g_return_if_fail (path != NULL);

  send_message (self, "GET", path, NULL, token, cancellable, callback, user_data);
}

void
sh_http_client_post_async (ShHttpClient        *self,
                           const char          *path,
                           GHashTable          *form,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (SH_IS_HTTP_CLIENT (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (form != NULL);

  send_message (self, "POST", path, form, NULL, cancellable, callback, user_data);
}

ShHttpReply *
sh_http_client_finish (ShHttpClient *self,
                       GAsyncResult *result)
{
  GError *error = NULL;
  ShHttpReply *reply;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  reply = g_task_propagate_pointer (G_TASK (result), &error);
  if (reply == NULL)
    {
      reply = g_new0 (ShHttpReply, 1);
      reply->error = error;
    }
  return reply;
}

SoupSession *
sh_http_client_get_session (ShHttpClient *self)
{
  g_return_val_if_fail (SH_IS_HTTP_CLIENT (self), NULL);
  return self->session;
}

static void
sh_http_client_dispose (GObject *object)
{
  ShHttpClient *self = SH_HTTP_CLIENT (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (sh_http_client_parent_class)->dispose (object);
}

static void
sh_http_client_finalize (GObject *object)
{
  ShHttpClient *self = SH_HTTP_CLIENT (object);

  g_free (self->auth_scheme);
  G_OBJECT_CLASS (sh_http_client_parent_class)->finalize (object);
}

static void
sh_http_client_class_init (ShHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_http_client_dispose;
  object_class->finalize = sh_http_client_finalize;

  signals[SIGNAL_REPLIED] =
    g_signal_new ("replied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
sh_http_client_init (ShHttpClient *self)
{
}

ShHttpClient *
sh_http_client_new (ShHttpBaseFunc     base_url,
                    const char        *auth_scheme,
                    ShHttpClientFlags  flags,
                    guint              max_conns)
{
  ShHttpClient *self;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (auth_scheme != NULL, NULL);

  self = g_object_new (SH_TYPE_HTTP_CLIENT, NULL);
  self->base_url = base_url;
  self->auth_scheme = g_strdup (auth_scheme);
  self->flags = flags;
  /* One keep-alive session for all of a network's requests. */
  self->session = soup_session_new_with_options ("max-conns-per-host", max_conns,
                                                 "timeout", 30,
                                                 "user-agent", "SocialHub/" PACKAGE_VERSION,
                                                 NULL);
  return self;
}
