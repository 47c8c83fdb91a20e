/* sandbox-test.c — see sandbox-test.h. */
#include "config.h"

#include "sandbox-test.h"
#include "test-util.h"

void
reply_free (Reply *reply)
{
  g_free (reply->content_type);
  g_free (reply->body);
  g_clear_object (&reply->msg);
  g_free (reply);
}

void
sh_test_start_sandbox (ShSandboxWorld   *world,
                       ShSandboxServer **server,
                       SoupSession     **session)
{
  g_autoptr(GError) error = NULL;

  *server = sh_sandbox_server_new (world, 0, &error);
  g_assert_no_error (error);
  *session = soup_session_new ();
}

void
sh_test_stop_sandbox (ShSandboxServer **server,
                      SoupSession     **session)
{
  g_clear_object (session);
  g_clear_object (server);
}

GBytes *
sh_test_send_and_read (SoupSession *session,
                       SoupMessage *msg)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  bytes = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  return bytes;
}

Reply *
sh_test_send (SoupSession *session,
              SoupMessage *msg)
{
  g_autoptr(GBytes) bytes = sh_test_send_and_read (session, msg);
  Reply *reply = g_new0 (Reply, 1);

  reply->msg = msg;
  reply->status = soup_message_get_status (msg);
  reply->content_type = g_strdup (soup_message_headers_get_content_type (
    soup_message_get_response_headers (msg), NULL));
  reply->body = g_bytes_get_size (bytes) > 0
                  ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes))
                  : g_strdup ("");
  return reply;
}

JsonObject *
sh_test_parse_object (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, body, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}
