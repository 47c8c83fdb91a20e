/* main.c — picks the GUI or the headless application and runs it. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sh-application.h"
#include "sh-cli-application.h"
#include "sh-command-line.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* --list and friends must work on a machine with no display, so they run
   * in an application that never initialises GTK. */
  if (sh_command_line_wants_gui (argc, argv))
    app = G_APPLICATION (sh_application_new ());
  else
    app = G_APPLICATION (sh_cli_application_new ());

  status = g_application_run (app, argc, argv);
  if (status == 0 && SH_IS_CLI_APPLICATION (app))
    status = sh_cli_application_get_local_exit_status (SH_CLI_APPLICATION (app));
  return status;
}
