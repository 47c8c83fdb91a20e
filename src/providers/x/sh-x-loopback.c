/* sh-x-loopback.c — the redirect server of an X sign-in (see the header). */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-x-classify.h"
#include "sh-x-loopback.h"
#include "sh-x-loopback-request.h"

/* One accepted connection: its head is read into @head, never more. */
typedef struct {
  ShXLoopback       *self;         /* NULL once the server let go of it */
  GSocketConnection *connection;
  GCancellable      *cancellable;  /* cancelled when the client is dropped */
  guint              timeout_id;
  gboolean           answering;    /* the answer is being written */
  gboolean           concludes;    /* it took the sign-in's one answer */
  char              *answer;
  gsize              answer_length;
  gsize              filled;
  char               head[SH_X_LOOPBACK_MAX_HEAD];
} Client;

struct _ShXLoopback
{
  GObject         parent_instance;

  GSocketService *service;        /* NULL once shut down */
  guint           port;
  char           *state;
  char           *redirect_uri;
  GTask          *wait;           /* the pending wait, or NULL */
  char           *code;           /* an outcome before anyone waited */
  GError         *error;
  gboolean        answered;       /* the one answer was taken */
  guint           timeout_id;
  GSource        *cancel_source;
  guint           close_id;
  guint           client_timeout_ms;
  GList          *clients;        /* Client *, the open connections */
};

G_DEFINE_FINAL_TYPE (ShXLoopback, sh_x_loopback, G_TYPE_OBJECT)

/* At most this many connections at once; more are closed at once. */
#define MAX_CLIENTS 32

/* ---- pages ---------------------------------------------------------------------- */

static const char *
reason_phrase (guint status)
{
  switch (status)
    {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 421: return "Misdirected Request";
    case 431: return "Request Header Fields Too Large";
    default: return "Error";
    }
}

/* The whole answer, head and page; the connection closes after it. */
static void
compose_page (Client     *client,
              guint       status,
              const char *extra_header,
              const char *heading,
              const char *text)
{
  g_autofree char *heading_escaped = g_markup_escape_text (heading, -1);
  g_autofree char *text_escaped = g_markup_escape_text (text, -1);
  g_autofree char *page = NULL;

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<title>%s</title><style>body{font-family:sans-serif;max-width:34em;"
                          "margin:4em auto;padding:0 1em}</style></head>"
                          "<body><h1>%s</h1><p>%s</p></body></html>\n",
                          heading_escaped, heading_escaped, text_escaped);
  /* The address holds the code: nothing may keep the page or send it on. */
  g_free (client->answer);
  client->answer = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                    "Content-Type: text/html; charset=utf-8\r\n"
                                    "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                    "Cache-Control: no-store\r\n"
                                    "Referrer-Policy: no-referrer\r\n"
                                    "X-Content-Type-Options: nosniff\r\n"
                                    "Content-Security-Policy: default-src 'none'; "
                                    "style-src 'unsafe-inline'\r\n"
                                    "Server: SocialHub\r\n"
                                    "Connection: close\r\n"
                                    "%s"
                                    "\r\n"
                                    "%s",
                                    status, reason_phrase (status), strlen (page),
                                    extra_header != NULL ? extra_header : "", page);
  client->answer_length = strlen (client->answer);
}

/* ---- outcome ---------------------------------------------------------------------- */

static void
stop_waiting_sources (ShXLoopback *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
}

static void client_drop (Client *client);

void
sh_x_loopback_close (ShXLoopback *self)
{
  g_return_if_fail (SH_IS_X_LOOPBACK (self));

  stop_waiting_sources (self);
  g_clear_handle_id (&self->close_id, g_source_remove);
  if (self->service != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
      g_debug ("X sign-in: the loopback server is closed");
    }
  /* A client still sending its request is dropped; one being answered gets
   * the rest of its page, within its own time limit. Either way it no
   * longer knows this object, which may go now. */
  while (self->clients != NULL)
    {
      Client *client = self->clients->data;

      self->clients = g_list_delete_link (self->clients, self->clients);
      client->self = NULL;
      if (!client->answering)
        client_drop (client);
    }
}

static void
deliver (ShXLoopback *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->wait);

  if (task == NULL)
    return;
  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&self->code), g_free);
}

static gboolean
deliver_later (gpointer user_data)
{
  deliver (user_data);
  return G_SOURCE_REMOVE;
}

/* The one outcome of this sign-in: a code, or an error. It reaches the
 * waiter from the main loop, never from inside a request handler or a
 * source that still uses the server. */
static void
conclude (ShXLoopback *self,
          char        *code,
          GError      *error)
{
  self->answered = TRUE;
  self->code = code;
  self->error = error;
  stop_waiting_sources (self);
  if (self->wait != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, deliver_later, g_object_ref (self), g_object_unref);
}

static gboolean
close_now (gpointer user_data)
{
  ShXLoopback *self = user_data;

  self->close_id = 0;
  sh_x_loopback_close (self);
  return G_SOURCE_REMOVE;
}

/* ---- connections ------------------------------------------------------------------ */

static void
client_free (Client *client)
{
  g_clear_handle_id (&client->timeout_id, g_source_remove);
  if (client->connection != NULL)
    g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_clear_object (&client->connection);
  g_clear_object (&client->cancellable);
  /* The head and the page may hold a code or a state. */
  memset (client->head, 0, sizeof client->head);
  if (client->answer != NULL)
    memset (client->answer, 0, client->answer_length);
  g_free (client->answer);
  g_free (client);
}

/* Closed and forgotten. Runs from the callback of the client's one pending
 * read or write: a client always has one until it ends. */
static void
client_finish (Client *client)
{
  if (client->self != NULL)
    client->self->clients = g_list_remove (client->self->clients, client);
  client_free (client);
}

/* Its pending read or write ends with G_IO_ERROR_CANCELLED, which finishes it. */
static void
client_drop (Client *client)
{
  g_cancellable_cancel (client->cancellable);
}

static gboolean
on_client_timeout (gpointer user_data)
{
  Client *client = user_data;

  client->timeout_id = 0;
  g_debug ("X sign-in: a slow client of the loopback server was dropped");
  client_drop (client);
  return G_SOURCE_REMOVE;
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Client *client = user_data;
  ShXLoopback *self = client->self;

  /* A browser that went away meanwhile changes nothing. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  /* The browser has the whole page: now the server may go. */
  if (client->concludes && self != NULL && self->close_id == 0 && self->service != NULL)
    self->close_id = g_idle_add_full (G_PRIORITY_DEFAULT, close_now, g_object_ref (self),
                                      g_object_unref);
  client_finish (client);
}

static void
client_answer (Client *client)
{
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));

  /* Whatever came after the head stays unread: this server takes no body,
   * and closing the connection is the answer to one still being sent. */
  client->answering = TRUE;
  g_output_stream_write_all_async (output, client->answer, client->answer_length,
                                   G_PRIORITY_DEFAULT, client->cancellable, on_written, client);
}

static void
answer_request (ShXLoopback              *self,
                Client                   *client,
                const ShXLoopbackRequest *request)
{
  g_autofree char *code = NULL;
  g_autofree char *error = NULL;

  switch (sh_x_loopback_request_judge (request, self->port))
    {
    case SH_X_LOOPBACK_WRONG_HOST:
      /* Another name that resolves to 127.0.0.1 (DNS rebinding) is a page
       * of someone else's, not X's redirect. */
      g_debug ("X sign-in: a request for another host name was refused");
      compose_page (client, 421, NULL, _("Wrong address"),
                    _("This server only answers at 127.0.0.1, and only to the address X "
                      "sends a browser back to after a SocialHub sign-in."));
      return;

    case SH_X_LOOPBACK_WRONG_METHOD:
      compose_page (client, 405, "Allow: GET\r\n", _("Not allowed"),
                    _("This address only takes X’s answer to a sign-in."));
      return;

    case SH_X_LOOPBACK_HAS_BODY:
      compose_page (client, 413, NULL, _("Not allowed"),
                    _("This address only takes X’s answer to a sign-in."));
      return;

    case SH_X_LOOPBACK_NOT_FOUND:
      compose_page (client, 404, NULL, _("Not found"),
                    _("This address belongs to a SocialHub sign-in and has nothing else."));
      return;

    case SH_X_LOOPBACK_CALLBACK:
    default:
      break;
    }

  if (self->answered)
    {
      compose_page (client, 409, NULL, _("Already answered"),
                    _("SocialHub has already received the answer to this sign-in. You can close "
                      "this page."));
      return;
    }

  switch (sh_x_parse_callback (request->query, self->state, &code, &error))
    {
    case SH_X_CALLBACK_CODE:
      compose_page (client, 200, NULL, _("Return to SocialHub"),
                    _("SocialHub has received X’s answer. You can close this page and return to "
                      "SocialHub."));
      client->concludes = TRUE;
      conclude (self, g_steal_pointer (&code), NULL);
      return;

    case SH_X_CALLBACK_DENIED:
      compose_page (client, 200, NULL, _("Access not granted"),
                    _("X says access was not granted. You can close this page and return to "
                      "SocialHub."));
      client->concludes = TRUE;
      g_debug ("X sign-in: X answered error “%s”", error);
      conclude (self, NULL,
                g_error_new_literal (SH_ERROR, SH_ERROR_SIGN_IN_DECLINED,
                                     _("Access was not granted on X.")));
      return;

    case SH_X_CALLBACK_MALFORMED:
      g_debug ("X sign-in: an answer without a usable code was ignored");
      compose_page (client, 400, NULL, _("Incomplete answer"),
                    _("This answer from X has no authorization code. Return to SocialHub and "
                      "start the sign-in again if it does not go on by itself."));
      return;

    case SH_X_CALLBACK_WRONG_STATE:
    default:
      /* Maybe an old tab, maybe another program: refuse it and keep waiting
       * for the answer that carries this sign-in's state. */
      g_debug ("X sign-in: an answer with the wrong state was refused");
      compose_page (client, 400, NULL, _("Not the sign-in SocialHub is waiting for"),
                    _("This answer does not belong to the sign-in SocialHub started, so it was "
                      "ignored. Return to SocialHub and start the sign-in again if needed."));
      return;
    }
}

static void client_read (Client *client);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Client *client = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);
  ShXLoopbackRequest request;

  /* Closed by the client, dropped (too slow), or the server is closed. */
  if (n <= 0 || client->self == NULL)
    {
      client_finish (client);
      return;
    }

  client->filled += n;
  switch (sh_x_loopback_request_parse (client->head, client->filled, &request))
    {
    case SH_X_LOOPBACK_HEAD_INCOMPLETE:
      client_read (client);
      return;

    case SH_X_LOOPBACK_HEAD_TOO_LARGE:
      g_debug ("X sign-in: a request head beyond %u bytes was refused", SH_X_LOOPBACK_MAX_HEAD);
      compose_page (client, 431, NULL, _("Request too large"),
                    _("This address only takes X’s answer to a sign-in."));
      break;

    case SH_X_LOOPBACK_HEAD_MALFORMED:
      compose_page (client, 400, NULL, _("Not understood"),
                    _("This address only takes X’s answer to a sign-in."));
      break;

    case SH_X_LOOPBACK_HEAD_COMPLETE:
    default:
      answer_request (client->self, client, &request);
      sh_x_loopback_request_clear (&request);
      break;
    }
  client_answer (client);
}

/* The head so far is incomplete, so shorter than the buffer. */
static void
client_read (Client *client)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (client->connection));

  g_input_stream_read_async (input, client->head + client->filled,
                             sizeof client->head - client->filled, G_PRIORITY_DEFAULT,
                             client->cancellable, on_read, client);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  ShXLoopback *self = user_data;
  Client *client;

  /* Each client costs a buffer until its time is up: a flood of them
   * costs no more than MAX_CLIENTS. The connection closes when the service
   * lets go of it. */
  if (g_list_length (self->clients) >= MAX_CLIENTS)
    {
      g_debug ("X sign-in: too many connections to the loopback server, one was refused");
      return TRUE;
    }

  client = g_new0 (Client, 1);
  client->self = self;
  client->connection = g_object_ref (connection);
  client->cancellable = g_cancellable_new ();
  client->timeout_id = g_timeout_add (self->client_timeout_ms, on_client_timeout, client);
  self->clients = g_list_prepend (self->clients, client);
  client_read (client);
  return TRUE;
}

/* ---- waiting -------------------------------------------------------------------- */

static gboolean
on_timeout (gpointer user_data)
{
  ShXLoopback *self = user_data;

  self->timeout_id = 0;
  sh_x_loopback_close (self);
  conclude (self, NULL,
            g_error_new_literal (SH_ERROR, SH_ERROR_SIGN_IN_EXPIRED,
                                 _("X did not send the browser back to SocialHub in time. Start "
                                   "the sign-in again.")));
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  ShXLoopback *self = user_data;

  if (!self->answered)
    {
      /* Destroys this source: the source holds on until the callback ends. */
      sh_x_loopback_close (self);
      conclude (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The sign-in was cancelled.")));
    }
  return G_SOURCE_REMOVE;
}

void
sh_x_loopback_wait_async (ShXLoopback         *self,
                          guint                timeout_seconds,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SH_IS_X_LOOPBACK (self));
  g_return_if_fail (self->wait == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_x_loopback_wait_async);
  self->wait = task;

  if (self->answered)
    {
      g_idle_add_full (G_PRIORITY_DEFAULT, deliver_later, g_object_ref (self), g_object_unref);
      return;
    }
  if (self->service == NULL)
    {
      conclude (self, NULL, g_error_new_literal (SH_ERROR, SH_ERROR_SIGN_IN_EXPIRED,
                                                 _("The sign-in is over. Start it again.")));
      return;
    }
  self->timeout_id = g_timeout_add_seconds (MAX (timeout_seconds, 1), on_timeout, self);
  if (cancellable != NULL)
    {
      /* Runs from the main loop, also when already cancelled. */
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_cancelled), self, NULL);
      g_source_attach (self->cancel_source, g_main_context_get_thread_default ());
    }
}

char *
sh_x_loopback_wait_finish (ShXLoopback   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
sh_x_loopback_get_redirect_uri (ShXLoopback *self)
{
  g_return_val_if_fail (SH_IS_X_LOOPBACK (self), NULL);
  return self->redirect_uri;
}

void
sh_x_loopback_set_client_timeout (ShXLoopback *self,
                                  guint        milliseconds)
{
  g_return_if_fail (SH_IS_X_LOOPBACK (self));
  g_return_if_fail (milliseconds > 0);
  self->client_timeout_ms = milliseconds;
}

gboolean
sh_x_loopback_is_listening (ShXLoopback *self)
{
  g_return_val_if_fail (SH_IS_X_LOOPBACK (self), FALSE);
  return self->service != NULL;
}

/* ---- life ----------------------------------------------------------------------- */

static void
sh_x_loopback_dispose (GObject *object)
{
  ShXLoopback *self = SH_X_LOOPBACK (object);

  /* A pending wait holds a reference: there is none left here. */
  g_assert (self->wait == NULL);
  sh_x_loopback_close (self);
  G_OBJECT_CLASS (sh_x_loopback_parent_class)->dispose (object);
}

static void
sh_x_loopback_finalize (GObject *object)
{
  ShXLoopback *self = SH_X_LOOPBACK (object);

  g_free (self->state);
  g_free (self->redirect_uri);
  g_free (self->code);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (sh_x_loopback_parent_class)->finalize (object);
}

static void
sh_x_loopback_class_init (ShXLoopbackClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_x_loopback_dispose;
  G_OBJECT_CLASS (klass)->finalize = sh_x_loopback_finalize;
}

static void
sh_x_loopback_init (ShXLoopback *self)
{
}

ShXLoopback *
sh_x_loopback_new (guint        port,
                   const char  *state,
                   GError     **error)
{
  g_autoptr(ShXLoopback) self = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (port > 0 && port <= 65535, NULL);
  g_return_val_if_fail (state != NULL && *state != '\0', NULL);

  self = g_object_new (SH_TYPE_X_LOOPBACK, NULL);
  self->state = g_strdup (state);
  self->port = port;
  self->client_timeout_ms = SH_X_LOOPBACK_CLIENT_TIMEOUT_MS;
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/callback", port);
  /* A server of its own rather than SoupServer, which reads a whole body
   * before any handler can refuse it: this one reads a head of 8 KiB at
   * most, and nothing after it. */
  self->service = g_socket_service_new ();
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);

  /* 127.0.0.1 only: never an address other machines can reach. */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL,
                                      &local_error))
    {
      g_set_error (error, SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                   _("SocialHub could not receive X’s answer on 127.0.0.1:%u (%s). Another "
                     "program may be using that port: close it, or choose another port with "
                     "the x-redirect-port setting and register "
                     "http://127.0.0.1:PORT/callback with the X app."),
                   port, local_error->message);
      sh_x_loopback_close (self);
      return NULL;
    }
  g_socket_service_start (self->service);
  g_debug ("X sign-in: waiting on 127.0.0.1:%u", port);
  return g_steal_pointer (&self);
}
