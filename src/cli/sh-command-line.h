/* sh-command-line.h — socialhub's options (ARCHITECTURE.md, "Command line").
 *
 * Shared by the GUI application and the headless one, so that a command run
 * while the window is open is handled by that running instance.
 */
#pragma once

#include <gio/gio.h>
#include "sh-manager.h"
#include "sh-monitor.h"

G_BEGIN_DECLS

typedef enum {
  SH_COMMAND_WINDOW,
  SH_COMMAND_LIST,
  SH_COMMAND_CHECK,
  SH_COMMAND_ADD_TOKEN,
  SH_COMMAND_LOGIN,
  SH_COMMAND_REMOVE_TOKEN,
  SH_COMMAND_PEOPLE,
  SH_COMMAND_PRINT_TOKEN,     /* the token broker: sh-cli-broker.c */
} ShCommand;

/* Exit statuses besides --check's 0–3. */
#define SH_EXIT_USAGE        64  /* a wrong command-line argument */
#define SH_EXIT_UNAVAILABLE  69  /* not available in this version or instance */
#define SH_EXIT_NOT_ALLOWED  77  /* --print-token: the token broker is off */
#define SH_EXIT_FAILURE      70  /* the command failed; the message says why */
#define SH_EXIT_TEMPORARY    75  /* the keyring could not be read: nothing changed, try again */

void       sh_command_line_add_options (GApplication  *app);
/* Checks the options' syntax (unknown options, missing arguments) the way
 * GApplication will parse them, so that a mistake is refused with
 * "socialhub:" and SH_EXIT_USAGE instead of GLib's exit status 1. --help and
 * its variants are left to GApplication. */
gboolean   sh_command_line_check_syntax (int            argc,
                                         char         **argv,
                                         GError       **error);
/* main() tells, before anything opens a file, whether the caller gave this
 * process a standard input at all: if not, descriptor 0 may later be one of
 * our own files, and no token may ever be read from it. */
void       sh_command_line_set_stdin_closed (gboolean    closed);
/* Refusals that only the process the user started can make (its own
 * standard input); called from handle-local-options after the parse. */
gboolean   sh_command_line_check_local (ShCommand      command,
                                        GError       **error);
gboolean   sh_command_line_wants_gui   (int            argc,
                                        char         **argv);
ShCommand  sh_command_line_parse       (GVariantDict  *options,
                                        GError       **error);
gboolean   sh_command_line_get_sandbox (GVariantDict  *options);

/* Runs a headless command (not SH_COMMAND_WINDOW) on @manager, loading it
 * first if needed; prints through @cmdline and sets its exit status.
 * --check goes through @monitor, the only way a check starts. */
void       sh_command_line_run_async   (ShManager               *manager,
                                        ShMonitor               *monitor,
                                        GApplicationCommandLine *cmdline,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data);
void       sh_command_line_run_finish  (ShManager               *manager,
                                        GAsyncResult            *result);

G_END_DECLS
