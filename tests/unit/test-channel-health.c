/* test-channel-health.c — what the tray icon says of the channels: the worst
 * state and a sentence, following the list and each channel's tokens
 * without being told (src/desktop/sh-channel-health.c). */
#include "config.h"

#include "sh-channel-health.h"
#include "sh-channel-list.h"
#include "sh-providers.h"
#include "test-util.h"

#define NOW ((gint64) 1764000000)

/* The recount waits for an idle main loop, as after a check. */
static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
set_state (ShChannel    *channel,
           ShTokenState  state)
{
  g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), 0);

  sh_token_apply_verdict (token, state,
                          state == SH_TOKEN_STATE_VALID ? SH_TOKEN_REASON_NONE
                                                        : SH_TOKEN_REASON_PASSWORD_CHANGED,
                          NOW, 0);
}

static void
assert_health (ShChannelHealth *health,
               ShChannelState   worst,
               guint            n_attention,
               guint            n_disconnected,
               const char      *description)
{
  g_autofree char *text = sh_channel_health_dup_description (health);

  g_assert_cmpint (sh_channel_health_get_worst_state (health), ==, worst);
  g_assert_cmpuint (sh_channel_health_get_n_attention (health), ==, n_attention);
  g_assert_cmpuint (sh_channel_health_get_n_disconnected (health), ==, n_disconnected);
  g_assert_cmpstr (text, ==, description);
}

static void
count_notifies (GObject    *object,
                GParamSpec *pspec,
                guint      *n)
{
  (*n)++;
}

static void
test_follows_the_channels (void)
{
  g_autoptr(ShChannelList) list = sh_channel_list_new ();
  g_autoptr(ShChannelHealth) health = sh_channel_health_new (G_LIST_MODEL (list));
  g_autoptr(ShChannel) a = sh_test_make_channel ("A", "facebook", 1);
  g_autoptr(ShChannel) b = sh_test_make_channel ("B", "facebook", 1);
  g_autoptr(ShChannel) c = sh_test_make_channel ("C", "facebook", 1);
  guint n_worst_notifies = 0;

  g_signal_connect (health, "notify::worst-state", G_CALLBACK (count_notifies), &n_worst_notifies);
  assert_health (health, SH_CHANNEL_STATE_UNKNOWN, 0, 0, "No channels yet");

  sh_channel_list_add (list, a);
  sh_channel_list_add (list, b);
  settle ();
  assert_health (health, SH_CHANNEL_STATE_UNKNOWN, 0, 0, "2 channels not checked yet");

  set_state (a, SH_TOKEN_STATE_VALID);
  set_state (b, SH_TOKEN_STATE_VALID);
  settle ();
  assert_health (health, SH_CHANNEL_STATE_CONNECTED, 0, 0, "All channels connected");

  set_state (a, SH_TOKEN_STATE_INVALID);
  settle ();
  assert_health (health, SH_CHANNEL_STATE_DISCONNECTED, 1, 1, "1 channel needs attention");

  /* A degraded channel needs attention too; the worst one still shows. */
  sh_channel_list_add (list, c);
  set_state (c, SH_TOKEN_STATE_VALID);
  {
    g_autofree char *id = sh_token_generate_id ();
    g_autoptr(ShToken) dead = sh_token_new (id, "facebook", sh_channel_get_id (c));

    sh_channel_add_token (c, dead);
    sh_token_apply_verdict (dead, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED, NOW, 0);
  }
  settle ();
  assert_health (health, SH_CHANNEL_STATE_DISCONNECTED, 2, 1, "2 channels need attention");

  /* A removed channel is no longer followed. */
  g_assert_true (sh_channel_list_remove (list, a));
  settle ();
  assert_health (health, SH_CHANNEL_STATE_DEGRADED, 1, 0, "1 channel needs attention");
  set_state (a, SH_TOKEN_STATE_VALID);
  set_state (a, SH_TOKEN_STATE_INVALID);
  settle ();
  assert_health (health, SH_CHANNEL_STATE_DEGRADED, 1, 0, "1 channel needs attention");
  g_assert_cmpuint (n_worst_notifies, ==, 3);
}

/* Many changes in one check: one recount, one notification. */
static void
test_one_recount_per_burst (void)
{
  g_autoptr(ShChannelList) list = sh_channel_list_new ();
  g_autoptr(ShChannelHealth) health = sh_channel_health_new (G_LIST_MODEL (list));
  g_autoptr(GPtrArray) channels = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_notifies = 0;

  for (guint i = 0; i < 200; i++)
    g_ptr_array_add (channels, sh_test_make_channel ("Many", "facebook", 1));
  sh_channel_list_replace_all (list, channels);
  settle ();
  g_signal_connect (health, "notify::description", G_CALLBACK (count_notifies), &n_notifies);
  for (guint i = 0; i < channels->len; i++)
    set_state (g_ptr_array_index (channels, i), SH_TOKEN_STATE_INVALID);
  settle ();
  g_assert_cmpuint (n_notifies, ==, 1);
  assert_health (health, SH_CHANNEL_STATE_DISCONNECTED, 200, 200, "200 channels need attention");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  g_test_add_func ("/channel-health/follows-the-channels", test_follows_the_channels);
  g_test_add_func ("/channel-health/one-recount-per-burst", test_one_recount_per_burst);
  return g_test_run ();
}
