/* test-durations.c — the command line, the window and a notification say
 * how long a token has left in the same words (issue 20, item 6): "in 2
 * hours" for a 2-hour X token (not "1 day"), "in 21 hours" for one that
 * ends tomorrow (not "today", "less than a day" and "1 day"), "in 7 days"
 * at the warning window's start (not "6 days" beside "7 days"). */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sh-channel-list.h"
#include "sh-json-output.h"
#include "sh-notifier-private.h"
#include "sh-providers.h"
#include "sh-time-format.h"
#include "sh-token-row.h"
#include "test-util.h"

#define MINUTE ((gint64) 60)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

static void
assert_contains (const char *where,
                 const char *text,
                 const char *expected)
{
  if (text == NULL || strstr (text, expected) == NULL)
    g_error ("%s says “%s”, not “%s”", where, text ? text : "(nothing)", expected);
}

static void
test_same_words (void)
{
  const struct { gint64 left; const char *until; } cases[] = {
    { 45 * MINUTE, "in 45 minutes" },
    { 2 * HOUR, "in 2 hours" },
    { 21 * HOUR, "in 21 hours" },
    { 7 * DAY, "in 7 days" },
    { 30 * DAY, "in 30 days" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ShChannelList) channels = sh_channel_list_new ();
      g_autoptr(ShChannel) channel = sh_test_make_channel ("@acme", "x", 1);
      g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), 0);
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *until = NULL;
      g_autofree char *cli = NULL;
      g_autofree char *notified = NULL;
      g_autofree char *expected = NULL;
      GtkWidget *row;
      ShNotice notice = { SH_NOTICE_TOKEN_EXPIRES, NULL, channel, token, 7, TRUE };

      sh_token_set_expires_at (token, now + cases[i].left);
      sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now,
                              SH_TOKEN_DEFAULT_WARNING_WINDOW);
      sh_channel_list_add (channels, channel);

      until = sh_time_format_until (now + cases[i].left, now);
      g_assert_cmpstr (until, ==, cases[i].until);

      cli = sh_output_channels_text (G_LIST_MODEL (channels), now);
      expected = g_strconcat ("expires ", until, NULL);
      assert_contains ("socialhub --list", cli, expected);

      notified = _sh_notifier_words_title (&notice, now);
      assert_contains ("the notification", notified, expected);

      g_free (expected);
      expected = g_strconcat ("Expires ", until, NULL);
      row = g_object_ref_sink (sh_token_row_new (token));
      assert_contains ("the window's token row",
                       adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), expected);
      g_object_unref (row);
    }
}

/* A pasted token of unknown age (issue 20, 7): the row and --list say its
 * expiry is an estimate, and the latest it can be, in the same words. */
static void
test_estimate_said (void)
{
  g_autoptr(ShChannelList) channels = sh_channel_list_new ();
  g_autoptr(ShChannel) channel = sh_test_make_channel ("@acme", "x", 1);
  g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), 0);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *cli = NULL;
  GtkWidget *row;

  sh_token_set_expires_at (token, now);
  sh_token_set_expires_by (token, now + 2 * HOUR);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now,
                          SH_TOKEN_DEFAULT_WARNING_WINDOW);
  sh_channel_list_add (channels, channel);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_EXPIRING);

  cli = sh_output_channels_text (G_LIST_MODEL (channels), now);
  assert_contains ("socialhub --list", cli,
                   "expires in 2 hours at the latest, maybe sooner (estimated)");
  row = g_object_ref_sink (sh_token_row_new (token));
  assert_contains ("the window's token row", adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                   "Expires in 2 hours at the latest, maybe sooner: an estimate");
  g_object_unref (row);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  sh_providers_register ();

  g_test_add_func ("/durations/same-words", test_same_words);
  g_test_add_func ("/durations/estimate-said", test_estimate_said);
  return g_test_run ();
}
