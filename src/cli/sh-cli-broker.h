/* sh-cli-broker.h — `socialhub --print-token CHANNEL`, the token broker on
 * the command line (sh-broker.h decides which token).
 *
 * Run by whichever instance is primary: a running window or background
 * service answers a forwarded request (GApplication's command line, so the
 * token reaches the caller's standard output over the session bus, never
 * an argument or a log); with none running, the headless instance loads the
 * data file and answers itself. Both record the hand-out as "command line".
 */
#pragma once

#include <gio/gio.h>
#include "sh-manager.h"

G_BEGIN_DECLS

/* Exit statuses: 0 the token is on standard output (one line, nothing
 * else); 1 no token of the channel can be handed out (standard error lists
 * each and why); 64 no such channel, or a name several channels share;
 * 77 the broker is off; 75 the keyring is locked or unreachable: try
 * again; 69 the running instance takes no command-line request (it runs
 * with the sandbox and the command without, or the other way round);
 * 70 anything else. Each status means that one thing only. */
void      sh_cli_broker_run_async  (ShManager               *manager,
                                    GApplicationCommandLine *cmdline,
                                    const char              *channel,
                                    GCancellable            *cancellable,
                                    GAsyncReadyCallback      callback,
                                    gpointer                 user_data);
/* The exit status is set on the command line already. */
gboolean  sh_cli_broker_run_finish (ShManager               *manager,
                                    GAsyncResult            *result);

G_END_DECLS
