/* test-token-clock.c — expired, expiring and the channel's state follow
 * the clock at every read, without waiting for a check (issue 20, item 3);
 * a network verdict still wins. */
#include "config.h"

#include "sh-channel.h"
#include "sh-channel-list.h"
#include "sh-token-clock.h"
#include "sh-token-watch.h"
#include "test-util.h"

#define DAY ((gint64) 24 * 60 * 60)
#define EXPIRY ((gint64) 1800000000)

static gint64 now;

static ShToken *
add_token (ShChannel *channel,
           gint64     expires_at)
{
  g_autofree char *id = sh_token_generate_id ();
  ShToken *token = sh_token_new (id, sh_channel_get_network (channel), NULL);

  sh_token_set_expires_at (token, expires_at);
  sh_channel_add_token (channel, token);
  return token;
}

static void
use_fake_clock (gint64 at)
{
  now = at;
  sh_token_clock_set_func (sh_test_fake_clock, &now);
  sh_token_clock_set_warning_window (7 * DAY);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Checked valid 30 days before its expiry, and then the app was closed. */
static void
test_passed_while_closed (void)
{
  g_autoptr(ShChannel) channel = sh_test_make_channel ("@acme", "x", 0);
  g_autoptr(ShToken) token = add_token (channel, EXPIRY);

  use_fake_clock (EXPIRY - 30 * DAY);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, 7 * DAY);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_CONNECTED);

  /* Entered its warning window while closed: expiring, not "valid". */
  now = EXPIRY - 6 * DAY;
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_EXPIRING);
  g_assert_cmpint (sh_token_get_effective_state (token), ==, SH_TOKEN_STATE_EXPIRING);

  /* Its expiry passed while closed: expired, and the channel whose only
   * working token it was is disconnected, before any check. */
  now = EXPIRY + 60;
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_EXPIRED);
  g_assert_cmpint (sh_token_get_reason (token), ==, SH_TOKEN_REASON_EXPIRED);
  g_assert_cmpint (sh_token_get_last_verdict (token), ==, SH_TOKEN_STATE_EXPIRED);
  g_assert_cmpint (sh_token_get_effective_state (token), ==, SH_TOKEN_STATE_EXPIRED);
  sh_token_follow_clock (token);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DISCONNECTED);
  sh_token_clock_set_func (NULL, NULL);
}

/* Started offline: the check reaches no verdict, and the last verdict
 * (valid, from before the expiry) reads expired all the same. */
static void
test_offline_start (void)
{
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) first = add_token (channel, EXPIRY);
  g_autoptr(ShToken) second = add_token (channel, EXPIRY + DAY);

  use_fake_clock (EXPIRY - 10 * DAY);
  sh_token_restore (first, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE,
                    SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now);
  sh_token_restore (second, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE,
                    SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now);
  now = EXPIRY + 2 * DAY;
  sh_token_mark_unknown (first, SH_TOKEN_REASON_OFFLINE);
  sh_token_mark_unknown (second, SH_TOKEN_REASON_OFFLINE);

  g_assert_cmpint (sh_token_get_state (first), ==, SH_TOKEN_STATE_UNKNOWN);
  g_assert_cmpint (sh_token_get_reason (first), ==, SH_TOKEN_REASON_OFFLINE);
  g_assert_cmpint (sh_token_get_last_verdict (first), ==, SH_TOKEN_STATE_EXPIRED);
  g_assert_cmpint (sh_token_get_last_verdict_reason (first), ==, SH_TOKEN_REASON_EXPIRED);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DISCONNECTED);
  sh_token_clock_set_func (NULL, NULL);
}

/* The network's word wins: valid after the moment stays valid; a token
 * already judged invalid stays invalid (not "expired"). */
static void
test_verdict_wins (void)
{
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  g_autoptr(ShToken) renewed = add_token (channel, EXPIRY);
  g_autoptr(ShToken) killed = add_token (channel, EXPIRY);

  use_fake_clock (EXPIRY + 60);
  sh_token_apply_verdict (renewed, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, 7 * DAY);
  sh_token_apply_verdict (killed, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED,
                          EXPIRY - DAY, 7 * DAY);
  now = EXPIRY + DAY;
  g_assert_cmpint (sh_token_get_state (renewed), ==, SH_TOKEN_STATE_EXPIRING);
  g_assert_cmpint (sh_token_get_state (killed), ==, SH_TOKEN_STATE_INVALID);
  g_assert_cmpint (sh_token_get_reason (killed), ==, SH_TOKEN_REASON_PASSWORD_CHANGED);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DEGRADED);
  sh_token_clock_set_func (NULL, NULL);
}

/* While running, the watch wakes at the warning window's start and at the
 * expiry, and what binds to the token and the channel hears of it. */
static void
test_watch_notifies (void)
{
  g_autoptr(ShChannelList) channels = sh_channel_list_new ();
  g_autoptr(ShChannel) channel = sh_test_make_channel ("@acme", "x", 0);
  g_autoptr(ShToken) token = add_token (channel, EXPIRY);
  g_autoptr(ShTokenClockWatch) watch = NULL;
  guint token_notified = 0, channel_notified = 0;

  use_fake_clock (EXPIRY - 30 * DAY);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, 7 * DAY);
  sh_channel_list_add (channels, channel);
  watch = sh_token_clock_watch_new (G_LIST_MODEL (channels));
  g_assert_cmpint (sh_token_clock_watch_get_next (watch), ==, EXPIRY - 7 * DAY);

  g_signal_connect (token, "notify::effective-state", G_CALLBACK (count_notify), &token_notified);
  g_signal_connect (channel, "notify::state", G_CALLBACK (count_notify), &channel_notified);

  now = EXPIRY - 7 * DAY;
  sh_token_clock_watch_update (watch);
  g_assert_cmpuint (token_notified, ==, 1);
  g_assert_cmpint (sh_token_get_effective_state (token), ==, SH_TOKEN_STATE_EXPIRING);
  g_assert_cmpint (sh_token_clock_watch_get_next (watch), ==, EXPIRY);

  now = EXPIRY;
  sh_token_clock_watch_update (watch);
  g_assert_cmpuint (token_notified, ==, 2);
  g_assert_cmpuint (channel_notified, ==, 1);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_DISCONNECTED);
  g_assert_cmpint (sh_token_clock_watch_get_next (watch), ==, 0);

  /* A wider warning window, set while running, is read at once. */
  sh_token_set_expires_at (token, EXPIRY + 20 * DAY);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, 7 * DAY);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);
  sh_token_clock_set_warning_window (30 * DAY);
  sh_token_clock_watch_update (watch);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_EXPIRING);
  sh_token_clock_set_warning_window (7 * DAY);
  sh_token_clock_set_func (NULL, NULL);
}

static void
count_changed (ShTokenWatch *watch,
               guint        *count)
{
  (*count)++;
}

static void
run_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE));
}

/* The token watch and the token clock hear of a token's deadlines through
 * its channel, one connection per channel (issue 18): a token that comes
 * after they started, in a channel they knew or in a new one, still moves
 * them; its verdicts do not, and a token taken out of its channel no
 * longer does. */
static void
test_watches_follow_new_tokens (void)
{
  g_autoptr(ShChannelList) channels = sh_channel_list_new ();
  g_autoptr(ShChannel) known = sh_test_make_channel ("@acme", "x", 0);
  g_autoptr(ShChannel) later = sh_test_make_channel ("Bakery", "facebook", 0);
  g_autoptr(ShTokenClockWatch) clock = NULL;
  g_autoptr(ShTokenWatch) watch = NULL;
  g_autoptr(ShToken) first = NULL, second = NULL;
  guint changed = 0;

  use_fake_clock (EXPIRY - 30 * DAY);
  sh_channel_list_add (channels, known);
  clock = sh_token_clock_watch_new (G_LIST_MODEL (channels));
  watch = sh_token_watch_new (channels);
  g_signal_connect (watch, "changed", G_CALLBACK (count_changed), &changed);
  g_assert_cmpint (sh_token_clock_watch_get_next (clock), ==, 0);

  first = add_token (known, EXPIRY + 20 * DAY);
  g_assert_cmpuint (changed, ==, 1);
  run_idle ();
  g_assert_cmpint (sh_token_clock_watch_get_next (clock), ==, EXPIRY + 13 * DAY);

  sh_token_set_expires_at (first, EXPIRY);
  g_assert_cmpuint (changed, ==, 2);
  run_idle ();
  g_assert_cmpint (sh_token_clock_watch_get_next (clock), ==, EXPIRY - 7 * DAY);
  sh_token_set_data_access_expires_at (first, EXPIRY + DAY);
  g_assert_cmpuint (changed, ==, 3);
  sh_token_apply_verdict (first, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, 7 * DAY);
  g_assert_cmpuint (changed, ==, 3);

  sh_channel_list_add (channels, later);
  g_assert_cmpuint (changed, ==, 4);
  second = add_token (later, EXPIRY + 40 * DAY);
  g_assert_cmpuint (changed, ==, 5);
  sh_token_set_expires_at (second, EXPIRY - 10 * DAY);
  g_assert_cmpuint (changed, ==, 6);
  run_idle ();
  g_assert_cmpint (sh_token_clock_watch_get_next (clock), ==, EXPIRY - 17 * DAY);
  /* An estimate's latest end moves the clock, not the watch (as before). */
  sh_token_set_expires_by (second, EXPIRY - 5 * DAY);
  g_assert_cmpuint (changed, ==, 6);

  g_assert_true (sh_channel_remove_token (later, second));
  g_assert_cmpuint (changed, ==, 7);
  sh_token_set_expires_at (second, EXPIRY - 20 * DAY);
  g_assert_cmpuint (changed, ==, 7);
  run_idle ();
  g_assert_cmpint (sh_token_clock_watch_get_next (clock), ==, EXPIRY - 7 * DAY);
  sh_token_clock_set_func (NULL, NULL);
}

static gboolean
on_give_up (gpointer user_data)
{
  g_error ("the channel did not turn disconnected when its token expired");
  return G_SOURCE_REMOVE;
}

/* The real clock and the real timer: a token that runs out two seconds
 * from now turns the channel disconnected without anyone asking. */
static void
test_watch_real_timer (void)
{
  g_autoptr(ShChannelList) channels = sh_channel_list_new ();
  g_autoptr(ShChannel) channel = sh_test_make_channel ("@acme", "x", 0);
  gint64 real_now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(ShToken) token = add_token (channel, real_now + 2);
  g_autoptr(ShTokenClockWatch) watch = NULL;
  guint limit;

  sh_token_clock_set_func (NULL, NULL);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, real_now, 7 * DAY);
  sh_channel_list_add (channels, channel);
  watch = sh_token_clock_watch_new (G_LIST_MODEL (channels));
  sh_token_clock_watch_update (watch);
  g_assert_cmpint (sh_channel_get_state (channel), ==, SH_CHANNEL_STATE_CONNECTED);

  limit = g_timeout_add ((guint) (sh_test_time_limit (20 * G_USEC_PER_SEC) / 1000), on_give_up, NULL);
  while (sh_channel_get_state (channel) != SH_CHANNEL_STATE_DISCONNECTED)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (limit);
  g_assert_cmpint (sh_token_get_reason (token), ==, SH_TOKEN_REASON_EXPIRED);
}

/* The Preferences' warning window, changed while running, is what the
 * manager's tokens read at once: a token 10 days from its end turns
 * expiring when the window grows to 14 days. */
static void
test_settings_window (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_test_load_manager (dir);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 0);
  gint64 real_now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(ShToken) token = add_token (channel, real_now + 10 * DAY);
  gint64 deadline = g_get_monotonic_time () + sh_test_time_limit (10 * G_USEC_PER_SEC);

  sh_token_clock_set_func (NULL, NULL);
  g_settings_set_uint (settings, "warning-window-days", 7);
  sh_channel_list_add (sh_manager_get_channels (manager), channel);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, real_now, 7 * DAY);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);

  g_settings_set_uint (settings, "warning-window-days", 14);
  while (sh_token_get_state (token) != SH_TOKEN_STATE_EXPIRING &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_EXPIRING);
  g_settings_reset (settings, "warning-window-days");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token-clock/passed-while-closed", test_passed_while_closed);
  g_test_add_func ("/token-clock/offline-start", test_offline_start);
  g_test_add_func ("/token-clock/verdict-wins", test_verdict_wins);
  g_test_add_func ("/token-clock/watch-notifies", test_watch_notifies);
  g_test_add_func ("/token-clock/watch-real-timer", test_watch_real_timer);
  g_test_add_func ("/token-clock/watches-follow-new-tokens", test_watches_follow_new_tokens);
  g_test_add_func ("/token-clock/settings-window", test_settings_window);
  return g_test_run ();
}
