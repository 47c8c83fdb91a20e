/* main.c — picks the GUI or the headless application and runs it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <unistd.h>

#include "sh-application.h"
#include "sh-cli-application.h"
#include "sh-command-line.h"
#include "sh-manager.h"
#include "sh-process.h"
#include "sh-providers.h"
#include "sh-sandbox-session.h"

/* The providers live in src/providers, which the applications do not know:
 * they are handed to the manager once the primary instance has one. */
static void
add_providers (GApplication *app)
{
  ShManager *manager = SH_IS_CLI_APPLICATION (app)
                         ? sh_cli_application_get_manager (SH_CLI_APPLICATION (app))
                         : sh_application_get_manager (SH_APPLICATION (app));
  g_autoptr(GPtrArray) providers = sh_providers_new_all ();

  for (guint i = 0; i < providers->len; i++)
    sh_manager_add_provider (manager, g_ptr_array_index (providers, i));
}

/* The headless instance lives in src/cli, which knows nothing of the
 * emulator; the sandbox is started here when that instance becomes primary
 * (the window's application starts its own, in the same way). */
static void
start_sandbox (GApplication *app)
{
  g_autoptr(GError) error = NULL;
  ShSandboxSession *session = sh_sandbox_session_new (&error);

  if (session == NULL)
    g_error ("The sandbox could not start: %s", error->message);
  g_object_set_data_full (G_OBJECT (app), "sh-sandbox-session", session, g_object_unref);
}

/* Run first, before GLib opens anything: a caller that closed our standard
 * input (`socialhub --add-token x <&-`) would otherwise find descriptor 0
 * reused by the next file opened (GLib's eventfd), and a token would be
 * read from it. /dev/null takes its place, and the caller is told. */
static void
note_closed_stdin (void)
{
  int fd;

  if (fcntl (STDIN_FILENO, F_GETFD) != -1 || errno != EBADF)
    return;
  sh_command_line_set_stdin_closed (TRUE);
  fd = open ("/dev/null", O_RDONLY);
  if (fd > STDIN_FILENO)
    close (fd);
}

static gboolean
wants_sandbox (int    argc,
               char **argv)
{
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++)
    if (g_str_equal (argv[i], "--sandbox"))
      return TRUE;
  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  note_closed_stdin ();
  /* Before anything holds a token: no core dump may carry one. */
  sh_process_forbid_core_dumps ();

  setlocale (LC_ALL, "");
  /* An uninstalled build finds its compiled translations through
   * SOCIALHUB_LOCALEDIR (build/po); an installed one in LOCALEDIR. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SOCIALHUB_LOCALEDIR") ? g_getenv ("SOCIALHUB_LOCALEDIR")
                                                                     : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Before any option is parsed: --login and --add-token take their
   * network ids from the registry. */
  sh_providers_register ();

  /* GApplication would refuse a wrong option with its own message and exit
   * status 1; scripts are promised "socialhub:" and 64. */
  if (!sh_command_line_check_syntax (argc, argv, &error))
    {
      g_printerr ("socialhub: %s\n", error->message);
      return SH_EXIT_USAGE;
    }

  /* --list and friends must work on a machine with no display, so they run
   * in an application that never initialises GTK. */
  if (sh_command_line_wants_gui (argc, argv))
    app = G_APPLICATION (sh_application_new ());
  else
    {
      app = G_APPLICATION (sh_cli_application_new ());
      if (wants_sandbox (argc, argv))
        g_signal_connect (app, "startup", G_CALLBACK (start_sandbox), NULL);
    }

  g_signal_connect (app, "startup", G_CALLBACK (add_providers), NULL);
  status = g_application_run (app, argc, argv);
  if (status == 0 && SH_IS_CLI_APPLICATION (app))
    status = sh_cli_application_get_local_exit_status (SH_CLI_APPLICATION (app));
  return status;
}
