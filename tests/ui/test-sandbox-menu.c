/* test-sandbox-menu.c — the Sandbox menu in process: its button's tooltip
 * stays off while the menu is open (it used to lie over the first
 * heading), and its radio items set what the emulator does: each network
 * fault of the control API for both networks, and who approves sign-ins.
 * The real window with the real menu is sandbox-atspi.py. */
#include "config.h"

#include <adwaita.h>

#include "sh-sandbox-menu.h"
#include "ui-test.h"

static GtkApplication  *app;
static ShSandboxServer *emulator;

static void
test_tooltip (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *button = gtk_menu_button_new ();
  GtkPopover *popover;

  gtk_widget_set_tooltip_text (button, "The networks are emulated");
  gtk_window_set_child (GTK_WINDOW (window), button);
  sh_sandbox_menu_attach (GTK_MENU_BUTTON (button), app);
  g_assert_true (gtk_widget_get_sensitive (button));
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  g_assert_true (gtk_widget_get_has_tooltip (button));

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  /* While the menu is open, nothing covers its headings. */
  g_assert_false (gtk_widget_get_has_tooltip (button));

  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_true (gtk_widget_get_has_tooltip (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "The networks are emulated");
  gtk_window_destroy (GTK_WINDOW (window));
}

static ShSandboxFaultKind
fault_on (const char *network,
          int        *out_code)
{
  ShSandboxWorld *world = sh_sandbox_server_get_world (emulator);
  g_autoptr(ShSandboxFault) fault = sh_sandbox_world_take_fault (world, network, "/me");

  if (out_code != NULL)
    *out_code = fault ? fault->code : 0;
  return fault ? fault->kind : SH_SANDBOX_FAULT_NONE;
}

static void
test_network_faults (void)
{
  static const struct { const char *id; ShSandboxFaultKind kind; } modes[] = {
    { "offline", SH_SANDBOX_FAULT_OFFLINE },
    { "server-errors", SH_SANDBOX_FAULT_STATUS },
    { "throttling", SH_SANDBOX_FAULT_THROTTLE },
    { "slow", SH_SANDBOX_FAULT_LATENCY },
    { "hang", SH_SANDBOX_FAULT_HANG },
    { "working", SH_SANDBOX_FAULT_NONE },
  };
  int code;

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GVariant) state = NULL;

      g_action_group_activate_action (G_ACTION_GROUP (app), "sandbox-fault",
                                      g_variant_new_string (modes[i].id));
      state = g_action_group_get_action_state (G_ACTION_GROUP (app), "sandbox-fault");
      g_assert_cmpstr (g_variant_get_string (state, NULL), ==, modes[i].id);
      /* Both networks, every request, until another choice. */
      for (guint n = 0; n < 3; n++)
        {
          g_assert_cmpint (fault_on ("graph", &code), ==, modes[i].kind);
          g_assert_cmpint (fault_on ("x", NULL), ==, modes[i].kind);
        }
      /* A throttled Graph says so as API-FACTS.md has it: error 4. */
      if (modes[i].kind == SH_SANDBOX_FAULT_THROTTLE)
        g_assert_cmpint (code, ==, 4);
    }
}

static void
test_approver (void)
{
  ShSandboxWorld *world = sh_sandbox_server_get_world (emulator);

  g_action_group_activate_action (G_ACTION_GROUP (app), "sandbox-approver",
                                  g_variant_new_string ("10002"));
  g_assert_cmpstr (sh_sandbox_world_get_approver (world), ==, "10002");
  g_assert_cmpstr (sh_sandbox_world_new_device_code (world, NULL)->person_id, ==, "10002");
  g_assert_cmpstr (sh_sandbox_world_new_device_code (world, NULL)->person_id, ==, "10002");
  /* No one the world knows: nothing changes. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "sandbox-approver",
                                  g_variant_new_string ("99"));
  g_assert_cmpstr (sh_sandbox_world_get_approver (world), ==, "10002");
  g_action_group_activate_action (G_ACTION_GROUP (app), "sandbox-approver",
                                  g_variant_new_string (""));
  g_assert_null (sh_sandbox_world_get_approver (world));
  /* Nothing waits for a browser: approving X does nothing. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "sandbox-approve-x",
                                  g_variant_new_string ("44196398"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  /* No accessibility and no stylesheet needed: only the button's state. */
  gtk_test_init (&argc, &argv, NULL);
  app = GTK_APPLICATION (adw_application_new ("io.socialhub.SocialHub.SandboxMenuTest",
                                              G_APPLICATION_NON_UNIQUE));
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  emulator = sh_sandbox_server_new (NULL, 0, &error);
  g_assert_no_error (error);
  sh_sandbox_menu_install (G_APPLICATION (app), emulator, NULL, NULL);

  g_test_add_func ("/sandbox-menu/tooltip", test_tooltip);
  g_test_add_func ("/sandbox-menu/network-faults", test_network_faults);
  g_test_add_func ("/sandbox-menu/approver", test_approver);
  status = g_test_run ();
  g_clear_object (&emulator);
  g_clear_object (&app);
  return status;
}
