/* sh-cli-broker.c — `socialhub --print-token CHANNEL` (sh-cli-broker.h). */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "sh-broker.h"
#include "sh-cli-broker.h"
#include "sh-command-line.h"
#include "sh-error.h"

/* What the command-line history of a hand-out says. */
#define BY_COMMAND_LINE "command line"

static int
exit_status_for (const GError *error)
{
  if (error->domain != SH_ERROR)
    return SH_EXIT_FAILURE;
  switch (error->code)
    {
    case SH_ERROR_NO_USABLE_TOKEN: return 1;
    case SH_ERROR_NOT_FOUND:
    case SH_ERROR_INVALID_ARGUMENT: return SH_EXIT_USAGE;
    /* Not 69: that is the running instance refusing any command (the
     * sandbox mismatch), which a script handles differently. */
    case SH_ERROR_BROKER_OFF: return SH_EXIT_NOT_ALLOWED;
    case SH_ERROR_KEYRING_UNAVAILABLE:
    case SH_ERROR_KEYRING_LOCKED:
    case SH_ERROR_KEYRING_TIMEOUT: return SH_EXIT_TEMPORARY;
    default: return SH_EXIT_FAILURE;
    }
}

static void
on_token (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GApplicationCommandLine *cmdline = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *token = sh_broker_get_token_finish (SH_MANAGER (source), result, NULL, NULL, &error);

  if (token == NULL)
    {
      g_application_command_line_printerr (cmdline, "socialhub: %s\n", error->message);
      g_application_command_line_set_exit_status (cmdline, exit_status_for (error));
      g_task_return_boolean (task, FALSE);
      return;
    }
  /* Standard output only, one line: `TOKEN=$(socialhub --print-token …)`. */
  g_application_command_line_print (cmdline, "%s\n", token);
  sh_broker_free_token (token);
  fflush (stdout);
  g_application_command_line_set_exit_status (cmdline, 0);
  g_task_return_boolean (task, TRUE);
}

void
sh_cli_broker_run_async (ShManager               *manager,
                         GApplicationCommandLine *cmdline,
                         const char              *channel,
                         GCancellable            *cancellable,
                         GAsyncReadyCallback      callback,
                         gpointer                 user_data)
{
  GTask *task;

  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (G_IS_APPLICATION_COMMAND_LINE (cmdline));

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_cli_broker_run_async);
  g_task_set_task_data (task, g_object_ref (cmdline), g_object_unref);
  sh_broker_get_token_async (manager, channel, SH_BROKER_VIA_COMMAND_LINE,
                             BY_COMMAND_LINE, cancellable, on_token, task);
}

gboolean
sh_cli_broker_run_finish (ShManager    *manager,
                          GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, manager), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}
