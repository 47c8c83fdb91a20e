/* sh-command-line.h — socialhub's options (DESIGN.md, "Command line").
 *
 * Shared by the GUI application and the headless one, so that a command run
 * while the window is open is handled by that running instance.
 */
#pragma once

#include <gio/gio.h>
#include "sh-manager.h"

G_BEGIN_DECLS

typedef enum {
  SH_COMMAND_WINDOW,
  SH_COMMAND_LIST,
  SH_COMMAND_CHECK,
  SH_COMMAND_ADD_TOKEN,
  SH_COMMAND_LOGIN,
  SH_COMMAND_REMOVE_TOKEN,
} ShCommand;

/* Exit statuses besides --check's 0–3. */
#define SH_EXIT_USAGE        64  /* a wrong command-line argument */
#define SH_EXIT_UNAVAILABLE  69  /* not available in this version or instance */
#define SH_EXIT_FAILURE      70  /* the command failed; the message says why */

void       sh_command_line_add_options (GApplication  *app);
gboolean   sh_command_line_wants_gui   (int            argc,
                                        char         **argv);
ShCommand  sh_command_line_parse       (GVariantDict  *options,
                                        GError       **error);
gboolean   sh_command_line_get_sandbox (GVariantDict  *options);

/* Runs a headless command (not SH_COMMAND_WINDOW) on @manager, loading it
 * first if needed; prints through @cmdline and sets its exit status. */
void       sh_command_line_run_async   (ShManager               *manager,
                                        GApplicationCommandLine *cmdline,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data);
void       sh_command_line_run_finish  (ShManager               *manager,
                                        GAsyncResult            *result);

G_END_DECLS
