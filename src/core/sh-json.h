/* sh-json.h — reading JSON that may be damaged or hostile.
 *
 * Network answers and data files are read member by member with their type
 * checked: json_object_get_*_member() would warn (and abort under
 * G_DEBUG=fatal-warnings) on a member of the wrong type.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The root of @data, or NULL when it is not JSON. @length -1: NUL-ended. */
JsonNode   *sh_json_parse      (const char *data,
                                gssize      length);
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

G_END_DECLS
