/* test-derived.c — channels living on another channel's tokens
 * (sh-derived.h), as discovery leaves them: an account that two parents
 * name stays with the first, its via and its tokens' ids unchanged from
 * one look to the next; told it is no longer linked there, it goes with
 * the parent that has it now. */
#include "config.h"

#include "sh-channel-list.h"
#include "sh-derived.h"
#include "sh-provider.h"
#include "test-util.h"

#define NOW ((gint64) 1764000000)
#define DERIVED "derived-network"
#define ACCOUNT_ID "17841400000000123"

static ShChannel *
add_parent (ShChannelList *list,
            const char    *id)
{
  g_autoptr(ShChannel) channel = sh_channel_new (id, "facebook", id);
  g_autofree char *token_id = g_strconcat ("t-", id, NULL);
  g_autoptr(ShToken) token = sh_token_new (token_id, "facebook", id);

  sh_channel_set_name (channel, id);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 0);
  sh_channel_add_token (channel, token);
  sh_channel_list_add (list, channel);
  return channel;   /* the list holds it */
}

/* One look at each of @parents (in that order), each naming the account. */
static void
discover (ShChannelList      *list,
          const char * const *parents,
          gint64              now)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_discovery_free);

  for (guint i = 0; parents[i] != NULL; i++)
    {
      ShGrantedChannel *account = sh_granted_channel_new (DERIVED);

      account->external_id = g_strdup (ACCOUNT_ID);
      account->name = g_strdup ("@acmecoffee");
      g_ptr_array_add (found, sh_discovery_new (parents[i], account));
    }
  g_ptr_array_unref (sh_derived_apply_found (list, g_intern_static_string (DERIVED), found, now));
}

static ShChannel *
account (ShChannelList *list)
{
  return sh_channel_list_lookup_external (list, g_intern_static_string (DERIVED), ACCOUNT_ID);
}

static char *
token_ids (ShChannel *channel)
{
  GListModel *tokens = sh_channel_get_tokens (channel);
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      g_string_append_printf (ids, "%s=%s;", sh_token_get_id (token), sh_token_get_shares (token));
    }
  return g_string_free (ids, FALSE);
}

static void
test_first_parent_keeps_it (void)
{
  g_autoptr(ShChannelList) list = sh_channel_list_new ();
  const char *first_then_second[] = { "page-a", "page-b", NULL };
  const char *second_then_first[] = { "page-b", "page-a", NULL };
  g_autofree char *ids = NULL;
  g_autofree char *again = NULL;

  add_parent (list, "page-a");
  add_parent (list, "page-b");
  discover (list, first_then_second, NOW);
  g_assert_nonnull (account (list));
  g_assert_cmpstr (sh_channel_get_via (account (list)), ==, "page-a");
  ids = token_ids (account (list));
  g_assert_true (g_str_has_suffix (ids, "=t-page-a;"));

  /* The next day the other Page answers first: nothing moves. */
  discover (list, second_then_first, NOW + SH_DERIVED_DISCOVERY_INTERVAL);
  g_assert_cmpstr (sh_channel_get_via (account (list)), ==, "page-a");
  again = token_ids (account (list));
  g_assert_cmpstr (again, ==, ids);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
}

static void
test_unlinked_account_moves (void)
{
  g_autoptr(ShChannelList) list = sh_channel_list_new ();
  const char *first[] = { "page-a", NULL };
  const char *second[] = { "page-b", NULL };
  GListModel *tokens;

  add_parent (list, "page-a");
  add_parent (list, "page-b");
  discover (list, first, NOW);
  /* Its check said it is no longer linked to page-a. */
  tokens = sh_channel_get_tokens (account (list));
  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      sh_token_apply_verdict (token, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_UNLINKED, NOW, 0);
    }
  discover (list, second, NOW + 60);
  g_assert_cmpstr (sh_channel_get_via (account (list)), ==, "page-b");
  g_assert_cmpstr (sh_channel_get_via_name (account (list)), ==, "page-b");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/derived/first-parent-keeps-it", test_first_parent_keeps_it);
  g_test_add_func ("/derived/unlinked-account-moves", test_unlinked_account_moves);
  return g_test_run ();
}
