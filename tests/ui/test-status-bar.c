/* test-status-bar.c — the window's offline notice follows the network
 * monitor (a fake one here), "Last checked 5 minutes ago" reads the time
 * of the last verdict, which the ShMonitor keeps, and a check that reached
 * none says why on a line of its own. */
#include "config.h"

#include <adwaita.h>

#include "sh-channel-list.h"
#include "sh-providers.h"
#include "sh-status-bar.h"
#include "test-fake-network.h"
#include "test-util.h"

static void
test_offline_notice (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_manager_new (dir, FALSE);
  g_autoptr(FakeNetwork) network = g_object_new (FAKE_TYPE_NETWORK, NULL);
  g_autoptr(ShMonitor) monitor = sh_monitor_new (manager, G_NETWORK_MONITOR (network));
  ShStatusBar *bar = g_object_ref_sink (g_object_new (SH_TYPE_STATUS_BAR, NULL));

  sh_status_bar_set_monitor (bar, monitor);
  g_assert_false (sh_status_bar_get_offline_shown (bar));
  fake_network_set (network, FALSE);
  g_assert_true (sh_status_bar_get_offline_shown (bar));
  fake_network_set (network, TRUE);
  g_assert_false (sh_status_bar_get_offline_shown (bar));
  g_object_unref (bar);
}

static void
test_last_checked_words (void)
{
  const struct { gint64 ago; const char *text; } cases[] = {
    { 0, "Last checked just now" },
    { 59, "Last checked just now" },
    { 60, "Last checked 1 minute ago" },
    { 5 * 60 + 10, "Last checked 5 minutes ago" },
    { 2 * 3600, "Last checked 2 hours ago" },
    { 3 * 86400, "Last checked 3 days ago" },
  };
  g_autofree char *never = sh_status_bar_format_last_checked (0, 1764000000);

  g_assert_cmpstr (never, ==, "");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sh_status_bar_format_last_checked (1764000000 - cases[i].ago,
                                                                 1764000000);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_last_checked_from_tokens (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_manager_new (dir, FALSE);
  g_autoptr(FakeNetwork) network = g_object_new (FAKE_TYPE_NETWORK, NULL);
  g_autoptr(ShMonitor) monitor = sh_monitor_new (manager, G_NETWORK_MONITOR (network));
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 2);
  g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), 1);
  ShStatusBar *bar = g_object_ref_sink (g_object_new (SH_TYPE_STATUS_BAR, NULL));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  sh_status_bar_set_monitor (bar, monitor);
  g_assert_cmpstr (sh_status_bar_get_last_checked_text (bar), ==, "");
  sh_channel_list_add (sh_manager_get_channels (manager), channel);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now - 300, 0);
  g_signal_emit_by_name (sh_manager_get_checker (manager), "checked");
  g_assert_cmpstr (sh_status_bar_get_last_checked_text (bar), ==, "Last checked 5 minutes ago");
  g_assert_null (sh_status_bar_get_failure_text (bar));
  /* A check without a verdict keeps the time of the last one, and says
   * why on a line of its own; the line goes when a verdict comes. */
  sh_token_mark_unknown (token, SH_TOKEN_REASON_RATE_LIMITED);
  g_signal_emit_by_name (sh_manager_get_checker (manager), "checked");
  g_assert_cmpstr (sh_status_bar_get_last_checked_text (bar), ==, "Last checked 5 minutes ago");
  g_assert_cmpstr (sh_status_bar_get_failure_text (bar), ==,
                   "Could not check: Facebook asked SocialHub to slow down.");
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, 0);
  g_signal_emit_by_name (sh_manager_get_checker (manager), "checked");
  g_assert_null (sh_status_bar_get_failure_text (bar));
  g_assert_cmpstr (sh_status_bar_get_last_checked_text (bar), ==, "Last checked just now");
  g_object_unref (bar);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  adw_init ();

  g_test_add_func ("/status-bar/offline-notice", test_offline_notice);
  g_test_add_func ("/status-bar/last-checked-words", test_last_checked_words);
  g_test_add_func ("/status-bar/last-checked-from-tokens", test_last_checked_from_tokens);
  return g_test_run ();
}
