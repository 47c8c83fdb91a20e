/* test-instagram-provider.c — the Instagram provider against the emulator,
 * with the Facebook provider whose Pages it lives on (issue 19).
 *
 * A Page with two people's tokens, and its Instagram account: when one
 * person's token dies in the same check that the account is unlinked, the
 * account is still judged, with the other person's Page token (not the one
 * that just died), and the check counts only the tokens it was asked
 * about. After every test, no token of the emulated world in any URL.
 */
#include "config.h"

#include "sh-channel-list.h"
#include "sh-facebook-provider.h"
#include "sh-instagram-provider.h"
#include "sh-manager.h"
#include "sh-providers.h"
#include "sh-sandbox-server.h"
#include "provider-test.h"
#include "test-util.h"

#define ALICE      "10001"
#define BOB        "10002"
#define ACME       "104857600123"
#define ACME_IG    "17841400000000123"

typedef ShProviderFixture Fixture;

/* The Facebook provider (@fixture->provider), and the Instagram provider
 * whose accounts live on its Pages. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  sh_provider_fixture_set_up (fixture, SH_TYPE_FACEBOOK_PROVIDER);
  sh_provider_fixture_add_provider (fixture, SH_TYPE_INSTAGRAM_PROVIDER);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sh_provider_fixture_tear_down (fixture, sh_test_graph_url_secrets);
}

/* @person's Page token for Acme Coffee, filed as --add-token does. */
static void
add_acme_token (Fixture    *fixture,
                const char *person,
                const char *name)
{
  ShSandboxToken *world_token = sh_sandbox_world_issue_token (fixture->world,
                                                              SH_SANDBOX_TOKEN_FB_PAGE, person,
                                                              ACME, 0, NULL);
  g_autoptr(ShToken) token = sh_test_file_page_token (fixture->manager, ACME, "Acme Coffee",
                                                      person, name, world_token->value);

  g_assert_nonnull (token);
}

static ShChannel *
instagram_channel (Fixture *fixture)
{
  return sh_channel_list_lookup_external (sh_manager_get_channels (fixture->manager),
                                          g_intern_static_string (SH_INSTAGRAM_NETWORK), ACME_IG);
}

/* The account's token that shares @person's Page token. */
static ShToken *
shared_token_of (Fixture    *fixture,
                 const char *person)
{
  GListModel *tokens = sh_channel_get_tokens (instagram_channel (fixture));

  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      if (g_strcmp0 (sh_token_get_owner_id (token), person) == 0)
        return token;   /* the channel holds it */
    }
  g_assert_not_reached ();
}

static void
test_judged_with_a_working_page_token (Fixture       *fixture,
                                       gconstpointer  data)
{
  ShCheckSummary summary;

  /* Alice's token first: the account's first shared token is hers. */
  add_acme_token (fixture, ALICE, "Alice Example");
  add_acme_token (fixture, BOB, "Bob Sample");
  sh_test_check_all (fixture->manager);
  g_assert_nonnull (instagram_channel (fixture));
  g_assert_cmpint (sh_channel_get_state (instagram_channel (fixture)), ==,
                   SH_CHANNEL_STATE_CONNECTED);

  /* In one check: Alice's Page token dies, and the account is unlinked. */
  g_assert_true (sh_sandbox_world_change_password (fixture->world, ALICE));
  g_assert_true (sh_sandbox_world_unlink_instagram (fixture->world, ACME));
  summary = sh_test_check_all (fixture->manager);

  assert_verdict (shared_token_of (fixture, BOB), SH_TOKEN_STATE_INVALID,
                  SH_TOKEN_REASON_UNLINKED,
                  "the account is judged with Bob's Page token, which works: unlinked");
  assert_verdict (shared_token_of (fixture, ALICE), SH_TOKEN_STATE_INVALID,
                  SH_TOKEN_REASON_PASSWORD_CHANGED,
                  "the token sharing Alice's dead Page token dies with it");
  g_assert_cmpint (sh_channel_get_state (instagram_channel (fixture)), ==,
                   SH_CHANNEL_STATE_DISCONNECTED);
  /* The Page keeps Bob's token: linked still. */
  g_assert_cmpint (sh_test_channel_state (fixture->manager, "facebook", ACME), !=,
                   SH_CHANNEL_STATE_DISCONNECTED);
  /* Two Page tokens, and the one account token asked about (Bob's): the
   * token sharing Alice's dead one was not asked, and is not counted. */
  g_assert_cmpuint (summary.n_checked, ==, 3);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  g_test_add ("/instagram-provider/judged-with-a-working-page-token", Fixture, NULL,
              fixture_set_up, test_judged_with_a_working_page_token, fixture_tear_down);
  return g_test_run ();
}
