/* sh-sandbox-control.c — the control endpoint (see the header for the list). */
#include "config.h"

#include <json-glib/json-glib.h>

#include "sh-json.h"
#include "sh-sandbox-control.h"

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *body = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
reply_result (SoupServerMessage *msg,
              gboolean           ok,
              const char        *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, ok);
  if (!ok)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error);
    }
  json_builder_end_object (builder);
  reply_json (msg, ok ? 200 : 400, builder);
}

static const char *
token_kind_name (ShSandboxTokenKind kind)
{
  switch (kind)
    {
    case SH_SANDBOX_TOKEN_FB_USER: return "fb-user";
    case SH_SANDBOX_TOKEN_FB_PAGE: return "fb-page";
    case SH_SANDBOX_TOKEN_X_ACCESS: return "x";
    case SH_SANDBOX_TOKEN_X_REFRESH: return "x-refresh";
    default: return "?";
    }
}

static const char *
token_status_name (ShSandboxTokenStatus status)
{
  static const char * const names[] = {
    "ok", "unknown", "expired", "password-changed", "app-removed", "checkpoint",
    "unconfirmed", "revoked", "role-lost", "locked",
  };

  return status < G_N_ELEMENTS (names) ? names[status] : "?";
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* The whole world, tokens included: this endpoint exists for tests and the
 * Sandbox menu, on loopback, and its tokens are made up. */
static void
reply_world (ShSandboxWorld    *world,
             SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *items;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "now");
  json_builder_add_int_value (builder, sh_sandbox_world_now (world));

  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  items = sh_sandbox_world_list_people (world);
  for (guint i = 0; i < items->len; i++)
    {
      ShSandboxPerson *person = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", person->id);
      add_string (builder, "name", person->name);
      json_builder_set_member_name (builder, "checkpointed");
      json_builder_add_boolean_value (builder, person->checkpointed);
      json_builder_set_member_name (builder, "app_removed");
      json_builder_add_boolean_value (builder, person->app_removed);
      json_builder_set_member_name (builder, "instagram_withheld");
      json_builder_add_boolean_value (builder, person->instagram_withheld);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  items = sh_sandbox_world_list_pages (world);
  for (guint i = 0; i < items->len; i++)
    {
      ShSandboxPage *page = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", page->id);
      add_string (builder, "name", page->name);
      sh_json_builder_add_string_array (builder, "admins", page->admin_ids);
      if (page->instagram_id != NULL)
        {
          add_string (builder, "instagram_id", page->instagram_id);
          add_string (builder, "instagram_username", page->instagram_username);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "x_accounts");
  json_builder_begin_array (builder);
  items = sh_sandbox_world_list_x_accounts (world);
  for (guint i = 0; i < items->len; i++)
    {
      ShSandboxXAccount *account = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", account->id);
      add_string (builder, "username", account->username);
      add_string (builder, "owner", account->owner_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "tokens");
  json_builder_begin_array (builder);
  items = sh_sandbox_world_list_tokens (world);
  for (guint i = 0; i < items->len; i++)
    {
      ShSandboxToken *token = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      /* Tokens restored from the state file are known by hash only. */
      if (token->value != NULL)
        add_string (builder, "token", token->value);
      add_string (builder, "hash", token->hash);
      add_string (builder, "kind", token_kind_name (token->kind));
      add_string (builder, "person", token->person_id);
      if (token->target_id != NULL)
        add_string (builder, "target", token->target_id);
      json_builder_set_member_name (builder, "expires_at");
      json_builder_add_int_value (builder, token->expires_at);
      add_string (builder, "status",
                  token_status_name (sh_sandbox_world_check_token (world, token)));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  reply_json (msg, 200, builder);
}

/* The request log as it is: "METHOD /path?query" per request, in order. It
 * never held a header or a body, so a token reaches this answer only if a
 * client put it in a URL, which is what the tests that read it look for. */
static void
reply_requests (GPtrArray         *request_log,
                SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);
  for (guint i = 0; request_log != NULL && i < request_log->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (request_log, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  reply_json (msg, 200, builder);
}

static void
issue_token (ShSandboxWorld    *world,
             SoupServerMessage *msg,
             GHashTable        *params)
{
  const char *kind = g_hash_table_lookup (params, "kind");
  const char *person = g_hash_table_lookup (params, "person");
  const char *target = g_hash_table_lookup (params, "target");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  ShSandboxToken *token = NULL, *refresh = NULL;

  if (sh_sandbox_world_get_person (world, person) == NULL)
    {
      reply_result (msg, FALSE, "unknown person");
      return;
    }
  if (g_strcmp0 (kind, "fb-user") == 0)
    token = sh_sandbox_world_issue_token (world, SH_SANDBOX_TOKEN_FB_USER, person, NULL,
                                          SH_SANDBOX_FB_USER_LIFETIME, NULL);
  else if (g_strcmp0 (kind, "fb-page") == 0 && sh_sandbox_world_get_page (world, target) != NULL)
    token = sh_sandbox_world_issue_token (world, SH_SANDBOX_TOKEN_FB_PAGE, person, target, 0, NULL);
  else if (g_strcmp0 (kind, "x") == 0 && sh_sandbox_world_get_x_account (world, target) != NULL)
    token = sh_sandbox_world_issue_x_pair (world, person, target, &refresh);
  if (token == NULL)
    {
      reply_result (msg, FALSE, "kind must be fb-user, fb-page (with a Page target) or x "
                                "(with an X account target)");
      return;
    }

  json_builder_begin_object (builder);
  add_string (builder, "token", token->value);
  if (refresh != NULL)
    add_string (builder, "refresh_token", refresh->value);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, token->expires_at);
  json_builder_end_object (builder);
  reply_json (msg, 200, builder);
}

static gboolean
parse_fault_kind (const char         *name,
                  ShSandboxFaultKind *out_kind)
{
  static const struct { const char *name; ShSandboxFaultKind kind; } kinds[] = {
    { "latency", SH_SANDBOX_FAULT_LATENCY }, { "status", SH_SANDBOX_FAULT_STATUS },
    { "hang", SH_SANDBOX_FAULT_HANG }, { "truncated", SH_SANDBOX_FAULT_TRUNCATED },
    { "html", SH_SANDBOX_FAULT_HTML }, { "empty", SH_SANDBOX_FAULT_EMPTY },
    { "throttle", SH_SANDBOX_FAULT_THROTTLE }, { "batch-null", SH_SANDBOX_FAULT_BATCH_NULL },
    { "huge", SH_SANDBOX_FAULT_HUGE }, { "hang-body", SH_SANDBOX_FAULT_HANG_BODY },
    { "offline", SH_SANDBOX_FAULT_OFFLINE },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i].name, name))
      {
        *out_kind = kinds[i].kind;
        return TRUE;
      }
  return FALSE;
}

static int
param_int (GHashTable *params,
           const char *name,
           int         fallback)
{
  const char *value = g_hash_table_lookup (params, name);

  return value != NULL ? atoi (value) : fallback;
}

static void
add_fault (ShSandboxWorld    *world,
           SoupServerMessage *msg,
           GHashTable        *params)
{
  const char *network = g_hash_table_lookup (params, "network");
  ShSandboxFault *fault;
  ShSandboxFaultKind kind;

  if (g_strcmp0 (network, "graph") != 0 && g_strcmp0 (network, "x") != 0)
    {
      reply_result (msg, FALSE, "network must be graph or x");
      return;
    }
  if (!parse_fault_kind (g_hash_table_lookup (params, "kind"), &kind))
    {
      reply_result (msg, FALSE, "unknown fault kind");
      return;
    }

  fault = g_new0 (ShSandboxFault, 1);
  fault->kind = kind;
  fault->network = g_strdup (network);
  fault->path_prefix = g_strdup (g_hash_table_lookup (params, "path"));
  fault->remaining = param_int (params, "count", -1);
  fault->delay_ms = param_int (params, "delay_ms", 0);
  fault->status = param_int (params, "status", kind == SH_SANDBOX_FAULT_STATUS ? 500 : 0);
  fault->code = param_int (params, "code", 0);
  fault->x_form = g_strdup (g_hash_table_lookup (params, "form"));
  sh_sandbox_world_add_fault (world, fault);
  reply_result (msg, TRUE, NULL);
}

void
sh_sandbox_control_handle (ShSandboxWorld    *world,
                           GPtrArray         *request_log,
                           SoupServerMessage *msg,
                           const char        *path,
                           GHashTable        *params)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  const char *person = g_hash_table_lookup (params, "person");
  const char *token = g_hash_table_lookup (params, "token");
  gboolean ok;

  /* The server listens on 127.0.0.1 only; this is the second lock. */
  if (!G_IS_INET_SOCKET_ADDRESS (remote) ||
      !g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
    {
      soup_server_message_set_status (msg, 403, NULL);
      return;
    }

  if (g_str_equal (path, "/world"))
    {
      reply_world (world, msg);
      return;
    }
  if (g_str_equal (path, "/requests") &&
      g_strcmp0 (soup_server_message_get_method (msg), "GET") == 0)
    {
      reply_requests (request_log, msg);
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      reply_result (msg, FALSE, "use POST");
      return;
    }

  if (g_str_equal (path, "/issue-token"))
    {
      issue_token (world, msg, params);
      return;
    }
  if (g_str_equal (path, "/fault"))
    {
      add_fault (world, msg, params);
      return;
    }

  if (g_str_equal (path, "/expire-token"))
    ok = sh_sandbox_world_expire_token (world, token);
  else if (g_str_equal (path, "/revoke-token"))
    ok = sh_sandbox_world_revoke_token (world, token);
  else if (g_str_equal (path, "/change-password"))
    ok = sh_sandbox_world_change_password (world, person);
  else if (g_str_equal (path, "/remove-app"))
    ok = sh_sandbox_world_remove_app (world, person);
  else if (g_str_equal (path, "/checkpoint"))
    ok = sh_sandbox_world_checkpoint (world, person);
  else if (g_str_equal (path, "/remove-role"))
    ok = sh_sandbox_world_remove_role (world, g_hash_table_lookup (params, "page"), person);
  else if (g_str_equal (path, "/link-instagram"))
    ok = sh_sandbox_world_link_instagram (world, g_hash_table_lookup (params, "page"),
                                          g_hash_table_lookup (params, "id"),
                                          g_hash_table_lookup (params, "username"));
  else if (g_str_equal (path, "/unlink-instagram"))
    ok = sh_sandbox_world_unlink_instagram (world, g_hash_table_lookup (params, "page"));
  else if (g_str_equal (path, "/withhold-instagram"))
    ok = sh_sandbox_world_withhold_instagram (world, person);
  else if (g_str_equal (path, "/restore"))
    ok = sh_sandbox_world_restore_person (world, person);
  else if (g_str_equal (path, "/clear-faults"))
    {
      sh_sandbox_world_clear_faults (world);
      ok = TRUE;
    }
  else if (g_str_equal (path, "/advance"))
    {
      sh_sandbox_world_advance (world, param_int (params, "seconds", 0));
      ok = TRUE;
    }
  else if (g_str_equal (path, "/app-usage"))
    {
      sh_sandbox_world_set_app_usage (world, param_int (params, "percent", 0));
      ok = TRUE;
    }
  else if (g_str_equal (path, "/approve-delay"))
    {
      sh_sandbox_world_set_approve_delay (world, param_int (params, "seconds", 3));
      ok = TRUE;
    }
  else if (g_str_equal (path, "/next-device"))
    {
      ok = sh_sandbox_world_get_person (world, person) != NULL;
      if (ok)
      {
        sh_sandbox_world_set_next_device_person (world, person,
                                                 param_int (params, "decline", 0) != 0);
        /* decline_scope=instagram_basic: approved without that permission */
        sh_sandbox_world_set_next_device_declined_scope (world,
                                                         g_hash_table_lookup (params,
                                                                              "decline_scope"));
      }
    }
  else if (g_str_equal (path, "/approver"))
    {
      ok = person == NULL || *person == '\0' || sh_sandbox_world_get_person (world, person) != NULL;
      if (ok)
        sh_sandbox_world_set_approver (world, person);
    }
  else if (g_str_equal (path, "/allow-redirect"))
    {
      ok = g_hash_table_lookup (params, "uri") != NULL;
      if (ok)
        sh_sandbox_world_allow_x_redirect (world, g_hash_table_lookup (params, "uri"));
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  reply_result (msg, ok, ok ? NULL : "unknown id or missing field");
}
