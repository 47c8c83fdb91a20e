/* sh-facebook-classify.c — the Graph's answers, judged by code and subcode
 * (never by HTTP status or message text: docs/network-behaviour.md, "Errors"). Only code
 * 190 and the permission codes name an auth fault; everything else leaves
 * the token without a verdict. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-facebook-classify.h"
#include "sh-json.h"

static void
verdict (ShFacebookVerdict *out,
         ShTokenState       state,
         ShTokenReason      reason)
{
  out->state = state;
  out->reason = reason;
}

void
sh_facebook_classify_error (int                code,
                            int                subcode,
                            ShFacebookVerdict *out)
{
  out->code = code;
  out->subcode = subcode;
  out->throttled = FALSE;

  switch (code)
    {
    case 190:
      switch (subcode)
        {
        case 463: verdict (out, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED); return;
        case 460: verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED); return;
        case 458: verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_APP_REMOVED); return;
        case 459: verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_CHECKPOINT); return;
        case 464: verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_UNCONFIRMED_USER); return;
        case 492: verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_ROLE_LOST); return;
        /* 90 days without activity: data access expired, log in again. */
        case 493: verdict (out, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED); return;
        /* 467, none, 102 and any other 190: the session is invalid. */
        default: verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN); return;
        }
    case 102:
      verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN);
      return;
    case 10:
      verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PERMISSION_MISSING);
      return;
    case 4: case 17: case 32: case 613: case 80001:
      out->throttled = TRUE;
      verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED);
      return;
    default:
      if (code >= 200 && code <= 299)
        verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PERMISSION_MISSING);
      else
        /* 1, 2, 341, 368 (temporary) and every code we do not know. */
        verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
      return;
    }
}

/* Graph codes fit an int; a larger number is clamped, not wrapped. */
static gboolean
get_int (JsonObject *object,
         const char *name,
         int        *out)
{
  gint64 value;

  if (!sh_json_get_int (object, name, &value))
    return FALSE;
  *out = (int) CLAMP (value, G_MININT, G_MAXINT);
  return TRUE;
}

gboolean
sh_facebook_parse_error (const char *body,
                         gssize      length,
                         int        *out_code,
                         int        *out_subcode)
{
  g_autoptr(JsonNode) root = sh_json_parse (body, length);
  JsonNode *error;
  JsonObject *object;

  *out_code = -1;
  *out_subcode = -1;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  error = json_object_get_member (json_node_get_object (root), "error");
  if (error == NULL || !JSON_NODE_HOLDS_OBJECT (error))
    return FALSE;
  object = json_node_get_object (error);
  if (!get_int (object, "code", out_code))
    return FALSE;
  get_int (object, "error_subcode", out_subcode);
  return TRUE;
}

void
sh_facebook_classify_response (guint              status,
                               const char        *body,
                               gssize             length,
                               ShFacebookVerdict *out)
{
  int code, subcode;

  if (length < 0 && body != NULL)
    length = strlen (body);

  if (sh_facebook_parse_error (body, length, &code, &subcode))
    {
      sh_facebook_classify_error (code, subcode, out);
      return;
    }

  out->code = out->subcode = -1;
  out->throttled = FALSE;
  if (status == 200)
    {
      g_autoptr(JsonNode) root = sh_json_parse (body, length);
      JsonNode *id = root && JSON_NODE_HOLDS_OBJECT (root)
                       ? json_object_get_member (json_node_get_object (root), "id") : NULL;

      /* A working token answers /me with an id; anything else is a body we
       * cannot trust, not a verdict. */
      if (id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
        verdict (out, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
      else
        verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
      return;
    }
  if (status == 429)
    {
      out->throttled = TRUE;
      verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED);
      return;
    }
  verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
}

void
sh_facebook_batch_item_free (ShFacebookBatchItem *item)
{
  if (item == NULL)
    return;
  g_free (item->body);
  g_free (item->business_usage);
  g_free (item);
}

/* The value of the header @name among a batch item's "headers"
 * ([{"name","value"},…], include_headers=true), or NULL. */
static const char *
item_header (JsonObject *item,
             const char *name)
{
  JsonNode *headers = json_object_get_member (item, "headers");

  if (headers == NULL || !JSON_NODE_HOLDS_ARRAY (headers))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (headers)); i++)
    {
      JsonNode *header = json_array_get_element (json_node_get_array (headers), i);
      JsonNode *key, *value;

      if (!JSON_NODE_HOLDS_OBJECT (header))
        continue;
      key = json_object_get_member (json_node_get_object (header), "name");
      value = json_object_get_member (json_node_get_object (header), "value");
      if (key != NULL && value != NULL && JSON_NODE_HOLDS_VALUE (key) &&
          JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (key) == G_TYPE_STRING &&
          json_node_get_value_type (value) == G_TYPE_STRING &&
          g_ascii_strcasecmp (json_node_get_string (key), name) == 0)
        return json_node_get_string (value);
    }
  return NULL;
}

GPtrArray *
sh_facebook_parse_batch (const char  *body,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(JsonNode) root = sh_json_parse (body, length < 0 && body ? (gssize) strlen (body) : length);
  g_autoptr(GPtrArray) items = NULL;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_FAILED, _("The batch answer is not a JSON array"));
      return NULL;
    }

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_facebook_batch_item_free);
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      ShFacebookBatchItem *item = g_new0 (ShFacebookBatchItem, 1);
      JsonNode *member;
      int status = 0;

      g_ptr_array_add (items, item);
      if (JSON_NODE_HOLDS_NULL (node))
        {
          item->is_null = TRUE;
          continue;
        }
      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !get_int (json_node_get_object (node), "code", &status) || status < 0)
        {
          /* A malformed item is treated like one that timed out. */
          item->is_null = TRUE;
          continue;
        }
      item->status = status;
      member = json_object_get_member (json_node_get_object (node), "body");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        item->body = g_strdup (json_node_get_string (member));
      item->business_usage = g_strdup (item_header (json_node_get_object (node),
                                                    "X-Business-Use-Case-Usage"));
      if (status != 200 && item->body != NULL)
        {
          int code = -1, subcode = -1;

          sh_facebook_parse_error (item->body, strlen (item->body), &code, &subcode);
          item->page_throttled = code == SH_FACEBOOK_CODE_PAGE_LIMIT ||
                                 code == SH_FACEBOOK_CODE_PAGE_BUSINESS_LIMIT;
        }
    }
  return g_steal_pointer (&items);
}

static void
max_percent (JsonObject *object,
             guint      *percent)
{
  const char *fields[] = { "call_count", "total_time", "total_cputime" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      int value;

      if (get_int (object, fields[i], &value) && value > 0)
        *percent = MAX (*percent, (guint) MIN (value, 1000));
    }
}

/* The highest percentage of any budget the headers report, and the longest
 * estimated_time_to_regain_access in minutes. Unparseable headers count as 0:
 * they are advice, not a verdict. */
guint
sh_facebook_parse_usage (const char *app_usage,
                         const char *business_usage,
                         guint      *out_regain_minutes)
{
  guint percent = 0, regain = 0;

  if (app_usage != NULL)
    {
      g_autoptr(JsonNode) root = sh_json_parse (app_usage, strlen (app_usage));

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        max_percent (json_node_get_object (root), &percent);
    }

  if (business_usage != NULL)
    {
      g_autoptr(JsonNode) root = sh_json_parse (business_usage, strlen (business_usage));

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *object = json_node_get_object (root);
          g_autoptr(GList) members = json_object_get_members (object);

          for (GList *l = members; l != NULL; l = l->next)
            {
              JsonNode *entries = json_object_get_member (object, l->data);

              if (!JSON_NODE_HOLDS_ARRAY (entries))
                continue;
              for (guint i = 0; i < json_array_get_length (json_node_get_array (entries)); i++)
                {
                  JsonNode *entry = json_array_get_element (json_node_get_array (entries), i);
                  int minutes;

                  if (!JSON_NODE_HOLDS_OBJECT (entry))
                    continue;
                  max_percent (json_node_get_object (entry), &percent);
                  if (get_int (json_node_get_object (entry), "estimated_time_to_regain_access", &minutes) &&
                      minutes > 0)
                    regain = MAX (regain, (guint) MIN (minutes, 24 * 60));
                }
            }
        }
    }

  if (out_regain_minutes != NULL)
    *out_regain_minutes = regain;
  return percent;
}
