/* test-model.c — states and reasons as a user reads them: a channel's health
 * follows its tokens, an outage never turns a verdict into an alarm. */
#include "config.h"

#include "sh-channel.h"
#include "sh-channel-list.h"
#include "sh-enum-types.h"
#include "sh-providers.h"
#include "sh-secret.h"
#include "sh-time-format.h"
#include "sh-token-clock.h"

#define NOW ((gint64) 1764000000)
#define DAY ((gint64) 24 * 60 * 60)

static ShToken *
make_token (ShChannel *channel)
{
  g_autofree char *id = sh_token_generate_id ();
  ShToken *token = sh_token_new (id, sh_channel_get_network (channel), NULL);

  sh_channel_add_token (channel, token);
  return token;
}

static void
test_derivation_table (void)
{
  const ShTokenState V = SH_TOKEN_STATE_VALID, E = SH_TOKEN_STATE_EXPIRING,
                     X = SH_TOKEN_STATE_EXPIRED, I = SH_TOKEN_STATE_INVALID,
                     U = SH_TOKEN_STATE_UNKNOWN;
  const struct {
    ShTokenState   states[3];
    guint          n;
    ShChannelState expected;
  } cases[] = {
    { { 0 }, 0, SH_CHANNEL_STATE_UNKNOWN },
    { { V }, 1, SH_CHANNEL_STATE_CONNECTED },
    { { V, E }, 2, SH_CHANNEL_STATE_CONNECTED },          /* expiring is still valid */
    { { V, I }, 2, SH_CHANNEL_STATE_DEGRADED },
    { { E, X, I }, 3, SH_CHANNEL_STATE_DEGRADED },
    { { X }, 1, SH_CHANNEL_STATE_DISCONNECTED },
    { { X, I }, 2, SH_CHANNEL_STATE_DISCONNECTED },
    { { I, U }, 2, SH_CHANNEL_STATE_DISCONNECTED },       /* none valid, one dead */
    { { U }, 1, SH_CHANNEL_STATE_UNKNOWN },
    { { U, U }, 2, SH_CHANNEL_STATE_UNKNOWN },
    { { V, U }, 2, SH_CHANNEL_STATE_CONNECTED },          /* nothing known to be wrong */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ShChannelState got = sh_channel_state_derive (cases[i].states, cases[i].n);

      if (got != cases[i].expected)
        g_error ("case %u: expected %s, got %s", i,
                 sh_channel_state_to_string (cases[i].expected),
                 sh_channel_state_to_string (got));
    }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *counter)
{
  (*counter)++;
}

static void
test_channel_follows_tokens (void)
{
  g_autoptr(ShChannel) channel = sh_channel_new ("c1", "facebook", "1001");
  g_autoptr(ShToken) alice = NULL;
  g_autoptr(ShToken) bob = NULL;
  g_autofree char *summary = NULL;
  guint state_notifies = 0;

  g_signal_connect (channel, "notify::state", G_CALLBACK (count_notify), &state_notifies);

  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_UNKNOWN);
  alice = make_token (channel);
  bob = make_token (channel);
  g_assert_cmpstr (sh_token_get_channel_id (alice), ==, "c1");
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_UNKNOWN);

  sh_token_apply_verdict (alice, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 7 * DAY);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_CONNECTED);
  g_assert_cmpuint (state_notifies, ==, 1);

  sh_token_apply_verdict (bob, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED,
                          NOW, 7 * DAY);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DEGRADED);
  g_assert_cmpuint (sh_channel_get_n_valid (channel), ==, 1);
  summary = sh_channel_dup_summary (channel);
  g_assert_cmpstr (summary, ==, "1 of 2 tokens valid");

  sh_token_apply_verdict (alice, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED, NOW, 7 * DAY);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DISCONNECTED);

  /* Removing the dead token of a disconnected channel leaves it disconnected;
   * removing both leaves nothing to judge. */
  g_assert_true (sh_channel_remove_token (channel, bob));
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DISCONNECTED);
  g_assert_true (sh_channel_remove_token (channel, alice));
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_UNKNOWN);
  g_assert_false (sh_channel_remove_token (channel, alice));

  /* A removed token no longer moves the channel. */
  sh_token_apply_verdict (alice, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 7 * DAY);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_UNKNOWN);
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *counter)
{
  (*counter)++;
}

/* The data file's reader adds a channel's tokens at once (issue 18): one
 * change of the token list and one notification of the count, and then
 * the tokens move the channel as if added one by one. */
static void
test_channel_adds_tokens_at_once (void)
{
  g_autoptr(ShChannel) channel = sh_channel_new ("c1", "facebook", "1001");
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_object_unref);
  guint list_changes = 0, count_notifies = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = sh_token_generate_id ();
      ShToken *token = sh_token_new (id, "facebook", NULL);

      sh_token_apply_verdict (token, i == 0 ? SH_TOKEN_STATE_VALID : SH_TOKEN_STATE_INVALID,
                              i == 0 ? SH_TOKEN_REASON_NONE : SH_TOKEN_REASON_PASSWORD_CHANGED,
                              NOW, 7 * DAY);
      g_ptr_array_add (tokens, token);
    }
  g_signal_connect (sh_channel_get_tokens (channel), "items-changed",
                    G_CALLBACK (count_items_changed), &list_changes);
  g_signal_connect (channel, "notify::n-tokens", G_CALLBACK (count_notify), &count_notifies);

  sh_channel_add_tokens (channel, (ShToken **) tokens->pdata, tokens->len);
  g_assert_cmpuint (list_changes, ==, 1);
  g_assert_cmpuint (count_notifies, ==, 1);
  g_assert_cmpuint (sh_channel_get_n_tokens (channel), ==, 3);
  g_assert_cmpstr (sh_token_get_channel_id (g_ptr_array_index (tokens, 2)), ==, "c1");
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DEGRADED);

  sh_token_apply_verdict (g_ptr_array_index (tokens, 0), SH_TOKEN_STATE_EXPIRED,
                          SH_TOKEN_REASON_EXPIRED, NOW, 7 * DAY);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DISCONNECTED);
}

static void
test_unknown_keeps_last_verdict (void)
{
  g_autoptr(ShChannel) channel = sh_channel_new ("c1", "x", "42");
  g_autoptr(ShToken) token = make_token (channel);
  guint channel_notifies = 0;

  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 7 * DAY);
  g_signal_connect (channel, "notify::state", G_CALLBACK (count_notify), &channel_notifies);

  /* The network is down: the token reads unknown/offline, but the channel
   * stays connected on the strength of the last answer. */
  sh_token_mark_unknown (token, SH_TOKEN_REASON_OFFLINE);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_UNKNOWN);
  g_assert_cmpint (sh_token_get_reason (token), ==, SH_TOKEN_REASON_OFFLINE);
  g_assert_cmpint (sh_token_get_last_verdict (token), ==, SH_TOKEN_STATE_VALID);
  g_assert_cmpint (sh_token_get_checked_at (token), ==, NOW);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_CONNECTED);
  g_assert_cmpuint (channel_notifies, ==, 0);

  /* Same for a dead token: an outage does not make it look alive. */
  sh_token_apply_verdict (token, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_CHECKPOINT, NOW + 10, 7 * DAY);
  sh_token_mark_unknown (token, SH_TOKEN_REASON_RATE_LIMITED);
  g_assert_cmpint (sh_token_get_last_verdict (token), ==, SH_TOKEN_STATE_INVALID);
  g_assert_cmpint (sh_token_get_last_verdict_reason (token), ==, SH_TOKEN_REASON_CHECKPOINT);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DISCONNECTED);
}

static gint64 clock_now;

static gint64
fake_clock (gpointer user_data)
{
  return clock_now;
}

static void
test_expiring_window (void)
{
  g_autoptr(ShToken) token = sh_token_new ("t", "facebook", "c");

  /* The token reads its state by the clock (sh-token-clock.h). */
  clock_now = NOW;
  sh_token_clock_set_func (fake_clock, NULL);

  /* Never expires (expires_at 0 means never, not expired). */
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 7 * DAY);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);

  sh_token_set_expires_at (token, NOW + 8 * DAY);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW, 7 * DAY);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);

  clock_now = NOW + 2 * DAY;
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, NOW + 2 * DAY, 7 * DAY);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_EXPIRING);
  g_assert_true (sh_token_state_is_usable (sh_token_get_state (token)));
  sh_token_clock_set_func (NULL, NULL);
}

static void
test_names_round_trip (void)
{
  GEnumClass *klass;

  /* Every state and reason has a stable name that reads back to itself and
   * a plain-language text. */
  klass = g_type_class_ref (SH_TYPE_TOKEN_REASON);
  for (guint i = 0; i < klass->n_values; i++)
    {
      ShTokenReason reason = klass->values[i].value, back;

      g_assert_true (sh_token_reason_from_string (sh_token_reason_to_string (reason), &back));
      g_assert_cmpint (back, ==, reason);
      if (reason != SH_TOKEN_REASON_NONE)
        g_assert_cmpuint (strlen (sh_token_reason_get_explanation (reason)), >, 10);
    }
  g_type_class_unref (klass);

  g_assert_cmpstr (sh_token_reason_to_string (SH_TOKEN_REASON_PASSWORD_CHANGED), ==, "password-changed");
  g_assert_cmpstr (sh_token_reason_to_string (SH_TOKEN_REASON_KEYRING_LOCKED), ==, "keyring-locked");
  /* A token whose secret is gone: no verdict, said as such (issue #13). */
  g_assert_cmpstr (sh_token_reason_to_string (SH_TOKEN_REASON_SECRET_MISSING), ==, "secret-missing");
  g_assert_true (sh_token_reason_is_for_unknown (SH_TOKEN_REASON_SECRET_MISSING));
  g_assert_nonnull (strstr (sh_token_reason_get_explanation (SH_TOKEN_REASON_SECRET_MISSING),
                            "keyring no longer holds the secret"));
  g_assert_cmpstr (sh_channel_state_to_string (SH_CHANNEL_STATE_DEGRADED), ==, "degraded");
  g_assert_false (sh_token_reason_from_string ("password_changed", &(ShTokenReason){0}));
}

static void
test_channel_list (void)
{
  g_autoptr(ShChannelList) list = sh_channel_list_new ();
  g_autoptr(ShChannel) page = sh_channel_new ("c1", "facebook", "1001");
  g_autoptr(ShChannel) account = sh_channel_new ("c2", "x", "1001");
  g_autoptr(ShToken) token = make_token (account);
  g_autoptr(ShChannel) item = NULL;
  ShChannel *found_in = NULL;

  sh_channel_list_add (list, page);
  sh_channel_list_add (list, account);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  item = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_true (item == account);

  /* The same external id on two networks is two channels. */
  g_assert_true (sh_channel_list_lookup_external (list, "facebook", "1001") == page);
  g_assert_true (sh_channel_list_lookup_external (list, "x", "1001") == account);
  g_assert_true (sh_channel_list_lookup_token (list, sh_token_get_id (token), &found_in) == token);
  g_assert_true (found_in == account);

  g_assert_true (sh_channel_list_remove (list, page));
  g_assert_null (sh_channel_list_lookup (list, "c1"));
  g_assert_null (sh_channel_list_lookup_external (list, "facebook", "1001"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
}

/* A keyring item's text names its token, channel and owner beside the
 * secret; the info read back never holds the secret. */
static void
test_secret_item_info (void)
{
  g_autoptr(ShSecret) secret = sh_secret_new ("EAAsecretINFOtest123", "refresh-xyz", 42);
  g_autoptr(ShSecret) back = NULL;
  g_autoptr(ShSecretInfo) info = NULL;
  g_autoptr(ShSecretInfo) old = NULL;
  g_autofree char *json = NULL;
  g_autofree char *token_id = NULL;
  ShSecretInfo in = {
    .token_id = "t1", .network = "x", .channel_id = "c1", .channel_external_id = "99",
    .channel_name = "Acme", .owner_id = "7", .owner_name = "Alice",
  };

  json = sh_secret_to_json_full (secret, &in);
  back = sh_secret_from_json (json, &token_id, NULL);
  g_assert_cmpstr (back->access_token, ==, "EAAsecretINFOtest123");
  g_assert_cmpstr (back->refresh_token, ==, "refresh-xyz");
  g_assert_cmpstr (token_id, ==, "t1");

  info = sh_secret_info_from_json (json);
  g_assert_cmpstr (info->token_id, ==, "t1");
  g_assert_cmpstr (info->network, ==, "x");
  g_assert_cmpstr (info->channel_id, ==, "c1");
  g_assert_cmpstr (info->channel_external_id, ==, "99");
  g_assert_cmpstr (info->channel_name, ==, "Acme");
  g_assert_cmpstr (info->owner_id, ==, "7");
  g_assert_cmpstr (info->owner_name, ==, "Alice");

  /* An item of SocialHub 0.1 names only its secret. */
  old = sh_secret_info_from_json ("{\"version\":1,\"access_token\":\"abc\",\"expires_at\":0}");
  g_assert_nonnull (old);
  g_assert_null (old->token_id);
  g_assert_null (old->channel_external_id);
  g_assert_null (sh_secret_info_from_json ("not json"));
}

/* Dates a person reads the same way in every country: the month in words
 * ("4 December 2026"), never the locale's "12/04/26"; a time on the same
 * day alone, else with its date. */
static void
test_dates_in_words (void)
{
  g_autoptr(GDateTime) morning = g_date_time_new_local (2026, 12, 4, 11, 5, 0);
  g_autoptr(GDateTime) next_day = g_date_time_new_local (2026, 12, 5, 9, 30, 0);
  gint64 at = g_date_time_to_unix (morning);
  g_autofree char *date = sh_time_format_date (at);
  g_autofree char *clock = sh_time_format_clock (at);
  g_autofree char *today = sh_time_format_moment (at, at - 3600);
  g_autofree char *tomorrow = sh_time_format_moment (g_date_time_to_unix (next_day), at);

  g_assert_cmpstr (date, ==, "4 December 2026");
  g_assert_cmpstr (clock, ==, "11:05");
  g_assert_cmpstr (today, ==, "11:05");
  g_assert_cmpstr (tomorrow, ==, "5 December 2026, 09:30");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

  g_test_add_func ("/model/derivation-table", test_derivation_table);
  g_test_add_func ("/model/channel-follows-tokens", test_channel_follows_tokens);
  g_test_add_func ("/model/channel-adds-tokens-at-once", test_channel_adds_tokens_at_once);
  g_test_add_func ("/model/unknown-keeps-last-verdict", test_unknown_keeps_last_verdict);
  g_test_add_func ("/model/expiring-window", test_expiring_window);
  g_test_add_func ("/model/names-round-trip", test_names_round_trip);
  g_test_add_func ("/model/channel-list", test_channel_list);
  g_test_add_func ("/model/secret-item-info", test_secret_item_info);
  g_test_add_func ("/model/dates-in-words", test_dates_in_words);

  return g_test_run ();
}
