/* sh-facebook-provider.c — the provider class, its HTTP session, and
 * identifying a pasted token (who it belongs to, which Page). */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-config.h"
#include "sh-error.h"
#include "sh-http.h"
#include "sh-json.h"
#include "sh-provider-registry.h"
#include "sh-token-syntax.h"
#include "sh-facebook-classify.h"
#include "sh-facebook-private.h"

struct _ShFacebookProvider
{
  ShProvider    parent_instance;

  ShHttpClient *http;
  ShFacebookUsage *usage;        /* what the Graph's answers last said: the
                                  * app's, shared with the Instagram provider */
  GHashTable   *deferred;         /* token ids a check left for later (budget) */
};

G_DEFINE_FINAL_TYPE (ShFacebookProvider, sh_facebook_provider, SH_TYPE_PROVIDER)

/* ---- HTTP ---------------------------------------------------------------- */

ShHttpClient *
_sh_facebook_get_http (ShFacebookProvider *self)
{
  return self->http;
}

SoupSession *
_sh_facebook_get_session (ShFacebookProvider *self)
{
  return sh_http_client_get_session (self->http);
}

char *
_sh_facebook_client_token (void)
{
  g_autofree char *app_id = sh_config_dup (&sh_facebook_config_app_id);
  g_autofree char *client_token = sh_config_dup (&sh_facebook_config_client_token);

  if (*app_id == '\0' || *client_token == '\0')
    return NULL;
  return g_strconcat (app_id, "|", client_token, NULL);
}

static char *
graph_url (void)
{
  return sh_config_dup (&sh_facebook_config_graph_url);
}

JsonObject *
_sh_facebook_reply_object (ShHttpReply *reply)
{
  g_autoptr(JsonNode) root = NULL;

  /* Through sh_json_parse(), like the error and batch parsers: json-glib
   * alone leaks on "{…} {…}" and overflows its stack on deep nesting
   * (tests/fuzz). */
  if (reply->status != 200 || reply->body == NULL ||
      (root = sh_json_parse (reply->body, reply->length)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

GError *
_sh_facebook_reply_error (ShHttpReply *reply)
{
  ShFacebookVerdict verdict;

  if (reply->status == 0)
    {
      if (sh_http_reply_is_cancelled (reply))
        return g_error_copy (reply->error);
      return g_error_new (SH_ERROR, SH_ERROR_NETWORK, _("Facebook could not be reached: %s"),
                          sh_http_describe_error (reply->error));
    }
  if (sh_http_error_is_too_large (reply->error))
    return g_error_copy (reply->error);

  sh_facebook_classify_response (reply->status, reply->body, reply->length, &verdict);
  if (sh_token_state_is_verdict (verdict.state) && verdict.state != SH_TOKEN_STATE_VALID)
    return g_error_new (SH_ERROR, SH_ERROR_TOKEN_REFUSED, _("Facebook refused the token: %s"),
                        sh_network_explain_reason (SH_FACEBOOK_NETWORK, verdict.reason));
  if (verdict.throttled)
    return g_error_new_literal (SH_ERROR, SH_ERROR_SERVER,
                                _("Facebook asked SocialHub to slow down. Try again in a few minutes."));
  return g_error_new (SH_ERROR, SH_ERROR_SERVER,
                      _("Facebook gave an answer SocialHub cannot use (HTTP %u)."), reply->status);
}

/* Every Graph answer says how much of the budgets is used, whoever asked. */
static void
on_replied (ShHttpClient       *http,
            const ShHttpReply  *reply,
            ShFacebookProvider *self)
{
  sh_facebook_usage_note (self->usage, reply);
}

guint
_sh_facebook_get_usage (ShFacebookProvider *self,
                        gboolean           *out_fresh)
{
  if (out_fresh != NULL)
    *out_fresh = sh_facebook_usage_is_fresh (self->usage);
  return self->usage->percent;
}

void
_sh_facebook_age_usage (ShFacebookProvider *self,
                        guint               seconds)
{
  sh_facebook_usage_age (self->usage, seconds);
}

gint64
_sh_facebook_get_throttled_until (ShFacebookProvider *self)
{
  return self->usage->throttled_until;
}

void
_sh_facebook_set_throttled_until (ShFacebookProvider *self,
                                  gint64              until)
{
  sh_facebook_usage_pause_until (self->usage, until);
}

/* ---- the Pages of a user token ------------------------------------------ */

typedef struct {
  char      *user_token;
  gint64     data_access_expires_at;
  char      *owner_id;
  char      *owner_name;
  GPtrArray *channels;   /* ShGrantedChannel */
  guint      n_pages;    /* pages fetched, against runaway paging */
  GError    *refused;    /* why the first Page token that cannot be used was left out */
  guint      n_refused;
  gboolean   need_one;   /* no Page at all is an error */
} ListPages;

static void
list_pages_free (ListPages *data)
{
  if (data->user_token != NULL)
    {
      memset (data->user_token, 0, strlen (data->user_token));
      g_free (data->user_token);
    }
  g_free (data->owner_id);
  g_free (data->owner_name);
  g_clear_pointer (&data->channels, g_ptr_array_unref);
  g_clear_error (&data->refused);
  g_free (data);
}

/* The "next" link of a Graph page carries the token in its query; keep the
 * path and cursor, drop the token (it goes in the header). */
static char *
next_path (const char *next)
{
  g_autoptr(GUri) uri = g_uri_parse (next, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *encoded = NULL;
  const char *path, *slash;

  if (uri == NULL || g_uri_get_query (uri) == NULL)
    return NULL;
  path = g_uri_get_path (uri);
  /* Drop the version prefix ("/v24.0/me/accounts" → "/me/accounts"). */
  if (path[0] == '/' && path[1] == 'v' && (slash = strchr (path + 1, '/')) != NULL)
    path = slash;
  query = soup_form_decode (g_uri_get_query (uri));
  g_hash_table_remove (query, "access_token");
  encoded = soup_form_encode_hash (query);
  return g_strconcat (path, "?", encoded, NULL);
}

static void on_pages (GObject *source, GAsyncResult *result, gpointer user_data);

static void
fetch_pages (GTask      *task,
             const char *path)
{
  ListPages *data = g_task_get_task_data (task);

  sh_http_client_get_async (_sh_facebook_get_http (g_task_get_source_object (task)), path,
                            data->user_token, g_task_get_cancellable (task), on_pages, task);
}

/* "picture": {"data": {"url": …, "is_silhouette": …}}: the Page's picture,
 * or NULL for Facebook's grey silhouette (the app's initials say more). */
static char *
page_picture_url (JsonObject *page)
{
  JsonObject *data = sh_json_get_object (sh_json_get_object (page, "picture"), "data");
  JsonNode *silhouette = data != NULL ? json_object_get_member (data, "is_silhouette") : NULL;
  const char *url = sh_json_get_string (data, "url");

  if (url == NULL || (silhouette != NULL && JSON_NODE_HOLDS_VALUE (silhouette) &&
                      json_node_get_value_type (silhouette) == G_TYPE_BOOLEAN &&
                      json_node_get_boolean (silhouette)))
    return NULL;
  return g_strdup (url);
}

static void
on_pages (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListPages *data = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  g_autoptr(JsonObject) object = _sh_facebook_reply_object (reply);
  JsonNode *pages, *paging;
  const char *next = NULL;

  if (object == NULL || (pages = json_object_get_member (object, "data")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (pages))
    {
      g_task_return_error (task, _sh_facebook_reply_error (reply));
      return;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (pages)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (pages), i);
      JsonObject *page = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = sh_json_get_string (page, "id");
      const char *token = sh_json_get_string (page, "access_token");
      ShGrantedChannel *channel;

      /* A Page listed without a token: the person lacks the task that
       * gives one; nothing to add for it. */
      if (id == NULL || token == NULL)
        continue;
      /* A token that cannot be one (a line break, a control character…)
       * would break a header at the next check: that Page is left out, the
       * others of the grant still come. */
      if (!sh_token_syntax_check_issued (SH_FACEBOOK_NETWORK, token, strlen (token),
                                         data->refused == NULL ? &data->refused : NULL))
        {
          data->n_refused++;
          continue;
        }
      channel = sh_granted_channel_new (SH_FACEBOOK_NETWORK);
      channel->external_id = g_strdup (id);
      channel->name = g_strdup (sh_json_get_string (page, "name") ?: id);
      channel->picture_url = page_picture_url (page);
      channel->owner_id = g_strdup (data->owner_id);
      channel->owner_name = g_strdup (data->owner_name);
      /* A Page token from a long-lived user token never expires (0). */
      channel->secret = sh_secret_new (token, NULL, 0);
      channel->data_access_expires_at = data->data_access_expires_at;
      g_ptr_array_add (data->channels, channel);
    }

  paging = json_object_get_member (object, "paging");
  if (paging != NULL && JSON_NODE_HOLDS_OBJECT (paging))
    next = sh_json_get_string (json_node_get_object (paging), "next");
  if (next != NULL && ++data->n_pages < 100)
    {
      g_autofree char *path = next_path (next);

      if (path != NULL)
        {
          fetch_pages (g_steal_pointer (&task), path);
          return;
        }
    }

  if (data->refused != NULL)
    {
      /* Every Page left out: the reason is the answer. */
      if (data->channels->len == 0)
        {
          g_task_return_error (task, g_steal_pointer (&data->refused));
          return;
        }
      /* Some came: they are added, and the person is told why others are
       * missing (the message holds no token). */
      g_message (g_dngettext (GETTEXT_PACKAGE, "%u Facebook Page was left out. %s",
                              "%u Facebook Pages were left out. %s", data->n_refused),
                 data->n_refused, data->refused->message);
    }
  if (data->need_one && data->channels->len == 0)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_TOKEN_REFUSED,
                               _("This token belongs to a person who manages no Facebook Page "
                                 "SocialHub could add."));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&data->channels), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_owner (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListPages *data = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  g_autoptr(JsonObject) me = _sh_facebook_reply_object (reply);

  if (me == NULL || sh_json_get_string (me, "id") == NULL)
    {
      g_task_return_error (task, _sh_facebook_reply_error (reply));
      return;
    }
  data->owner_id = g_strdup (sh_json_get_string (me, "id"));
  data->owner_name = g_strdup (sh_json_get_string (me, "name"));
  fetch_pages (g_steal_pointer (&task),
               "/me/accounts?fields=id,name,access_token,tasks,picture%7Burl,is_silhouette%7D&limit=100");
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *channels = g_task_propagate_pointer (G_TASK (result), &error);

  if (channels == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, channels, (GDestroyNotify) g_ptr_array_unref);
}

void
_sh_facebook_answer_with_pages (GTask      *task,
                                const char *user_token,
                                gint64      data_access_expires_at,
                                gboolean    need_one)
{
  ShFacebookProvider *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GTask *list = g_task_new (self, cancellable, on_listed, task);
  ListPages *data = g_new0 (ListPages, 1);

  g_task_set_source_tag (list, _sh_facebook_answer_with_pages);
  data->user_token = g_strdup (user_token);
  data->data_access_expires_at = data_access_expires_at;
  data->need_one = need_one;
  data->channels = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_granted_channel_free);
  g_task_set_task_data (list, data, (GDestroyNotify) list_pages_free);
  sh_http_client_get_async (self->http, "/me?fields=id,name", user_token, cancellable,
                            on_owner, list);
}

/* ---- identify a pasted token ---------------------------------------------- */

typedef struct {
  char *token;
  char *id;
  char *name;
} Identify;

static void
identify_free (Identify *data)
{
  memset (data->token, 0, strlen (data->token));
  g_free (data->token);
  g_free (data->id);
  g_free (data->name);
  g_free (data);
}

/* Whether /me/accounts works tells a user token from a Page token: a Page
 * has no "accounts" edge (error 100). */
static void
on_identify_accounts (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Identify *data = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  g_autoptr(GPtrArray) channels = NULL;
  ShGrantedChannel *channel;
  int code, subcode;

  if (reply->status == 200)
    {
      _sh_facebook_answer_with_pages (g_steal_pointer (&task), data->token, 0, TRUE);
      return;
    }
  if (!sh_facebook_parse_error (reply->body, reply->length, &code, &subcode) || code != 100)
    {
      g_task_return_error (task, _sh_facebook_reply_error (reply));
      return;
    }

  /* A Page token: the Page is known, the person who granted it is not. */
  channels = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_granted_channel_free);
  channel = sh_granted_channel_new (SH_FACEBOOK_NETWORK);
  channel->external_id = g_strdup (data->id);
  channel->name = g_strdup (data->name ?: data->id);
  channel->secret = sh_secret_new (data->token, NULL, 0);
  g_ptr_array_add (channels, channel);
  g_task_return_pointer (task, g_steal_pointer (&channels), (GDestroyNotify) g_ptr_array_unref);
}

/* Why the Graph did not take a pasted token. "Invalid" here means the
 * text was never a working token (a typo, a part of one, a made-up one) as
 * much as one that stopped working: say so, not that the network "no longer"
 * accepts it. The other reasons (expired, password changed, …) are known
 * facts about a real token and are said as they are. */
static GError *
identify_error (ShHttpReply *reply)
{
  ShFacebookVerdict verdict;

  if (reply->status != 0 && !sh_http_error_is_too_large (reply->error))
    {
      sh_facebook_classify_response (reply->status, reply->body, reply->length, &verdict);
      if (verdict.state == SH_TOKEN_STATE_INVALID && verdict.reason == SH_TOKEN_REASON_INVALID_TOKEN)
        return g_error_new_literal (SH_ERROR, SH_ERROR_TOKEN_REFUSED,
                                    _("Facebook refused the token: it is not a valid access token. "
                                      "Copy the whole token again, or get a new one."));
    }
  return _sh_facebook_reply_error (reply);
}

static void
on_identify_me (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShFacebookProvider *self = g_task_get_source_object (task);
  Identify *data = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  g_autoptr(JsonObject) me = _sh_facebook_reply_object (reply);
  GCancellable *cancellable;

  if (me == NULL || sh_json_get_string (me, "id") == NULL)
    {
      g_task_return_error (task, identify_error (reply));
      return;
    }
  data->id = g_strdup (sh_json_get_string (me, "id"));
  data->name = g_strdup (sh_json_get_string (me, "name"));
  cancellable = g_task_get_cancellable (task);
  sh_http_client_get_async (self->http, "/me/accounts?fields=id&limit=1", data->token,
                            cancellable, on_identify_accounts, g_steal_pointer (&task));
}

static void
sh_facebook_provider_identify_async (ShProvider          *provider,
                                     const char          *access_token,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task = g_task_new (provider, cancellable, callback, user_data);
  Identify *data = g_new0 (Identify, 1);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, sh_facebook_provider_identify_async);
  data->token = g_strstrip (g_strdup (access_token));
  g_task_set_task_data (task, data, (GDestroyNotify) identify_free);
  /* Nothing reaches a header that could not be a token (the command line
   * checked the raw bytes already; the dialog's text is checked here). */
  if (!sh_token_syntax_check_pasted (SH_FACEBOOK_NETWORK, access_token, strlen (access_token),
                                     &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  sh_http_client_get_async (SH_FACEBOOK_PROVIDER (provider)->http, "/me?fields=id,name",
                            data->token, cancellable, on_identify_me, task);
}

/* ---- class ------------------------------------------------------------------ */

static void
sh_facebook_provider_dispose (GObject *object)
{
  ShFacebookProvider *self = SH_FACEBOOK_PROVIDER (object);

  g_clear_object (&self->http);
  g_clear_pointer (&self->deferred, g_hash_table_unref);
  g_clear_pointer (&self->usage, sh_facebook_usage_unref);
  G_OBJECT_CLASS (sh_facebook_provider_parent_class)->dispose (object);
}

static void
sh_facebook_provider_class_init (ShFacebookProviderClass *klass)
{
  ShProviderClass *provider_class = SH_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sh_facebook_provider_dispose;
  _sh_facebook_describe_class (provider_class);
  provider_class->sign_in_async = _sh_facebook_sign_in_async;
  provider_class->identify_async = sh_facebook_provider_identify_async;
  provider_class->check_async = _sh_facebook_check_async;
  provider_class->check_feed_async = _sh_facebook_check_feed_async;
}

static void
sh_facebook_provider_init (ShFacebookProvider *self)
{
  /* Enough connections for the parallel batches plus a sign-in or a
   * picture at the same time. The token of a GET goes in the header as
   * "OAuth TOKEN", never in the URL. */
  self->http = sh_http_client_new (graph_url, "OAuth", SH_HTTP_CLIENT_FLAGS_NONE,
                                   SH_FACEBOOK_PARALLEL_BATCHES + 2);
  g_signal_connect_object (self->http, "replied", G_CALLBACK (on_replied), self, 0);
  self->deferred = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->usage = _sh_facebook_share_usage (TRUE);
}

ShFacebookUsage *
_sh_facebook_get_usage_memory (ShFacebookProvider *self)
{
  return self->usage;
}

/* One usage memory per Graph app, for every client of it in the process. */
ShFacebookUsage *
_sh_facebook_share_usage (gboolean fresh)
{
  g_autofree char *app_id = sh_config_dup (&sh_facebook_config_app_id);

  return sh_facebook_usage_share (app_id, fresh);
}

GHashTable *
_sh_facebook_get_deferred (ShFacebookProvider *self)
{
  return self->deferred;
}

ShProvider *
sh_facebook_provider_new (void)
{
  return g_object_new (SH_TYPE_FACEBOOK_PROVIDER, NULL);
}
