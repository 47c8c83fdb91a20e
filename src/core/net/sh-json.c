/* sh-json.c — see sh-json.h. */
#include "config.h"

#include <string.h>

#include "sh-json.h"

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Outside strings, plain JSON has brackets, separators, numbers and the
 * letters of true, false and null. */
static gboolean
is_plain (char c)
{
  return c != '\0' && strchr (",:-+.eE0123456789truefalsn", c) != NULL;
}

/* json-glib 1.6 reads more than JSON: it takes "{…} {…}" and
 * "var a = {…};" for one document, keeping the first value and leaking the
 * others (found by tests/fuzz), and it accepts comments and single quotes,
 * which would let the two disagree on where a value ends. It also recurses
 * once per level of nesting: some 100,000 "[" overflow the stack. So a text
 * reaches it only when this scan finds exactly one object or array. */
gboolean
sh_json_is_document (const char *data,
                     gsize       length)
{
  guint depth = 0;
  gsize i = 0;

  if (data == NULL)
    return FALSE;
  while (i < length && is_space (data[i]))
    i++;
  if (i == length || (data[i] != '{' && data[i] != '['))
    return FALSE;

  for (; i < length; i++)
    {
      char c = data[i];

      if (c == '"')
        {
          /* To the closing quote, past escaped characters. A NUL would end
           * json-glib's text early; an escaped one (\u0000) would end the
           * string it is in, so that a token read would not be the token
           * sent ("abc\u0000def" read as "abc"). */
          for (i++; i < length && data[i] != '"'; i++)
            {
              if (data[i] == '\\' && length - i >= 6 && memcmp (data + i, "\\u0000", 6) == 0)
                return FALSE;
              if (data[i] == '\\' && i + 1 < length)
                i++;
              if (data[i] == '\0')
                return FALSE;
            }
          if (i == length)
            return FALSE;
        }
      else if (c == '{' || c == '[')
        {
          if (++depth > SH_JSON_MAX_DEPTH)
            return FALSE;
        }
      else if (c == '}' || c == ']')
        {
          if (--depth == 0)
            break;
        }
      else if (!is_space (c) && !is_plain (c))
        return FALSE;
    }
  if (depth != 0)
    return FALSE;

  /* Nothing but whitespace after the value. */
  for (i++; i < length; i++)
    if (!is_space (data[i]))
      return FALSE;
  return TRUE;
}

JsonNode *
sh_json_parse (const char *data,
               gssize      length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (data == NULL)
    return NULL;
  if (length < 0)
    length = strlen (data);
  /* json-glib takes an empty text for an empty document: for us it is none,
   * and sh_json_is_document() says so. */
  if (!sh_json_is_document (data, length) ||
      !json_parser_load_from_data (parser, data, length, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

const char *
sh_json_get_string (JsonObject *object,
                    const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
sh_json_get_int (JsonObject *object,
                 const char *name,
                 gint64     *out_value)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out_value = json_node_get_int (node);
  return TRUE;
}

JsonObject *
sh_json_get_object (JsonObject *object,
                    const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
sh_json_get_array (JsonObject *object,
                   const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

void
sh_json_builder_add_string (JsonBuilder *builder,
                            const char  *name,
                            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
sh_json_builder_add_int (JsonBuilder *builder,
                         const char  *name,
                         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
sh_json_builder_add_string_array (JsonBuilder *builder,
                                  const char  *name,
                                  GPtrArray   *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < values->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (values, i));
  json_builder_end_array (builder);
}

char *
sh_json_builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}
