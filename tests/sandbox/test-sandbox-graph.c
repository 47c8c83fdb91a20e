/* test-sandbox-graph.c — the emulated Graph API pinned to docs/network-behaviour.md.
 *
 * Each test starts an in-process sandbox on a free loopback port and talks to
 * it with a real SoupSession; failures are scripted through the world's API
 * (the control endpoint has its own test). Every answer is checked for the
 * headers every Graph answer carries: facebook-api-version, a JSON
 * Content-Type and a parseable X-App-Usage.
 *
 * Token values never appear in an assertion message.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sh-sandbox-server.h"
#include "sandbox-test.h"
#include "test-util.h"

#define ALICE      "10001"   /* Acme Coffee, Corner Bookshop */
#define BOB        "10002"   /* Acme Coffee, Bakery & Sons */
#define ACME       "104857600123"
#define BAKERY     "104857600456"
#define BOOKSHOP   "104857600789"
#define CLIENT_TOKEN SH_SANDBOX_APP_ID "|" SH_SANDBOX_CLIENT_TOKEN

typedef struct {
  ShSandboxWorld  *world;
  ShSandboxServer *server;
  SoupSession     *session;
  char            *graph_url;
} Fixture;

typedef struct {
  SoupMessage *msg;
  guint        status;
  char        *body;
  JsonNode    *root;
} GraphReply;

static void
graph_reply_free (GraphReply *reply)
{
  g_clear_object (&reply->msg);
  g_free (reply->body);
  g_clear_pointer (&reply->root, json_node_unref);
  g_free (reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphReply, graph_reply_free)

static const char *
header (GraphReply *reply,
        const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (reply->msg), name);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
object_of (GraphReply *reply)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->root));
  return json_node_get_object (reply->root);
}

static void
assert_members (JsonObject         *object,
                const char * const *expected)
{
  g_autoptr(GList) names = json_object_get_members (object);

  g_assert_cmpuint (g_list_length (names), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_true (json_object_has_member (object, expected[i]));
}

/* X-App-Usage: {"call_count":N,"total_time":N,"total_cputime":N} */
static void
assert_app_usage (const char *value)
{
  g_autoptr(JsonNode) usage = NULL;
  JsonObject *object;
  const char *members[] = { "call_count", "total_time", "total_cputime", NULL };

  g_assert_nonnull (value);
  usage = parse_json (value);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (usage));
  object = json_node_get_object (usage);
  assert_members (object, members);
  for (guint i = 0; members[i] != NULL; i++)
    {
      gint64 percent = json_object_get_int_member (object, members[i]);

      g_assert_cmpint (percent, >=, 0);
      g_assert_cmpint (percent, <=, 100);
    }
}

/* X-Business-Use-Case-Usage: {"<page-id>":[{"type":"pages","call_count",
 * "total_cputime","total_time","estimated_time_to_regain_access"}]};
 * returns estimated_time_to_regain_access. */
static gint64
assert_business_usage (const char *value,
                       const char *page_id)
{
  g_autoptr(JsonNode) usage = NULL;
  JsonArray *entries;
  JsonObject *entry;
  const char *members[] = { "type", "call_count", "total_cputime", "total_time",
                            "estimated_time_to_regain_access", NULL };

  g_assert_nonnull (value);
  usage = parse_json (value);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (usage));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (usage)), ==, 1);
  entries = json_object_get_array_member (json_node_get_object (usage), page_id);
  g_assert_nonnull (entries);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_array_get_object_element (entries, 0);
  assert_members (entry, members);
  g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, "pages");
  return json_object_get_int_member (entry, "estimated_time_to_regain_access");
}

/* One Graph request. @path is what follows /graph/v24.0 (query included);
 * @form, when given, is sent urlencoded; @bearer goes in Authorization. */
static GraphReply *
graph (Fixture    *fixture,
       const char *method,
       const char *path,
       const char *form,
       const char *bearer)
{
  g_autofree char *url = g_strconcat (fixture->graph_url, path, NULL);
  g_autoptr(GBytes) bytes = NULL;
  GraphReply *reply = g_new0 (GraphReply, 1);
  const char *content_type;

  reply->msg = soup_message_new (method, url);
  g_assert_nonnull (reply->msg);
  if (form != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (reply->msg, "application/x-www-form-urlencoded",
                                                body);
    }
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (reply->msg),
                                    "Authorization", value);
    }
  bytes = sh_test_send_and_read (fixture->session, reply->msg);

  reply->status = soup_message_get_status (reply->msg);
  reply->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reply->root = parse_json (reply->body);

  /* What every Graph answer carries. */
  content_type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (reply->msg), NULL);
  g_assert_cmpstr (content_type, ==, "application/json");
  g_assert_cmpstr (header (reply, "facebook-api-version"), ==, "v24.0");
  assert_app_usage (header (reply, "X-App-Usage"));
  return reply;
}

static GraphReply *
graph_get (Fixture    *fixture,
           const char *path,
           const char *token)
{
  return graph (fixture, "GET", path, NULL, token);
}

/* Checks the error object and returns it:
 * {"error":{"message","type","code","error_subcode","is_transient",
 *           "error_user_title","error_user_msg","fbtrace_id"}}
 * @subcode 0: no error_subcode. @message NULL: any. Token errors (190) come
 * with WWW-Authenticate: OAuth "Facebook Platform" "invalid_token" "…". */
static JsonObject *
assert_error_object (JsonNode   *root,
                     gint64      code,
                     gint64      subcode,
                     const char *type,
                     const char *message)
{
  const char *allowed[] = { "message", "type", "code", "error_subcode", "is_transient",
                            "error_user_title", "error_user_msg", "fbtrace_id", NULL };
  g_autoptr(GList) names = NULL;
  JsonObject *error;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (root)), ==, 1);
  error = json_object_get_object_member (json_node_get_object (root), "error");
  g_assert_nonnull (error);

  names = json_object_get_members (error);
  for (GList *l = names; l != NULL; l = l->next)
    g_assert_true (g_strv_contains (allowed, l->data));

  g_assert_cmpstr (json_object_get_string_member (error, "type"), ==, type);
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, code);
  if (subcode != 0)
    g_assert_cmpint (json_object_get_int_member (error, "error_subcode"), ==, subcode);
  else
    g_assert_false (json_object_has_member (error, "error_subcode"));
  g_assert_cmpuint (strlen (json_object_get_string_member (error, "message")), >, 0);
  if (message != NULL)
    g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, message);
  g_assert_cmpuint (strlen (json_object_get_string_member (error, "fbtrace_id")), >, 0);
  return error;
}

static JsonObject *
assert_error (GraphReply *reply,
              guint       http_status,
              gint64      code,
              gint64      subcode,
              const char *type,
              const char *message)
{
  JsonObject *error;
  const char *challenge = header (reply, "WWW-Authenticate");

  g_assert_cmpuint (reply->status, ==, http_status);
  error = assert_error_object (reply->root, code, subcode, type, message);
  if (code == 190)
    {
      g_autofree char *expected =
        g_strdup_printf ("OAuth \"Facebook Platform\" \"invalid_token\" \"%s\"",
                         json_object_get_string_member (error, "message"));

      g_assert_cmpstr (challenge, ==, expected);
    }
  else
    g_assert_null (challenge);
  return error;
}

static gboolean
is_transient (JsonObject *error)
{
  return json_object_has_member (error, "is_transient") &&
         json_object_get_boolean_member (error, "is_transient");
}

static const char *
issue (Fixture    *fixture,
       ShSandboxTokenKind kind,
       const char *person,
       const char *page)
{
  const char *scopes[] = { "pages_show_list", "pages_read_engagement", NULL };
  ShSandboxToken *token =
    sh_sandbox_world_issue_token (fixture->world, kind, person, page,
                                  kind == SH_SANDBOX_TOKEN_FB_USER ? SH_SANDBOX_FB_USER_LIFETIME : 0,
                                  scopes);

  return token->value;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->world = sh_sandbox_world_new ();
  sh_test_start_sandbox (fixture->world, &fixture->server, &fixture->session);
  fixture->graph_url = sh_sandbox_server_dup_graph_url (fixture->server);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sh_test_stop_sandbox (&fixture->server, &fixture->session);
  g_clear_object (&fixture->world);
  g_clear_pointer (&fixture->graph_url, g_free);
}

/* ---- device login ---------------------------------------------------------- */

static GraphReply *
device_login (Fixture    *fixture,
              const char *scope)
{
  g_autofree char *form = soup_form_encode ("access_token", CLIENT_TOKEN, "scope", scope, NULL);

  return graph (fixture, "POST", "/device/login", form, NULL);
}

static GraphReply *
login_status (Fixture    *fixture,
              const char *code)
{
  g_autofree char *form = soup_form_encode ("access_token", CLIENT_TOKEN, "code", code, NULL);

  return graph (fixture, "POST", "/device/login_status", form, NULL);
}

static char *
start_device_login (Fixture *fixture)
{
  g_autoptr(GraphReply) reply = device_login (fixture, "pages_show_list,pages_read_engagement");

  g_assert_cmpuint (reply->status, ==, 200);
  return g_strdup (json_object_get_string_member (object_of (reply), "code"));
}

static void
test_device_login (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GraphReply) reply = device_login (fixture, "pages_show_list,pages_read_engagement");
  g_autoptr(GraphReply) wrong = NULL;
  g_autoptr(GraphReply) missing = NULL;
  const char *members[] = { "code", "user_code", "verification_uri", "expires_in", "interval", NULL };
  JsonObject *object;
  ShSandboxDeviceCode *code;

  g_assert_cmpuint (reply->status, ==, 200);
  object = object_of (reply);
  assert_members (object, members);
  /* The sandbox's own page (GET /device), not facebook.com. */
  {
    g_autofree char *page = g_strconcat (sh_sandbox_server_get_base_url (fixture->server),
                                         "/device", NULL);

    g_assert_cmpstr (json_object_get_string_member (object, "verification_uri"), ==, page);
  }
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 420);
  g_assert_cmpint (json_object_get_int_member (object, "interval"), ==, 5);
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "user_code")), >, 0);

  code = sh_sandbox_world_lookup_device_code (fixture->world,
                                              json_object_get_string_member (object, "code"));
  g_assert_nonnull (code);
  g_assert_cmpstr (code->user_code, ==, json_object_get_string_member (object, "user_code"));
  g_assert_cmpuint (g_strv_length (code->scopes), ==, 2);
  g_assert_cmpstr (code->scopes[0], ==, "pages_show_list");
  g_assert_cmpstr (code->scopes[1], ==, "pages_read_engagement");

  /* Anything but APP_ID|CLIENT_TOKEN is refused as a token error. */
  wrong = graph (fixture, "POST", "/device/login",
                 "access_token=" SH_SANDBOX_APP_ID "%7Cwrong&scope=pages_show_list", NULL);
  assert_error (wrong, 400, 190, 0, "OAuthException",
                "Invalid OAuth access token - Cannot parse access token");
  missing = graph (fixture, "POST", "/device/login", "scope=pages_show_list", NULL);
  assert_error (missing, 400, 190, 0, "OAuthException", NULL);
}

static void
test_device_pending_and_too_fast (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(GraphReply) first = NULL;
  g_autoptr(GraphReply) second = NULL;
  g_autoptr(GraphReply) third = NULL;

  sh_sandbox_world_set_approve_delay (fixture->world, 1000);
  code = start_device_login (fixture);

  first = login_status (fixture, code);
  assert_error (first, 400, 31, 1349174, "OAuthException", NULL);
  /* Polled again at once: sooner than "interval" (5 s). */
  second = login_status (fixture, code);
  assert_error (second, 400, 31, 1349172, "OAuthException", NULL);
  /* Slowed down: pending again. */
  sh_sandbox_world_advance (fixture->world, 5);
  third = login_status (fixture, code);
  assert_error (third, 400, 31, 1349174, "OAuthException", NULL);
}

static void
test_device_expired (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(GraphReply) reply = NULL;
  g_autoptr(GraphReply) unknown = NULL;
  g_autoptr(GraphReply) missing = NULL;

  sh_sandbox_world_set_approve_delay (fixture->world, 1000);
  code = start_device_login (fixture);
  sh_sandbox_world_advance (fixture->world, 421);
  reply = login_status (fixture, code);
  assert_error (reply, 400, 31, 1349152, "OAuthException", NULL);

  unknown = login_status (fixture, "no-such-code");
  assert_error (unknown, 400, 31, 1349152, "OAuthException", NULL);
  missing = graph (fixture, "POST", "/device/login_status",
                   "access_token=" SH_SANDBOX_APP_ID "%7C" SH_SANDBOX_CLIENT_TOKEN, NULL);
  assert_error (missing, 400, 100, 0, "OAuthException", NULL);
}

static void
test_device_declined (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(GraphReply) reply = NULL;

  sh_sandbox_world_set_next_device_person (fixture->world, BOB, TRUE);
  code = start_device_login (fixture);
  sh_sandbox_world_advance (fixture->world, 5);
  reply = login_status (fixture, code);
  assert_error (reply, 400, 31, 1349173, "OAuthException", NULL);
}

static void
test_device_approved (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(GraphReply) pending = NULL;
  g_autoptr(GraphReply) approved = NULL;
  g_autoptr(GraphReply) again = NULL;
  g_autoptr(GraphReply) me = NULL;
  g_autoptr(GraphReply) permissions = NULL;
  const char *members[] = { "access_token", "expires_in", "data_access_expiration_time", NULL };
  JsonObject *object;
  ShSandboxToken *token;
  JsonArray *data_array;
  gint64 now;

  sh_sandbox_world_set_approve_delay (fixture->world, 3);
  sh_sandbox_world_set_next_device_person (fixture->world, ALICE, FALSE);
  code = start_device_login (fixture);
  pending = login_status (fixture, code);
  assert_error (pending, 400, 31, 1349174, "OAuthException", NULL);

  /* The code approves itself after the approve delay. */
  sh_sandbox_world_advance (fixture->world, 5);
  approved = login_status (fixture, code);
  now = sh_sandbox_world_now (fixture->world);
  g_assert_cmpuint (approved->status, ==, 200);
  object = object_of (approved);
  assert_members (object, members);
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, SH_SANDBOX_FB_USER_LIFETIME);
  g_assert_cmpint (json_object_get_int_member (object, "data_access_expiration_time"), >=,
                   now - 2 + SH_SANDBOX_FB_DATA_ACCESS);
  g_assert_cmpint (json_object_get_int_member (object, "data_access_expiration_time"), <=,
                   now + SH_SANDBOX_FB_DATA_ACCESS);

  token = sh_sandbox_world_lookup_token (fixture->world,
                                         json_object_get_string_member (object, "access_token"));
  g_assert_nonnull (token);
  g_assert_cmpint (token->kind, ==, SH_SANDBOX_TOKEN_FB_USER);
  g_assert_cmpstr (token->person_id, ==, ALICE);

  me = graph_get (fixture, "/me?fields=id,name", token->value);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object_of (me), "id"), ==, ALICE);
  g_assert_cmpstr (json_object_get_string_member (object_of (me), "name"), ==, "Alice Example");

  /* The scopes asked for are the token's. */
  permissions = graph_get (fixture, "/me/permissions", token->value);
  data_array = json_object_get_array_member (object_of (permissions), "data");
  g_assert_cmpuint (json_array_get_length (data_array), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data_array, 0),
                                                  "permission"), ==, "pages_show_list");

  /* A code hands out one token: polling it again says "start again". */
  sh_sandbox_world_advance (fixture->world, 5);
  again = login_status (fixture, code);
  assert_error (again, 400, 31, 1349152, "OAuthException", NULL);
}

/* The person approves the login but declines instagram_basic: the token
 * leaves it out, /me/permissions lists it "declined" (API-FACTS.md), and
 * their Page's Instagram account answers (#10). */
static void
test_device_declines_instagram (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GraphReply) login = NULL;
  g_autoptr(GraphReply) approved = NULL;
  g_autoptr(GraphReply) permissions = NULL;
  g_autoptr(GraphReply) account = NULL;
  ShSandboxToken *token, *page_token;
  JsonArray *list;
  guint n_declined = 0, n_instagram_granted = 0;

  sh_sandbox_world_set_approve_delay (fixture->world, 0);
  sh_sandbox_world_set_next_device_person (fixture->world, ALICE, FALSE);
  sh_sandbox_world_set_next_device_declined_scope (fixture->world, "instagram_basic");
  login = device_login (fixture, "pages_show_list,instagram_basic");
  g_assert_cmpuint (login->status, ==, 200);
  sh_sandbox_world_advance (fixture->world, 5);
  approved = login_status (fixture, json_object_get_string_member (object_of (login), "code"));
  g_assert_cmpuint (approved->status, ==, 200);
  token = sh_sandbox_world_lookup_token (fixture->world,
                                         json_object_get_string_member (object_of (approved),
                                                                        "access_token"));
  g_assert_nonnull (token);
  g_assert_false (g_strv_contains ((const char * const *) token->scopes, "instagram_basic"));

  permissions = graph_get (fixture, "/me/permissions", token->value);
  list = json_object_get_array_member (object_of (permissions), "data");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *item = json_array_get_object_element (list, i);
      gboolean instagram = g_str_equal (json_object_get_string_member (item, "permission"),
                                        "instagram_basic");
      const char *status = json_object_get_string_member (item, "status");

      n_declined += instagram && g_str_equal (status, "declined");
      n_instagram_granted += instagram && g_str_equal (status, "granted");
    }
  g_assert_cmpuint (n_declined, ==, 1);
  g_assert_cmpuint (n_instagram_granted, ==, 0);

  page_token = sh_sandbox_world_issue_token (fixture->world, SH_SANDBOX_TOKEN_FB_PAGE, ALICE,
                                             "104857600123", 0, NULL);
  account = graph_get (fixture, "/17841400000000123?fields=id,username", page_token->value);
  assert_error (account, 403, 10, 0, "OAuthException", NULL);
}

/* ---- /me, /me/accounts, /me/permissions, /{page-id} ------------------------------ */

static void
test_me (Fixture       *fixture,
         gconstpointer  data)
{
  const char *user = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL);
  const char *page = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, ACME);
  const char *id_name[] = { "id", "name", NULL };
  const char *picture_members[] = { "height", "is_silhouette", "url", "width", NULL };
  g_autoptr(GraphReply) person = graph_get (fixture, "/me?fields=id,name", user);
  g_autoptr(GraphReply) plain = graph_get (fixture, "/me", user);
  g_autoptr(GraphReply) pictured = graph_get (fixture, "/me?fields=id,picture", user);
  g_autoptr(GraphReply) the_page = graph_get (fixture, "/me?fields=id,name", page);
  g_autoptr(GraphReply) category = graph_get (fixture, "/me?fields=category", page);
  g_autoptr(GraphReply) nonexisting = graph_get (fixture, "/me?fields=id,shoe_size", user);
  g_autoptr(GraphReply) anonymous = graph_get (fixture, "/me", NULL);
  g_autoptr(GraphReply) client = graph_get (fixture, "/me", CLIENT_TOKEN);
  g_autoptr(GraphReply) in_query = NULL;
  g_autofree char *escaped = g_uri_escape_string (user, NULL, TRUE);
  g_autofree char *query_path = g_strconcat ("/me?fields=id&access_token=", escaped, NULL);
  JsonObject *picture;

  g_assert_cmpuint (person->status, ==, 200);
  assert_members (object_of (person), id_name);
  g_assert_cmpstr (json_object_get_string_member (object_of (person), "id"), ==, ALICE);
  g_assert_cmpstr (json_object_get_string_member (object_of (person), "name"), ==, "Alice Example");
  /* id,name are the default fields. */
  assert_members (object_of (plain), id_name);
  g_assert_null (header (person, "X-Business-Use-Case-Usage"));

  picture = json_object_get_object_member (json_object_get_object_member (object_of (pictured),
                                                                          "picture"), "data");
  assert_members (picture, picture_members);
  g_assert_false (json_object_get_boolean_member (picture, "is_silhouette"));
  g_assert_cmpint (json_object_get_int_member (picture, "height"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (picture, "width"), ==, 50);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (picture, "url"),
                                   sh_sandbox_server_get_base_url (fixture->server)));

  /* A Page token's /me is the Page. */
  g_assert_cmpuint (the_page->status, ==, 200);
  assert_members (object_of (the_page), id_name);
  g_assert_cmpstr (json_object_get_string_member (object_of (the_page), "id"), ==, ACME);
  g_assert_cmpstr (json_object_get_string_member (object_of (the_page), "name"), ==, "Acme Coffee");
  g_assert_cmpstr (json_object_get_string_member (object_of (category), "category"), ==,
                   "Coffee Shop");

  assert_error (nonexisting, 400, 100, 0, "OAuthException",
                "(#100) Tried accessing nonexisting field (shoe_size) on node type (User)");
  assert_error (anonymous, 400, 2500, 0, "OAuthException",
                "An active access token must be used to query information about the current user.");
  assert_error (client, 400, 2500, 0, "OAuthException", NULL);

  /* The token in the query, and in "Authorization: OAuth". */
  in_query = graph_get (fixture, query_path, NULL);
  g_assert_cmpuint (in_query->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object_of (in_query), "id"), ==, ALICE);
  {
    g_autofree char *url = g_strconcat (fixture->graph_url, "/me", NULL);
    g_autofree char *value = g_strconcat ("OAuth ", page, NULL);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(SoupMessage) msg = NULL;
    g_autofree char *text = NULL;

    msg = soup_message_new ("GET", url);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    bytes = sh_test_send_and_read (fixture->session, msg);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    root = parse_json (text);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "id"), ==, ACME);
  }
}

static void
test_accounts (Fixture       *fixture,
               gconstpointer  data)
{
  const char *user = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL);
  const char *page = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, ACME);
  const char *no_scope[] = { "public_profile", NULL };
  ShSandboxToken *bare = sh_sandbox_world_issue_token (fixture->world, SH_SANDBOX_TOKEN_FB_USER,
                                                       ALICE, NULL, SH_SANDBOX_FB_USER_LIFETIME,
                                                       no_scope);
  g_autoptr(GraphReply) reply = graph_get (fixture, "/me/accounts?fields=id,name,access_token,tasks", user);
  g_autoptr(GraphReply) defaults = graph_get (fixture, "/me/accounts", user);
  g_autoptr(GraphReply) from_page = graph_get (fixture, "/me/accounts", page);
  g_autoptr(GraphReply) without_permission = graph_get (fixture, "/me/accounts", bare->value);
  const char *members[] = { "id", "name", "access_token", "tasks", NULL };
  const char *default_members[] = { "access_token", "category", "name", "id", "tasks", NULL };
  const char *tasks[] = { "ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE",
                          "MANAGE", NULL };
  const char *expected_ids[] = { ACME, BOOKSHOP };
  const char *expected_names[] = { "Acme Coffee", "Corner Bookshop" };
  JsonObject *cursors;
  JsonArray *pages;

  g_assert_cmpuint (reply->status, ==, 200);
  pages = json_object_get_array_member (object_of (reply), "data");
  g_assert_cmpuint (json_array_get_length (pages), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *item = json_array_get_object_element (pages, i);
      JsonArray *item_tasks = json_object_get_array_member (item, "tasks");
      const char *value = json_object_get_string_member (item, "access_token");
      ShSandboxToken *token = sh_sandbox_world_lookup_token (fixture->world, value);
      g_autoptr(GraphReply) me = NULL;

      assert_members (item, members);
      g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, expected_ids[i]);
      g_assert_cmpstr (json_object_get_string_member (item, "name"), ==, expected_names[i]);
      g_assert_cmpuint (json_array_get_length (item_tasks), ==, g_strv_length ((char **) tasks));
      for (guint t = 0; tasks[t] != NULL; t++)
        g_assert_cmpstr (json_array_get_string_element (item_tasks, t), ==, tasks[t]);

      /* A Page token that never expires, and works. */
      g_assert_nonnull (token);
      g_assert_cmpint (token->kind, ==, SH_SANDBOX_TOKEN_FB_PAGE);
      g_assert_cmpstr (token->target_id, ==, expected_ids[i]);
      g_assert_cmpstr (token->person_id, ==, ALICE);
      g_assert_cmpint (token->expires_at, ==, 0);
      me = graph_get (fixture, "/me?fields=id,name", value);
      g_assert_cmpuint (me->status, ==, 200);
      g_assert_cmpstr (json_object_get_string_member (object_of (me), "id"), ==, expected_ids[i]);
      assert_business_usage (header (me, "X-Business-Use-Case-Usage"), expected_ids[i]);
    }
  cursors = json_object_get_object_member (json_object_get_object_member (object_of (reply),
                                                                          "paging"), "cursors");
  g_assert_true (json_object_has_member (cursors, "before"));
  g_assert_true (json_object_has_member (cursors, "after"));

  /* Without fields: access_token, category, name, id, tasks. */
  pages = json_object_get_array_member (object_of (defaults), "data");
  assert_members (json_array_get_object_element (pages, 0), default_members);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (pages, 0),
                                                  "category"), ==, "Coffee Shop");

  /* Needs a user token … */
  assert_error (from_page, 400, 100, 0, "OAuthException",
                "(#100) Tried accessing nonexisting field (accounts) on node type (Page)");
  /* … with pages_show_list, or no Page shows. */
  g_assert_cmpuint (without_permission->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (without_permission),
                                                                         "data")), ==, 0);
}

static void
test_permissions (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *user = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, BOB, NULL);
  const char *page = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, BOB, BAKERY);
  const char *expected[] = { "pages_show_list", "pages_read_engagement", "public_profile", NULL };
  g_autoptr(GraphReply) reply = graph_get (fixture, "/me/permissions", user);
  g_autoptr(GraphReply) from_page = graph_get (fixture, "/me/permissions", page);
  g_autoptr(GraphReply) removed = NULL;
  g_autoptr(GraphReply) after = NULL;
  g_autoptr(GraphReply) page_after = NULL;
  g_autofree char *message = NULL;
  JsonArray *permissions;

  g_assert_cmpuint (reply->status, ==, 200);
  permissions = json_object_get_array_member (object_of (reply), "data");
  g_assert_cmpuint (json_array_get_length (permissions), ==, 3);
  for (guint i = 0; expected[i] != NULL; i++)
    {
      JsonObject *item = json_array_get_object_element (permissions, i);
      const char *members[] = { "permission", "status", NULL };

      assert_members (item, members);
      g_assert_cmpstr (json_object_get_string_member (item, "permission"), ==, expected[i]);
      g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "granted");
    }
  assert_error (from_page, 400, 100, 0, "OAuthException",
                "(#100) Tried accessing nonexisting field (permissions) on node type (Page)");

  /* DELETE /me/permissions removes the app: this token and the person's
   * Page tokens die with 190/458. */
  removed = graph (fixture, "DELETE", "/me/permissions", NULL, user);
  g_assert_cmpuint (removed->status, ==, 200);
  g_assert_cmpstr (removed->body, ==, "{\"success\":true}");
  message = g_strdup_printf ("Error validating access token: User %s has not authorized "
                             "application %s.", BOB, SH_SANDBOX_APP_ID);
  after = graph_get (fixture, "/me", user);
  assert_error (after, 400, 190, 458, "OAuthException", message);
  page_after = graph_get (fixture, "/me", page);
  assert_error (page_after, 400, 190, 458, "OAuthException", message);
}

static void
test_page_node (Fixture       *fixture,
                gconstpointer  data)
{
  const char *alice = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL);
  const char *alice_acme = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, ACME);
  g_autoptr(GraphReply) reply = graph_get (fixture, "/" ACME "?fields=id,name,access_token,category", alice);
  g_autoptr(GraphReply) no_role = graph_get (fixture, "/" BAKERY "?fields=id,name", alice);
  g_autoptr(GraphReply) unknown = graph_get (fixture, "/999999999?fields=id", alice);
  g_autoptr(GraphReply) other_page = graph_get (fixture, "/" BOOKSHOP, alice_acme);
  g_autoptr(GraphReply) own_page = graph_get (fixture, "/" ACME, alice_acme);
  g_autoptr(GraphReply) me = NULL;
  g_autoptr(GraphReply) unsupported = graph_get (fixture, "/me/feed", alice);
  g_autoptr(GraphReply) post_me = graph (fixture, "POST", "/me", NULL, alice);
  g_autoptr(GraphReply) anonymous = graph_get (fixture, "/" ACME, NULL);
  const char *members[] = { "id", "name", "access_token", "category", NULL };
  ShSandboxToken *token;

  g_assert_cmpuint (reply->status, ==, 200);
  assert_members (object_of (reply), members);
  g_assert_cmpstr (json_object_get_string_member (object_of (reply), "name"), ==, "Acme Coffee");
  token = sh_sandbox_world_lookup_token (fixture->world,
                                         json_object_get_string_member (object_of (reply),
                                                                        "access_token"));
  g_assert_nonnull (token);
  g_assert_cmpint (token->kind, ==, SH_SANDBOX_TOKEN_FB_PAGE);
  g_assert_cmpint (token->expires_at, ==, 0);
  me = graph_get (fixture, "/me", token->value);
  g_assert_cmpstr (json_object_get_string_member (object_of (me), "id"), ==, ACME);

  /* No role on the Page: a permission error (10 or 200-299; the sandbox says 200). */
  assert_error (no_role, 400, 200, 0, "OAuthException", NULL);
  assert_error (unknown, 400, 100, 33, "GraphMethodException",
                "Unsupported get request. Object with ID '999999999' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation. Please "
                "read the Graph API documentation at https://developers.facebook.com/docs/graph-api");
  assert_error (other_page, 400, 100, 33, "GraphMethodException", NULL);
  g_assert_cmpuint (own_page->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object_of (own_page), "id"), ==, ACME);

  assert_error (unsupported, 400, 100, 0, "GraphMethodException",
                "Unsupported get request. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api");
  assert_error (post_me, 400, 100, 0, "GraphMethodException",
                "Unsupported post request. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api");
  assert_error (anonymous, 400, 104, 0, "OAuthException",
                "An access token is required to request this resource.");
}

/* ---- Instagram professional accounts ---------------------------------------- */

#define ACME_IG "17841400000000123"

/* API-FACTS.md: GET /{page-id}?fields=instagram_business_account{…} with the
 * Page's token names the linked account; the same token reads it. Unlinked,
 * the field is gone and the id does not exist for the Page's tokens; a
 * person who withheld instagram_basic gets (#10). */
static void
test_instagram (Fixture       *fixture,
                gconstpointer  data)
{
  const char *alice_acme = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, ACME);
  const char *alice_corner = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, BOOKSHOP);
  const char *bob_acme = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, BOB, ACME);
  const char *field = "?fields=instagram_business_account%7Bid,username,name,profile_picture_url%7D";
  g_autofree char *acme_path = g_strconcat ("/" ACME, field, NULL);
  g_autofree char *corner_path = g_strconcat ("/" BOOKSHOP, field, NULL);
  g_autoptr(GraphReply) linked = graph_get (fixture, acme_path, alice_acme);
  g_autoptr(GraphReply) none = graph_get (fixture, corner_path, alice_corner);
  g_autoptr(GraphReply) account = graph_get (fixture, "/" ACME_IG "?fields=id,username", alice_acme);
  g_autoptr(GraphReply) other_page = graph_get (fixture, "/" ACME_IG "?fields=id,username", alice_corner);
  g_autoptr(GraphReply) withheld = NULL, unlinked_field = NULL, unlinked_account = NULL;
  JsonObject *ig;
  const char *ig_members[] = { "id", "username", "name", "profile_picture_url", NULL };
  const char *account_members[] = { "id", "username", NULL };

  g_assert_cmpuint (linked->status, ==, 200);
  ig = json_object_get_object_member (object_of (linked), "instagram_business_account");
  g_assert_nonnull (ig);
  assert_members (ig, ig_members);
  g_assert_cmpstr (json_object_get_string_member (ig, "id"), ==, ACME_IG);
  g_assert_cmpstr (json_object_get_string_member (ig, "username"), ==, "acmecoffee");
  g_assert_cmpuint (none->status, ==, 200);
  g_assert_cmpuint (json_object_get_size (object_of (none)), ==, 0);

  g_assert_cmpuint (account->status, ==, 200);
  assert_members (object_of (account), account_members);
  g_assert_cmpstr (json_object_get_string_member (object_of (account), "username"), ==, "acmecoffee");
  assert_error (other_page, 400, 100, 33, "GraphMethodException", NULL);

  g_assert_true (sh_sandbox_world_withhold_instagram (fixture->world, BOB));
  withheld = graph_get (fixture, "/" ACME_IG "?fields=id,username", bob_acme);
  assert_error (withheld, 403, 10, 0, "OAuthException", NULL);

  g_assert_true (sh_sandbox_world_unlink_instagram (fixture->world, ACME));
  unlinked_field = graph_get (fixture, acme_path, alice_acme);
  g_assert_cmpuint (unlinked_field->status, ==, 200);
  g_assert_false (json_object_has_member (object_of (unlinked_field), "instagram_business_account"));
  unlinked_account = graph_get (fixture, "/" ACME_IG "?fields=id,username", alice_acme);
  assert_error (unlinked_account, 400, 100, 33, "GraphMethodException", NULL);
  g_assert_false (sh_sandbox_world_unlink_instagram (fixture->world, ACME));
}

/* ---- token deaths ------------------------------------------------------------- */

typedef enum {
  DEATH_EXPIRED,
  DEATH_PASSWORD,
  DEATH_APP_REMOVED,
  DEATH_CHECKPOINT,
  DEATH_UNCONFIRMED,
  DEATH_REVOKED,
  DEATH_ROLE_LOST,
} Death;

typedef struct {
  Death       death;
  gboolean    page_token;
  gint64      subcode;
  const char *message_prefix;
} DeathCase;

static const DeathCase death_cases[] = {
  { DEATH_EXPIRED, FALSE, 463, "Error validating access token: Session has expired on " },
  { DEATH_PASSWORD, FALSE, 460,
    "Error validating access token: The session has been invalidated because the user changed "
    "their password or Facebook has changed the session for security reasons." },
  { DEATH_PASSWORD, TRUE, 460, "Error validating access token: The session has been invalidated" },
  { DEATH_APP_REMOVED, FALSE, 458,
    "Error validating access token: User " BOB " has not authorized application "
    SH_SANDBOX_APP_ID "." },
  { DEATH_APP_REMOVED, TRUE, 458, "Error validating access token: User " BOB " has not authorized" },
  { DEATH_CHECKPOINT, FALSE, 459,
    "Error validating access token: You cannot access the app till you log in to "
    "www.facebook.com and follow the instructions given." },
  { DEATH_CHECKPOINT, TRUE, 459, "Error validating access token: You cannot access the app" },
  { DEATH_UNCONFIRMED, FALSE, 464, "Error validating access token: Sessions for the user " },
  { DEATH_REVOKED, FALSE, 467,
    "Error validating access token: The session is invalid because the user logged out." },
  { DEATH_REVOKED, TRUE, 467, "Error validating access token: The session is invalid" },
  { DEATH_ROLE_LOST, TRUE, 492, "Error validating access token: " },
};

static void
test_token_death (Fixture       *fixture,
                  gconstpointer  data)
{
  const DeathCase *death = data;
  const char *token = death->page_token
    ? issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, BOB, ACME)
    : issue (fixture, SH_SANDBOX_TOKEN_FB_USER, BOB, NULL);
  g_autoptr(GraphReply) before = graph_get (fixture, "/me?fields=id,name", token);
  g_autoptr(GraphReply) after = NULL;
  JsonObject *error;

  g_assert_cmpuint (before->status, ==, 200);
  switch (death->death)
    {
    case DEATH_EXPIRED:
      /* Past the ≈ 60 days of a long-lived user token. */
      sh_sandbox_world_advance (fixture->world, SH_SANDBOX_FB_USER_LIFETIME + 1);
      break;
    case DEATH_PASSWORD:
      g_assert_true (sh_sandbox_world_change_password (fixture->world, BOB));
      break;
    case DEATH_APP_REMOVED:
      g_assert_true (sh_sandbox_world_remove_app (fixture->world, BOB));
      break;
    case DEATH_CHECKPOINT:
      g_assert_true (sh_sandbox_world_checkpoint (fixture->world, BOB));
      break;
    case DEATH_UNCONFIRMED:
      sh_sandbox_world_get_person (fixture->world, BOB)->unconfirmed = TRUE;
      break;
    case DEATH_REVOKED:
      g_assert_true (sh_sandbox_world_revoke_token (fixture->world, token));
      break;
    case DEATH_ROLE_LOST:
      g_assert_true (sh_sandbox_world_remove_role (fixture->world, ACME, BOB));
      break;
    default:
      g_assert_not_reached ();
    }

  after = graph_get (fixture, "/me?fields=id,name", token);
  error = assert_error (after, 400, 190, death->subcode, "OAuthException", NULL);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (error, "message"),
                                   death->message_prefix));
}

static void
test_unknown_token (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GraphReply) reply = graph_get (fixture, "/me", "EAAnot-a-token");
  const char *x_scopes[] = { "tweet.read", NULL };
  ShSandboxToken *x_token = sh_sandbox_world_issue_token (fixture->world, SH_SANDBOX_TOKEN_X_ACCESS,
                                                         ALICE, "44196397", 7200, x_scopes);
  g_autoptr(GraphReply) x_reply = graph_get (fixture, "/me", x_token->value);

  assert_error (reply, 400, 190, 0, "OAuthException",
                "Invalid OAuth access token - Cannot parse access token");
  assert_error (x_reply, 400, 190, 0, "OAuthException",
                "Invalid OAuth access token - Cannot parse access token");
}

/* ---- throttling and usage headers ------------------------------------------------ */

typedef struct {
  int         code;
  guint       http_status;
  gboolean    transient;
  const char *message;
} ThrottleCase;

static const ThrottleCase throttle_cases[] = {
  { 4, 400, TRUE, "(#4) Application request limit reached" },
  { 17, 400, TRUE, "(#17) User request limit reached" },
  { 32, 400, FALSE, "(#32) Page request limit reached" },
  { 613, 400, FALSE, "(#613) Calls to this api have exceeded the rate limit." },
  { 80001, 403, FALSE,
    "(#80001) There have been too many calls to this Page account. Wait a bit and try again." },
  { 1, 500, TRUE, "An unknown error occurred" },
  { 2, 500, TRUE, "Service temporarily unavailable" },
};

static void
add_fault (Fixture            *fixture,
           ShSandboxFaultKind  kind,
           int                 code,
           int                 remaining)
{
  ShSandboxFault *fault = g_new0 (ShSandboxFault, 1);

  fault->kind = kind;
  fault->network = g_strdup ("graph");
  fault->code = code;
  fault->remaining = remaining;
  sh_sandbox_world_add_fault (fixture->world, fault);
}

static void
test_throttle (Fixture       *fixture,
               gconstpointer  data)
{
  const ThrottleCase *throttle = data;
  const char *page = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, ACME);
  g_autoptr(GraphReply) reply = NULL;
  g_autoptr(GraphReply) next = NULL;
  JsonObject *error;
  gint64 regain;

  add_fault (fixture, SH_SANDBOX_FAULT_THROTTLE, throttle->code, 1);
  reply = graph_get (fixture, "/me?fields=id,name", page);
  /* Not a token error: no WWW-Authenticate (assert_error checks). */
  error = assert_error (reply, throttle->http_status, throttle->code, 0, "OAuthException",
                        throttle->message);
  g_assert_cmpint (is_transient (error), ==, throttle->transient);

  /* A Page token's call: X-Business-Use-Case-Usage names the Page, and a
   * Page throttle (80001) says how long to wait. */
  regain = assert_business_usage (header (reply, "X-Business-Use-Case-Usage"), ACME);
  if (throttle->code == 80001)
    g_assert_cmpint (regain, ==, 5);
  else
    g_assert_cmpint (regain, ==, 0);

  /* The fault was for one request. */
  next = graph_get (fixture, "/me?fields=id,name", page);
  g_assert_cmpuint (next->status, ==, 200);
}

static void
test_usage_headers (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *user = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL);
  const char *page = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, BOOKSHOP);
  g_autoptr(GraphReply) user_reply = graph_get (fixture, "/me", user);
  g_autoptr(GraphReply) page_reply = graph_get (fixture, "/me", page);
  g_autoptr(GraphReply) busy = NULL;
  g_autoptr(JsonNode) usage = NULL;

  /* User token: X-App-Usage only (checked for every reply in graph()). */
  g_assert_null (header (user_reply, "X-Business-Use-Case-Usage"));
  g_assert_cmpint (assert_business_usage (header (page_reply, "X-Business-Use-Case-Usage"),
                                          BOOKSHOP), ==, 0);

  /* The control endpoint's app-usage floor shows in X-App-Usage. */
  sh_sandbox_world_set_app_usage (fixture->world, 85);
  busy = graph_get (fixture, "/me", user);
  usage = parse_json (header (busy, "X-App-Usage"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (usage), "call_count"), >=, 85);
}

/* ---- batch ------------------------------------------------------------------------- */

static char *
batch_form (const char          *batch_token,
            guint                n_items,
            const char * const  *item_tokens,  /* n_items, NULL: no access_token */
            const char          *relative_url)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *batch = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < n_items; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, "GET");
      json_builder_set_member_name (builder, "relative_url");
      json_builder_add_string_value (builder, relative_url);
      if (item_tokens != NULL && item_tokens[i] != NULL)
        {
          json_builder_set_member_name (builder, "access_token");
          json_builder_add_string_value (builder, item_tokens[i]);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  batch = json_to_string (root, FALSE);
  if (batch_token == NULL)
    return soup_form_encode ("batch", batch, NULL);
  return soup_form_encode ("access_token", batch_token, "batch", batch, NULL);
}

/* An item's answer: {"code","headers":[{"name","value"}…],"body":"<JSON>"};
 * returns the body, parsed. */
static JsonNode *
assert_item (JsonNode *node,
             guint     code)
{
  const char *members[] = { "code", "headers", "body", NULL };
  JsonObject *item;
  JsonArray *headers;
  const char *body;
  gboolean has_version = FALSE;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  item = json_node_get_object (node);
  assert_members (item, members);
  g_assert_cmpint (json_object_get_int_member (item, "code"), ==, code);
  headers = json_object_get_array_member (item, "headers");
  for (guint i = 0; i < json_array_get_length (headers); i++)
    {
      JsonObject *h = json_array_get_object_element (headers, i);
      const char *header_members[] = { "name", "value", NULL };

      assert_members (h, header_members);
      if (g_str_equal (json_object_get_string_member (h, "name"), "facebook-api-version"))
        {
          g_assert_cmpstr (json_object_get_string_member (h, "value"), ==, "v24.0");
          has_version = TRUE;
        }
    }
  g_assert_true (has_version);
  /* The body is a string holding JSON, not an object. */
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (item, "body")));
  body = json_object_get_string_member (item, "body");
  g_assert_nonnull (body);
  return parse_json (body);
}

static void
test_batch_fifty (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *alice = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL);
  const char *bob = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, BOB, NULL);
  const char *acme = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, ACME);
  const char *tokens[50];
  g_autofree char *form = NULL;
  g_autoptr(GraphReply) reply = NULL;
  JsonArray *answers;

  /* Bob changed his password: his token is dead, the others work. */
  g_assert_true (sh_sandbox_world_change_password (fixture->world, BOB));
  for (guint i = 0; i < 50; i++)
    tokens[i] = i % 4 == 0 ? alice : i % 4 == 1 ? bob : i % 4 == 2 ? acme : "EAAbogus";
  form = batch_form (CLIENT_TOKEN, 50, tokens, "me?fields=id,name");
  reply = graph (fixture, "POST", "/", form, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (reply->root));
  answers = json_node_get_array (reply->root);
  g_assert_cmpuint (json_array_get_length (answers), ==, 50);
  for (guint i = 0; i < 50; i++)
    {
      JsonNode *node = json_array_get_element (answers, i);
      g_autoptr(JsonNode) body = NULL;

      switch (i % 4)
        {
        case 0:
          body = assert_item (node, 200);
          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "id"), ==, ALICE);
          break;
        case 1:
          body = assert_item (node, 400);
          assert_error_object (body, 190, 460, "OAuthException", NULL);
          break;
        case 2:
          body = assert_item (node, 200);
          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "id"), ==, ACME);
          break;
        default:
          body = assert_item (node, 400);
          assert_error_object (body, 190, 0, "OAuthException",
                               "Invalid OAuth access token - Cannot parse access token");
          break;
        }
    }
}

/* The value of @name among a batch item's headers (include_headers). */
static const char *
item_header (JsonNode   *node,
             const char *name)
{
  JsonArray *headers = json_object_get_array_member (json_node_get_object (node), "headers");

  for (guint i = 0; i < json_array_get_length (headers); i++)
    {
      JsonObject *h = json_array_get_object_element (headers, i);

      if (g_str_equal (json_object_get_string_member (h, "name"), name))
        return json_object_get_string_member (h, "value");
    }
  return NULL;
}

static gint64
page_percent (const char *value,
              const char *page_id)
{
  g_autoptr(JsonNode) usage = parse_json (value);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (usage), page_id);

  return json_object_get_int_member (json_array_get_object_element (entries, 0), "call_count");
}

/* API-FACTS.md: every call with a Page token, batch items too, counts
 * against the Page's own budget, told in X-Business-Use-Case-Usage (in the
 * item's headers); past it the Page's limit, 80001, with
 * estimated_time_to_regain_access. Another Page's token goes on. */
static void
test_page_budget (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *acme = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, ACME);
  const char *bookshop = issue (fixture, SH_SANDBOX_TOKEN_FB_PAGE, ALICE, BOOKSHOP);
  const char *tokens[] = { acme, acme, acme, acme, acme, bookshop };
  g_autofree char *form = NULL;
  g_autoptr(GraphReply) reply = NULL;
  JsonArray *answers;

  sh_sandbox_world_set_page_budget (fixture->world, ACME, 4);
  form = batch_form (CLIENT_TOKEN, G_N_ELEMENTS (tokens), tokens, "me?fields=id,name");
  reply = graph (fixture, "POST", "/", form, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  answers = json_node_get_array (reply->root);
  for (guint i = 0; i < 4; i++)
    {
      JsonNode *node = json_array_get_element (answers, i);
      g_autoptr(JsonNode) body = assert_item (node, 200);
      const char *usage = item_header (node, "X-Business-Use-Case-Usage");

      g_assert_cmpint (assert_business_usage (usage, ACME), ==, 0);
      g_assert_cmpint (page_percent (usage, ACME), ==, 25 * (i + 1));
    }
  {
    JsonNode *node = json_array_get_element (answers, 4);
    g_autoptr(JsonNode) body = assert_item (node, 403);
    const char *usage = item_header (node, "X-Business-Use-Case-Usage");

    assert_error_object (body, 80001, 0, "OAuthException", NULL);
    /* The Page's hour began with its first call: an hour to wait. */
    g_assert_cmpint (assert_business_usage (usage, ACME), ==, 60);
    g_assert_cmpint (page_percent (usage, ACME), ==, 100);
  }
  {
    JsonNode *node = json_array_get_element (answers, 5);
    g_autoptr(JsonNode) body = assert_item (node, 200);

    g_assert_cmpint (assert_business_usage (item_header (node, "X-Business-Use-Case-Usage"),
                                            BOOKSHOP), ==, 0);
  }
}

static void
test_batch_too_many (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *alice = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL);
  g_autofree char *form = batch_form (alice, 51, NULL, "me");
  g_autoptr(GraphReply) reply = graph (fixture, "POST", "/", form, NULL);
  g_autoptr(GraphReply) malformed = NULL;
  g_autoptr(GraphReply) missing = NULL;
  g_autoptr(GraphReply) no_token = NULL;
  g_autoptr(GraphReply) dead = NULL;
  g_autofree char *malformed_form = soup_form_encode ("access_token", CLIENT_TOKEN,
                                                      "batch", "[{\"method\":", NULL);
  g_autofree char *no_token_form = batch_form (NULL, 1, NULL, "me");
  g_autofree char *dead_form = NULL;

  assert_error (reply, 400, 100, 0, "OAuthException",
                "(#100) Too many requests in batch message. Maximum batch size is 50");
  malformed = graph (fixture, "POST", "/", malformed_form, NULL);
  assert_error (malformed, 400, 100, 0, "OAuthException", NULL);
  missing = graph (fixture, "POST", "/", "access_token=" SH_SANDBOX_APP_ID "%7C"
                   SH_SANDBOX_CLIENT_TOKEN, NULL);
  assert_error (missing, 400, 100, 0, "OAuthException", NULL);
  no_token = graph (fixture, "POST", "/", no_token_form, NULL);
  assert_error (no_token, 400, 104, 0, "OAuthException", NULL);

  /* The batch's own token must work (or be the client token). */
  g_assert_true (sh_sandbox_world_checkpoint (fixture->world, ALICE));
  dead_form = batch_form (alice, 1, NULL, "me");
  dead = graph (fixture, "POST", "/", dead_form, NULL);
  assert_error (dead, 400, 190, 459, "OAuthException", NULL);
}

static void
test_batch_item_tokens (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *alice = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL);
  const char *bob = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, BOB, NULL);
  const char *tokens[] = { NULL, bob, NULL };
  g_autofree char *form = batch_form (alice, 3, tokens, "/v24.0/me?fields=id");
  g_autoptr(GraphReply) reply = graph (fixture, "POST", "/", form, NULL);
  g_autofree char *client_form = batch_form (CLIENT_TOKEN, 1, NULL, "me");
  g_autoptr(GraphReply) client = graph (fixture, "POST", "/", client_form, NULL);
  g_autoptr(GraphReply) delete = NULL;
  g_autoptr(GraphReply) after = NULL;
  const char *expected[] = { ALICE, BOB, ALICE };
  JsonArray *answers = json_node_get_array (reply->root);
  g_autoptr(JsonNode) client_body = NULL;
  g_autoptr(JsonNode) delete_body = NULL;
  g_autofree char *delete_form = NULL;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (answers), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) body = assert_item (json_array_get_element (answers, i), 200);
      const char *only_id[] = { "id", NULL };

      assert_members (json_node_get_object (body), only_id);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "id"), ==,
                       expected[i]);
    }

  /* include_headers=false: items carry only code and body. */
  {
    g_autofree char *bare_form = batch_form (CLIENT_TOKEN, 1, tokens + 1, "me");
    g_autofree char *with_flag = g_strconcat (bare_form, "&include_headers=false", NULL);
    g_autoptr(GraphReply) bare = graph (fixture, "POST", "/", with_flag, NULL);
    const char *code_body[] = { "code", "body", NULL };
    JsonObject *item = json_array_get_object_element (json_node_get_array (bare->root), 0);
    g_autoptr(JsonNode) body = parse_json (json_object_get_string_member (item, "body"));

    assert_members (item, code_body);
    g_assert_cmpint (json_object_get_int_member (item, "code"), ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "id"), ==, BOB);
  }

  /* An item with only the client token names no user. */
  client_body = assert_item (json_array_get_element (json_node_get_array (client->root), 0), 400);
  assert_error_object (client_body, 2500, 0, "OAuthException", NULL);

  /* Other methods go through too: DELETE /me/permissions in a batch. */
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *batch = NULL;

    json_builder_begin_array (builder);
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "method");
    json_builder_add_string_value (builder, "DELETE");
    json_builder_set_member_name (builder, "relative_url");
    json_builder_add_string_value (builder, "me/permissions");
    json_builder_set_member_name (builder, "access_token");
    json_builder_add_string_value (builder, bob);
    json_builder_end_object (builder);
    json_builder_end_array (builder);
    root = json_builder_get_root (builder);
    batch = json_to_string (root, FALSE);
    delete_form = soup_form_encode ("access_token", CLIENT_TOKEN, "batch", batch, NULL);
  }
  delete = graph (fixture, "POST", "/", delete_form, NULL);
  delete_body = assert_item (json_array_get_element (json_node_get_array (delete->root), 0), 200);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (delete_body), "success"));
  after = graph_get (fixture, "/me", bob);
  assert_error (after, 400, 190, 458, "OAuthException", NULL);
}

static void
test_batch_null (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *alice = issue (fixture, SH_SANDBOX_TOKEN_FB_USER, ALICE, NULL);
  g_autofree char *form = batch_form (alice, 4, NULL, "me");
  g_autoptr(GraphReply) reply = NULL;
  g_autoptr(GraphReply) next = NULL;
  JsonArray *answers;

  /* Items from index 2 on did not finish in time. */
  add_fault (fixture, SH_SANDBOX_FAULT_BATCH_NULL, 2, 1);
  reply = graph (fixture, "POST", "/", form, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  answers = json_node_get_array (reply->root);
  g_assert_cmpuint (json_array_get_length (answers), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonNode *node = json_array_get_element (answers, i);

      if (i < 2)
        {
          g_autoptr(JsonNode) body = assert_item (node, 200);

          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "id"), ==,
                           ALICE);
        }
      else
        g_assert_true (JSON_NODE_HOLDS_NULL (node));
    }

  next = graph (fixture, "POST", "/", form, NULL);
  answers = json_node_get_array (next->root);
  for (guint i = 0; i < 4; i++)
    g_assert_true (JSON_NODE_HOLDS_OBJECT (json_array_get_element (answers, i)));
}

/* ---- main --------------------------------------------------------------------------- */

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  static const char *death_names[] = { "expired", "password-changed", "app-removed",
                                       "checkpoint", "unconfirmed", "revoked", "role-lost" };

  g_test_init (&argc, &argv, NULL);

  ADD ("/sandbox-graph/device/login", test_device_login, NULL);
  ADD ("/sandbox-graph/device/pending-and-too-fast", test_device_pending_and_too_fast, NULL);
  ADD ("/sandbox-graph/device/expired", test_device_expired, NULL);
  ADD ("/sandbox-graph/device/declined", test_device_declined, NULL);
  ADD ("/sandbox-graph/device/approved", test_device_approved, NULL);
  ADD ("/sandbox-graph/device/declines-instagram", test_device_declines_instagram, NULL);
  ADD ("/sandbox-graph/me", test_me, NULL);
  ADD ("/sandbox-graph/accounts", test_accounts, NULL);
  ADD ("/sandbox-graph/permissions", test_permissions, NULL);
  ADD ("/sandbox-graph/page-node", test_page_node, NULL);
  ADD ("/sandbox-graph/instagram", test_instagram, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (death_cases); i++)
    {
      g_autofree char *path =
        g_strdup_printf ("/sandbox-graph/token-death/%s-%s", death_names[death_cases[i].death],
                         death_cases[i].page_token ? "page" : "user");

      ADD (path, test_token_death, &death_cases[i]);
    }
  ADD ("/sandbox-graph/token-death/unknown", test_unknown_token, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (throttle_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox-graph/throttle/%d", throttle_cases[i].code);

      ADD (path, test_throttle, &throttle_cases[i]);
    }
  ADD ("/sandbox-graph/usage-headers", test_usage_headers, NULL);
  ADD ("/sandbox-graph/batch/fifty", test_batch_fifty, NULL);
  ADD ("/sandbox-graph/batch/too-many", test_batch_too_many, NULL);
  ADD ("/sandbox-graph/batch/item-tokens", test_batch_item_tokens, NULL);
  ADD ("/sandbox-graph/batch/null", test_batch_null, NULL);
  ADD ("/sandbox-graph/batch/page-budget", test_page_budget, NULL);

  return g_test_run ();
}
