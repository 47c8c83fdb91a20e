/* sh-sandbox-menu.c — the Sandbox menu, built from the emulator's world. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-sandbox-menu.h"

static void
add_item (GMenu      *menu,
          const char *label,
          const char *what,
          const char *target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target (item, "app.sandbox-break", "(ss)", what, target);
  g_menu_append_item (menu, item);
}

/* "Alice Example" → "Alice": menus read better with first names. */
static char *
first_name (const char *name)
{
  const char *space = strchr (name, ' ');

  return space ? g_strndup (name, space - name) : g_strdup (name);
}

static GMenuModel *
build_menu (ShSandboxWorld *world)
{
  GMenu *menu = g_menu_new ();
  GPtrArray *people = sh_sandbox_world_list_people (world);
  GPtrArray *accounts = sh_sandbox_world_list_x_accounts (world);

  for (guint i = 0; i < people->len; i++)
    {
      ShSandboxPerson *person = g_ptr_array_index (people, i);
      g_autoptr(GMenu) section = g_menu_new ();
      g_autoptr(GPtrArray) pages = sh_sandbox_world_pages_of (world, person->id);
      g_autofree char *name = first_name (person->name);
      g_autofree char *label = NULL;

      /* Translators: %s is a first name in the Sandbox menu */
      label = g_strdup_printf (_("%s changes their password"), name);
      add_item (section, label, "change-password", person->id);
      g_free (label);
      label = g_strdup_printf (_("%s removes SocialHub in Facebook settings"), name);
      add_item (section, label, "remove-app", person->id);
      g_free (label);
      label = g_strdup_printf (_("%s logs in from abroad (checkpoint)"), name);
      add_item (section, label, "checkpoint", person->id);
      g_free (label);
      label = g_strdup_printf (_("%s’s tokens expire"), name);
      add_item (section, label, "expire", person->id);
      for (guint j = 0; j < pages->len; j++)
        {
          ShSandboxPage *page = g_ptr_array_index (pages, j);
          g_autofree char *target = g_strconcat (page->id, ":", person->id, NULL);

          g_free (label);
          label = g_strdup_printf (_("%s loses their role on %s"), name, page->name);
          add_item (section, label, "remove-role", target);
        }
      for (guint j = 0; j < accounts->len; j++)
        {
          ShSandboxXAccount *account = g_ptr_array_index (accounts, j);

          if (!g_str_equal (account->owner_id, person->id))
            continue;
          g_free (label);
          label = g_strdup_printf (_("%s revokes SocialHub on X (@%s)"), name, account->username);
          add_item (section, label, "revoke-x", person->id);
        }
      g_free (label);
      label = g_strdup_printf (_("%s clears the checkpoint"), name);
      add_item (section, label, "restore", person->id);

      g_menu_append_section (menu, person->name, G_MENU_MODEL (section));
    }
  return G_MENU_MODEL (menu);
}

static void
break_tokens (ShSandboxWorld *world,
              const char     *person_id,
              gboolean        x_only)
{
  GPtrArray *tokens = sh_sandbox_world_list_tokens (world);

  for (guint i = 0; i < tokens->len; i++)
    {
      ShSandboxToken *token = g_ptr_array_index (tokens, i);
      gboolean is_x = token->kind == SH_SANDBOX_TOKEN_X_ACCESS ||
                      token->kind == SH_SANDBOX_TOKEN_X_REFRESH;

      if (!g_str_equal (token->person_id, person_id))
        continue;
      if (x_only && is_x)
        sh_sandbox_world_revoke_token (world, token->hash);
      else if (!x_only)
        sh_sandbox_world_expire_token (world, token->hash);
    }
}

static void
on_break (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  ShSandboxServer *server = SH_SANDBOX_SERVER (user_data);
  ShSandboxWorld *world = sh_sandbox_server_get_world (server);
  const char *what, *target;

  g_variant_get (parameter, "(&s&s)", &what, &target);

  if (g_str_equal (what, "change-password"))
    sh_sandbox_world_change_password (world, target);
  else if (g_str_equal (what, "remove-app"))
    sh_sandbox_world_remove_app (world, target);
  else if (g_str_equal (what, "checkpoint"))
    sh_sandbox_world_checkpoint (world, target);
  else if (g_str_equal (what, "restore"))
    sh_sandbox_world_restore_person (world, target);
  else if (g_str_equal (what, "expire"))
    break_tokens (world, target, FALSE);
  else if (g_str_equal (what, "revoke-x"))
    break_tokens (world, target, TRUE);
  else if (g_str_equal (what, "remove-role"))
    {
      g_auto(GStrv) parts = g_strsplit (target, ":", 2);

      if (g_strv_length (parts) == 2)
        sh_sandbox_world_remove_role (world, parts[0], parts[1]);
    }
  /* The next check sees the change, as it would on the real networks;
   * nothing here touches SocialHub's own state. */
  sh_sandbox_server_save_state_now (server);
}

void
sh_sandbox_menu_install (GApplication    *app,
                         ShSandboxServer *server)
{
  g_autoptr(GSimpleAction) action = g_simple_action_new ("sandbox-break", G_VARIANT_TYPE ("(ss)"));

  g_signal_connect_object (action, "activate", G_CALLBACK (on_break), server, 0);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
  g_object_set_data_full (G_OBJECT (app), "sh-sandbox-menu",
                          build_menu (sh_sandbox_server_get_world (server)), g_object_unref);
}
