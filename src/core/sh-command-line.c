/* sh-command-line.c — parsing and running socialhub's options. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-command-line.h"
#include "sh-error.h"
#include "sh-json-output.h"

static const GOptionEntry option_entries[] = {
  { "list", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the stored channels and tokens, without using the network"), NULL },
  { "check", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Check every access token now and print the result"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --list or --check: print JSON"), NULL },
  { "add-token", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Read an access token from standard input and add it"), N_("NETWORK") },
  { "login", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Sign in from the terminal and add the tokens obtained"), N_("NETWORK") },
  { "remove-token", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Revoke an access token where the network allows it, then forget it"), N_("ID") },
  { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Use the built-in emulator instead of the real networks"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

/* The options that need no window: a process started with one of them does
 * not initialise GTK, so it also works without a display. */
static const char * const headless_options[] = {
  "--list", "--check", "--add-token", "--login", "--remove-token", "--version",
};

void
sh_command_line_add_options (GApplication *app)
{
  g_application_add_main_option_entries (app, option_entries);
  g_application_set_option_context_parameter_string (app, NULL);
  g_application_set_option_context_summary (app,
    _("Keeps the access tokens of your Facebook Pages and X accounts working."));
  g_application_set_option_context_description (app,
    _("NETWORK is “facebook” or “x”.\n"
      "--check exits with 0 when every channel is connected, 1 when a token is expired, "
      "invalid or expiring but every channel still has a valid token, 2 when a channel is "
      "disconnected, and 3 when some token could not be checked."));
}

gboolean
sh_command_line_wants_gui (int    argc,
                           char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      for (guint j = 0; j < G_N_ELEMENTS (headless_options); j++)
        {
          gsize len = strlen (headless_options[j]);

          if (strncmp (argv[i], headless_options[j], len) == 0 &&
              (argv[i][len] == '\0' || argv[i][len] == '='))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_network (const char  *option,
               const char  *value,
               GError     **error)
{
  ShNetwork network;

  if (sh_network_from_string (value, &network))
    return TRUE;
  g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
               _("%s needs a network, “facebook” or “x”, not “%s”."), option, value);
  return FALSE;
}

ShCommand
sh_command_line_parse (GVariantDict  *options,
                       GError       **error)
{
  const char *add_token = NULL, *login = NULL, *remove_token = NULL;
  guint n_commands = 0;
  ShCommand command = SH_COMMAND_WINDOW;

  g_variant_dict_lookup (options, "add-token", "&s", &add_token);
  g_variant_dict_lookup (options, "login", "&s", &login);
  g_variant_dict_lookup (options, "remove-token", "&s", &remove_token);

  if (g_variant_dict_contains (options, "list"))
    n_commands++, command = SH_COMMAND_LIST;
  if (g_variant_dict_contains (options, "check"))
    n_commands++, command = SH_COMMAND_CHECK;
  if (add_token != NULL)
    n_commands++, command = SH_COMMAND_ADD_TOKEN;
  if (login != NULL)
    n_commands++, command = SH_COMMAND_LOGIN;
  if (remove_token != NULL)
    n_commands++, command = SH_COMMAND_REMOVE_TOKEN;

  if (n_commands > 1)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                           _("Give only one of --list, --check, --add-token, --login and "
                             "--remove-token."));
      return SH_COMMAND_WINDOW;
    }
  if (g_variant_dict_contains (options, "json") &&
      command != SH_COMMAND_LIST && command != SH_COMMAND_CHECK)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                           _("--json goes with --list or --check."));
      return SH_COMMAND_WINDOW;
    }
  if ((add_token != NULL && !check_network ("--add-token", add_token, error)) ||
      (login != NULL && !check_network ("--login", login, error)))
    return SH_COMMAND_WINDOW;
  if (remove_token != NULL && !g_uuid_string_is_valid (remove_token))
    {
      g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a token id. “socialhub --list” shows the ids."), remove_token);
      return SH_COMMAND_WINDOW;
    }
  return command;
}

gboolean
sh_command_line_get_sandbox (GVariantDict *options)
{
  return g_variant_dict_contains (options, "sandbox");
}

/* ---- running ----------------------------------------------------------- */

typedef struct {
  GApplicationCommandLine *cmdline;
  ShCommand                command;
  gboolean                 json;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_object (&data->cmdline);
  g_free (data);
}

static void
print_list (ShManager *manager,
            RunData   *data)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  g_autofree char *output = NULL;

  if (sh_manager_get_notice (manager) != NULL)
    g_application_command_line_printerr (data->cmdline, "socialhub: %s\n",
                                         sh_manager_get_notice (manager));
  if (data->json)
    output = sh_output_channels_json (channels);
  else
    output = sh_output_channels_text (channels, g_get_real_time () / G_USEC_PER_SEC);
  g_application_command_line_print (data->cmdline, "%s%s", output, data->json ? "\n" : "");
  g_application_command_line_set_exit_status (data->cmdline, 0);
}

static void
run_loaded (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  switch (data->command)
    {
    case SH_COMMAND_LIST:
      print_list (manager, data);
      break;

    case SH_COMMAND_CHECK:
    case SH_COMMAND_ADD_TOKEN:
    case SH_COMMAND_LOGIN:
    case SH_COMMAND_REMOVE_TOKEN:
      /* The providers arrive with their own issues; until then say so
       * plainly instead of pretending. */
      g_application_command_line_printerr (data->cmdline, "socialhub: %s\n",
        _("This command is not available yet in this version of SocialHub."));
      g_application_command_line_set_exit_status (data->cmdline, SH_EXIT_UNAVAILABLE);
      break;

    case SH_COMMAND_WINDOW:
    default:
      g_assert_not_reached ();
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_manager_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sh_manager_ensure_loaded_finish (SH_MANAGER (source), result, &error))
    {
      g_application_command_line_printerr (data->cmdline, "socialhub: %s\n", error->message);
      g_application_command_line_set_exit_status (data->cmdline, SH_EXIT_FAILURE);
      g_task_return_boolean (task, FALSE);
      return;
    }
  run_loaded (task);
}

void
sh_command_line_run_async (ShManager               *manager,
                           GApplicationCommandLine *cmdline,
                           GCancellable            *cancellable,
                           GAsyncReadyCallback      callback,
                           gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GVariantDict *options;
  RunData *data;

  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (G_IS_APPLICATION_COMMAND_LINE (cmdline));

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_command_line_run_async);

  options = g_application_command_line_get_options_dict (cmdline);
  data = g_new0 (RunData, 1);
  data->cmdline = g_object_ref (cmdline);
  data->command = sh_command_line_parse (options, &error);
  data->json = g_variant_dict_contains (options, "json");
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (error != NULL)
    {
      g_application_command_line_printerr (cmdline, "socialhub: %s\n", error->message);
      g_application_command_line_set_exit_status (cmdline, SH_EXIT_USAGE);
      g_task_return_boolean (task, FALSE);
      return;
    }
  if (data->command == SH_COMMAND_WINDOW)
    {
      /* Only the headless instance gets here: someone opened the window
       * while it owns the application name for a --list or --check. */
      g_application_command_line_printerr (cmdline, "socialhub: %s\n",
        _("SocialHub is busy with a command-line request. Open the window again when it "
          "has finished."));
      g_application_command_line_set_exit_status (cmdline, SH_EXIT_UNAVAILABLE);
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (sh_command_line_get_sandbox (options) != sh_manager_get_sandbox (manager))
    {
      g_application_command_line_printerr (cmdline, "socialhub: %s\n",
        sh_manager_get_sandbox (manager)
          ? _("SocialHub is running with the sandbox; quit it to use the real networks.")
          : _("SocialHub is running with the real networks; quit it to use the sandbox."));
      g_application_command_line_set_exit_status (cmdline, SH_EXIT_UNAVAILABLE);
      g_task_return_boolean (task, FALSE);
      return;
    }

  sh_manager_ensure_loaded_async (manager, cancellable, on_manager_loaded,
                                  g_steal_pointer (&task));
}

void
sh_command_line_run_finish (ShManager    *manager,
                            GAsyncResult *result)
{
  g_return_if_fail (g_task_is_valid (result, manager));
  g_task_propagate_boolean (G_TASK (result), NULL);
}
