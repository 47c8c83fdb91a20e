/* sh-sandbox-graph-device.c — Facebook Login for Devices (docs/network-behaviour.md,
 * "Login for Devices"): POST /device/login and POST /device/login_status,
 * both with the client token APP_ID|CLIENT_TOKEN.
 *
 * A code approves itself once the world's clock reaches its approve_at (or
 * is declined from the start, when the control endpoint asked for it); it
 * lives SH_SANDBOX_DEVICE_CODE_LIFETIME seconds and hands out one token.
 */
#include "config.h"

#include <string.h>

#include "sh-sandbox-graph-private.h"

/* Where the person types the code: the sandbox's own page (GET /device on
 * the sandbox server, sh_sandbox_graph_device_page), never facebook.com,
 * which knows nothing of the sandbox's codes. */
#define DEVICE_PAGE_PATH "/device"

#define SUBCODE_EXPIRED  1349152
#define SUBCODE_TOO_FAST 1349172
#define SUBCODE_DECLINED 1349173
#define SUBCODE_PENDING  1349174

static ShGraphReply *
login_error (int subcode)
{
  switch (subcode)
    {
    case SUBCODE_PENDING:
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 31, subcode, "OAuthException",
                              "User has not yet authorized your application",
                              "Device Login Authorization Pending",
                              "User has not yet authorized your application. Continue polling.",
                              FALSE);
    case SUBCODE_TOO_FAST:
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 31, subcode, "OAuthException",
                              "User is polling too frequently",
                              "Slow Down",
                              "You are polling too frequently. Wait the interval between polls.",
                              FALSE);
    case SUBCODE_DECLINED:
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 31, subcode, "OAuthException",
                              "User declined to authorize your application",
                              "Authorization Declined",
                              "The person declined to authorize your application.",
                              FALSE);
    case SUBCODE_EXPIRED:
    default:
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 31, SUBCODE_EXPIRED, "OAuthException",
                              "The device code has expired",
                              "Code Expired",
                              "This code has expired. Request a new code and try again.",
                              FALSE);
    }
}

/* "a, b,,c" → { "a", "b", "c" } */
static char **
split_scopes (const char *scope)
{
  g_auto(GStrv) parts = g_strsplit (scope != NULL ? scope : "", ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

ShGraphReply *
_sh_graph_device_login (ShGraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) scopes = NULL;
  g_autofree char *verification_uri = g_strconcat (request->base_url, DEVICE_PAGE_PATH, NULL);
  ShSandboxDeviceCode *code;

  if (!_sh_graph_is_client_token (request->token_value))
    return _sh_graph_token_error (request->world, NULL, SH_SANDBOX_TOKEN_UNKNOWN);

  scopes = split_scopes (_sh_graph_param (request, "scope"));
  code = sh_sandbox_world_new_device_code (request->world, (const char * const *) scopes);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code->code);
  json_builder_set_member_name (builder, "user_code");
  json_builder_add_string_value (builder, code->user_code);
  json_builder_set_member_name (builder, "verification_uri");
  json_builder_add_string_value (builder, verification_uri);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, SH_SANDBOX_DEVICE_CODE_LIFETIME);
  json_builder_set_member_name (builder, "interval");
  json_builder_add_int_value (builder, SH_SANDBOX_DEVICE_INTERVAL);
  json_builder_end_object (builder);
  return _sh_graph_reply_new_object (SOUP_STATUS_OK, builder);
}

static ShGraphReply *
issue_user_token (ShGraphRequest      *request,
                  ShSandboxDeviceCode *code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 now = sh_sandbox_world_now (request->world);
  ShSandboxToken *token;
  g_autoptr(GStrvBuilder) granted = g_strv_builder_new ();
  g_auto(GStrv) scopes = NULL;

  /* What the person left out is not in the token. */
  for (guint i = 0; code->scopes != NULL && code->scopes[i] != NULL; i++)
    if (g_strcmp0 (code->scopes[i], code->declined_scope) != 0)
      g_strv_builder_add (granted, code->scopes[i]);
  scopes = g_strv_builder_end (granted);
  token = sh_sandbox_world_issue_token (request->world, SH_SANDBOX_TOKEN_FB_USER,
                                        code->person_id, NULL, SH_SANDBOX_FB_USER_LIFETIME,
                                        code->scopes != NULL ? (const char * const *) scopes
                                                             : NULL);
  if (code->declined_scope != NULL)
    {
      ShSandboxPerson *person = sh_sandbox_world_get_person (request->world, code->person_id);

      token->declined = g_strsplit (code->declined_scope, ",", -1);
      /* The Instagram accounts of their Pages answer (#10) from now on. */
      if (person != NULL && g_str_equal (code->declined_scope, "instagram_basic"))
        person->instagram_withheld = TRUE;
    }
  if (token->data_access_expires_at == 0)
    token->data_access_expires_at = now + SH_SANDBOX_FB_DATA_ACCESS;
  code->used = TRUE;
  /* A login grants the app again, after a removal in Facebook's settings. */
  sh_sandbox_world_grant_app (request->world, code->person_id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, token->value);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, token->expires_at - now);
  json_builder_set_member_name (builder, "data_access_expiration_time");
  json_builder_add_int_value (builder, token->data_access_expires_at);
  json_builder_end_object (builder);
  return _sh_graph_reply_new_object (SOUP_STATUS_OK, builder);
}

ShGraphReply *
_sh_graph_device_login_status (ShGraphRequest *request)
{
  const char *value = _sh_graph_param (request, "code");
  gint64 now = sh_sandbox_world_now (request->world);
  ShSandboxDeviceCode *code;
  gint64 previous_poll;

  if (!_sh_graph_is_client_token (request->token_value))
    return _sh_graph_token_error (request->world, NULL, SH_SANDBOX_TOKEN_UNKNOWN);
  if (value == NULL)
    return _sh_graph_param_error ("(#100) The parameter code is required");

  /* A code never issued is as good as an expired one: start again. */
  code = sh_sandbox_world_lookup_device_code (request->world, value);
  if (code == NULL || code->used ||
      code->created_at + SH_SANDBOX_DEVICE_CODE_LIFETIME < now)
    return login_error (SUBCODE_EXPIRED);

  previous_poll = code->last_poll_at;
  code->last_poll_at = now;
  if (previous_poll != 0 && now - previous_poll < SH_SANDBOX_DEVICE_INTERVAL)
    return login_error (SUBCODE_TOO_FAST);

  if (code->state == SH_SANDBOX_DEVICE_DECLINED)
    return login_error (SUBCODE_DECLINED);
  if (code->state == SH_SANDBOX_DEVICE_PENDING && now >= code->approve_at)
    code->state = SH_SANDBOX_DEVICE_APPROVED;
  if (code->state == SH_SANDBOX_DEVICE_PENDING)
    return login_error (SUBCODE_PENDING);

  return issue_user_token (request, code);
}

/* ---- GET /device: the page the prompt names ------------------------------------ */

void
sh_sandbox_graph_device_page (ShSandboxWorld    *world,
                              SoupServerMessage *msg,
                              GHashTable        *query)
{
  const char *user_code = query != NULL ? g_hash_table_lookup (query, "user_code") : NULL;
  ShSandboxDeviceCode *code = sh_sandbox_world_lookup_user_code (world, user_code);
  ShSandboxPerson *person = code != NULL ? sh_sandbox_world_get_person (world, code->person_id)
                                         : NULL;
  g_autofree char *name = g_markup_escape_text (person != NULL ? person->name : "", -1);
  g_autofree char *said = NULL;
  g_autofree char *page = NULL;

  if (person == NULL)
    said = g_strdup ("<p>In the sandbox, a code approves itself a few seconds after SocialHub "
                     "shows it. Choose who approves in SocialHub's Sandbox menu.</p>");
  else if (code->state == SH_SANDBOX_DEVICE_DECLINED)
    said = g_strdup_printf ("<p>%s declined this code.</p>", name);
  else
    said = g_strdup_printf ("<p>%s approves this code; SocialHub sees it at its next poll.</p>",
                            name);
  page = g_strdup_printf ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<title>Sandbox device login</title></head><body>"
                          "<h1>Sandbox device login</h1>%s"
                          "<p>SocialHub sandbox: an emulation of Facebook, not the real "
                          "service.</p></body></html>\n", said);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}
