/* sh-sandbox-menu.c — the Sandbox menu, built from the emulator's world. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sh-sandbox-menu.h"
#include "sh-sandbox-samples.h"
#include "sh-sign-in-code-view.h"

/* What the menu's actions work on; kept by the application. */
typedef struct {
  ShSandboxServer *server;
  ShManager       *manager;
  ShMonitor       *monitor;
  SoupSession     *browser;   /* approves a waiting browser sign-in */
} Sandbox;

static void
sandbox_clear (Sandbox *sandbox)
{
  g_clear_object (&sandbox->server);
  g_clear_object (&sandbox->manager);
  g_clear_object (&sandbox->monitor);
  g_clear_object (&sandbox->browser);
}

static void
sandbox_unref (gpointer sandbox)
{
  g_rc_box_release_full (sandbox, (GDestroyNotify) sandbox_clear);
}

static void
sandbox_closure_unref (gpointer  sandbox,
                       GClosure *closure)
{
  sandbox_unref (sandbox);
}

/* ---- how the networks answer ------------------------------------------------------ */

/* The control API's faults (sh-sandbox-control.h), for both networks at
 * once and until another is chosen. Throttling answers as API-FACTS.md
 * says a throttled network does: Graph error 4 (the app's request limit),
 * X 429 with x-rate-limit-reset. "Slow" stays under SocialHub's 30 s
 * request timeout; "No answer" does not. */
static const struct {
  const char         *id;
  const char         *label;
  ShSandboxFaultKind  kind;
  guint               status;
  guint               delay_ms;
  int                 graph_code;
} network_modes[] = {
  { "working", N_("Working Normally"), SH_SANDBOX_FAULT_NONE, 0, 0, 0 },
  { "offline", N_("Offline"), SH_SANDBOX_FAULT_OFFLINE, 0, 0, 0 },
  { "server-errors", N_("Server Errors"), SH_SANDBOX_FAULT_STATUS, 503, 0, 0 },
  { "throttling", N_("Throttling"), SH_SANDBOX_FAULT_THROTTLE, 0, 0, 4 },
  { "slow", N_("Slow Answers (4 s)"), SH_SANDBOX_FAULT_LATENCY, 0, 4000, 0 },
  { "hang", N_("No Answer"), SH_SANDBOX_FAULT_HANG, 0, 0, 0 },
};

static void
set_network_mode (ShSandboxWorld *world,
                  guint           mode)
{
  const char *networks[] = { "graph", "x" };

  sh_sandbox_world_clear_faults (world);
  if (network_modes[mode].kind == SH_SANDBOX_FAULT_NONE)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (networks); i++)
    {
      ShSandboxFault *fault = g_new0 (ShSandboxFault, 1);

      fault->kind = network_modes[mode].kind;
      fault->network = g_strdup (networks[i]);
      fault->remaining = -1;
      fault->status = network_modes[mode].status;
      fault->delay_ms = network_modes[mode].delay_ms;
      fault->code = network_modes[mode].graph_code;
      sh_sandbox_world_add_fault (world, fault);
    }
}

static void
on_network_mode (GSimpleAction *action,
                 GVariant      *value,
                 gpointer       user_data)
{
  Sandbox *sandbox = user_data;
  const char *id = g_variant_get_string (value, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (network_modes); i++)
    if (g_str_equal (network_modes[i].id, id))
      {
        set_network_mode (sh_sandbox_server_get_world (sandbox->server), i);
        g_simple_action_set_state (action, value);
      }
}

/* ---- who approves sign-ins ---------------------------------------------------------- */

static void
on_approver (GSimpleAction *action,
             GVariant      *value,
             gpointer       user_data)
{
  Sandbox *sandbox = user_data;
  ShSandboxWorld *world = sh_sandbox_server_get_world (sandbox->server);
  const char *id = g_variant_get_string (value, NULL);

  if (*id != '\0' && sh_sandbox_world_get_person (world, id) == NULL)
    return;
  sh_sandbox_world_set_approver (world, id);
  g_simple_action_set_state (action, value);
}

static const char *
waiting_authorize_uri_in (GtkWidget *widget)
{
  if (SH_IS_SIGN_IN_CODE_VIEW (widget))
    return sh_sign_in_code_view_get_waiting_authorize_uri (SH_SIGN_IN_CODE_VIEW (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *uri = waiting_authorize_uri_in (child);

      if (uri != NULL)
        return uri;
    }
  return NULL;
}

/* The browser page a sign-in dialog waits for, if it is the sandbox's:
 * nothing here ever goes to a real network. (The dialogs are transient
 * windows, not the application's: all toplevels are looked at.) */
static const char *
waiting_authorize_uri (Sandbox *sandbox)
{
  const char *base = sh_sandbox_server_get_base_url (sandbox->server);
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    {
      const char *uri = waiting_authorize_uri_in (GTK_WIDGET (l->data));

      if (uri != NULL && g_str_has_prefix (uri, base) && uri[strlen (base)] == '/')
        return uri;
    }
  return NULL;
}

static void
on_browsed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);

  /* The sign-in dialog tells what came of it; this is only the browser. */
  if (body == NULL)
    g_message ("The sandbox could not approve the sign-in: %s", error->message);
}

/* Does what a person's browser does on the sandbox's authorize page: the
 * page approves at once for the chosen account and sends the browser on to
 * SocialHub's loopback address, which completes the sign-in. */
static void
on_approve_x (GSimpleAction *action,
              GVariant      *value,
              gpointer       user_data)
{
  Sandbox *sandbox = user_data;
  const char *uri = waiting_authorize_uri (sandbox);
  g_autofree char *account = g_uri_escape_string (g_variant_get_string (value, NULL), NULL, FALSE);
  g_autofree char *approve = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  if (uri == NULL)
    return;
  approve = g_strdup_printf ("%s&sandbox_account=%s&sandbox_instant=1", uri, account);
  msg = soup_message_new (SOUP_METHOD_GET, approve);
  if (msg == NULL)
    return;
  if (sandbox->browser == NULL)
    sandbox->browser = soup_session_new ();
  soup_session_send_and_read_async (sandbox->browser, msg, G_PRIORITY_DEFAULT, NULL, on_browsed,
                                    NULL);
}

/* ---- sample channels ---------------------------------------------------------------- */

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShMonitor) monitor = user_data;

  /* The rows show the verdicts; a failed check says so itself. */
  sh_monitor_check_now_finish (monitor, result, NULL, NULL);
}

static void
on_samples_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GSimpleAction) action = user_data;
  Sandbox *sandbox = g_object_get_data (G_OBJECT (action), "sandbox");
  g_autoptr(GError) error = NULL;
  GApplication *app = g_application_get_default ();
  GtkWindow *window = GTK_IS_APPLICATION (app)
                      ? gtk_application_get_active_window (GTK_APPLICATION (app)) : NULL;

  g_simple_action_set_enabled (action, TRUE);
  if (!sh_sandbox_samples_add_finish (SH_SANDBOX_SERVER (source), result, NULL, &error))
    {
      GtkWidget *dialog;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* AdwAlertDialog replaces AdwMessageDialog from libadwaita 1.5 (see
       * remove_token_action in sh-window-actions.c). */
#if ADW_CHECK_VERSION (1, 5, 0)
      dialog = GTK_WIDGET (adw_alert_dialog_new (_("Could Not Add the Sample Channels"),
                                                 error->message));
      adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), "close", _("_Close"));
      adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
#else
      dialog = adw_message_dialog_new (window, _("Could Not Add the Sample Channels"),
                                       error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
#endif
    }
  /* Also after an error: what was added is shown with its health. */
  if (sandbox != NULL && sandbox->monitor != NULL)
    sh_monitor_check_now_async (sandbox->monitor, NULL, on_checked,
                                g_object_ref (sandbox->monitor));
}

static void
on_add_samples (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  Sandbox *sandbox = user_data;

  g_simple_action_set_enabled (action, FALSE);
  sh_sandbox_samples_add_async (sandbox->server, sandbox->manager, NULL, on_samples_added,
                                g_object_ref (action));
}

/* ---- breaking tokens ---------------------------------------------------------------- */

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
  Sandbox *sandbox = user_data;
  ShSandboxWorld *world = sh_sandbox_server_get_world (sandbox->server);
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
  else if (g_str_equal (what, "unlink-instagram"))
    sh_sandbox_world_unlink_instagram (world, target);
  else if (g_str_equal (what, "withhold-instagram"))
    sh_sandbox_world_withhold_instagram (world, target);
  else if (g_str_equal (what, "remove-role"))
    {
      g_auto(GStrv) parts = g_strsplit (target, ":", 2);

      if (g_strv_length (parts) == 2)
        sh_sandbox_world_remove_role (world, parts[0], parts[1]);
    }
  /* The next check sees the change, as it would on the real networks;
   * nothing here touches SocialHub's own state. */
  sh_sandbox_server_save_state_now (sandbox->server);
}

/* ---- the menu ----------------------------------------------------------------------- */

static void
add_item (GMenu      *menu,
          const char *label,
          const char *action,
          GVariant   *target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, target);
  g_menu_append_item (menu, item);
}

static void
add_break (GMenu      *menu,
           const char *label,
           const char *what,
           const char *target)
{
  add_item (menu, label, "app.sandbox-break", g_variant_new ("(ss)", what, target));
}

/* "Alice Example" → "Alice": menus read better with first names. */
static char *
first_name (const char *name)
{
  const char *space = strchr (name, ' ');

  return space ? g_strndup (name, space - name) : g_strdup (name);
}

static GMenuModel *
build_networks_section (void)
{
  GMenu *section = g_menu_new ();

  for (guint i = 0; i < G_N_ELEMENTS (network_modes); i++)
    add_item (section, _(network_modes[i].label), "app.sandbox-fault",
              g_variant_new_string (network_modes[i].id));
  return G_MENU_MODEL (section);
}

static GMenuModel *
build_approver_section (ShSandboxWorld *world)
{
  GMenu *section = g_menu_new ();
  GPtrArray *people = sh_sandbox_world_list_people (world);
  GPtrArray *accounts = sh_sandbox_world_list_x_accounts (world);

  add_item (section, _("Everyone in Turn"), "app.sandbox-approver", g_variant_new_string (""));
  for (guint i = 0; i < people->len; i++)
    {
      ShSandboxPerson *person = g_ptr_array_index (people, i);

      add_item (section, person->name, "app.sandbox-approver", g_variant_new_string (person->id));
    }
  for (guint i = 0; i < accounts->len; i++)
    {
      ShSandboxXAccount *account = g_ptr_array_index (accounts, i);
      g_autofree char *label = NULL;

      /* Translators: %s is an X user name, without its @ */
      label = g_strdup_printf (_("Approve the X Sign-In as @%s"), account->username);
      add_item (section, label, "app.sandbox-approve-x", g_variant_new_string (account->id));
    }
  return G_MENU_MODEL (section);
}

static GMenuModel *
build_person_section (ShSandboxWorld  *world,
                      ShSandboxPerson *person)
{
  GMenu *section = g_menu_new ();
  g_autoptr(GPtrArray) pages = sh_sandbox_world_pages_of (world, person->id);
  ShSandboxXAccount *account = sh_sandbox_world_x_account_of (world, person->id);
  g_autofree char *name = first_name (person->name);
  g_autofree char *label = NULL;

  /* Translators: %s is a first name in the Sandbox menu */
  label = g_strdup_printf (_("%s changes their password"), name);
  add_break (section, label, "change-password", person->id);
  g_free (label);
  label = g_strdup_printf (_("%s removes SocialHub in Facebook settings"), name);
  add_break (section, label, "remove-app", person->id);
  g_free (label);
  label = g_strdup_printf (_("%s logs in from abroad (checkpoint)"), name);
  add_break (section, label, "checkpoint", person->id);
  g_free (label);
  label = g_strdup_printf (_("%s’s tokens expire"), name);
  add_break (section, label, "expire", person->id);
  for (guint j = 0; j < pages->len; j++)
    {
      ShSandboxPage *page = g_ptr_array_index (pages, j);
      g_autofree char *target = g_strconcat (page->id, ":", person->id, NULL);

      g_free (label);
      label = g_strdup_printf (_("%s loses their role on %s"), name, page->name);
      add_break (section, label, "remove-role", target);
      if (page->instagram_id != NULL)
        {
          g_free (label);
          /* Translators: a first name, then a Facebook Page's name */
          label = g_strdup_printf (_("%s unlinks Instagram from %s"), name, page->name);
          add_break (section, label, "unlink-instagram", page->id);
        }
    }
  g_free (label);
  label = g_strdup_printf (_("%s withholds Instagram access (instagram_basic)"), name);
  add_break (section, label, "withhold-instagram", person->id);
  if (account != NULL)
    {
      g_free (label);
      label = g_strdup_printf (_("%s revokes SocialHub on X (@%s)"), name, account->username);
      add_break (section, label, "revoke-x", person->id);
    }
  g_free (label);
  label = g_strdup_printf (_("%s clears the checkpoint"), name);
  add_break (section, label, "restore", person->id);
  return G_MENU_MODEL (section);
}

static GMenuModel *
build_menu (ShSandboxWorld *world)
{
  GMenu *menu = g_menu_new ();
  GPtrArray *people = sh_sandbox_world_list_people (world);
  g_autoptr(GMenuModel) networks = build_networks_section ();
  g_autoptr(GMenuModel) approver = build_approver_section (world);

  g_menu_append_section (menu, _("The Networks Are"), networks);
  g_menu_append_section (menu, _("Who Approves Sign-Ins"), approver);
  for (guint i = 0; i < people->len; i++)
    {
      ShSandboxPerson *person = g_ptr_array_index (people, i);
      g_autoptr(GMenuModel) section = build_person_section (world, person);

      g_menu_append_section (menu, person->name, section);
    }
  return G_MENU_MODEL (menu);
}

static void
add_action (GApplication  *app,
            Sandbox       *sandbox,
            GSimpleAction *action,
            GCallback      handler)
{
  g_signal_connect_data (action, g_action_get_state_type (G_ACTION (action)) != NULL
                                 ? "change-state" : "activate",
                         handler, g_rc_box_acquire (sandbox),
                         sandbox_closure_unref, 0);
  g_object_set_data_full (G_OBJECT (action), "sandbox", g_rc_box_acquire (sandbox),
                          sandbox_unref);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
  g_object_unref (action);
}

void
sh_sandbox_menu_install (GApplication    *app,
                         ShSandboxServer *server,
                         ShManager       *manager,
                         ShMonitor       *monitor)
{
  ShSandboxWorld *world = sh_sandbox_server_get_world (server);
  const char *approver = sh_sandbox_world_get_approver (world);
  Sandbox *sandbox = g_rc_box_new0 (Sandbox);

  sandbox->server = g_object_ref (server);
  sandbox->manager = manager != NULL ? g_object_ref (manager) : NULL;
  sandbox->monitor = monitor != NULL ? g_object_ref (monitor) : NULL;

  add_action (app, sandbox, g_simple_action_new ("sandbox-break", G_VARIANT_TYPE ("(ss)")),
              G_CALLBACK (on_break));
  add_action (app, sandbox,
              g_simple_action_new_stateful ("sandbox-fault", G_VARIANT_TYPE_STRING,
                                            g_variant_new_string ("working")),
              G_CALLBACK (on_network_mode));
  add_action (app, sandbox,
              g_simple_action_new_stateful ("sandbox-approver", G_VARIANT_TYPE_STRING,
                                            g_variant_new_string (approver ? approver : "")),
              G_CALLBACK (on_approver));
  add_action (app, sandbox, g_simple_action_new ("sandbox-approve-x", G_VARIANT_TYPE_STRING),
              G_CALLBACK (on_approve_x));
  if (manager != NULL)
    add_action (app, sandbox, g_simple_action_new ("sandbox-add-samples", NULL),
                G_CALLBACK (on_add_samples));
  sandbox_unref (sandbox);

  g_object_set_data_full (G_OBJECT (app), "sh-sandbox-menu", build_menu (world), g_object_unref);
}

/* ---- the button --------------------------------------------------------------------- */

/* A tooltip shown when the menu opens lies over its first heading: none
 * while the menu is open. Approving a browser sign-in makes sense only
 * while one waits. */
static void
on_menu_shown (GtkWidget *popover,
               GtkWidget *button)
{
  GtkApplication *app = GTK_APPLICATION (g_application_get_default ());
  GAction *approve = app ? g_action_map_lookup_action (G_ACTION_MAP (app), "sandbox-approve-x")
                         : NULL;

  gtk_widget_set_has_tooltip (button, FALSE);
  if (G_IS_SIMPLE_ACTION (approve))
    g_simple_action_set_enabled (G_SIMPLE_ACTION (approve),
                                 waiting_authorize_uri (g_object_get_data (G_OBJECT (approve),
                                                                           "sandbox")) != NULL);
}

static void
on_menu_hidden (GtkWidget *popover,
                GtkWidget *button)
{
  gtk_widget_set_has_tooltip (button, gtk_widget_get_tooltip_text (button) != NULL);
}

void
sh_sandbox_menu_attach (GtkMenuButton  *button,
                        GtkApplication *app)
{
  GMenuModel *menu = app ? g_object_get_data (G_OBJECT (app), "sh-sandbox-menu") : NULL;
  GtkPopover *popover;

  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  gtk_menu_button_set_menu_model (button, menu);
  gtk_widget_set_sensitive (GTK_WIDGET (button), menu != NULL);
  popover = gtk_menu_button_get_popover (button);
  if (popover == NULL || g_object_get_data (G_OBJECT (popover), "sh-sandbox-menu-attached"))
    return;
  g_object_set_data (G_OBJECT (popover), "sh-sandbox-menu-attached", GINT_TO_POINTER (TRUE));
  g_signal_connect_object (popover, "show", G_CALLBACK (on_menu_shown), button, 0);
  g_signal_connect_object (popover, "hide", G_CALLBACK (on_menu_hidden), button, 0);
}
