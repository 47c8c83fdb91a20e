/* sh-sandbox-graph-errors.c — Graph error objects (docs/network-behaviour.md, "Errors"):
 *
 *   {"error":{"message","type","code","error_subcode","is_transient",
 *             "error_user_title","error_user_msg","fbtrace_id"}}
 *
 * and the table from the world's reasons a token does not work to code 190
 * and its subcode, with the WWW-Authenticate header real token errors carry.
 */
#include "config.h"

#include "sh-sandbox-graph-private.h"

#define GRAPH_DOCS "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"

ShGraphReply *
_sh_graph_error (guint       http_status,
                 int         code,
                 int         subcode,
                 const char *type,
                 const char *message,
                 const char *user_title,
                 const char *user_msg,
                 gboolean    is_transient)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *trace = sh_sandbox_random_string ("A", 22);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  if (subcode != 0)
    {
      json_builder_set_member_name (builder, "error_subcode");
      json_builder_add_int_value (builder, subcode);
    }
  if (is_transient)
    {
      json_builder_set_member_name (builder, "is_transient");
      json_builder_add_boolean_value (builder, TRUE);
    }
  if (user_title != NULL)
    {
      json_builder_set_member_name (builder, "error_user_title");
      json_builder_add_string_value (builder, user_title);
    }
  if (user_msg != NULL)
    {
      json_builder_set_member_name (builder, "error_user_msg");
      json_builder_add_string_value (builder, user_msg);
    }
  json_builder_set_member_name (builder, "fbtrace_id");
  json_builder_add_string_value (builder, trace);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return _sh_graph_reply_new_object (http_status, builder);
}

/* "Tuesday, 11-Feb-25 10:00:00 PST": the form of Facebook's expiry
 * messages, in English whatever the locale. */
static char *
format_facebook_time (gint64 unix_time)
{
  static const char *days[] = { "Monday", "Tuesday", "Wednesday", "Thursday",
                                "Friday", "Saturday", "Sunday" };
  static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("America/Los_Angeles");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  if (utc == NULL)
    return g_strdup ("an unknown date");
  local = g_date_time_to_timezone (utc, zone);
  return g_strdup_printf ("%s, %02d-%s-%02d %02d:%02d:%02d %s",
                          days[g_date_time_get_day_of_week (local) - 1],
                          g_date_time_get_day_of_month (local),
                          months[g_date_time_get_month (local) - 1],
                          g_date_time_get_year (local) % 100,
                          g_date_time_get_hour (local),
                          g_date_time_get_minute (local),
                          g_date_time_get_second (local),
                          g_date_time_get_timezone_abbreviation (local));
}

ShGraphReply *
_sh_graph_token_error (ShSandboxWorld       *world,
                       ShSandboxToken       *token,
                       ShSandboxTokenStatus  status)
{
  g_autofree char *message = NULL;
  g_autofree char *challenge = NULL;
  const char *title = NULL;
  const char *user_msg = NULL;
  int subcode = 0;
  ShGraphReply *reply;

  if (token == NULL)
    status = SH_SANDBOX_TOKEN_UNKNOWN;

  switch (status)
    {
    case SH_SANDBOX_TOKEN_EXPIRED:
      {
        g_autofree char *expired = format_facebook_time (token->expires_at);
        g_autofree char *now = format_facebook_time (sh_sandbox_world_now (world));

        subcode = 463;
        message = g_strdup_printf ("Error validating access token: Session has expired on %s. "
                                   "The current time is %s.", expired, now);
        title = "Session Expired";
        user_msg = "Your session has expired. Please log in again.";
      }
      break;
    case SH_SANDBOX_TOKEN_PASSWORD_CHANGED:
      subcode = 460;
      message = g_strdup ("Error validating access token: The session has been invalidated "
                          "because the user changed their password or Facebook has changed "
                          "the session for security reasons.");
      title = "Password Changed";
      user_msg = "Your session was ended because your password changed. Please log in again.";
      break;
    case SH_SANDBOX_TOKEN_APP_REMOVED:
      subcode = 458;
      message = g_strdup_printf ("Error validating access token: User %s has not authorized "
                                 "application %s.", token->person_id, SH_SANDBOX_APP_ID);
      title = "App Not Authorized";
      user_msg = "You removed this app from your Facebook settings. Log in again to allow it.";
      break;
    case SH_SANDBOX_TOKEN_CHECKPOINT:
      subcode = 459;
      message = g_strdup ("Error validating access token: You cannot access the app till you "
                          "log in to www.facebook.com and follow the instructions given.");
      title = "Log In to Facebook";
      user_msg = "Log in at www.facebook.com and follow the instructions given.";
      break;
    case SH_SANDBOX_TOKEN_UNCONFIRMED:
      subcode = 464;
      message = g_strdup_printf ("Error validating access token: Sessions for the user %s are "
                                 "not allowed because the user is not a confirmed user.",
                                 token->person_id);
      title = "Unconfirmed Account";
      user_msg = "Confirm your account at www.facebook.com, then log in again.";
      break;
    case SH_SANDBOX_TOKEN_REVOKED:
      subcode = 467;
      message = g_strdup ("Error validating access token: The session is invalid because the "
                          "user logged out.");
      title = "Session Ended";
      user_msg = "Your session has ended. Please log in again.";
      break;
    case SH_SANDBOX_TOKEN_ROLE_LOST:
      subcode = 492;
      message = g_strdup_printf ("Error validating access token: The session is invalid because "
                                 "user %s no longer has a role on Page %s.",
                                 token->person_id, token->target_id);
      title = "Page Role Removed";
      user_msg = "You no longer have a role on this Page. A Page admin must give it back.";
      break;
    case SH_SANDBOX_TOKEN_OK:
    case SH_SANDBOX_TOKEN_UNKNOWN:
    case SH_SANDBOX_TOKEN_LOCKED:
    default:
      message = g_strdup ("Invalid OAuth access token - Cannot parse access token");
      break;
    }

  reply = _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 190, subcode, "OAuthException",
                           message, title, user_msg, FALSE);
  g_strdelimit (message, "\"", '\'');
  challenge = g_strdup_printf ("OAuth \"Facebook Platform\" \"invalid_token\" \"%s\"", message);
  _sh_graph_reply_add_header (reply, "WWW-Authenticate", challenge);
  return reply;
}

ShGraphReply *
_sh_graph_no_token_error (const char *path)
{
  if (g_str_equal (path, "/me") || g_str_has_prefix (path, "/me/"))
    return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 2500, 0, "OAuthException",
                            "An active access token must be used to query information "
                            "about the current user.", NULL, NULL, FALSE);
  return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 104, 0, "OAuthException",
                          "An access token is required to request this resource.",
                          NULL, NULL, FALSE);
}

ShGraphReply *
_sh_graph_throttle_error (int code)
{
  ShGraphReply *reply;
  g_autofree char *other = NULL;

  switch (code)
    {
    case 4:
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 4, 0, "OAuthException",
                              "(#4) Application request limit reached",
                              "Too Many Requests",
                              "This app has made too many calls. Try again later.", TRUE);
    case 17:
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 17, 0, "OAuthException",
                              "(#17) User request limit reached",
                              "Too Many Requests",
                              "You have made too many calls. Try again later.", TRUE);
    case 32:
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 32, 0, "OAuthException",
                              "(#32) Page request limit reached",
                              "Too Many Requests",
                              "This Page has made too many calls. Try again later.", FALSE);
    case 613:
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 613, 0, "OAuthException",
                              "(#613) Calls to this api have exceeded the rate limit.",
                              "Too Many Requests",
                              "Calls to this API have exceeded the rate limit. Try again later.",
                              FALSE);
    case 80001:
      reply = _sh_graph_error (SOUP_STATUS_FORBIDDEN, 80001, 0, "OAuthException",
                               "(#80001) There have been too many calls to this Page account. "
                               "Wait a bit and try again.",
                               "Too Many Requests",
                               "There have been too many calls to this Page. Wait a bit and "
                               "try again.", FALSE);
      reply->regain_minutes = 5;
      return reply;
    case 1:
      return _sh_graph_error (SOUP_STATUS_INTERNAL_SERVER_ERROR, 1, 0, "OAuthException",
                              "An unknown error occurred", NULL, NULL, TRUE);
    case 2:
      return _sh_graph_error (SOUP_STATUS_INTERNAL_SERVER_ERROR, 2, 0, "OAuthException",
                              "Service temporarily unavailable", NULL, NULL, TRUE);
    default:
      other = g_strdup_printf ("(#%d) Request limit reached", code);
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, code, 0, "OAuthException",
                              other, NULL, NULL, TRUE);
    }
}

ShGraphReply *
_sh_graph_unsupported (const char *method,
                       const char *object_id)
{
  g_autofree char *lower = g_ascii_strdown (method, -1);
  g_autofree char *message = NULL;

  if (object_id == NULL)
    {
      message = g_strdup_printf ("Unsupported %s request. " GRAPH_DOCS, lower);
      return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 100, 0, "GraphMethodException",
                              message, NULL, NULL, FALSE);
    }
  message = g_strdup_printf ("Unsupported %s request. Object with ID '%s' does not exist, "
                             "cannot be loaded due to missing permissions, or does not "
                             "support this operation. " GRAPH_DOCS, lower, object_id);
  return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 100, 33, "GraphMethodException",
                          message, NULL, NULL, FALSE);
}

ShGraphReply *
_sh_graph_param_error (const char *message)
{
  return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 100, 0, "OAuthException",
                          message, NULL, NULL, FALSE);
}

ShGraphReply *
_sh_graph_no_field (const char *field,
                    const char *node_type)
{
  g_autofree char *message =
    g_strdup_printf ("(#100) Tried accessing nonexisting field (%s) on node type (%s)",
                     field, node_type);

  return _sh_graph_param_error (message);
}

/* Codes 10 and 200-299 mean "permission missing" (docs/network-behaviour.md); the
 * sandbox uses 200 for a person without a role on the Page asked for. */
ShGraphReply *
_sh_graph_permission_error (const char *message)
{
  return _sh_graph_error (SOUP_STATUS_BAD_REQUEST, 200, 0, "OAuthException",
                          message, "Permissions Error",
                          "You do not have permission to do this.", FALSE);
}
