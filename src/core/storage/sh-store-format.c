/* sh-store-format.c — the data file's JSON (format version 2).
 *
 * {"format":"io.socialhub.SocialHub/channels","version":2,
 *  "store_id":"<uuid>","removed_tokens":["<token id>",…],"channels":[
 *   {"id","network","external_id","name","picture_url","tokens":[
 *     {"id","owner":{"id","name"},"scopes":[…],"granted_at","expires_at",
 *      "data_access_expires_at","state","reason","last_verdict",
 *      "last_verdict_reason","checked_at","notified_state",
 *      "notified_expiry_days","notified_data_access_days",
 *      "handouts":[{"at","via","by"}]}]}]}
 * (notified_*_days: the reminder stage last told before each deadline, 0 or
 * absent: none; handouts: the token broker's hand-outs, newest last, absent
 * when there were none: files without it, older ones, read as none, and an
 * older version ignores it), and "expires_by" after "expires_at" when that is
 * an estimate (the earliest end of a pasted token of unknown age; the latest)
 * A channel that lives on another's tokens has "via" (that channel's id)
 * and its tokens "shares" (the id of the token whose secret they use); a
 * channel whose derived channels were looked for has "discovered_at". All
 * three are absent otherwise, and an older version ignores them.
 *
 * No secret is ever part of it: ShToken does not hold one.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "sh-channel.h"
#include "sh-error.h"
#include "sh-json.h"
#include "sh-provider-registry.h"
#include "sh-store-fields.h"
#include "sh-store-format.h"

static int
compare_strings (const char **a,
                 const char **b)
{
  return strcmp (*a, *b);
}

static void
build_token (JsonBuilder *builder,
             ShToken     *token)
{
  const char * const *scopes = sh_token_get_scopes (token);
  ShTokenState state, last_verdict;
  ShTokenReason reason, last_verdict_reason;

  json_builder_begin_object (builder);
  sh_json_builder_add_string (builder, "id", sh_token_get_id (token));
  if (sh_token_get_shares (token) != NULL)
    sh_json_builder_add_string (builder, "shares", sh_token_get_shares (token));

  json_builder_set_member_name (builder, "owner");
  json_builder_begin_object (builder);
  sh_json_builder_add_string (builder, "id", sh_token_get_owner_id (token));
  sh_json_builder_add_string (builder, "name", sh_token_get_owner_name (token));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_array (builder);
  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    json_builder_add_string_value (builder, scopes[i]);
  json_builder_end_array (builder);

  sh_json_builder_add_int (builder, "granted_at", sh_token_get_granted_at (token));
  sh_json_builder_add_int (builder, "expires_at", sh_token_get_expires_at (token));
  if (sh_token_get_expires_by (token) != 0)
    sh_json_builder_add_int (builder, "expires_by", sh_token_get_expires_by (token));
  sh_json_builder_add_int (builder, "data_access_expires_at", sh_token_get_data_access_expires_at (token));
  /* The record, not the state of the moment: "expired" by the clock alone
   * is derived again at read time (sh-token-clock.h), so a clock that was
   * ahead, or an expiry moved later, does not leave it expired for good. */
  sh_token_get_record (token, &state, &reason, &last_verdict, &last_verdict_reason);
  sh_json_builder_add_string (builder, "state", sh_token_state_to_string (state));
  sh_json_builder_add_string (builder, "reason", sh_token_reason_to_string (reason));
  sh_json_builder_add_string (builder, "last_verdict", sh_token_state_to_string (last_verdict));
  sh_json_builder_add_string (builder, "last_verdict_reason",
                              sh_token_reason_to_string (last_verdict_reason));
  sh_json_builder_add_int (builder, "checked_at", sh_token_get_checked_at (token));
  sh_json_builder_add_string (builder, "notified_state",
                              sh_token_state_to_string (sh_token_get_notified_state (token)));
  sh_json_builder_add_int (builder, "notified_expiry_days",
                           sh_token_get_notified_stage (token, SH_TOKEN_DEADLINE_EXPIRY));
  sh_json_builder_add_int (builder, "notified_data_access_days",
                           sh_token_get_notified_stage (token, SH_TOKEN_DEADLINE_DATA_ACCESS));
  if (sh_token_get_n_handouts (token) > 0)
    {
      json_builder_set_member_name (builder, "handouts");
      sh_store_format_build_handouts (builder, token);
    }
  json_builder_end_object (builder);
}

static void
build_channel (JsonBuilder *builder,
               ShChannel   *channel)
{
  GListModel *tokens = sh_channel_get_tokens (channel);
  guint n = g_list_model_get_n_items (tokens);

  json_builder_begin_object (builder);
  sh_json_builder_add_string (builder, "id", sh_channel_get_id (channel));
  sh_json_builder_add_string (builder, "network", sh_channel_get_network (channel));
  sh_json_builder_add_string (builder, "external_id", sh_channel_get_external_id (channel));
  sh_json_builder_add_string (builder, "name", sh_channel_get_name (channel));
  sh_json_builder_add_string (builder, "picture_url", sh_channel_get_picture_url (channel));
  if (sh_channel_get_via (channel) != NULL)
    sh_json_builder_add_string (builder, "via", sh_channel_get_via (channel));
  if (sh_channel_get_discovered_at (channel) != 0)
    sh_json_builder_add_int (builder, "discovered_at", sh_channel_get_discovered_at (channel));
  json_builder_set_member_name (builder, "tokens");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      build_token (builder, token);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

char *
sh_store_format_serialize (GListModel *channels,
                           gsize      *out_length)
{
  return sh_store_format_serialize_full (channels, NULL, NULL, out_length);
}

/* The root's members before "channels". */
static void
build_head (JsonBuilder *builder,
            const char  *store_id,
            GHashTable  *removed)
{
  sh_json_builder_add_string (builder, "format", SH_STORE_FORMAT_NAME);
  sh_json_builder_add_int (builder, "version", SH_STORE_FORMAT_VERSION);
  if (store_id != NULL)
    sh_json_builder_add_string (builder, "store_id", store_id);
  if (removed != NULL && g_hash_table_size (removed) > 0)
    {
      g_autofree const char **ids = (const char **) g_hash_table_get_keys_as_array (removed, NULL);
      guint n_ids = g_hash_table_size (removed);

      qsort (ids, n_ids, sizeof (char *), (GCompareFunc) compare_strings);
      json_builder_set_member_name (builder, "removed_tokens");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n_ids; i++)
        json_builder_add_string_value (builder, ids[i]);
      json_builder_end_array (builder);
    }
}

/* The whole document as one json-glib tree, generated at once: the
 * reference sh_store_format_serialize_full() writes the same bytes as. */
char *
sh_store_format_serialize_with_tree (GListModel *channels,
                                     const char *store_id,
                                     GHashTable *removed,
                                     gsize      *out_length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (channels), NULL);

  n = g_list_model_get_n_items (channels);
  json_builder_begin_object (builder);
  build_head (builder, store_id, removed);
  json_builder_set_member_name (builder, "channels");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      build_channel (builder, channel);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, out_length);
}

/* @node generated as json-glib's pretty printer writes it @depth levels
 * down (two spaces each): alone it starts at the margin, and every line of
 * it moves right by the same amount. Strings never hold a raw newline (the
 * generator escapes them), so each newline starts a line of the layout. */
static void
append_generated (GString       *out,
                  JsonGenerator *generator,
                  JsonNode      *node,
                  guint          depth)
{
  g_autofree char *text = NULL;
  const char *line;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  for (line = text; line != NULL;)
    {
      const char *end = strchr (line, '\n');

      for (guint i = 0; i < depth; i++)
        g_string_append (out, "  ");
      g_string_append_len (out, line, end != NULL ? end + 1 - line : (gssize) strlen (line));
      line = end != NULL ? end + 1 : NULL;
    }
}

/* The same bytes as sh_store_format_serialize_with_tree() (tests/unit/
 * test-store.c compares them), without the whole document's tree: at
 * 10,000 tokens that tree and its generator's copy were tens of megabytes
 * on top of the model, at every save. The head is generated on its own,
 * then each channel with a tree of its own, freed before the next. */
char *
sh_store_format_serialize_full (GListModel *channels,
                                const char *store_id,
                                GHashTable *removed,
                                gsize      *out_length)
{
  g_autoptr(JsonBuilder) head = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) head_root = NULL;
  g_autofree char *head_text = NULL;
  GString *out;
  gsize head_length;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (channels), NULL);

  json_builder_begin_object (head);
  build_head (head, store_id, removed);
  json_builder_end_object (head);
  head_root = json_builder_get_root (head);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, head_root);
  head_text = json_generator_to_data (generator, &head_length);
  /* "{\n  …\n}": "channels" goes in before the closing brace. */
  g_assert (g_str_has_suffix (head_text, "\n}"));

  n = g_list_model_get_n_items (channels);
  out = g_string_sized_new (head_length + 64 + n * 1024);
  g_string_append_len (out, head_text, head_length - 2);
  g_string_append (out, ",\n  \"channels\" : [");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      build_channel (builder, channel);
      node = json_builder_get_root (builder);
      g_string_append (out, i == 0 ? "\n" : ",\n");
      append_generated (out, generator, node, 2);
    }
  /* json-glib writes an empty array as "[]". */
  g_string_append (out, n > 0 ? "\n  ]\n}" : "]\n}");
  if (out_length != NULL)
    *out_length = out->len;
  return g_string_free (out, FALSE);
}

/* Reading: every accessor checks the member's type (sh-json.h), since the
 * file may have been damaged or edited by hand. */

static gboolean
get_time (JsonObject *object,
          const char *name,
          gint64     *out_value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out_value = 0;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out_value = json_node_get_int (node);
  return *out_value >= 0;
}

void
sh_store_format_build_handouts (JsonBuilder *builder,
                                ShToken     *token)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < sh_token_get_n_handouts (token); i++)
    {
      const ShTokenHandout *handout = sh_token_get_handout (token, i);

      json_builder_begin_object (builder);
      sh_json_builder_add_int (builder, "at", handout->at);
      sh_json_builder_add_string (builder, "via", handout->via);
      sh_json_builder_add_string (builder, "by", handout->by);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* Not worth losing a token over: an entry that is not readable is left out. */
static void
add_handout (ShToken    *token,
             gint64      at,
             const char *via,
             const char *by)
{
  if (via != NULL && at != 0)
    sh_token_add_handout (token, at, via, by);
}

static void
parse_handouts (JsonObject *object,
                ShToken    *token)
{
  JsonNode *member = json_object_get_member (object, "handouts");
  JsonArray *array;

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    return;
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *handout;
      gint64 at;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      handout = json_node_get_object (node);
      if (get_time (handout, "at", &at))
        add_handout (token, at, sh_json_get_string (handout, "via"), sh_json_get_string (handout, "by"));
    }
}

/* The rules for a token, whichever reader found its fields. */
static ShToken *
token_from_fields (const ShStoreTokenFields *fields,
                   const char               *network,
                   const char               *channel_id)
{
  static const char * const no_scopes[] = { NULL };
  g_autoptr(ShToken) token = NULL;
  ShTokenState state, last_verdict, notified_state;
  ShTokenReason reason, last_verdict_reason;
  /* Not worth losing a token over: a damaged one reads "none told". */
  guint notified_expiry_days = fields->notified_expiry_days > G_MAXUINT ? 0 : fields->notified_expiry_days;
  guint notified_data_access_days = fields->notified_data_access_days > G_MAXUINT
                                    ? 0 : fields->notified_data_access_days;

  if (fields->id == NULL || *fields->id == '\0')
    return NULL;

  /* A state or reason this version does not know is a damaged entry, not a
   * verdict to guess at. Missing ones mean "never checked". */
  if (!sh_token_state_from_string (fields->state ?: "unknown", &state) ||
      !sh_token_reason_from_string (fields->reason, &reason) ||
      !sh_token_state_from_string (fields->last_verdict ?: "unknown", &last_verdict) ||
      !sh_token_reason_from_string (fields->last_verdict_reason, &last_verdict_reason) ||
      !sh_token_state_from_string (fields->notified_state ?: "unknown", &notified_state))
    return NULL;

  /* A file from before the last verdict was kept apart from the state: a
   * verdict it holds is the last one. */
  if (!fields->has_last_verdict && sh_token_state_is_verdict (state))
    {
      last_verdict = state;
      last_verdict_reason = reason;
    }

  token = sh_token_new (fields->id, network, channel_id);
  if (fields->has_owner)
    {
      sh_token_set_owner_id (token, fields->owner_id);
      sh_token_set_owner_name (token, fields->owner_name);
    }
  sh_token_set_shares (token, fields->shares);
  sh_token_set_scopes (token, fields->scopes != NULL ? fields->scopes : no_scopes);
  sh_token_set_granted_at (token, fields->granted_at);
  sh_token_set_expires_at (token, fields->expires_at);
  sh_token_set_expires_by (token, fields->expires_by);
  sh_token_set_data_access_expires_at (token, fields->data_access_expires_at);
  sh_token_restore (token, state, reason, last_verdict, last_verdict_reason, fields->checked_at);
  sh_token_set_notified_state (token, notified_state);
  sh_token_set_notified_stage (token, SH_TOKEN_DEADLINE_EXPIRY, notified_expiry_days);
  sh_token_set_notified_stage (token, SH_TOKEN_DEADLINE_DATA_ACCESS, notified_data_access_days);
  for (guint i = 0; i < fields->n_handouts; i++)
    add_handout (token, fields->handouts[i].at, fields->handouts[i].via, fields->handouts[i].by);
  return g_steal_pointer (&token);
}

static ShToken *
parse_token (JsonNode   *node,
             const char *network,
             const char *channel_id)
{
  g_autoptr(GStrvBuilder) scopes = g_strv_builder_new ();
  g_auto(GStrv) scopes_strv = NULL;
  ShStoreTokenFields fields = { 0 };
  JsonObject *object;
  JsonNode *member;
  ShToken *token;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);

  member = json_object_get_member (object, "owner");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    {
      fields.has_owner = TRUE;
      fields.owner_id = sh_json_get_string (json_node_get_object (member), "id");
      fields.owner_name = sh_json_get_string (json_node_get_object (member), "name");
    }

  member = json_object_get_member (object, "scopes");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *scope = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (scope) && json_node_get_value_type (scope) == G_TYPE_STRING)
            g_strv_builder_add (scopes, json_node_get_string (scope));
        }
    }
  scopes_strv = g_strv_builder_end (scopes);
  fields.scopes = (const char * const *) scopes_strv;

  if (!get_time (object, "granted_at", &fields.granted_at) ||
      !get_time (object, "expires_at", &fields.expires_at) ||
      !get_time (object, "expires_by", &fields.expires_by) ||
      !get_time (object, "data_access_expires_at", &fields.data_access_expires_at) ||
      !get_time (object, "checked_at", &fields.checked_at))
    return NULL;
  if (!get_time (object, "notified_expiry_days", &fields.notified_expiry_days))
    fields.notified_expiry_days = 0;
  if (!get_time (object, "notified_data_access_days", &fields.notified_data_access_days))
    fields.notified_data_access_days = 0;

  fields.id = sh_json_get_string (object, "id");
  fields.shares = sh_json_get_string (object, "shares");
  fields.state = sh_json_get_string (object, "state");
  fields.reason = sh_json_get_string (object, "reason");
  fields.has_last_verdict = json_object_get_member (object, "last_verdict") != NULL;
  fields.last_verdict = sh_json_get_string (object, "last_verdict");
  fields.last_verdict_reason = sh_json_get_string (object, "last_verdict_reason");
  fields.notified_state = sh_json_get_string (object, "notified_state");

  token = token_from_fields (&fields, network, channel_id);
  if (token != NULL)
    parse_handouts (object, token);
  return token;
}

GPtrArray *
sh_store_format_parse (const char  *data,
                       gssize       length,
                       guint       *out_n_skipped,
                       GError     **error)
{
  g_autofree char *store_id = NULL;
  g_autoptr(GHashTable) removed = NULL;

  return sh_store_format_parse_full (data, length, out_n_skipped, &store_id, &removed, error);
}

/* ---- the document: whole, or channel by channel -------------------------- */

typedef struct {
  GPtrArray  *channels;       /* ShChannel */
  GHashTable *seen_ids;       /* channel and token ids */
  GHashTable *seen_external;  /* "network:external-id" */
  GPtrArray  *tokens;         /* ShToken: the current channel's, added at once */
  guint       n_skipped;
} Reading;

static void
reading_init (Reading *reading)
{
  reading->channels = g_ptr_array_new_with_free_func (g_object_unref);
  reading->seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  reading->seen_external = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  reading->tokens = g_ptr_array_new_with_free_func (g_object_unref);
  reading->n_skipped = 0;
}

static void
reading_clear (Reading *reading)
{
  g_clear_pointer (&reading->channels, g_ptr_array_unref);
  g_clear_pointer (&reading->seen_ids, g_hash_table_unref);
  g_clear_pointer (&reading->seen_external, g_hash_table_unref);
  g_clear_pointer (&reading->tokens, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reading, reading_clear)

/* The rules for a channel, whichever reader found its fields. */
static ShChannel *
channel_from_fields (const ShStoreChannelFields *fields)
{
  const char *network = sh_provider_registry_intern (fields->network);
  ShChannel *channel;

  if (fields->id == NULL || *fields->id == '\0' || fields->external_id == NULL ||
      *fields->external_id == '\0' || network == NULL)
    return NULL;
  channel = sh_channel_new (fields->id, network, fields->external_id);
  sh_channel_set_name (channel, fields->name);
  sh_channel_set_picture_url (channel, fields->picture_url);
  sh_channel_set_via (channel, fields->via);
  sh_channel_set_discovered_at (channel, fields->discovered_at);
  return channel;
}

/* A token of the channel being read, unless it could not be read or its id
 * was seen. */
static void
read_token (Reading *reading,
            ShToken *token)
{
  if (token == NULL || g_hash_table_contains (reading->seen_ids, sh_token_get_id (token)))
    {
      reading->n_skipped++;
      return;
    }
  g_hash_table_add (reading->seen_ids, g_strdup (sh_token_get_id (token)));
  g_ptr_array_add (reading->tokens, g_object_ref (token));
}

/* A channel with its tokens, unless it could not be read or is one seen. */
static void
read_channel (Reading   *reading,
              ShChannel *channel)
{
  g_autofree char *key = NULL;

  if (channel != NULL)
    sh_channel_add_tokens (channel, (ShToken **) reading->tokens->pdata, reading->tokens->len);
  g_ptr_array_set_size (reading->tokens, 0);
  if (channel == NULL)
    {
      reading->n_skipped++;
      return;
    }
  key = g_strconcat (sh_channel_get_network (channel), ":",
                     sh_channel_get_external_id (channel), NULL);
  if (g_hash_table_contains (reading->seen_ids, sh_channel_get_id (channel)) ||
      g_hash_table_contains (reading->seen_external, key))
    {
      reading->n_skipped++;
      return;
    }
  g_hash_table_add (reading->seen_ids, g_strdup (sh_channel_get_id (channel)));
  g_hash_table_add (reading->seen_external, g_steal_pointer (&key));
  g_ptr_array_add (reading->channels, g_object_ref (channel));
}

static void
parse_channel (Reading  *reading,
               JsonNode *node)
{
  g_autoptr(ShChannel) channel = NULL;
  ShStoreChannelFields fields = { 0 };
  JsonObject *object;
  JsonNode *tokens;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      read_channel (reading, NULL);
      return;
    }
  object = json_node_get_object (node);
  fields.id = sh_json_get_string (object, "id");
  fields.network = sh_json_get_string (object, "network");
  fields.external_id = sh_json_get_string (object, "external_id");
  fields.name = sh_json_get_string (object, "name");
  fields.picture_url = sh_json_get_string (object, "picture_url");
  fields.via = sh_json_get_string (object, "via");
  if (!get_time (object, "discovered_at", &fields.discovered_at))
    fields.discovered_at = 0;
  channel = channel_from_fields (&fields);

  tokens = json_object_get_member (object, "tokens");
  if (channel != NULL && tokens != NULL && JSON_NODE_HOLDS_ARRAY (tokens))
    {
      JsonArray *array = json_node_get_array (tokens);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(ShToken) token = parse_token (json_array_get_element (array, i),
                                                  sh_channel_get_network (channel),
                                                  sh_channel_get_id (channel));
          read_token (reading, token);
        }
    }
  else if (channel != NULL && tokens != NULL)
    reading->n_skipped++;
  read_channel (reading, channel);
}

static void
on_scanned_channel (const ShStoreChannelFields *fields,
                    const ShStoreTokenFields   *tokens,
                    guint                       n_tokens,
                    gpointer                    user_data)
{
  Reading *reading = user_data;
  g_autoptr(ShChannel) channel = channel_from_fields (fields);

  for (guint i = 0; channel != NULL && i < n_tokens; i++)
    {
      g_autoptr(ShToken) token = token_from_fields (&tokens[i], sh_channel_get_network (channel),
                                                    sh_channel_get_id (channel));
      read_token (reading, token);
    }
  read_channel (reading, channel);
}

/* The root's own members: a channel list, of a version we can read. */
static gboolean
check_root (JsonNode  *root_node,
            GError   **error)
{
  JsonObject *root;
  JsonNode *version, *array_node;

  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_STORE_DAMAGED,
                           _("The data file is not valid JSON"));
      return FALSE;
    }
  root = json_node_get_object (root_node);
  if (g_strcmp0 (sh_json_get_string (root, "format"), SH_STORE_FORMAT_NAME) != 0)
    {
      g_set_error (error, SH_ERROR, SH_ERROR_STORE_DAMAGED,
                   _("The data file is not a SocialHub channel list"));
      return FALSE;
    }

  version = json_object_get_member (root, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64 || json_node_get_int (version) < 1)
    {
      g_set_error (error, SH_ERROR, SH_ERROR_STORE_DAMAGED,
                   _("The data file has no valid format version"));
      return FALSE;
    }
  if (json_node_get_int (version) > SH_STORE_FORMAT_VERSION)
    {
      g_set_error (error, SH_ERROR, SH_ERROR_STORE_TOO_NEW,
                   /* %lld, not G_GINT64_FORMAT: xgettext cuts a message at a macro */
                   _("The data file was written by a newer SocialHub (format version %lld)"),
                   (long long) json_node_get_int (version));
      return FALSE;
    }

  array_node = json_object_get_member (root, "channels");
  if (array_node == NULL || !JSON_NODE_HOLDS_ARRAY (array_node))
    {
      g_set_error (error, SH_ERROR, SH_ERROR_STORE_DAMAGED,
                   _("The data file has no channel list"));
      return FALSE;
    }
  return TRUE;
}

/* The store id and the removed tokens, once the channels are read. */
static GPtrArray *
finish_reading (Reading            *reading,
                const char         *store_id,
                const char * const *removed_ids,
                guint               n_removed_ids,
                guint              *out_n_skipped,
                char              **out_store_id,
                GHashTable        **out_removed)
{
  GHashTable *removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_removed_ids; i++)
    if (removed_ids[i] != NULL && *removed_ids[i] != '\0' &&
        !g_hash_table_contains (reading->seen_ids, removed_ids[i]))
      g_hash_table_add (removed, g_strdup (removed_ids[i]));

  if (out_n_skipped != NULL)
    *out_n_skipped = reading->n_skipped;
  /* A store id that is not a UUID was edited by hand: a fresh one is
   * safer than matching keyring items on whatever it says. */
  *out_store_id = (store_id != NULL && g_uuid_string_is_valid (store_id)) ? g_strdup (store_id) : NULL;
  *out_removed = removed;
  return g_steal_pointer (&reading->channels);
}

static GPtrArray *
finish_reading_root (Reading     *reading,
                     JsonObject  *root,
                     guint       *out_n_skipped,
                     char       **out_store_id,
                     GHashTable **out_removed)
{
  g_autoptr(GPtrArray) removed_ids = g_ptr_array_new ();
  JsonNode *removed_node = json_object_get_member (root, "removed_tokens");

  if (removed_node != NULL && JSON_NODE_HOLDS_ARRAY (removed_node))
    {
      JsonArray *ids = json_node_get_array (removed_node);

      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          JsonNode *id = json_array_get_element (ids, i);

          if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
            g_ptr_array_add (removed_ids, (gpointer) json_node_get_string (id));
        }
    }
  return finish_reading (reading, sh_json_get_string (root, "store_id"),
                         (const char * const *) removed_ids->pdata, removed_ids->len,
                         out_n_skipped, out_store_id, out_removed);
}

/* The plain JSON SocialHub writes, without a tree (sh-store-scan.c); NULL
 * for any other text, which the tree reads. */
static GPtrArray *
parse_by_scan (const char  *data,
               gsize        length,
               guint       *out_n_skipped,
               char       **out_store_id,
               GHashTable **out_removed)
{
  g_auto(Reading) reading = { 0 };
  g_autofree char *store_id = NULL;
  g_autoptr(GPtrArray) removed_ids = NULL;

  reading_init (&reading);
  if (!sh_store_scan (data, length, on_scanned_channel, &reading, &store_id, &removed_ids))
    return NULL;
  return finish_reading (&reading, store_id, (const char * const *) removed_ids->pdata,
                         removed_ids->len, out_n_skipped, out_store_id, out_removed);
}

/* A scan of the text sh_json_is_document() let through (so: no comment, no
 * NUL, nothing but JSON's own characters outside strings). Each returns the
 * index after what it skipped, or 0 when the text is not what it expects. */

static gsize
skip_space (const char *data,
            gsize       i,
            gsize       length)
{
  while (i < length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
    i++;
  return i;
}

static gsize
skip_string (const char *data,
             gsize       i,
             gsize       length)
{
  for (i++; i < length && data[i] != '"'; i++)
    if (data[i] == '\\')
      i++;
  return i < length ? i + 1 : 0;
}

static gsize
skip_value (const char *data,
            gsize       i,
            gsize       length)
{
  guint depth = 0;

  if (i >= length)
    return 0;
  if (data[i] == '"')
    return skip_string (data, i, length);
  if (data[i] != '{' && data[i] != '[')
    {
      while (i < length && strchr (" \t\n\r,:]}", data[i]) == NULL)
        i++;
      return i;
    }
  for (; i < length; i++)
    {
      if (data[i] == '"')
        {
          i = skip_string (data, i, length);
          if (i == 0)
            return 0;
          i--;
        }
      else if (data[i] == '{' || data[i] == '[')
        depth++;
      else if ((data[i] == '}' || data[i] == ']') && --depth == 0)
        return i + 1;
    }
  return 0;
}

/* Where the root object's "channels" value starts and ends; FALSE for a
 * text this scan is not sure of (a name written with escapes, a member
 * twice, anything unexpected): the whole parse decides about those. */
static gboolean
find_channels (const char *data,
               gsize       length,
               gsize      *out_start,
               gsize      *out_end)
{
  gboolean found = FALSE;
  gsize i = skip_space (data, 0, length);

  if (i >= length || data[i] != '{')
    return FALSE;
  i = skip_space (data, i + 1, length);
  while (i < length && data[i] != '}')
    {
      gsize name = i, name_end, value;

      if (data[i] != '"' || (name_end = skip_string (data, i, length)) == 0 ||
          memchr (data + name, '\\', name_end - name) != NULL)
        return FALSE;
      i = skip_space (data, name_end, length);
      if (i >= length || data[i] != ':')
        return FALSE;
      value = skip_space (data, i + 1, length);
      if ((i = skip_value (data, value, length)) == 0 || i == value)
        return FALSE;
      if (name_end - name == strlen ("\"channels\"") && memcmp (data + name, "\"channels\"", name_end - name) == 0)
        {
          if (found || data[value] != '[')
            return FALSE;
          found = TRUE;
          *out_start = value;
          *out_end = i;
        }
      i = skip_space (data, i, length);
      if (i < length && data[i] == ',')
        i = skip_space (data, i + 1, length);
      else if (i >= length || data[i] != '}')
        return FALSE;
    }
  return found;
}

/* json-glib builds a tree of the whole text first: 11 MB for the 1.8 MB file
 * of 3,000 tokens, all alive at once with the model built from it (issue
 * 18). This reads the root without its channels, then one channel at a time,
 * each with a tree of its own freed before the next: the same parser on the
 * same texts, so the same result, at the cost of one channel's tree. NULL
 * for a text it is not sure of, and for any fault: the whole parse then reads
 * it, with the whole parse's messages. */
static GPtrArray *
parse_by_channel (const char  *data,
                  gsize        length,
                  guint       *out_n_skipped,
                  char       **out_store_id,
                  GHashTable **out_removed)
{
  g_auto(Reading) reading = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) rest = NULL;
  gsize start = 0, end = 0, i;

  if (!find_channels (data, length, &start, &end))
    return NULL;
  rest = g_string_new_len (data, start);
  g_string_append (rest, "[]");
  g_string_append_len (rest, data + end, length - end);
  if (!json_parser_load_from_data (parser, rest->str, rest->len, NULL) ||
      !check_root (json_parser_get_root (parser), NULL))
    return NULL;
  root = json_parser_steal_root (parser);

  reading_init (&reading);
  i = skip_space (data, start + 1, end);
  while (i < end && data[i] != ']')
    {
      gsize element_end = skip_value (data, i, end);

      if (data[i] != '{' || element_end == 0 ||
          !json_parser_load_from_data (parser, data + i, element_end - i, NULL))
        return NULL;
      parse_channel (&reading, json_parser_get_root (parser));
      i = skip_space (data, element_end, end);
      if (i < end && data[i] == ',')
        {
          i = skip_space (data, i + 1, end);
          if (i >= end || data[i] != '{')
            return NULL;
        }
      else if (i >= end || data[i] != ']')
        return NULL;
    }
  return finish_reading_root (&reading, json_node_get_object (root), out_n_skipped, out_store_id,
                              out_removed);
}

static GPtrArray *
parse (const char  *data,
       gssize       length,
       gboolean     scan,
       guint       *out_n_skipped,
       char       **out_store_id,
       GHashTable **out_removed,
       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_auto(Reading) reading = { 0 };
  GPtrArray *channels;
  JsonObject *root;
  JsonArray *array;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (data);
  /* The scanner takes a narrower JSON than the check below lets through
   * (one object, no NUL, no escape, seven levels at most): a text it reads
   * needs no check. */
  channels = scan ? parse_by_scan (data, length, out_n_skipped, out_store_id, out_removed) : NULL;
  if (channels != NULL)
    return channels;
  /* json-glib accepts an empty document as an empty root; for us it is a
   * file cut short. It also takes "{…} {…}" for one document and leaks the
   * second value (tests/fuzz/regressions/store-format): sh_json_is_document()
   * lets it see one plain JSON object or array only. */
  if (!sh_json_is_document (data, length))
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_STORE_DAMAGED,
                           _("The data file is not valid JSON"));
      return NULL;
    }
  channels = parse_by_channel (data, length, out_n_skipped, out_store_id, out_removed);
  if (channels != NULL)
    return channels;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* Translators: %s is the JSON parser's own description of the fault */
      g_set_error (error, SH_ERROR, SH_ERROR_STORE_DAMAGED,
                   _("The data file is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (!check_root (json_parser_get_root (parser), error))
    return NULL;

  root = json_node_get_object (json_parser_get_root (parser));
  array = json_node_get_array (json_object_get_member (root, "channels"));
  reading_init (&reading);
  for (guint i = 0; i < json_array_get_length (array); i++)
    parse_channel (&reading, json_array_get_element (array, i));
  return finish_reading_root (&reading, root, out_n_skipped, out_store_id, out_removed);
}

GPtrArray *
sh_store_format_parse_full (const char  *data,
                            gssize       length,
                            guint       *out_n_skipped,
                            char       **out_store_id,
                            GHashTable **out_removed,
                            GError     **error)
{
  return parse (data, length, TRUE, out_n_skipped, out_store_id, out_removed, error);
}

GPtrArray *
sh_store_format_parse_with_tree (const char  *data,
                                 gssize       length,
                                 guint       *out_n_skipped,
                                 char       **out_store_id,
                                 GHashTable **out_removed,
                                 GError     **error)
{
  return parse (data, length, FALSE, out_n_skipped, out_store_id, out_removed, error);
}
