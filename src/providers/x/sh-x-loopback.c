/* sh-x-loopback.c — the redirect server of an X sign-in (see the header). */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "sh-error.h"
#include "sh-x-classify.h"
#include "sh-x-loopback.h"

struct _ShXLoopback
{
  GObject      parent_instance;

  SoupServer  *server;        /* NULL once shut down */
  char        *state;
  char        *redirect_uri;
  GTask       *wait;          /* the pending wait, or NULL */
  char        *code;          /* an outcome before anyone waited */
  GError      *error;
  gboolean     answered;      /* the one answer was taken */
  guint        timeout_id;
  GSource     *cancel_source;
  guint        close_id;
};

G_DEFINE_FINAL_TYPE (ShXLoopback, sh_x_loopback, G_TYPE_OBJECT)

/* ---- pages ---------------------------------------------------------------------- */

static void
reply_page (SoupServerMessage *msg,
            guint              status,
            const char        *heading,
            const char        *text)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *heading_escaped = g_markup_escape_text (heading, -1);
  g_autofree char *text_escaped = g_markup_escape_text (text, -1);
  char *page;

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<title>%s</title><style>body{font-family:sans-serif;max-width:34em;"
                          "margin:4em auto;padding:0 1em}</style></head>"
                          "<body><h1>%s</h1><p>%s</p></body></html>\n",
                          heading_escaped, heading_escaped, text_escaped);
  /* The address holds the code: nothing may keep the page or send it on. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    page, strlen (page));
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

void
sh_x_loopback_close (ShXLoopback *self)
{
  g_return_if_fail (SH_IS_X_LOOPBACK (self));

  stop_waiting_sources (self);
  g_clear_handle_id (&self->close_id, g_source_remove);
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
      g_debug ("X sign-in: the loopback server is closed");
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

/* The browser has the whole page: now the server may go. */
static void
on_answer_finished (SoupServerMessage *msg,
                    gpointer           user_data)
{
  ShXLoopback *self = user_data;

  if (self->close_id == 0 && self->server != NULL)
    self->close_id = g_idle_add_full (G_PRIORITY_DEFAULT, close_now, g_object_ref (self),
                                      g_object_unref);
}

/* ---- requests --------------------------------------------------------------------- */

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  ShXLoopback *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *code = NULL;
  g_autofree char *error = NULL;

  if (!g_str_equal (path, "/callback"))
    {
      reply_page (msg, SOUP_STATUS_NOT_FOUND, _("Not found"),
                  _("This address belongs to a SocialHub sign-in and has nothing else."));
      return;
    }
  if (!g_str_equal (method, SOUP_METHOD_GET) && !g_str_equal (method, SOUP_METHOD_HEAD))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
      reply_page (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("Not allowed"),
                  _("This address only takes X’s answer to a sign-in."));
      return;
    }
  if (self->answered)
    {
      reply_page (msg, SOUP_STATUS_CONFLICT, _("Already answered"),
                  _("SocialHub has already received the answer to this sign-in. You can close "
                    "this page."));
      return;
    }

  switch (sh_x_parse_callback (raw_query, self->state, &code, &error))
    {
    case SH_X_CALLBACK_CODE:
      reply_page (msg, SOUP_STATUS_OK, _("Return to SocialHub"),
                  _("SocialHub has received X’s answer. You can close this page and return to "
                    "SocialHub."));
      g_signal_connect_object (msg, "finished", G_CALLBACK (on_answer_finished), self, 0);
      conclude (self, g_steal_pointer (&code), NULL);
      return;

    case SH_X_CALLBACK_DENIED:
      reply_page (msg, SOUP_STATUS_OK, _("Access not granted"),
                  _("X says access was not granted. You can close this page and return to "
                    "SocialHub."));
      g_signal_connect_object (msg, "finished", G_CALLBACK (on_answer_finished), self, 0);
      g_debug ("X sign-in: X answered error “%s”", error);
      conclude (self, NULL,
                g_error_new_literal (SH_ERROR, SH_ERROR_SIGN_IN_DECLINED,
                                     _("Access was not granted on X.")));
      return;

    case SH_X_CALLBACK_MALFORMED:
      g_debug ("X sign-in: an answer without a usable code was ignored");
      reply_page (msg, SOUP_STATUS_BAD_REQUEST, _("Incomplete answer"),
                  _("This answer from X has no authorization code. Return to SocialHub and "
                    "start the sign-in again if it does not go on by itself."));
      return;

    case SH_X_CALLBACK_WRONG_STATE:
    default:
      /* Maybe an old tab, maybe another program: refuse it and keep waiting
       * for the answer that carries this sign-in's state. */
      g_debug ("X sign-in: an answer with the wrong state was refused");
      reply_page (msg, SOUP_STATUS_BAD_REQUEST, _("Not the sign-in SocialHub is waiting for"),
                  _("This answer does not belong to the sign-in SocialHub started, so it was "
                    "ignored. Return to SocialHub and start the sign-in again if needed."));
      return;
    }
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
  if (self->server == NULL)
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

gboolean
sh_x_loopback_is_listening (ShXLoopback *self)
{
  g_return_val_if_fail (SH_IS_X_LOOPBACK (self), FALSE);
  return self->server != NULL;
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
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/callback", port);
  self->server = soup_server_new ("server-header", "SocialHub", NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);

  /* 127.0.0.1 only: never an address other machines can reach. */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (self->server, address, 0, &local_error))
    {
      g_set_error (error, SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                   _("SocialHub could not receive X’s answer on 127.0.0.1:%u (%s). Another "
                     "program may be using that port: close it, or choose another port with "
                     "the x-redirect-port setting and register "
                     "http://127.0.0.1:PORT/callback with the X app."),
                   port, local_error->message);
      g_clear_object (&self->server);
      return NULL;
    }
  g_debug ("X sign-in: waiting on 127.0.0.1:%u", port);
  return g_steal_pointer (&self);
}
