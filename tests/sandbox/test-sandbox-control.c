/* test-sandbox-control.c — the sandbox as a test uses it: start the
 * emulator, script a failure through /control over real loopback HTTP, and
 * see the documented answer. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sh-sandbox-server.h"
#include "sandbox-test.h"
#include "test-util.h"

typedef struct {
  ShSandboxServer *server;
  SoupSession     *session;
} Fixture;

static Reply *
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *form)
{
  g_autofree char *url = g_strconcat (sh_sandbox_server_get_base_url (fixture->server), path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  if (form != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));
      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    }
  return sh_test_send (fixture->session, msg);
}

static char *
issue_page_token (Fixture    *fixture,
                  const char *person,
                  const char *page)
{
  g_autofree char *form = g_strdup_printf ("kind=fb-page&person=%s&target=%s", person, page);
  g_autoptr(Reply) reply = request (fixture, "POST", "/control/issue-token", form);
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (reply->status, ==, 200);
  object = sh_test_parse_object (reply->body);
  g_assert_cmpint (json_object_get_int_member (object, "expires_at"), ==, 0);
  return g_strdup (json_object_get_string_member (object, "token"));
}

static Reply *
graph_me (Fixture    *fixture,
          const char *token)
{
  g_autofree char *path = g_strdup_printf ("/graph/v24.0/me?fields=id,name&access_token=%s", token);

  return request (fixture, "GET", path, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  sh_test_start_sandbox (NULL, &fixture->server, &fixture->session);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sh_test_stop_sandbox (&fixture->server, &fixture->session);
}

static void
test_scripted_password_change (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *token = issue_page_token (fixture, "10002", "104857600123");
  g_autoptr(Reply) before = graph_me (fixture, token);
  g_autoptr(Reply) changed = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonObject) body = NULL;
  JsonObject *error;

  g_assert_cmpuint (before->status, ==, 200);
  page = sh_test_parse_object (before->body);
  g_assert_cmpstr (json_object_get_string_member (page, "id"), ==, "104857600123");
  g_assert_cmpstr (json_object_get_string_member (page, "name"), ==, "Acme Coffee");

  changed = request (fixture, "POST", "/control/change-password", "person=10002");
  g_assert_cmpuint (changed->status, ==, 200);

  /* docs/network-behaviour.md: 190/460, HTTP 400, OAuthException, fbtrace_id, and the
   * WWW-Authenticate header. */
  after = graph_me (fixture, token);
  g_assert_cmpuint (after->status, ==, 400);
  body = sh_test_parse_object (after->body);
  error = json_object_get_object_member (body, "error");
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, 190);
  g_assert_cmpint (json_object_get_int_member (error, "error_subcode"), ==, 460);
  g_assert_cmpstr (json_object_get_string_member (error, "type"), ==, "OAuthException");
  g_assert_true (json_object_has_member (error, "fbtrace_id"));
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (
    soup_message_get_response_headers (after->msg), "WWW-Authenticate"),
    "OAuth \"Facebook Platform\" \"invalid_token\""));
}

static void
test_each_way_to_die (Fixture       *fixture,
                      gconstpointer  data)
{
  const struct { const char *path; const char *form; const char *person; int subcode; } cases[] = {
    { "/control/remove-app", "person=10001", "10001", 458 },
    { "/control/checkpoint", "person=10003", "10003", 459 },
    { "/control/remove-role", "page=104857600789&person=10004", "10004", 492 },
  };
  const char *pages[] = { "104857600123", "104857600456", "104857600789" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = issue_page_token (fixture, cases[i].person, pages[i]);
      g_autoptr(Reply) done = request (fixture, "POST", cases[i].path, cases[i].form);
      g_autoptr(Reply) after = graph_me (fixture, token);
      g_autoptr(JsonObject) body = sh_test_parse_object (after->body);
      JsonObject *error = json_object_get_object_member (body, "error");

      g_assert_cmpuint (done->status, ==, 200);
      g_assert_cmpint (json_object_get_int_member (error, "code"), ==, 190);
      g_assert_cmpint (json_object_get_int_member (error, "error_subcode"), ==, cases[i].subcode);
    }
}

static void
test_expire_and_world (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *token = issue_page_token (fixture, "10001", "104857600123");
  g_autofree char *form = g_strdup_printf ("token=%s", token);
  g_autoptr(Reply) expired = request (fixture, "POST", "/control/expire-token", form);
  g_autoptr(Reply) after = graph_me (fixture, token);
  g_autoptr(Reply) world = request (fixture, "GET", "/control/world", NULL);
  g_autoptr(JsonObject) body = sh_test_parse_object (after->body);
  g_autoptr(JsonObject) state = sh_test_parse_object (world->body);
  JsonArray *tokens = json_object_get_array_member (state, "tokens");
  JsonObject *first = json_array_get_object_element (tokens, 0);

  g_assert_cmpuint (expired->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (body, "error"),
                                               "error_subcode"), ==, 463);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "people")), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "expired");
}

static void
test_http_faults (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *token = issue_page_token (fixture, "10001", "104857600123");
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) normal = graph_me (fixture, token);
  g_autoptr(Reply) ok = NULL;
  gint64 start;

  /* 503 with an HTML page, once. */
  ok = request (fixture, "POST", "/control/fault", "network=graph&kind=status&status=503&count=1");
  g_assert_cmpuint (ok->status, ==, 200);
  reply = graph_me (fixture, token);
  g_assert_cmpuint (reply->status, ==, 503);
  g_assert_true (g_str_has_prefix (reply->content_type, "text/html"));
  g_clear_pointer (&reply, reply_free);
  reply = graph_me (fixture, token);
  g_assert_cmpuint (reply->status, ==, 200);

  /* HTML instead of JSON with a 200. */
  g_clear_pointer (&ok, reply_free);
  ok = request (fixture, "POST", "/control/fault", "network=graph&kind=html&count=1");
  g_clear_pointer (&reply, reply_free);
  reply = graph_me (fixture, token);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (strstr (reply->body, "<html>"));

  /* A body cut in half: the first half of the real answer. */
  g_clear_pointer (&ok, reply_free);
  ok = request (fixture, "POST", "/control/fault", "network=graph&kind=truncated&count=1");
  g_clear_pointer (&reply, reply_free);
  reply = graph_me (fixture, token);
  g_assert_cmpuint (strlen (reply->body), ==, strlen (normal->body) / 2);
  g_assert_true (strncmp (reply->body, normal->body, strlen (reply->body)) == 0);

  /* Empty. */
  g_clear_pointer (&ok, reply_free);
  ok = request (fixture, "POST", "/control/fault", "network=graph&kind=empty&count=1");
  g_clear_pointer (&reply, reply_free);
  reply = graph_me (fixture, token);
  g_assert_cmpstr (reply->body, ==, "");

  /* Latency: the answer comes, and not before the delay. */
  g_clear_pointer (&ok, reply_free);
  ok = request (fixture, "POST", "/control/fault", "network=graph&kind=latency&delay_ms=300&count=1");
  start = g_get_monotonic_time ();
  g_clear_pointer (&reply, reply_free);
  reply = graph_me (fixture, token);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  g_assert_cmpuint (reply->status, ==, 200);

  /* A fault for X leaves the Graph alone; clear-faults clears. */
  g_clear_pointer (&ok, reply_free);
  ok = request (fixture, "POST", "/control/fault", "network=x&kind=status&status=500");
  g_clear_pointer (&reply, reply_free);
  reply = graph_me (fixture, token);
  g_assert_cmpuint (reply->status, ==, 200);
  g_clear_pointer (&ok, reply_free);
  ok = request (fixture, "POST", "/control/clear-faults", "");
  g_assert_cmpuint (ok->status, ==, 200);
}

static void
on_hung_reply (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
on_quiet_period (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_hang (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *token = issue_page_token (fixture, "10001", "104857600123");
  g_autofree char *url = g_strdup_printf ("%s/graph/v24.0/me?access_token=%s",
                                          sh_sandbox_server_get_base_url (fixture->server), token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(Reply) ok = request (fixture, "POST", "/control/fault", "network=graph&kind=hang&count=1");
  gboolean answered = FALSE, quiet_over = FALSE;

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_hung_reply, &answered);
  g_timeout_add (500, on_quiet_period, &quiet_over);
  while (!quiet_over)
    g_main_context_iteration (NULL, TRUE);
  /* Half a second of silence is all a test can see of "never". */
  g_assert_false (answered);
  g_cancellable_cancel (cancellable);
  while (!answered)
    g_main_context_iteration (NULL, TRUE);
}

/* "Offline" (the Sandbox menu's): the connection ends with no answer at
 * all, as when the network cannot be reached; clearing it brings the
 * answers back. */
static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *token = issue_page_token (fixture, "10001", "104857600123");
  g_autofree char *url = g_strdup_printf ("%s/graph/v24.0/me?access_token=%s",
                                          sh_sandbox_server_get_base_url (fixture->server), token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(Reply) ok = request (fixture, "POST", "/control/fault", "network=graph&kind=offline");
  g_autoptr(Reply) cleared = NULL;
  g_autoptr(Reply) back = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (ok->status, ==, 200);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  body = soup_session_send_and_read_finish (fixture->session, result, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 0);

  cleared = request (fixture, "POST", "/control/clear-faults", "");
  g_assert_cmpuint (cleared->status, ==, 200);
  back = graph_me (fixture, token);
  g_assert_cmpuint (back->status, ==, 200);
}

static char *
device_user_code (Fixture *fixture)
{
  g_autofree char *form = g_strdup_printf ("access_token=%s%%7C%s&scope=pages_show_list",
                                           SH_SANDBOX_APP_ID, SH_SANDBOX_CLIENT_TOKEN);
  g_autoptr(Reply) reply = request (fixture, "POST", "/graph/v24.0/device/login", form);
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *page = g_strconcat (sh_sandbox_server_get_base_url (fixture->server), "/device",
                                       NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  object = sh_test_parse_object (reply->body);
  /* Where the person types it: the sandbox's page, not facebook.com. */
  g_assert_cmpstr (json_object_get_string_member (object, "verification_uri"), ==, page);
  return g_strdup (json_object_get_string_member (object, "user_code"));
}

/* The approver chosen in the Sandbox menu approves every sign-in until
 * another is chosen; "" lets the people take turns again. The device page
 * says who approves a code. */
static void
test_approver (Fixture       *fixture,
               gconstpointer  data)
{
  ShSandboxWorld *world = sh_sandbox_server_get_world (fixture->server);
  g_autoptr(Reply) chosen = request (fixture, "POST", "/control/approver", "person=10002");
  g_autoptr(Reply) unknown = request (fixture, "POST", "/control/approver", "person=99");
  g_autoptr(Reply) page = NULL;
  g_autoptr(Reply) turns = NULL;

  g_assert_cmpuint (chosen->status, ==, 200);
  g_assert_cmpuint (unknown->status, ==, 400);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *code = device_user_code (fixture);
      g_autofree char *path = g_strdup_printf ("/device?user_code=%s", code);

      g_assert_cmpstr (sh_sandbox_world_lookup_user_code (world, code)->person_id, ==, "10002");
      g_clear_pointer (&page, reply_free);
      page = request (fixture, "GET", path, NULL);
      g_assert_cmpuint (page->status, ==, 200);
      g_assert_nonnull (strstr (page->body, "Bob Sample approves this code"));
    }
  g_assert_cmpstr (sh_sandbox_world_x_account_of (world, "10001")->username, ==, "acmecoffee");
  g_assert_null (sh_sandbox_world_x_account_of (world, "10002"));

  turns = request (fixture, "POST", "/control/approver", "person=");
  g_assert_cmpuint (turns->status, ==, 200);
  g_assert_null (sh_sandbox_world_get_approver (world));
}

static void
test_refuses_bad_requests (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(Reply) unknown_person = request (fixture, "POST", "/control/change-password", "person=99");
  g_autoptr(Reply) bad_kind = request (fixture, "POST", "/control/fault", "network=graph&kind=gremlins");
  g_autoptr(Reply) unknown_action = request (fixture, "POST", "/control/launch-rockets", "");
  g_autoptr(Reply) get = request (fixture, "GET", "/control/checkpoint?person=10001", NULL);

  g_assert_cmpuint (unknown_person->status, ==, 400);
  g_assert_cmpuint (bad_kind->status, ==, 400);
  g_assert_cmpuint (unknown_action->status, ==, 404);
  g_assert_cmpuint (get->status, ==, 400);
}

/* GET /control/requests: each request's method, path and query, in order;
 * never a header or a body, so a token sent as it should be is not there. */
static void
test_request_log (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *in_url = issue_page_token (fixture, "10001", "104857600123");
  g_autofree char *in_header = issue_page_token (fixture, "10002", "104857600123");
  g_autofree char *in_body = issue_page_token (fixture, "10003", "104857600456");
  g_autofree char *form = g_strdup_printf ("token=%s", in_body);
  g_autofree char *header = g_strconcat ("OAuth ", in_header, NULL);
  g_autofree char *url = g_strconcat (sh_sandbox_server_get_base_url (fixture->server),
                                      "/graph/v24.0/me?fields=id,name", NULL);
  g_autofree char *expected = g_strdup_printf ("GET /graph/v24.0/me?fields=id,name&access_token=%s",
                                               in_url);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(Reply) me = graph_me (fixture, in_url);
  g_autoptr(Reply) expired = request (fixture, "POST", "/control/expire-token", form);
  g_autoptr(Reply) log = NULL;
  g_autoptr(Reply) post = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonArray *requests;
  guint n;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
  bytes = sh_test_send_and_read (fixture->session, msg);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  log = request (fixture, "GET", "/control/requests", NULL);
  g_assert_cmpuint (log->status, ==, 200);
  g_assert_cmpstr (log->content_type, ==, "application/json");
  object = sh_test_parse_object (log->body);
  requests = json_object_get_array_member (object, "requests");
  n = json_array_get_length (requests);
  /* Three issue-token, the GET with the token in its URL, expire-token, the
   * GET with the token in a header, and this one. */
  g_assert_cmpuint (n, ==, 7);
  g_assert_cmpstr (json_array_get_string_element (requests, 0), ==, "POST /control/issue-token");
  g_assert_cmpstr (json_array_get_string_element (requests, 3), ==, expected);
  g_assert_cmpstr (json_array_get_string_element (requests, 4), ==, "POST /control/expire-token");
  g_assert_cmpstr (json_array_get_string_element (requests, 5), ==,
                   "GET /graph/v24.0/me?fields=id,name");
  g_assert_cmpstr (json_array_get_string_element (requests, 6), ==, "GET /control/requests");
  g_assert_null (strstr (log->body, in_header));
  g_assert_null (strstr (log->body, in_body));

  /* Read-only: there is nothing to POST to. */
  post = request (fixture, "POST", "/control/requests", "");
  g_assert_cmpuint (post->status, ==, 404);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpuint (expired->status, ==, 200);
}

/* The sandbox's tokens outlive a restart of SocialHub: a new server on the
 * same state file knows them, and what was broken stays broken. */
static void
test_state_survives_restart (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autofree char *state = g_build_filename (dir, "world.json", NULL);
  g_autoptr(GError) error = NULL;
  Fixture first = { 0 }, second = { 0 };
  g_autofree char *alice = NULL;
  g_autofree char *bob = NULL;
  g_autoptr(Reply) broken = NULL;
  g_autoptr(Reply) alice_after = NULL;
  g_autoptr(Reply) bob_after = NULL;

  first.server = sh_sandbox_server_new (NULL, 0, &error);
  g_assert_no_error (error);
  first.session = soup_session_new ();
  sh_sandbox_server_set_state_file (first.server, state);
  alice = issue_page_token (&first, "10001", "104857600123");
  bob = issue_page_token (&first, "10002", "104857600123");
  broken = request (&first, "POST", "/control/change-password", "person=10002");
  fixture_tear_down (&first, NULL);
  g_assert_true (g_file_test (state, G_FILE_TEST_EXISTS));

  /* The state sits in a data folder: hashes only, never a token. */
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (state, &contents, NULL, NULL));
    g_assert_null (strstr (contents, alice));
    g_assert_null (strstr (contents, bob));
  }

  second.server = sh_sandbox_server_new (NULL, 0, &error);
  second.session = soup_session_new ();
  sh_sandbox_server_set_state_file (second.server, state);
  alice_after = graph_me (&second, alice);
  bob_after = graph_me (&second, bob);
  g_assert_cmpuint (alice_after->status, ==, 200);
  g_assert_cmpuint (bob_after->status, ==, 400);
  g_assert_nonnull (strstr (bob_after->body, "460"));
  fixture_tear_down (&second, NULL);
}

/* Instagram links, unlinks and a withheld instagram_basic outlive a
 * restart (issue 19); a damaged link in the state says so and loses
 * nothing else. */
static void
test_instagram_state_survives_restart (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autofree char *state = g_build_filename (dir, "world.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  JsonArray *pages;
  g_autoptr(Reply) unlinked = NULL;
  g_autoptr(Reply) linked = NULL;
  g_autoptr(Reply) withheld = NULL;
  Fixture first = { 0 }, second = { 0 }, third = { 0 };
  ShSandboxWorld *world;

  first.server = sh_sandbox_server_new (NULL, 0, &error);
  g_assert_no_error (error);
  first.session = soup_session_new ();
  sh_sandbox_server_set_state_file (first.server, state);
  unlinked = request (&first, "POST", "/control/unlink-instagram", "page=104857600123");
  linked = request (&first, "POST", "/control/link-instagram",
                    "page=104857600789&id=17841400000000789&username=cornerbooks");
  withheld = request (&first, "POST", "/control/withhold-instagram", "person=10003");
  g_assert_cmpuint (unlinked->status, ==, 200);
  g_assert_cmpuint (linked->status, ==, 200);
  g_assert_cmpuint (withheld->status, ==, 200);
  fixture_tear_down (&first, NULL);

  second.server = sh_sandbox_server_new (NULL, 0, &error);
  second.session = soup_session_new ();
  sh_sandbox_server_set_state_file (second.server, state);
  world = sh_sandbox_server_get_world (second.server);
  g_assert_null (sh_sandbox_world_get_page (world, "104857600123")->instagram_id);
  g_assert_cmpstr (sh_sandbox_world_get_page (world, "104857600789")->instagram_id, ==,
                   "17841400000000789");
  g_assert_cmpstr (sh_sandbox_world_get_page (world, "104857600789")->instagram_username, ==,
                   "cornerbooks");
  g_assert_cmpstr (sh_sandbox_world_get_page (world, "104857600456")->instagram_id, ==,
                   "17841400000000456");
  g_assert_true (sh_sandbox_world_get_person (world, "10003")->instagram_withheld);
  g_assert_false (sh_sandbox_world_get_person (world, "10002")->instagram_withheld);
  fixture_tear_down (&second, NULL);

  /* Bakery & Sons' link damaged: a message, its seeded link, and every
   * other Page's and person's state as saved. */
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, state, NULL));
  pages = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "pages");
  for (guint i = 0; i < json_array_get_length (pages); i++)
    {
      JsonObject *page = json_array_get_object_element (pages, i);

      if (g_str_equal (json_object_get_string_member (page, "id"), "104857600456"))
        json_object_set_string_member (page, "instagram", "broken");
    }
  generator = json_generator_new ();
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, state, NULL));
  g_test_expect_message ("SocialHub-Sandbox", G_LOG_LEVEL_MESSAGE,
                         "*Instagram link of Page 104857600456 it cannot read*");
  third.server = sh_sandbox_server_new (NULL, 0, &error);
  third.session = soup_session_new ();
  sh_sandbox_server_set_state_file (third.server, state);
  g_test_assert_expected_messages ();
  world = sh_sandbox_server_get_world (third.server);
  g_assert_cmpstr (sh_sandbox_world_get_page (world, "104857600456")->instagram_id, ==,
                   "17841400000000456");
  g_assert_null (sh_sandbox_world_get_page (world, "104857600123")->instagram_id);
  g_assert_cmpstr (sh_sandbox_world_get_page (world, "104857600789")->instagram_id, ==,
                   "17841400000000789");
  g_assert_true (sh_sandbox_world_get_person (world, "10003")->instagram_withheld);
  fixture_tear_down (&third, NULL);
}

static void
test_standalone_program (void)
{
  g_autoptr(GSubprocess) sandbox = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *program = g_getenv ("SH_SANDBOX_PROGRAM");

  sandbox = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              program ? program : "src/sandbox/socialhub-sandbox", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sandbox));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "SOCIALHUB_SANDBOX_URL=http://127.0.0.1:"));

  {
    g_autofree char *world_url = g_strconcat (strchr (line, '=') + 1, "/control/world", NULL);
    msg = soup_message_new ("GET", world_url);
  }
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  g_subprocess_send_signal (sandbox, SIGTERM);
  g_subprocess_wait_check (sandbox, NULL, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sandbox-control/scripted-password-change", test_scripted_password_change);
  ADD ("/sandbox-control/each-way-to-die", test_each_way_to_die);
  ADD ("/sandbox-control/expire-and-world", test_expire_and_world);
  ADD ("/sandbox-control/http-faults", test_http_faults);
  ADD ("/sandbox-control/hang", test_hang);
  ADD ("/sandbox-control/offline", test_offline);
  ADD ("/sandbox-control/approver", test_approver);
  ADD ("/sandbox-control/refuses-bad-requests", test_refuses_bad_requests);
  ADD ("/sandbox-control/request-log", test_request_log);
#undef ADD
  g_test_add_func ("/sandbox-control/state-survives-restart", test_state_survives_restart);
  g_test_add_func ("/sandbox-control/instagram-state-survives-restart",
                   test_instagram_state_survives_restart);
  g_test_add_func ("/sandbox-control/standalone-program", test_standalone_program);

  return g_test_run ();
}
