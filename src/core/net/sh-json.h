/* sh-json.h — reading JSON that may be damaged or hostile.
 *
 * Network answers and data files are read member by member with their type
 * checked: json_object_get_*_member() would warn (and abort under
 * G_DEBUG=fatal-warnings) on a member of the wrong type.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than any answer or file SocialHub reads, and far shallower than
 * json-glib's recursion (one call per level) needs to overflow the stack. */
#define SH_JSON_MAX_DEPTH 64

/* The root of @data, an object or an array, or NULL when it is not one JSON
 * document (sh_json_is_document). @length -1: NUL-ended. */
JsonNode   *sh_json_parse      (const char *data,
                                gssize      length);
/* Whether @data is one JSON object or array, written in plain JSON's
 * characters (no comments, no single quotes), nested no deeper than
 * SH_JSON_MAX_DEPTH, with nothing but whitespace after it. Checks only
 * strings and brackets: json-glib still checks the grammar. */
gboolean    sh_json_is_document (const char *data,
                                 gsize       length);
/* A member of the named type, or NULL/FALSE; @object may be NULL. */
const char *sh_json_get_string (JsonObject *object,
                                const char *name);
gboolean    sh_json_get_int    (JsonObject *object,
                                const char *name,
                                gint64     *out_value);
JsonObject *sh_json_get_object (JsonObject *object,
                                const char *name);
JsonArray  *sh_json_get_array  (JsonObject *object,
                                const char *name);

/* Writing: the files and the sandbox's state build their JSON the same way. */
/* Member @name holding @value, or null when @value is NULL. */
void        sh_json_builder_add_string       (JsonBuilder *builder,
                                              const char  *name,
                                              const char  *value);
void        sh_json_builder_add_int          (JsonBuilder *builder,
                                              const char  *name,
                                              gint64       value);
/* Member @name holding the strings of @values as an array. */
void        sh_json_builder_add_string_array (JsonBuilder *builder,
                                              const char  *name,
                                              GPtrArray   *values);
/* The built document as compact JSON text. */
char       *sh_json_builder_to_string        (JsonBuilder *builder);

G_END_DECLS
