/* store-writer.c — a process for test-store to kill while it saves.
 *
 *   store-writer DIR stop-before-rename   saves "v1", then stops itself
 *                                         (SIGSTOP) inside the save of "v2",
 *                                         after the write and before the rename
 *   store-writer DIR loop N               saves "v1" … "vN", printing
 *                                         "saved K" after each completed save
 *   store-writer DIR add N                adds N tokens through the manager
 *                                         (secret in the keyring, then the
 *                                         data file), printing "added K"
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "sh-channel-list.h"
#include "sh-manager.h"
#include "sh-providers.h"
#include "sh-store-private.h"
#include "test-util.h"

static void
stop_self (gpointer user_data)
{
  raise (SIGSTOP);
}

static void
save_version (ShStore       *store,
              ShChannelList *list,
              ShChannel     *marker,
              guint          version)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("v%u", version);

  sh_channel_set_name (marker, name);
  sh_store_save_async (store, G_LIST_MODEL (list), NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 60000);
  if (!sh_store_save_finish (store, result, &error))
    g_error ("save failed: %s", error->message);
}

/* What a person adding tokens one after another does, as fast as it goes. */
static int
add_tokens (const char *dir,
            guint       n)
{
  g_autoptr(ShManager) manager = sh_manager_new (dir, FALSE);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;

  sh_manager_load_async (manager, NULL, sh_test_store_result, &loaded);
  sh_test_wait_for_result (&loaded, 60000);
  if (!sh_manager_load_finish (manager, loaded, &error))
    g_error ("load failed: %s", error->message);

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *channel_id = sh_channel_generate_id ();
      g_autofree char *token_id = sh_token_generate_id ();
      g_autofree char *external = g_strdup_printf ("9%011u", i);
      g_autofree char *value = g_strdup_printf ("EAAdurability%06u", i);
      g_autoptr(ShChannel) channel = sh_channel_new (channel_id, "facebook", external);
      g_autoptr(ShToken) token = sh_token_new (token_id, "facebook", channel_id);
      g_autoptr(ShSecret) secret = sh_secret_new (value, NULL, 0);
      g_autoptr(GAsyncResult) added = NULL;

      sh_channel_set_name (channel, external);
      sh_manager_add_token_async (manager, channel, token, secret, NULL, sh_test_store_result,
                                  &added);
      sh_test_wait_for_result (&added, 60000);
      if (!sh_manager_add_token_finish (manager, added, &error))
        g_error ("add failed: %s", error->message);
      printf ("added %u\n", i);
      fflush (stdout);
    }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(ShStore) store = NULL;
  g_autoptr(ShChannelList) list = sh_channel_list_new ();
  g_autoptr(ShChannel) marker = NULL;

  /* The networks the data file may name. */
  sh_providers_register ();
  if (argc < 3)
    g_error ("usage: store-writer DIR stop-before-rename|loop N|add N");
  if (g_str_equal (argv[2], "add") && argc == 4)
    return add_tokens (argv[1], atoi (argv[3]));

  store = sh_store_new (argv[1]);
  marker = sh_test_make_channel ("v0", "facebook", 2);
  sh_channel_list_add (list, marker);
  /* Enough content that a write takes a moment and can be cut short. */
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("Page %u", i);
      g_autoptr(ShChannel) channel = sh_test_make_channel (name, "facebook", 3);

      sh_channel_list_add (list, channel);
    }

  if (g_str_equal (argv[2], "stop-before-rename"))
    {
      save_version (store, list, marker, 1);
      _sh_store_set_before_rename_hook (store, stop_self, NULL);
      save_version (store, list, marker, 2);
      return 0;
    }

  if (g_str_equal (argv[2], "loop") && argc == 4)
    {
      guint n = atoi (argv[3]);

      for (guint i = 1; i <= n; i++)
        {
          save_version (store, list, marker, i);
          printf ("saved %u\n", i);
          fflush (stdout);
        }
      return 0;
    }

  g_error ("unknown mode %s", argv[2]);
}
