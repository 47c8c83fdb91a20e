/* sh-sandbox-server.c — routes requests to the emulated networks and applies
 * the HTTP-level faults the control endpoint asked for. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sh-sandbox-control.h"
#include "sh-sandbox-graph.h"
#include "sh-sandbox-server.h"
#include "sh-sandbox-x.h"

struct _ShSandboxServer
{
  GObject          parent_instance;

  ShSandboxWorld  *world;
  SoupServer      *server;
  char            *base_url;
  GPtrArray       *request_log;   /* char * */
  GPtrArray       *hung;          /* SoupServerMessage, never answered */
  char            *state_file;    /* NULL: the world lives in memory only */
  guint            save_id;
};

G_DEFINE_FINAL_TYPE (ShSandboxServer, sh_sandbox_server, G_TYPE_OBJECT)

typedef void (*NetworkHandler) (ShSandboxWorld       *world,
                                SoupServerMessage    *msg,
                                const char           *path,
                                GHashTable           *query,
                                const ShSandboxFault *fault);

/* A request held back by a latency fault. */
typedef struct {
  ShSandboxServer   *server;
  SoupServerMessage *msg;
  NetworkHandler     handler;
  char              *path;
  GHashTable        *query;
  guint              timeout_id;
  gulong             disconnected_id;
} Delayed;

static void
delayed_free (Delayed *delayed)
{
  g_clear_handle_id (&delayed->timeout_id, g_source_remove);
  g_clear_signal_handler (&delayed->disconnected_id, delayed->msg);
  g_object_unref (delayed->msg);
  g_object_unref (delayed->server);
  g_hash_table_unref (delayed->query);
  g_free (delayed->path);
  g_free (delayed);
}

static void
save_state (ShSandboxServer *self)
{
  g_autofree char *json = sh_sandbox_world_save_state (self->world);
  g_autofree char *dir = g_path_get_dirname (self->state_file);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (self->state_file, json, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    g_message ("The sandbox could not keep its state: %s", error->message);
}

static gboolean
on_save_state (gpointer user_data)
{
  ShSandboxServer *self = user_data;

  self->save_id = 0;
  save_state (self);
  return G_SOURCE_REMOVE;
}

static void
sh_sandbox_server_dispose (GObject *object)
{
  ShSandboxServer *self = SH_SANDBOX_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->hung, g_ptr_array_unref);
  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      save_state (self);
    }
  g_clear_object (&self->world);

  G_OBJECT_CLASS (sh_sandbox_server_parent_class)->dispose (object);
}

static void
sh_sandbox_server_finalize (GObject *object)
{
  ShSandboxServer *self = SH_SANDBOX_SERVER (object);

  g_free (self->base_url);
  g_free (self->state_file);
  g_ptr_array_unref (self->request_log);

  G_OBJECT_CLASS (sh_sandbox_server_parent_class)->finalize (object);
}

static void
sh_sandbox_server_class_init (ShSandboxServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_sandbox_server_dispose;
  object_class->finalize = sh_sandbox_server_finalize;
}

static void
sh_sandbox_server_init (ShSandboxServer *self)
{
  self->request_log = g_ptr_array_new_with_free_func (g_free);
  self->hung = g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---- faults at the HTTP level -------------------------------------------------- */

static void
set_text (SoupServerMessage *msg,
          guint              status,
          const char        *content_type,
          const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
truncate_response (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  const char *content_type =
    soup_message_headers_get_content_type (soup_server_message_get_response_headers (msg), NULL);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *type = g_strdup (content_type ? content_type : "application/json");
  gsize length = g_bytes_get_size (bytes);

  /* set_response appends to a body that is already there. */
  soup_message_body_truncate (body);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), length / 2);
}

/* Far more than any answer of the Graph or X: what a client must refuse. */
#define HUGE_BODY (10 * 1024 * 1024)
#define HUGE_CHUNK (64 * 1024)

static void
huge_response (SoupServerMessage *msg,
               gboolean           chunked)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  if (!chunked)
    {
      /* One JSON string, valid to the end: only its size is wrong. */
      char *text = g_malloc (HUGE_BODY);

      memset (text, 'x', HUGE_BODY);
      memcpy (text, "{\"data\":\"", strlen ("{\"data\":\""));
      memcpy (text + HUGE_BODY - 2, "\"}", 2);
      soup_message_body_append (body, SOUP_MEMORY_TAKE, text, HUGE_BODY);
      return;
    }

  /* Chunked: the size is known only by reading. The chunks share one
   * buffer, kept alive by the GBytes of each. */
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  {
    g_autofree char *filler = g_malloc (HUGE_CHUNK);
    g_autoptr(GBytes) chunk = NULL;

    memset (filler, ' ', HUGE_CHUNK);
    chunk = g_bytes_new_take (g_steal_pointer (&filler), HUGE_CHUNK);
    soup_message_body_append (body, SOUP_MEMORY_STATIC, "[", 1);
    for (guint i = 0; i < HUGE_BODY / HUGE_CHUNK; i++)
      soup_message_body_append_bytes (body, chunk);
    soup_message_body_append (body, SOUP_MEMORY_STATIC, "]", 1);
    soup_message_body_complete (body);
  }
}

/* Sends the headers and the first half of the answer @msg already holds,
 * then stalls: the client waits for the rest until it gives up. */
static void
hang_mid_body (ShSandboxServer   *self,
               SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize length = g_bytes_get_size (bytes);

  /* Chunked, so that the server writes what it has and then waits for a
   * chunk that never comes (the body is never completed). */
  soup_message_body_truncate (body);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_append (body, SOUP_MEMORY_COPY, g_bytes_get_data (bytes, NULL),
                            MAX (length / 2, 1));
  g_ptr_array_add (self->hung, g_object_ref (msg));
}

static void
dispatch (ShSandboxServer      *self,
          SoupServerMessage    *msg,
          NetworkHandler        handler,
          const char           *path,
          GHashTable           *query,
          const ShSandboxFault *fault)
{
  handler (self->world, msg, path, query,
           fault != NULL && (fault->kind == SH_SANDBOX_FAULT_THROTTLE ||
                             fault->kind == SH_SANDBOX_FAULT_BATCH_NULL) ? fault : NULL);
  if (fault != NULL && fault->kind == SH_SANDBOX_FAULT_TRUNCATED)
    truncate_response (msg);
  if (fault != NULL && fault->kind == SH_SANDBOX_FAULT_HANG_BODY)
    hang_mid_body (self, msg);
}

static gboolean
on_delay_done (gpointer user_data)
{
  Delayed *delayed = user_data;

  delayed->timeout_id = 0;
  dispatch (delayed->server, delayed->msg, delayed->handler, delayed->path, delayed->query, NULL);
  soup_server_message_unpause (delayed->msg);
  delayed_free (delayed);
  return G_SOURCE_REMOVE;
}

static void
on_delayed_disconnected (SoupServerMessage *msg,
                         Delayed           *delayed)
{
  delayed_free (delayed);
}

static void
handle_network (ShSandboxServer   *self,
                SoupServerMessage *msg,
                const char        *network,
                NetworkHandler     handler,
                const char        *path,
                GHashTable        *query)
{
  g_autoptr(ShSandboxFault) fault = sh_sandbox_world_take_fault (self->world, network, path);

  switch (fault ? fault->kind : SH_SANDBOX_FAULT_NONE)
    {
    case SH_SANDBOX_FAULT_LATENCY:
      {
        Delayed *delayed = g_new0 (Delayed, 1);

        delayed->server = g_object_ref (self);
        delayed->msg = g_object_ref (msg);
        delayed->handler = handler;
        delayed->path = g_strdup (path);
        delayed->query = g_hash_table_ref (query);
        delayed->timeout_id = g_timeout_add (fault->delay_ms, on_delay_done, delayed);
        delayed->disconnected_id = g_signal_connect (msg, "disconnected",
                                                     G_CALLBACK (on_delayed_disconnected), delayed);
        soup_server_message_pause (msg);
      }
      return;

    case SH_SANDBOX_FAULT_HANG:
      g_ptr_array_add (self->hung, g_object_ref (msg));
      soup_server_message_pause (msg);
      return;

    case SH_SANDBOX_FAULT_STATUS:
      {
        g_autofree char *page =
          g_strdup_printf ("<html><head><title>%u %s</title></head><body><h1>%s</h1></body></html>",
                           fault->status, soup_status_get_phrase (fault->status),
                           soup_status_get_phrase (fault->status));
        set_text (msg, fault->status, "text/html", page);
      }
      return;

    case SH_SANDBOX_FAULT_HTML:
      set_text (msg, fault->status ? fault->status : 200, "text/html; charset=utf-8",
                "<!DOCTYPE html><html><head><title>Error</title></head><body>"
                "<p>Sorry, something went wrong. We're working on it.</p></body></html>");
      return;

    case SH_SANDBOX_FAULT_EMPTY:
      set_text (msg, 200, "application/json", "");
      return;

    case SH_SANDBOX_FAULT_HUGE:
      huge_response (msg, fault->code == 1);
      return;

    case SH_SANDBOX_FAULT_OFFLINE:
      {
        /* No status, no body: the client sees the connection end, as it
         * does when the network is gone. */
        g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

        if (stream != NULL)
          g_io_stream_close (stream, NULL, NULL);
      }
      return;

    case SH_SANDBOX_FAULT_NONE:
    case SH_SANDBOX_FAULT_TRUNCATED:
    case SH_SANDBOX_FAULT_HANG_BODY:
    case SH_SANDBOX_FAULT_THROTTLE:
    case SH_SANDBOX_FAULT_BATCH_NULL:
    default:
      dispatch (self, msg, handler, path, query, fault);
      return;
    }
}

/* ---- pictures ------------------------------------------------------------------ */

/* A round avatar with initials: enough for the app's picture cache to have
 * something real to fetch, without shipping anyone's image. */
static void
handle_picture (ShSandboxServer   *self,
                SoupServerMessage *msg,
                const char        *path)
{
  g_autofree char *id = g_strndup (path, strlen (path) - strlen (".svg"));
  const char *name = NULL;
  g_autofree char *svg = NULL;
  char initials[3] = { 0 };
  guint hue;
  ShSandboxPerson *person = sh_sandbox_world_get_person (self->world, id);
  ShSandboxPage *page = sh_sandbox_world_get_page (self->world, id);
  ShSandboxXAccount *account = sh_sandbox_world_get_x_account (self->world, id);
  ShSandboxPage *instagram = sh_sandbox_world_instagram_page (self->world, id);

  name = person ? person->name : page ? page->name : account ? account->name
       : instagram ? instagram->instagram_username : NULL;
  if (name == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  initials[0] = name[0];
  if (strchr (name, ' ') != NULL)
    initials[1] = strchr (name, ' ')[1];
  hue = g_str_hash (id) % 360;
  svg = g_strdup_printf ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"96\">"
                         "<circle cx=\"48\" cy=\"48\" r=\"48\" fill=\"hsl(%u,55%%,45%%)\"/>"
                         "<text x=\"48\" y=\"60\" font-family=\"sans-serif\" font-size=\"36\" "
                         "fill=\"white\" text-anchor=\"middle\">%s</text></svg>", hue, initials);
  set_text (msg, 200, "image/svg+xml", svg);
}

/* ---- routing ------------------------------------------------------------------- */

static void
copy_form (GHashTable *into,
           const char *encoded)
{
  /* soup_form_decode's values share their key's allocation: copy both. */
  g_autoptr(GHashTable) form = soup_form_decode (encoded);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (into, g_strdup (key), g_strdup (value));
}

static GHashTable *
collect_params (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (g_uri_get_query (uri) != NULL)
    copy_form (params, g_uri_get_query (uri));
  if (body != NULL && body->length > 0 &&
      g_strcmp0 (content_type, "application/x-www-form-urlencoded") == 0)
    {
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      copy_form (params, text);
    }
  return params;
}

static void
log_request (ShSandboxServer   *self,
             SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);

  g_ptr_array_add (self->request_log,
                   g_strdup_printf ("%s %s%s%s", soup_server_message_get_method (msg),
                                    g_uri_get_path (uri), query ? "?" : "", query ? query : ""));
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *unused,
            gpointer           user_data)
{
  ShSandboxServer *self = SH_SANDBOX_SERVER (user_data);
  g_autoptr(GHashTable) params = collect_params (msg);
  const char *rest;

  log_request (self, msg);

  if (g_str_has_prefix (path, "/graph/v"))
    {
      rest = strchr (path + strlen ("/graph/"), '/');
      handle_network (self, msg, "graph", sh_sandbox_graph_handle, rest ? rest : "/", params);
    }
  else if (g_str_has_prefix (path, "/x/"))
    handle_network (self, msg, "x", sh_sandbox_x_handle, path + strlen ("/x"), params);
  else if (g_str_has_prefix (path, "/control/"))
    sh_sandbox_control_handle (self->world, self->request_log, msg, path + strlen ("/control"),
                               params);
  else if (g_str_equal (path, "/device"))
    sh_sandbox_graph_device_page (self->world, msg, params);
  else if (g_str_has_prefix (path, "/pictures/") && g_str_has_suffix (path, ".svg"))
    handle_picture (self, msg, path + strlen ("/pictures/"));
  else
    soup_server_message_set_status (msg, 404, NULL);

  /* Any request may have issued or broken a token: keep the world, once
   * the burst of requests is over. */
  if (self->state_file != NULL && self->save_id == 0)
    self->save_id = g_timeout_add (100, on_save_state, self);
}

/* ---- public API ------------------------------------------------------------------- */

static ShSandboxServer *
server_new (ShSandboxWorld   *world,
            guint             port,
            GTlsCertificate  *certificate,
            GError          **error)
{
  g_autoptr(ShSandboxServer) self = g_object_new (SH_TYPE_SANDBOX_SERVER, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSList *uris;

  self->world = world ? g_object_ref (world) : sh_sandbox_world_new ();
  self->server = soup_server_new ("server-header", "SocialHub-Sandbox",
                                  "tls-certificate", certificate,
                                  NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);

  /* 127.0.0.1 only: nothing outside this machine can reach the emulator. */
  if (!soup_server_listen (self->server, address,
                           certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return NULL;

  uris = soup_server_get_uris (self->server);
  self->base_url = g_strdup_printf ("%s://127.0.0.1:%d", certificate != NULL ? "https" : "http",
                                    g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&self);
}

ShSandboxServer *
sh_sandbox_server_new (ShSandboxWorld  *world,
                       guint            port,
                       GError         **error)
{
  return server_new (world, port, NULL, error);
}

ShSandboxServer *
sh_sandbox_server_new_tls (ShSandboxWorld   *world,
                           guint             port,
                           GTlsCertificate  *certificate,
                           GError          **error)
{
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);
  return server_new (world, port, certificate, error);
}

ShSandboxWorld *
sh_sandbox_server_get_world (ShSandboxServer *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_SERVER (self), NULL);
  return self->world;
}

const char *
sh_sandbox_server_get_base_url (ShSandboxServer *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_SERVER (self), NULL);
  return self->base_url;
}

char *
sh_sandbox_server_dup_graph_url (ShSandboxServer *self)
{
  return g_strconcat (self->base_url, "/graph/" SH_SANDBOX_GRAPH_VERSION, NULL);
}

char *
sh_sandbox_server_dup_x_api_url (ShSandboxServer *self)
{
  return g_strconcat (self->base_url, "/x", NULL);
}

char *
sh_sandbox_server_dup_x_authorize_url (ShSandboxServer *self)
{
  return g_strconcat (self->base_url, "/x/i/oauth2/authorize", NULL);
}

void
sh_sandbox_server_export_environment (ShSandboxServer *self)
{
  g_autofree char *graph = sh_sandbox_server_dup_graph_url (self);
  g_autofree char *x_api = sh_sandbox_server_dup_x_api_url (self);
  g_autofree char *x_authorize = sh_sandbox_server_dup_x_authorize_url (self);

  g_setenv ("SOCIALHUB_GRAPH_URL", graph, TRUE);
  g_setenv ("SOCIALHUB_X_API_URL", x_api, TRUE);
  g_setenv ("SOCIALHUB_X_AUTHORIZE_URL", x_authorize, TRUE);
  g_setenv ("SOCIALHUB_FACEBOOK_APP_ID", SH_SANDBOX_APP_ID, TRUE);
  g_setenv ("SOCIALHUB_FACEBOOK_CLIENT_TOKEN", SH_SANDBOX_CLIENT_TOKEN, TRUE);
  g_setenv ("SOCIALHUB_X_CLIENT_ID", SH_SANDBOX_X_CLIENT_ID, TRUE);
}

GPtrArray *
sh_sandbox_server_get_request_log (ShSandboxServer *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_SERVER (self), NULL);
  return self->request_log;
}

void
sh_sandbox_server_set_state_file (ShSandboxServer *self,
                                  const char      *path)
{
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SH_IS_SANDBOX_SERVER (self));

  g_free (self->state_file);
  self->state_file = g_strdup (path);
  if (g_file_get_contents (path, &json, NULL, NULL) &&
      !sh_sandbox_world_load_state (self->world, json, &error))
    g_message ("The sandbox starts afresh; its saved state could not be read: %s", error->message);
}

void
sh_sandbox_server_save_state_now (ShSandboxServer *self)
{
  g_return_if_fail (SH_IS_SANDBOX_SERVER (self));

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->state_file != NULL)
    save_state (self);
}
