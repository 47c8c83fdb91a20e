/* sh-store-scan.c — the data file read without a json-glib tree (issue 18).
 *
 * json-glib reads the file through GScanner, one character at a time, and
 * builds a node per value: at 10,000 tokens most of the start-up's extra
 * CPU. This reads the JSON SocialHub writes in one pass, straight into
 * sh-store-fields.h's structs, and takes only what it is sure of:
 * - the members the format has, each at most once, each of its own type
 *   or null where json-glib's reader takes null for absent (strings, times,
 *   the owner, scopes and hand-outs), and no member it does not know;
 * - strings without escapes or control characters, in valid UTF-8;
 * - times and counts as plain non-negative integers of at most 18 digits;
 * - JSON's four white-space characters between tokens, nothing after the
 *   root object;
 * - format and version this SocialHub reads.
 * Anything else (an escaped name, a member added by hand, a damaged file)
 * returns FALSE and json-glib reads the whole text, with its messages: this
 * never decides that a file is damaged. tests/fuzz/fuzz-store-format.c
 * checks that both read every input they both take the same way.
 */
#include "config.h"

#include <string.h>

#include "sh-store-fields.h"
#include "sh-store-format.h"

typedef struct {
  const char   *p;
  const char   *end;
  GStringChunk *strings;    /* the current channel's */
  GArray       *tokens;     /* ShStoreTokenFields */
  GArray       *handouts;   /* ShStoreHandoutFields, of all the channel's tokens */
  GPtrArray    *scopes;     /* each token's, NULL-terminated */
  GArray       *scope_at;   /* guint: where each token's scopes start (-1: none) */
  GArray       *handout_at; /* guint: where each token's hand-outs start */
} Scan;

static void
skip_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\t' || *s->p == '\r'))
    s->p++;
}

static gboolean
take (Scan *s,
      char  c)
{
  skip_space (s);
  if (s->p >= s->end || *s->p != c)
    return FALSE;
  s->p++;
  return TRUE;
}

/* A string's bytes, without its quotes: FALSE for an escape, a control
 * character or invalid UTF-8. */
static gboolean
raw_string (Scan        *s,
            const char **out_start,
            gsize       *out_length)
{
  const char *start;
  gboolean ascii = TRUE;

  if (!take (s, '"'))
    return FALSE;
  for (start = s->p; s->p < s->end && *s->p != '"'; s->p++)
    {
      guchar c = (guchar) *s->p;

      if (c == '\\' || c < 0x20)
        return FALSE;
      ascii &= c < 0x80;
    }
  if (s->p >= s->end || (!ascii && !g_utf8_validate_len (start, s->p - start, NULL)))
    return FALSE;
  *out_start = start;
  *out_length = s->p - start;
  s->p++;
  return TRUE;
}

/* A null, which the tree's reader takes for an absent member. */
static gboolean
take_null (Scan *s)
{
  skip_space (s);
  if (s->end - s->p < 4 || memcmp (s->p, "null", 4) != 0)
    return FALSE;
  s->p += 4;
  return TRUE;
}

/* A string, kept until the next channel. */
static gboolean
read_text (Scan        *s,
           const char **out_value)
{
  const char *start;
  gsize length;

  if (!raw_string (s, &start, &length))
    return FALSE;
  *out_value = g_string_chunk_insert_len (s->strings, start, length);
  return TRUE;
}

/* A string or null, as the tree's reader takes a member's. */
static gboolean
read_string (Scan        *s,
             const char **out_value)
{
  if (take_null (s))
    {
      *out_value = NULL;
      return TRUE;
    }
  return read_text (s, out_value);
}

/* The start of an array that may be null: 1 for an array, 0 for null, -1
 * for anything else. */
static int
open_array (Scan *s)
{
  if (take_null (s))
    return 0;
  return take (s, '[') ? 1 : -1;
}

static gboolean
read_int (Scan   *s,
          gint64 *out_value)
{
  const char *start;
  gint64 value = 0;

  if (take_null (s))
    {
      *out_value = 0;
      return TRUE;
    }
  start = s->p;
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    {
      if (s->p - start == 18)
        return FALSE;
      value = value * 10 + (*s->p - '0');
      s->p++;
    }
  /* What follows must end the value: the caller takes "," "}" or "]" next,
   * so "1.5", "1e3" or "-1" do not get through either. */
  if (s->p == start || (*start == '0' && s->p - start > 1))
    return FALSE;
  *out_value = value;
  return TRUE;
}

/* Steps to an object's next member: 1 with its name's index in @names (and
 * the member's value next), 0 at the object's end, -1 for anything else
 * (a member it does not know, or one seen before in @seen). */
static int
next_member (Scan              *s,
             gboolean          *first,
             const char * const names[],
             guint32           *seen)
{
  const char *name;
  gsize length;
  int n = 0, start;

  if (take (s, '}'))
    return 0;
  if (!*first && !take (s, ','))
    return -1;
  *first = FALSE;
  if (!raw_string (s, &name, &length) || !take (s, ':'))
    return -1;
  while (names[n] != NULL)
    n++;
  /* SocialHub writes the members in the order of @names: the first one not
   * seen yet is the likely one. */
  start = g_bit_nth_lsf (~*seen, -1);
  for (int k = 0; k < n; k++)
    {
      int i = (start + k) % n;

      if (strncmp (names[i], name, length) == 0 && names[i][length] == '\0')
        {
          if (*seen & (1u << i))
            return -1;
          *seen |= 1u << i;
          return i + 1;
        }
    }
  return -1;
}

/* Steps to an array's next element: 1 (the element next), 0 at its end,
 * -1 for anything else. */
static int
next_element (Scan     *s,
              gboolean *first)
{
  if (take (s, ']'))
    return 0;
  if (!*first && !take (s, ','))
    return -1;
  *first = FALSE;
  return 1;
}

/* ---- a token -------------------------------------------------------------- */

static gboolean
read_owner (Scan               *s,
            ShStoreTokenFields *token)
{
  static const char * const names[] = { "id", "name", NULL };
  gboolean first = TRUE, ok = TRUE;
  guint32 seen = 0;
  int member;

  if (take_null (s))
    return TRUE;
  if (!take (s, '{'))
    return FALSE;
  token->has_owner = TRUE;
  while (ok && (member = next_member (s, &first, names, &seen)) > 0)
    ok = read_string (s, member == 1 ? &token->owner_id : &token->owner_name);
  return ok && member == 0;
}

static gboolean
read_scopes (Scan *s)
{
  gboolean first = TRUE;
  int more = open_array (s);

  if (more <= 0)
    return more == 0;
  g_array_index (s->scope_at, guint, s->scope_at->len - 1) = s->scopes->len;
  while ((more = next_element (s, &first)) > 0)
    {
      const char *scope;

      /* The tree's reader leaves out a scope that is not a string: not
       * one for this reader to guess at. */
      if (!read_text (s, &scope))
        return FALSE;
      g_ptr_array_add (s->scopes, (gpointer) scope);
    }
  g_ptr_array_add (s->scopes, NULL);
  return more == 0;
}

static gboolean
read_handouts (Scan               *s,
               ShStoreTokenFields *token)
{
  static const char * const names[] = { "at", "via", "by", NULL };
  gboolean first = TRUE;
  int more = open_array (s);

  if (more <= 0)
    return more == 0;
  while ((more = next_element (s, &first)) > 0)
    {
      ShStoreHandoutFields handout = { 0 };
      gboolean first_member = TRUE, ok = TRUE;
      guint32 seen = 0;
      int member;

      if (!take (s, '{'))
        return FALSE;
      while (ok && (member = next_member (s, &first_member, names, &seen)) > 0)
        ok = member == 1 ? read_int (s, &handout.at)
                         : read_string (s, member == 2 ? &handout.via : &handout.by);
      if (!ok || member != 0)
        return FALSE;
      g_array_append_val (s->handouts, handout);
      token->n_handouts++;
    }
  return more == 0;
}

enum {
  T_ID = 1, T_SHARES, T_OWNER, T_SCOPES, T_GRANTED_AT, T_EXPIRES_AT, T_EXPIRES_BY,
  T_DATA_ACCESS_EXPIRES_AT, T_STATE, T_REASON, T_LAST_VERDICT, T_LAST_VERDICT_REASON,
  T_CHECKED_AT, T_NOTIFIED_STATE, T_NOTIFIED_EXPIRY_DAYS, T_NOTIFIED_DATA_ACCESS_DAYS,
  T_HANDOUTS,
};

static gboolean
read_token_member (Scan               *s,
                   ShStoreTokenFields *token,
                   int                 member)
{
  switch (member)
    {
    case T_ID: return read_string (s, &token->id);
    case T_SHARES: return read_string (s, &token->shares);
    case T_OWNER: return read_owner (s, token);
    case T_SCOPES: return read_scopes (s);
    case T_GRANTED_AT: return read_int (s, &token->granted_at);
    case T_EXPIRES_AT: return read_int (s, &token->expires_at);
    case T_EXPIRES_BY: return read_int (s, &token->expires_by);
    case T_DATA_ACCESS_EXPIRES_AT: return read_int (s, &token->data_access_expires_at);
    case T_STATE: return read_string (s, &token->state);
    case T_REASON: return read_string (s, &token->reason);
    case T_LAST_VERDICT:
      token->has_last_verdict = TRUE;
      return read_string (s, &token->last_verdict);
    case T_LAST_VERDICT_REASON: return read_string (s, &token->last_verdict_reason);
    case T_CHECKED_AT: return read_int (s, &token->checked_at);
    case T_NOTIFIED_STATE: return read_string (s, &token->notified_state);
    case T_NOTIFIED_EXPIRY_DAYS: return read_int (s, &token->notified_expiry_days);
    case T_NOTIFIED_DATA_ACCESS_DAYS: return read_int (s, &token->notified_data_access_days);
    case T_HANDOUTS: return read_handouts (s, token);
    default: return FALSE;
    }
}

static gboolean
read_token (Scan *s)
{
  static const char * const names[] = {
    "id", "shares", "owner", "scopes", "granted_at", "expires_at", "expires_by",
    "data_access_expires_at", "state", "reason", "last_verdict", "last_verdict_reason",
    "checked_at", "notified_state", "notified_expiry_days", "notified_data_access_days",
    "handouts", NULL
  };
  ShStoreTokenFields token = { 0 };
  gboolean first = TRUE, ok = TRUE;
  guint32 seen = 0;
  guint no_scopes = G_MAXUINT, handouts_at = s->handouts->len;
  int member;

  if (!take (s, '{'))
    return FALSE;
  g_array_append_val (s->scope_at, no_scopes);
  g_array_append_val (s->handout_at, handouts_at);
  while (ok && (member = next_member (s, &first, names, &seen)) > 0)
    ok = read_token_member (s, &token, member);
  if (!ok || member != 0)
    return FALSE;
  g_array_append_val (s->tokens, token);
  return TRUE;
}

/* ---- a channel ------------------------------------------------------------- */

static gboolean
read_tokens (Scan *s)
{
  gboolean first = TRUE;
  int more;

  if (!take (s, '['))
    return FALSE;
  while ((more = next_element (s, &first)) > 0)
    if (!read_token (s))
      return FALSE;
  return more == 0;
}

/* The arrays may have moved while they grew: the tokens' pointers into them
 * are set once the channel is read. */
static void
point_tokens (Scan *s)
{
  for (guint i = 0; i < s->tokens->len; i++)
    {
      ShStoreTokenFields *token = &g_array_index (s->tokens, ShStoreTokenFields, i);
      guint scopes = g_array_index (s->scope_at, guint, i);

      token->scopes = scopes == G_MAXUINT ? NULL : (const char * const *) s->scopes->pdata + scopes;
      token->handouts = token->n_handouts == 0 ? NULL
        : &g_array_index (s->handouts, ShStoreHandoutFields, g_array_index (s->handout_at, guint, i));
    }
}

static gboolean
read_channel (Scan               *s,
              ShStoreScanChannel  callback,
              gpointer            user_data)
{
  static const char * const names[] = {
    "id", "network", "external_id", "name", "picture_url", "via", "discovered_at", "tokens", NULL
  };
  ShStoreChannelFields channel = { 0 };
  const char **strings[] = { &channel.id, &channel.network, &channel.external_id,
                             &channel.name, &channel.picture_url, &channel.via };
  gboolean first = TRUE, ok = TRUE;
  guint32 seen = 0;
  int member;

  g_string_chunk_clear (s->strings);
  g_array_set_size (s->tokens, 0);
  g_array_set_size (s->handouts, 0);
  g_ptr_array_set_size (s->scopes, 0);
  g_array_set_size (s->scope_at, 0);
  g_array_set_size (s->handout_at, 0);
  if (!take (s, '{'))
    return FALSE;
  while (ok && (member = next_member (s, &first, names, &seen)) > 0)
    {
      if (member <= (int) G_N_ELEMENTS (strings))
        ok = read_string (s, strings[member - 1]);
      else if (g_str_equal (names[member - 1], "discovered_at"))
        ok = read_int (s, &channel.discovered_at);
      else
        ok = read_tokens (s);
    }
  if (!ok || member != 0)
    return FALSE;
  point_tokens (s);
  callback (&channel, (const ShStoreTokenFields *) s->tokens->data, s->tokens->len, user_data);
  return TRUE;
}

/* ---- the root --------------------------------------------------------------- */

static gboolean
read_removed (Scan      *s,
              GPtrArray *removed)
{
  gboolean first = TRUE;
  int more;

  if (!take (s, '['))
    return FALSE;
  while ((more = next_element (s, &first)) > 0)
    {
      const char *start;
      gsize length;

      if (!raw_string (s, &start, &length))
        return FALSE;
      g_ptr_array_add (removed, g_strndup (start, length));
    }
  return more == 0;
}

static gboolean
read_channels (Scan               *s,
               ShStoreScanChannel  callback,
               gpointer            user_data)
{
  gboolean first = TRUE;
  int more;

  if (!take (s, '['))
    return FALSE;
  while ((more = next_element (s, &first)) > 0)
    if (!read_channel (s, callback, user_data))
      return FALSE;
  return more == 0;
}

static gboolean
read_root (Scan               *s,
           ShStoreScanChannel  callback,
           gpointer            user_data,
           char              **out_store_id,
           GPtrArray          *removed)
{
  static const char * const names[] = {
    "format", "version", "store_id", "removed_tokens", "channels", NULL
  };
  const char *start;
  gsize length;
  gint64 version = 0;
  gboolean first = TRUE, ok = TRUE, ours = FALSE;
  guint32 seen = 0;
  int member;

  if (!take (s, '{'))
    return FALSE;
  while (ok && (member = next_member (s, &first, names, &seen)) > 0)
    switch (member)
      {
      case 1:
        /* Compared in place: the strings of the channels are freed as it goes. */
        ok = raw_string (s, &start, &length);
        ours = ok && length == strlen (SH_STORE_FORMAT_NAME) &&
               memcmp (start, SH_STORE_FORMAT_NAME, length) == 0;
        break;
      case 2: ok = read_int (s, &version); break;
      case 3:
        ok = raw_string (s, &start, &length);
        if (ok)
          *out_store_id = g_strndup (start, length);
        break;
      case 4: ok = read_removed (s, removed); break;
      default: ok = read_channels (s, callback, user_data); break;
      }
  skip_space (s);
  /* The format and version may come after the channels: only now is it
   * known whether this text is one to read. */
  return ok && member == 0 && s->p == s->end && (seen & (1u << 4)) && ours &&
         version >= 1 && version <= SH_STORE_FORMAT_VERSION;
}

gboolean
sh_store_scan (const char          *data,
               gsize                length,
               ShStoreScanChannel   callback,
               gpointer             user_data,
               char               **out_store_id,
               GPtrArray          **out_removed)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *store_id = NULL;
  Scan s = {
    .p = data, .end = data + length,
    .strings = g_string_chunk_new (4096),
    .tokens = g_array_new (FALSE, FALSE, sizeof (ShStoreTokenFields)),
    .handouts = g_array_new (FALSE, FALSE, sizeof (ShStoreHandoutFields)),
    .scopes = g_ptr_array_new (),
    .scope_at = g_array_new (FALSE, FALSE, sizeof (guint)),
    .handout_at = g_array_new (FALSE, FALSE, sizeof (guint)),
  };
  gboolean ok = read_root (&s, callback, user_data, &store_id, removed);

  g_string_chunk_free (s.strings);
  g_array_unref (s.tokens);
  g_array_unref (s.handouts);
  g_ptr_array_unref (s.scopes);
  g_array_unref (s.scope_at);
  g_array_unref (s.handout_at);
  if (!ok)
    return FALSE;
  *out_store_id = g_steal_pointer (&store_id);
  *out_removed = g_steal_pointer (&removed);
  return TRUE;
}
