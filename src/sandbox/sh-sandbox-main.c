/* sh-sandbox-main.c — the emulator on its own, for scripts and tests in
 * other languages: prints its addresses as shell variables and serves until
 * SIGTERM or SIGINT.
 *
 *   socialhub-sandbox [--port N] [--state FILE]
 */
#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "sh-sandbox-server.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(ShSandboxServer) server = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *graph = NULL, *x_api = NULL, *x_authorize = NULL;
  g_autofree char *state = NULL;
  int port = 0;
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: a free one)", "N" },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state,
      "Keep the emulated world in FILE across restarts", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Runs SocialHub's emulator of the Graph and X APIs.");
  if (!g_option_context_parse (context, &argc, &argv, &error) || port < 0 || port > 65535)
    {
      g_printerr ("socialhub-sandbox: %s\n", error ? error->message : "bad port");
      return 64;
    }

  server = sh_sandbox_server_new (NULL, port, &error);
  if (server == NULL)
    {
      g_printerr ("socialhub-sandbox: %s\n", error->message);
      return 1;
    }

  if (state != NULL)
    sh_sandbox_server_set_state_file (server, state);

  graph = sh_sandbox_server_dup_graph_url (server);
  x_api = sh_sandbox_server_dup_x_api_url (server);
  x_authorize = sh_sandbox_server_dup_x_authorize_url (server);
  printf ("SOCIALHUB_SANDBOX_URL=%s\nSOCIALHUB_GRAPH_URL=%s\nSOCIALHUB_X_API_URL=%s\n"
          "SOCIALHUB_X_AUTHORIZE_URL=%s\nSOCIALHUB_FACEBOOK_APP_ID=%s\n"
          "SOCIALHUB_FACEBOOK_CLIENT_TOKEN=%s\nSOCIALHUB_X_CLIENT_ID=%s\n",
          sh_sandbox_server_get_base_url (server), graph, x_api, x_authorize,
          SH_SANDBOX_APP_ID, SH_SANDBOX_CLIENT_TOKEN, SH_SANDBOX_X_CLIENT_ID);
  fflush (stdout);

  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_main_loop_run (loop);
  return 0;
}
