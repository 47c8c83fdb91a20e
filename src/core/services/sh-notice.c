/* sh-notice.c — the facts worth a notification, compared with what was told. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sh-notice.h"
#include "sh-provider-registry.h"

#define DAY ((gint64) 24 * 60 * 60)

static const char * const id_prefixes[] = {
  [SH_NOTICE_CHANNEL_DISCONNECTED] = "channel-",
  [SH_NOTICE_TOKEN_DEAD] = "token-",
  [SH_NOTICE_TOKEN_EXPIRES] = "expiry-",
  [SH_NOTICE_DATA_ACCESS_ENDS] = "data-access-",
};

void
sh_notice_free (ShNotice *notice)
{
  if (notice == NULL)
    return;
  g_free (notice->id);
  g_clear_object (&notice->channel);
  g_clear_object (&notice->token);
  g_clear_pointer (&notice->riders, g_ptr_array_unref);
  g_free (notice);
}

static ShNotice *
notice_new (ShNoticeKind  kind,
            ShChannel    *channel,
            ShToken      *token,
            gboolean      is_new)
{
  ShNotice *notice = g_new0 (ShNotice, 1);

  notice->kind = kind;
  notice->id = g_strconcat (id_prefixes[kind],
                            kind == SH_NOTICE_CHANNEL_DISCONNECTED ? sh_channel_get_id (channel)
                                                                   : sh_token_get_id (token),
                            NULL);
  notice->channel = g_object_ref (channel);
  notice->token = token != NULL ? g_object_ref (token) : NULL;
  notice->is_new = is_new;
  return notice;
}

static gboolean
is_dead (ShTokenState state)
{
  return state == SH_TOKEN_STATE_EXPIRED || state == SH_TOKEN_STATE_INVALID;
}

/* The nearest stage @left seconds are within, 0 if none. */
static guint
stage_reached (const ShNoticeRules *rules,
               gint64               left)
{
  guint reached = 0;

  for (guint i = 0; i < rules->n_stages; i++)
    if (left <= rules->stages[i] * DAY)
      reached = rules->stages[i];
  return reached;
}

static void
collect_reminder (GPtrArray           *out,
                  const ShNoticeRules *rules,
                  ShChannel           *channel,
                  ShToken             *token,
                  ShTokenState         state,
                  ShTokenDeadline      deadline)
{
  gint64 at = sh_token_get_deadline (token, deadline);
  guint told = sh_token_get_notified_stage (token, deadline);
  guint reached;
  ShNotice *notice;

  /* A dead or never-judged token gets no reminder; one whose deadline has
   * passed waits for the check that says so. Either keeps its record, so
   * that nothing is told twice. */
  if (at <= 0 || !sh_token_state_is_usable (state) || at <= rules->now)
    {
      if (at <= 0)
        sh_token_set_notified_stage (token, deadline, 0);
      return;
    }
  reached = stage_reached (rules, at - rules->now);
  if (reached == 0)
    {
      /* Out of every stage: renewed, or far away still. */
      sh_token_set_notified_stage (token, deadline, 0);
      return;
    }
  notice = notice_new (deadline == SH_TOKEN_DEADLINE_EXPIRY ? SH_NOTICE_TOKEN_EXPIRES
                                                            : SH_NOTICE_DATA_ACCESS_ENDS,
                       channel, token,
                       rules->tell_reminders && (told == 0 || reached < told));
  notice->stage_days = reached;
  g_ptr_array_add (out, notice);
  if (told == 0 || reached < told)
    sh_token_set_notified_stage (token, deadline, reached);
}

static void
collect_channel (GPtrArray           *out,
                 const ShNoticeRules *rules,
                 ShChannel           *channel)
{
  GListModel *tokens = sh_channel_get_tokens (channel);
  guint n = g_list_model_get_n_items (tokens);
  g_autofree ShTokenState *now = g_new0 (ShTokenState, MAX (n, 1));
  g_autofree ShTokenState *told = g_new0 (ShTokenState, MAX (n, 1));
  ShChannelState channel_now = sh_channel_get_state (channel);
  gboolean disconnected = channel_now == SH_CHANNEL_STATE_DISCONNECTED;
  ShToken *new_dead = NULL, *any_dead = NULL;
  guint channel_at = out->len;

  for (guint j = 0; j < n; j++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);

      now[j] = sh_token_get_effective_state (token);
      told[j] = sh_token_get_notified_state (token);
      /* Never checked: nothing to tell, and nothing told yet either. */
      if (now[j] == SH_TOKEN_STATE_UNKNOWN)
        told[j] = SH_TOKEN_STATE_UNKNOWN;
    }

  for (guint j = 0; j < n; j++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
      gboolean new_fact = is_dead (now[j]) && !is_dead (told[j]) && rules->after_check;

      if (is_dead (now[j]))
        {
          if (any_dead == NULL)
            any_dead = token;
          if (new_fact && new_dead == NULL)
            new_dead = token;
          /* A disconnected channel says it all: its tokens are not told apart. */
          if (!disconnected)
            g_ptr_array_add (out, notice_new (SH_NOTICE_TOKEN_DEAD, channel, token,
                                              new_fact && rules->tell_dead));
        }
      for (ShTokenDeadline d = SH_TOKEN_DEADLINE_EXPIRY; d <= SH_TOKEN_DEADLINE_DATA_ACCESS; d++)
        collect_reminder (out, rules, channel, token, now[j], d);

      /* Nothing is ever said about a valid token: recorded at once, also
       * between checks (a renewed token), so that its next failure is a
       * change. A verdict is recorded only after the check that gave it. */
      if (now[j] == SH_TOKEN_STATE_UNKNOWN)
        continue;
      if (sh_token_state_is_usable (now[j]) || rules->after_check)
        sh_token_set_notified_state (token, now[j]);
    }

  if (disconnected)
    {
      gboolean was = sh_channel_state_derive (told, n) == SH_CHANNEL_STATE_DISCONNECTED;
      ShNotice *notice = notice_new (SH_NOTICE_CHANNEL_DISCONNECTED, channel,
                                     new_dead != NULL ? new_dead : any_dead,
                                     !was && rules->after_check && rules->tell_disconnected);

      /* First: what the channel's reminders add is less urgent. */
      g_ptr_array_insert (out, channel_at, notice);
    }
}

/* Whether @rider, a notice about a channel living on @notice's channel's
 * tokens, says the same fact: a shared token's death, its reminder at the
 * same stage, or both channels disconnected by the same death. */
static gboolean
same_fact (const ShNotice *notice,
           const ShNotice *rider)
{
  ShToken *shared;

  if (notice->kind != rider->kind || notice->is_new != rider->is_new ||
      notice->token == NULL || rider->token == NULL ||
      g_strcmp0 (sh_channel_get_via (rider->channel), sh_channel_get_id (notice->channel)) != 0)
    return FALSE;
  shared = sh_channel_lookup_token (notice->channel, sh_token_get_shares (rider->token) ?: "");
  if (shared == NULL)
    return FALSE;
  if (rider->kind == SH_NOTICE_CHANNEL_DISCONNECTED)
    return is_dead (sh_token_get_effective_state (shared)) &&
           sh_token_get_last_verdict_reason (shared) ==
             sh_token_get_last_verdict_reason (notice->token) &&
           sh_token_get_last_verdict_reason (rider->token) ==
             sh_token_get_last_verdict_reason (notice->token);
  return shared == notice->token && rider->stage_days == notice->stage_days;
}

/* Each derived channel's notice that says what its parent's says rides
 * on the parent's: one notification names both (issue 19). */
static void
fold_riders (GPtrArray *out)
{
  /* channel id → its notices (not owned), to find a parent's at once */
  g_autoptr(GHashTable) by_channel = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_notice_free);

  for (guint i = 0; i < out->len; i++)
    {
      ShNotice *notice = g_ptr_array_index (out, i);
      const char *id = sh_channel_get_id (notice->channel);
      GPtrArray *of_channel = g_hash_table_lookup (by_channel, id);

      if (of_channel == NULL)
        g_hash_table_insert (by_channel, (gpointer) id, of_channel = g_ptr_array_new ());
      g_ptr_array_add (of_channel, notice);
    }
  for (guint i = 0; i < out->len; i++)
    {
      ShNotice *rider = g_ptr_array_index (out, i);
      const char *via = sh_channel_get_via (rider->channel);
      GPtrArray *hosts = via != NULL ? g_hash_table_lookup (by_channel, via) : NULL;
      ShNotice *host = NULL;

      for (guint j = 0; hosts != NULL && j < hosts->len && host == NULL; j++)
        if (same_fact (g_ptr_array_index (hosts, j), rider))
          host = g_ptr_array_index (hosts, j);
      if (host == NULL)
        {
          g_ptr_array_add (kept, rider);
          continue;
        }
      if (host->riders == NULL)
        host->riders = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_notice_free);
      g_ptr_array_add (host->riders, rider);
    }
  /* Every notice now belongs to @kept or to its host. */
  g_ptr_array_set_free_func (out, NULL);
  g_ptr_array_set_size (out, 0);
  g_ptr_array_set_free_func (out, (GDestroyNotify) sh_notice_free);
  g_ptr_array_extend_and_steal (out, g_steal_pointer (&kept));
}

GPtrArray *
sh_notices_collect (GListModel          *channels,
                    const ShNoticeRules *rules)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_notice_free);

  g_return_val_if_fail (G_IS_LIST_MODEL (channels), out);
  g_return_val_if_fail (rules != NULL, out);

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      collect_channel (out, rules, channel);
    }
  fold_riders (out);
  return out;
}

static void
consider (gint64 *next,
          gint64  moment,
          gint64  now)
{
  if (moment > now && (*next == 0 || moment < *next))
    *next = moment;
}

gint64
sh_notices_next_reminder (GListModel          *channels,
                          const ShNoticeRules *rules)
{
  gint64 next = 0;

  g_return_val_if_fail (G_IS_LIST_MODEL (channels) && rules != NULL, 0);

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);

          if (!sh_token_state_is_usable (sh_token_get_effective_state (token)))
            continue;
          for (ShTokenDeadline d = SH_TOKEN_DEADLINE_EXPIRY; d <= SH_TOKEN_DEADLINE_DATA_ACCESS; d++)
            {
              gint64 at = sh_token_get_deadline (token, d);

              if (at <= 0)
                continue;
              /* At the deadline itself a reminder stops being true. */
              consider (&next, at, rules->now);
              for (guint s = 0; s < rules->n_stages; s++)
                consider (&next, at - rules->stages[s] * DAY, rules->now);
            }
        }
    }
  return next;
}

static int
compare_descending (const void *a,
                    const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? 1 : x > y ? -1 : 0;
}

guint *
sh_notice_stages_normalize (const guint *days,
                            gsize        n_days,
                            guint       *out_n)
{
  guint *stages = g_new0 (guint, MAX (n_days, 1));
  guint n = 0;

  for (gsize i = 0; i < n_days; i++)
    if (days[i] > 0)
      stages[n++] = days[i];
  qsort (stages, n, sizeof (guint), compare_descending);
  if (n > 1)
    {
      guint kept = 1;

      for (guint i = 1; i < n; i++)
        if (stages[i] != stages[kept - 1])
          stages[kept++] = stages[i];
      n = kept;
    }
  *out_n = n;
  return stages;
}

void
sh_person_notices_free (ShPersonNotices *person)
{
  if (person == NULL)
    return;
  g_free (person->id);
  g_free (person->target);
  g_ptr_array_unref (person->notices);
  g_free (person);
}

static gboolean
same_death (ShToken *a,
            ShToken *b)
{
  return sh_network_get_owner_network (sh_token_get_network (a)) ==
           sh_network_get_owner_network (sh_token_get_network (b)) &&
         g_strcmp0 (sh_token_get_owner_id (a), sh_token_get_owner_id (b)) == 0 &&
         sh_token_get_last_verdict_reason (a) == sh_token_get_last_verdict_reason (b);
}

guint
sh_notice_count_person_tokens (const ShNotice *notice)
{
  GListModel *tokens;
  guint n = 0;

  g_return_val_if_fail (notice != NULL, 0);
  if (notice->token == NULL)
    return 0;
  if (notice->kind == SH_NOTICE_TOKEN_DEAD)
    return 1;
  if (notice->kind != SH_NOTICE_CHANNEL_DISCONNECTED)
    return 0;
  tokens = sh_channel_get_tokens (notice->channel);
  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      if (is_dead (sh_token_get_effective_state (token)) && same_death (token, notice->token))
        n++;
    }
  return n;
}

/* The person and cause a notice's death belongs to, or NULL. */
static char *
death_key (const ShNotice *notice)
{
  const char *owner;

  if ((notice->kind != SH_NOTICE_TOKEN_DEAD && notice->kind != SH_NOTICE_CHANNEL_DISCONNECTED) ||
      notice->token == NULL)
    return NULL;
  owner = sh_token_get_owner_id (notice->token);
  if (owner == NULL || *owner == '\0')
    return NULL;
  /* A token shared from another network's channel dies with its person's
   * tokens there: one notification names both channels. */
  return g_strdup_printf ("%s:%s\n%s", sh_network_get_owner_network (sh_token_get_network (notice->token)),
                          owner,
                          sh_token_reason_to_string (sh_token_get_last_verdict_reason (notice->token)));
}

GPtrArray *
sh_notices_take_people (GPtrArray *fresh)
{
  GPtrArray *people = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_person_notices_free);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) n_tokens = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GPtrArray *rest = g_ptr_array_new ();

  g_return_val_if_fail (fresh != NULL, people);

  for (guint i = 0; i < fresh->len; i++)
    {
      ShNotice *notice = g_ptr_array_index (fresh, i);
      g_autofree char *key = death_key (notice);
      ShPersonNotices *person;

      if (key == NULL)
        continue;
      person = g_hash_table_lookup (groups, key);
      if (person == NULL)
        {
          person = g_new0 (ShPersonNotices, 1);
          person->target = g_strndup (key, strchr (key, '\n') - key);
          person->id = g_strconcat ("person-", person->target, NULL);
          person->notices = g_ptr_array_new ();
          g_hash_table_insert (groups, g_steal_pointer (&key), person);
          g_ptr_array_add (order, person);
        }
      g_ptr_array_add (person->notices, notice);
      g_hash_table_insert (n_tokens, person,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (n_tokens, person)) +
                                             sh_notice_count_person_tokens (notice)));
    }

  for (guint i = 0; i < order->len; i++)
    {
      ShPersonNotices *person = g_ptr_array_index (order, i);

      if (GPOINTER_TO_UINT (g_hash_table_lookup (n_tokens, person)) >= 2)
        g_ptr_array_add (people, person);
      else
        sh_person_notices_free (person);
    }

  /* What is left is told as before. */
  for (guint i = 0; i < fresh->len; i++)
    {
      ShNotice *notice = g_ptr_array_index (fresh, i);
      gboolean taken = FALSE;

      for (guint j = 0; j < people->len && !taken; j++)
        taken = g_ptr_array_find (((ShPersonNotices *) g_ptr_array_index (people, j))->notices,
                                  notice, NULL);
      if (!taken)
        g_ptr_array_add (rest, notice);
    }
  g_ptr_array_set_size (fresh, 0);
  g_ptr_array_extend_and_steal (fresh, rest);
  return people;
}
