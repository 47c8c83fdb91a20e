/* sh-command-line.c — parsing and running socialhub's options. */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "sh-checker.h"
#include "sh-cli-people.h"
#include "sh-cli-broker.h"
#include "sh-derived.h"
#include "sh-monitor.h"
#include "sh-command-line.h"
#include "sh-error.h"
#include "sh-json-output.h"
#include "sh-provider-registry.h"
#include "sh-token-syntax.h"
#include "sh-untrusted-text.h"

static const GOptionEntry option_entries[] = {
  { "list", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the stored channels and tokens, without using the network"), NULL },
  { "check", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Check every access token now and print the result"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --list, --check or --people: print JSON"), NULL },
  { "add-token", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Read an access token from standard input and add it"), N_("NETWORK") },
  { "login", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Sign in from the terminal and add the tokens obtained"), N_("NETWORK") },
  { "remove-token", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Revoke an access token where the network allows it, then forget it"), N_("ID") },
  { "owner", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --add-token: who the token belongs to, when the network does not say"),
    N_("NAME") },
  { "channel", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("With --login: add only this channel (by name or id; may be repeated)"), N_("NAME") },
  { "people", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print each person who granted tokens, and the channels that hang on them alone"), NULL },
  { "print-token", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Print an access token of CHANNEL (a name or an id) that works now, for a script "
       "(the token broker: off unless turned on in Preferences)"), N_("CHANNEL") },
  { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Use the built-in emulator instead of the real networks"), NULL },
  { "verbose", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Also say what was left undone, such as notifications that could not be shown"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

/* The options that need no window: a process started with one of them does
 * not initialise GTK, so it also works without a display. */
static const char * const headless_options[] = {
  "--list", "--check", "--add-token", "--login", "--remove-token", "--version",
  "--people",
  "--print-token",
};

/* “facebook” or “x”: the registered network ids, for messages; not those
 * whose channels come with another network's (nothing to sign in to). */
static char *
dup_network_choice (void)
{
  GPtrArray *registered = sh_provider_registry_list ();
  g_autoptr(GPtrArray) networks = g_ptr_array_new ();
  GString *choice = g_string_new (NULL);

  for (guint i = 0; i < registered->len; i++)
    if (((ShProviderClass *) g_ptr_array_index (registered, i))->parent_network == NULL)
      g_ptr_array_add (networks, g_ptr_array_index (registered, i));
  for (guint i = 0; i < networks->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (networks, i);

      if (i > 0)
        /* Translators: between the last two network ids of a list */
        g_string_append (choice, i + 1 == networks->len ? _(" or ") : ", ");
      /* Translators: one network id of the list, in your language's quotes */
      g_string_append_printf (choice, _("“%s”"), klass->network);
    }
  return g_string_free (choice, FALSE);
}

void
sh_command_line_add_options (GApplication *app)
{
  g_autofree char *networks = dup_network_choice ();
  g_autofree char *description = NULL;

  g_application_add_main_option_entries (app, option_entries);
  g_application_set_option_context_parameter_string (app, NULL);
  g_application_set_option_context_summary (app,
    _("Keeps the access tokens of your channels working."));
  /* Translators: %s lists the network ids, e.g. “facebook” or “x” */
  description = g_strdup_printf (_("NETWORK is %s.\n"
                                   "--check exits with 0 when every channel is connected, 1 when "
                                   "a token is expired, invalid or expiring but every channel "
                                   "still has a valid token, 2 when a channel is disconnected, "
                                   "and 3 when some token could not be checked. --print-token "
                                   "exits with 1 when no token of the channel works, and 69 "
                                   "when the token broker is off."), networks);
  g_application_set_option_context_description (app, description);
}

static gboolean
asks_for_help (int    argc,
               char **argv)
{
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++)
    if (g_str_equal (argv[i], "-h") || g_str_equal (argv[i], "-?") ||
        g_str_equal (argv[i], "--help") || g_str_has_prefix (argv[i], "--help-"))
      return TRUE;
  return FALSE;
}

gboolean
sh_command_line_check_syntax (int      argc,
                              char   **argv,
                              GError **error)
{
  /* GApplication adds this one itself (used by the autostart entry). */
  static const GOptionEntry gapplication_entries[] = {
    { "gapplication-service", 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) args = NULL;
  GOptionEntry entries[G_N_ELEMENTS (option_entries) + G_N_ELEMENTS (gapplication_entries)];
  gpointer values[G_N_ELEMENTS (entries)];
  guint n = 0;
  gboolean ok;

  if (asks_for_help (argc, argv))
    return TRUE;

  /* The same entries as GApplication's, each with somewhere to put its value. */
  memset (values, 0, sizeof values);
  for (guint i = 0; option_entries[i].long_name != NULL; i++)
    entries[n++] = option_entries[i];
  for (guint i = 0; gapplication_entries[i].long_name != NULL; i++)
    entries[n++] = gapplication_entries[i];
  for (guint i = 0; i < n; i++)
    entries[i].arg_data = &values[i];
  memset (&entries[n], 0, sizeof entries[n]);

  context = g_option_context_new (NULL);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, NULL);
  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  ok = g_option_context_parse_strv (context, &args, &local_error);

  for (guint i = 0; i < n; i++)
    if (entries[i].arg == G_OPTION_ARG_STRING)
      g_free (values[i]);
    else if (entries[i].arg == G_OPTION_ARG_STRING_ARRAY)
      g_strfreev (values[i]);

  if (!ok)
    g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                 /* Translators: %s is GLib's message, e.g. "Unknown option --frobnicate". */
                 _("%s. “socialhub --help” lists the options."), local_error->message);
  return ok;
}

static gboolean stdin_closed;

void
sh_command_line_set_stdin_closed (gboolean closed)
{
  stdin_closed = closed;
}

gboolean
sh_command_line_check_local (ShCommand   command,
                             GError    **error)
{
  if (command == SH_COMMAND_ADD_TOKEN && stdin_closed)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                           _("No access token on standard input: it is closed. Pipe the token "
                             "in, or paste it in a terminal and press Ctrl+D."));
      return FALSE;
    }
  return TRUE;
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
  g_autofree char *networks = NULL;

  if (sh_provider_registry_lookup (value) != NULL)
    return TRUE;
  networks = dup_network_choice ();
  /* Translators: the second %s lists the network ids, e.g. “facebook” or “x” */
  g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
               _("%s needs a network, %s, not “%s”."), option, networks, value);
  return FALSE;
}

static gboolean
is_plausible_id (const char *id)
{
  if (*id == '\0' || !g_utf8_validate (id, -1, NULL))
    return FALSE;
  for (const char *p = id; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

ShCommand
sh_command_line_parse (GVariantDict  *options,
                       GError       **error)
{
  const char *add_token = NULL, *login = NULL, *remove_token = NULL, *print_token = NULL;
  guint n_commands = 0;
  ShCommand command = SH_COMMAND_WINDOW;

  g_variant_dict_lookup (options, "add-token", "&s", &add_token);
  g_variant_dict_lookup (options, "login", "&s", &login);
  g_variant_dict_lookup (options, "remove-token", "&s", &remove_token);
  g_variant_dict_lookup (options, "print-token", "&s", &print_token);

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
  if (print_token != NULL)
    n_commands++, command = SH_COMMAND_PRINT_TOKEN;

  /* --people: its own check, so that the line above stays as it is. */
  if (g_variant_dict_contains (options, "people"))
    {
      if (n_commands > 0)
        {
          g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                               _("--people goes alone, or with --json."));
          return SH_COMMAND_WINDOW;
        }
      n_commands++, command = SH_COMMAND_PEOPLE;
    }

  if (n_commands > 1)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                           _("Give only one of --list, --check, --add-token, --login, "
                             "--remove-token and --print-token."));
      return SH_COMMAND_WINDOW;
    }
  if (g_variant_dict_contains (options, "channel") && command != SH_COMMAND_LOGIN)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                           _("--channel goes with --login."));
      return SH_COMMAND_WINDOW;
    }
  if (g_variant_dict_contains (options, "owner") && command != SH_COMMAND_ADD_TOKEN)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                           _("--owner goes with --add-token."));
      return SH_COMMAND_WINDOW;
    }
  if (g_variant_dict_contains (options, "owner"))
    {
      const char *owner = NULL;
      g_autofree char *clean = NULL;

      g_variant_dict_lookup (options, "owner", "&s", &owner);
      clean = g_strstrip (g_strdup (owner != NULL ? owner : ""));
      if (*clean == '\0' || g_utf8_strlen (clean, -1) > SH_OWNER_NAME_MAX)
        {
          g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                       _("--owner needs a name of 1 to %d characters."), SH_OWNER_NAME_MAX);
          return SH_COMMAND_WINDOW;
        }
    }
  if (g_variant_dict_contains (options, "json") &&
      command != SH_COMMAND_LIST && command != SH_COMMAND_CHECK && command != SH_COMMAND_PEOPLE)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                           _("--json goes with --list, --check or --people."));
      return SH_COMMAND_WINDOW;
    }
  if ((add_token != NULL && !check_network ("--add-token", add_token, error)) ||
      (login != NULL && !check_network ("--login", login, error)))
    return SH_COMMAND_WINDOW;
  /* Any id a stored token may have (a hand-edited file may hold ids that
   * are not UUIDs); the lookup says whether there is one. */
  if (remove_token != NULL && !is_plausible_id (remove_token))
    {
      g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a token id. “socialhub --list” shows the ids."), remove_token);
      return SH_COMMAND_WINDOW;
    }
  if (print_token != NULL && !is_plausible_id (print_token))
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                           _("--print-token needs a channel: its name or its id. "
                             "“socialhub --list” shows the channels."));
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
  const char              *network;      /* interned */
  char                    *token_id;
  char                    *print_channel;  /* --print-token */
  char                   **channel_filter;
  char                    *owner;        /* --owner */
  GPtrArray               *granted;      /* ShGrantedChannel still to add */
  GByteArray              *pasted;       /* --add-token: standard input so far */
  guint                    n_added;
  guint                    n_present;    /* in SocialHub already: nothing added */
  GPtrArray               *added_ids;    /* the channels tokens were added to */
  char                    *removing_id;  /* --remove-token: a channel removed as a whole */
  char                    *removing_name;
  GCancellable            *cancellable;
  ShMonitor               *monitor;      /* the window's, or the headless instance's */
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_object (&data->cmdline);
  g_free (data->print_channel);
  g_free (data->token_id);
  g_strfreev (data->channel_filter);
  g_free (data->owner);
  g_clear_pointer (&data->granted, g_ptr_array_unref);
  g_clear_pointer (&data->added_ids, g_ptr_array_unref);
  g_free (data->removing_id);
  g_free (data->removing_name);
  if (data->pasted != NULL)
    {
      if (data->pasted->len > 0)
        memset (data->pasted->data, 0, data->pasted->len);
      g_byte_array_unref (data->pasted);
    }
  g_clear_object (&data->cancellable);
  g_clear_object (&data->monitor);
  g_free (data);
}

static void
print_channels (ShManager *manager,
                RunData   *data)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  g_autofree char *output = NULL;

  if (data->json)
    output = sh_output_channels_json (channels);
  else
    output = sh_output_channels_text (channels, g_get_real_time () / G_USEC_PER_SEC);
  g_application_command_line_print (data->cmdline, "%s%s", output, data->json ? "\n" : "");
}

static gboolean
is_keyring_error (const GError *error)
{
  return error->domain == SH_ERROR &&
         (error->code == SH_ERROR_KEYRING_UNAVAILABLE || error->code == SH_ERROR_KEYRING_LOCKED ||
          error->code == SH_ERROR_KEYRING_TIMEOUT || error->code == SH_ERROR_KEYRING_FAILED);
}

/* A keyring that is locked, absent, silent or failing is a temporary
 * failure: the secret could not be read or written, so the command changed
 * nothing and can simply be run again (SH_EXIT_TEMPORARY). */
static void
fail (GTask        *task,
      const GError *error,
      int           status)
{
  RunData *data = g_task_get_task_data (task);

  g_application_command_line_printerr (data->cmdline, "socialhub: %s\n", error->message);
  if (is_keyring_error (error))
    {
      status = SH_EXIT_TEMPORARY;
      if (error->code == SH_ERROR_KEYRING_LOCKED)
        g_application_command_line_printerr (data->cmdline, "socialhub: %s\n",
                                             _("Unlock your keyring and try again."));
    }
  g_application_command_line_set_exit_status (data->cmdline, status);
  g_task_return_boolean (task, FALSE);
}

static ShProvider *
provider_or_fail (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  ShProvider *provider = sh_manager_get_provider (manager, data->network);

  if (provider == NULL)
    {
      g_autoptr(GError) error = g_error_new (SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                                             _("%s is not available yet in this version of "
                                               "SocialHub."),
                                             sh_network_get_display_name (data->network));
      fail (task, error, SH_EXIT_UNAVAILABLE);
    }
  return provider;
}

/* --check ------------------------------------------------------------------ */

static gboolean
check_finish (GTask           *task,
              GAsyncResult    *result,
              ShCheckSummary  *out_summary,
              GError         **error)
{
  RunData *data = g_task_get_task_data (task);

  return sh_monitor_check_now_finish (data->monitor, result, out_summary, error);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *manager = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *deferred = NULL;
  ShCheckSummary summary = { 0 };

  /* Even a failed check (a locked keyring) has something true to show:
   * every token, with why it was not checked. */
  if (!check_finish (task, result, &summary, &error))
    g_application_command_line_printerr (data->cmdline, "socialhub: %s\n", error->message);
  else if (sh_monitor_get_failure (data->monitor) != NULL)
    /* Tokens the check could not judge: why (and, from a running window,
     * when its next try is), as the window's status line says it. */
    g_application_command_line_printerr (data->cmdline, "socialhub: %s\n",
                                         sh_monitor_get_failure (data->monitor));
  /* Tokens left for later within a network's budget: when they will have
   * a verdict (the JSON on stdout stays JSON). */
  deferred = sh_checker_describe_deferred (&summary);
  if (deferred != NULL && data->json)
    g_application_command_line_printerr (data->cmdline, "socialhub: %s\n", deferred);
  else if (deferred != NULL)
    g_application_command_line_print (data->cmdline, "%s\n", deferred);
  print_channels (manager, data);
  if (!data->json)
    sh_cli_people_print_check_summary (manager, data->cmdline);
  g_application_command_line_set_exit_status (
    data->cmdline, sh_checker_exit_status (G_LIST_MODEL (sh_manager_get_channels (manager))));
  g_task_return_boolean (task, TRUE);
}

/* --add-token and --login: filing what was granted ----------------------- */

static void add_next_granted (GTask *task);

static void
on_granted_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShToken) token = sh_manager_add_granted_finish (SH_MANAGER (source), result, &error);
  g_autofree char *owner = NULL;
  g_autofree char *name = NULL;
  ShChannel *channel;

  if (g_error_matches (error, SH_ERROR, SH_ERROR_ALREADY_ADDED))
    {
      /* Adding is idempotent: a script may add the same token again. */
      data->n_present++;
      g_application_command_line_print (data->cmdline, "%s\n", error->message);
      add_next_granted (g_steal_pointer (&task));
      return;
    }
  if (token == NULL)
    {
      fail (task, error, SH_EXIT_FAILURE);
      return;
    }
  channel = sh_channel_list_lookup (sh_manager_get_channels (SH_MANAGER (source)),
                                    sh_token_get_channel_id (token));
  /* The names are the network's: sanitized for the terminal. */
  owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (token));
  name = sh_untrusted_text_sanitize (channel ? sh_channel_get_name (channel) : NULL);
  data->n_added++;
  if (channel != NULL)
    {
      if (data->added_ids == NULL)
        data->added_ids = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (data->added_ids, g_strdup (sh_channel_get_id (channel)));
    }
  /* Translators: "Added the token of Alice Example to Acme Coffee (Facebook Page), id …" */
  g_application_command_line_print (data->cmdline, _("Added the token of %s to %s (%s), id %s\n"),
                                    owner ?: _("an unknown owner"),
                                    name ?: "?",
                                    sh_network_get_display_name (sh_token_get_network (token)),
                                    sh_token_get_id (token));
  add_next_granted (g_steal_pointer (&task));
}

static gboolean
wanted (RunData                *data,
        const ShGrantedChannel *granted)
{
  if (data->channel_filter == NULL)
    return TRUE;
  for (guint i = 0; data->channel_filter[i] != NULL; i++)
    if (g_strcmp0 (data->channel_filter[i], granted->name) == 0 ||
        g_strcmp0 (data->channel_filter[i], granted->external_id) == 0)
      return TRUE;
  return FALSE;
}

/* The accounts living on the added channels' tokens, found by the check
 * of those channels (an Instagram account of a Facebook Page). */
static void
on_added_discovered (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *manager = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  g_autoptr(GError) error = NULL;

  /* The tokens are added: a look that failed is retried at the next check. */
  if (!sh_checker_check_finish (SH_CHECKER (source), result, NULL, &error))
    g_debug ("No look for accounts living on the added channels: %s", error->message);
  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      const char *via = sh_channel_get_via (channel);
      ShChannel *parent;
      g_autofree char *name = NULL;
      g_autofree char *parent_name = NULL;

      if (via == NULL || !g_ptr_array_find_with_equal_func (data->added_ids, via, g_str_equal, NULL))
        continue;
      parent = sh_channel_list_lookup (sh_manager_get_channels (manager), via);
      name = sh_untrusted_text_sanitize (sh_channel_get_name (channel));
      parent_name = sh_untrusted_text_sanitize (parent != NULL ? sh_channel_get_name (parent) : NULL);
      /* Translators: "Found @acmecoffee (Instagram account) through Acme Coffee" */
      g_application_command_line_print (data->cmdline, _("Found %s (%s) through %s\n"),
                                        name ?: "?",
                                        sh_network_get_display_name (sh_channel_get_network (channel)),
                                        parent_name ?: "?");
    }
  g_application_command_line_set_exit_status (data->cmdline, 0);
  g_task_return_boolean (task, TRUE);
}

static void
add_next_granted (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_auto(GStrv) undiscovered = NULL;

  while (data->granted->len > 0)
    {
      g_autoptr(ShGrantedChannel) granted = g_ptr_array_steal_index (data->granted, 0);

      if (!wanted (data, granted))
        continue;
      sh_manager_add_granted_async (manager, granted, data->cancellable, on_granted_added, task);
      return;
    }

  if (data->n_added == 0 && data->n_present == 0)
    {
      g_autoptr(GError) error = g_error_new_literal (SH_ERROR, SH_ERROR_NOT_FOUND,
        data->channel_filter ? _("None of the channels named with --channel came with this "
                                 "grant; nothing was added.")
                             : _("The grant gave access to no channel; nothing was added."));
      fail (task, error, SH_EXIT_FAILURE);
      g_object_unref (task);
      return;
    }
  /* A Page added is looked at for the accounts living on it now, not at
   * the next check: a check of just the new channels. */
  if (data->added_ids != NULL)
    undiscovered = sh_derived_undiscovered (sh_manager_get_channels (manager), data->added_ids);
  if (undiscovered != NULL)
    {
      sh_checker_check_channels_async (sh_manager_get_checker (manager),
                                       (const char * const *) undiscovered, data->cancellable,
                                       on_added_discovered, task);
      return;
    }
  g_application_command_line_set_exit_status (data->cmdline, 0);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
take_granted (GTask     *task,
              GPtrArray *granted)
{
  RunData *data = g_task_get_task_data (task);

  data->granted = granted;
  /* --owner fills in the person a pasted Page token does not name; a name
   * the network gives wins. */
  if (data->owner != NULL && granted->len > 0 &&
      sh_manager_name_owner (granted, data->owner) == 0)
    g_application_command_line_printerr (data->cmdline, "socialhub: %s\n",
      _("The network names the owner of this token; --owner is not used."));
  add_next_granted (g_object_ref (task));
}

static void
on_identified (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *granted = sh_provider_identify_finish (SH_PROVIDER (source), result, &error);

  if (granted == NULL)
    fail (task, error, SH_EXIT_FAILURE);
  else
    take_granted (task, granted);
}

#define PASTE_MAX (64 * 1024)

static void read_stdin (GTask *task);

/* Standard input up to its first line end (a terminal hands over a pasted
 * line when Enter is pressed) or its end (a pipe, Ctrl+D), however many
 * reads that takes: a pipe may deliver a token in pieces. */
static void
on_stdin_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  g_autofree char *text = NULL;
  ShProvider *provider;
  gsize size;

  if (bytes == NULL)
    {
      fail (task, error, SH_EXIT_FAILURE);
      return;
    }
  size = g_bytes_get_size (bytes);
  if (size > 0)
    {
      g_byte_array_append (data->pasted, g_bytes_get_data (bytes, NULL), size);
      memset ((gpointer) g_bytes_get_data (bytes, NULL), 0, size);
      if (memchr (data->pasted->data, '\n', data->pasted->len) == NULL &&
          data->pasted->len < PASTE_MAX)
        {
          read_stdin (g_steal_pointer (&task));
          return;
        }
    }

  /* Judged on the bytes as read, since g_strndup() stops at a NUL and the
   * read at PASTE_MAX: such input is refused, never cut, sent or stored.
   * Blank input is left to the message below. An empty GByteArray has no
   * data (NULL), not an empty string: neither g_strndup nor memset may be
   * given that. */
  if (data->pasted->len == 0)
    text = g_strdup ("");
  else
    {
      text = g_strstrip (g_strndup ((const char *) data->pasted->data, data->pasted->len));
      if ((*text != '\0' || memchr (data->pasted->data, '\0', data->pasted->len) != NULL) &&
          !sh_token_syntax_check_pasted (data->network, (const char *) data->pasted->data,
                                         data->pasted->len, &error))
        {
          memset (text, 0, strlen (text));
          memset (data->pasted->data, 0, data->pasted->len);
          /* Malformed input is a usage error (ARCHITECTURE.md): 64. */
          fail (task, error, SH_EXIT_USAGE);
          return;
        }
      memset (data->pasted->data, 0, data->pasted->len);
      g_byte_array_set_size (data->pasted, 0);
    }
  if (*text == '\0')
    {
      g_autoptr(GError) empty = g_error_new_literal (SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
        _("No access token on standard input. Paste it, then press Ctrl+D, or pipe it in."));
      fail (task, empty, SH_EXIT_USAGE);
      return;
    }
  if ((provider = provider_or_fail (task)) == NULL)
    {
      memset (text, 0, strlen (text));
      return;
    }
  sh_provider_identify_async (provider, text, data->cancellable, on_identified,
                              g_steal_pointer (&task));
  memset (text, 0, strlen (text));
}

static void
read_stdin (GTask *task)
{
  RunData *data = g_task_get_task_data (task);
  /* Transfer full; the read holds its own reference. */
  g_autoptr(GInputStream) input = g_application_command_line_get_stdin (data->cmdline);

  if (data->pasted == NULL)
    data->pasted = g_byte_array_new ();
  g_input_stream_read_bytes_async (input,
                                   PASTE_MAX - data->pasted->len, G_PRIORITY_DEFAULT,
                                   data->cancellable, on_stdin_read, task);
}

static void
on_prompt (const ShSignInPrompt *prompt,
           gpointer              user_data)
{
  RunData *data = user_data;
  gint64 minutes = (prompt->expires_at - g_get_real_time () / G_USEC_PER_SEC + 59) / 60;

  if (prompt->browser_error != NULL)
    /* The same prompt again: the address is printed already. */
    g_application_command_line_print (data->cmdline,
      _("No browser could be opened (%s): open the address above in a browser on this "
        "computer.\n"), prompt->browser_error);
  else if (prompt->user_code != NULL)
    g_application_command_line_print (data->cmdline,
      _("To add access tokens, open %s and enter the code %s\n"
        "(or scan %s with a phone). The code is valid for %d minutes.\n"
        "Waiting for the approval…\n"),
      prompt->verification_uri, prompt->user_code, prompt->qr_uri, (int) MAX (minutes, 1));
  else if (prompt->authorize_uri != NULL)
    g_application_command_line_print (data->cmdline,
      _("To add access tokens, open this address in a browser:\n%s\nWaiting for the approval…\n"),
      prompt->authorize_uri);
  /* The person needs this now, not when we exit: when stdout is a pipe
   * (`socialhub --login x | tee log`) it is block-buffered. */
  fflush (stdout);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *granted = sh_provider_sign_in_finish (SH_PROVIDER (source), result, &error);

  if (granted == NULL)
    fail (task, error, SH_EXIT_FAILURE);
  else
    take_granted (task, granted);
}

/* --print-token (sh-cli-broker.c) ------------------------------------------- */

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_task_return_boolean (task, sh_cli_broker_run_finish (SH_MANAGER (source), result));
}

/* --remove-token ----------------------------------------------------------- */

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;

  if (!sh_manager_revoke_token_finish (SH_MANAGER (source), result, &warning, &error))
    {
      fail (task, error, SH_EXIT_FAILURE);
      return;
    }
  if (warning != NULL)
    g_application_command_line_printerr (data->cmdline, "socialhub: %s\n", warning);
  g_application_command_line_print (data->cmdline, _("Removed the token %s.\n"), data->token_id);
  g_application_command_line_set_exit_status (data->cmdline, 0);
  g_task_return_boolean (task, TRUE);
}

static void remove_shared (GTask *task, ShChannel *channel);

static void
on_shared_removed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  ShChannel *channel = sh_channel_list_lookup (sh_manager_get_channels (SH_MANAGER (source)),
                                               data->removing_id);
  g_autoptr(GError) error = NULL;

  if (!sh_manager_remove_token_finish (SH_MANAGER (source), result, &error))
    {
      fail (task, error, SH_EXIT_FAILURE);
      return;
    }
  remove_shared (g_steal_pointer (&task), channel);
}

/* A channel living on another's tokens (an Instagram account on its
 * Page's) goes as a whole, token by token, the last taking the channel:
 * its tokens have no keyring item of their own, so the other channel's
 * stay. */
static void
remove_shared (GTask     *task,
               ShChannel *channel)
{
  ShManager *manager = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(ShToken) token = NULL;

  if (channel == NULL || sh_channel_get_n_tokens (channel) == 0)
    {
      /* Translators: "Removed @acmecoffee." */
      g_application_command_line_print (data->cmdline, _("Removed %s.\n"), data->removing_name);
      g_application_command_line_set_exit_status (data->cmdline, 0);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  token = g_list_model_get_item (sh_channel_get_tokens (channel), 0);
  sh_manager_remove_token_async (manager, token, data->cancellable, on_shared_removed, task);
}

/* Revoke where the network allows it, then forget (sh-manager-tokens.c). */
static void
remove_token (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  ShChannel *channel = NULL;
  ShToken *token = sh_channel_list_lookup_token (sh_manager_get_channels (manager),
                                                 data->token_id, &channel);

  if (token == NULL)
    {
      g_autoptr(GError) error = g_error_new (SH_ERROR, SH_ERROR_NOT_FOUND,
                                             _("There is no access token with the id %s."),
                                             data->token_id);
      fail (task, error, SH_EXIT_FAILURE);
      return;
    }
  if (sh_token_get_shares (token) != NULL && !sh_derived_is_removable (channel))
    {
      ShChannel *parent = sh_channel_list_lookup (sh_manager_get_channels (manager),
                                                  sh_channel_get_via (channel) ?: "");
      g_autofree char *name = sh_untrusted_text_sanitize (sh_channel_get_name (channel));
      g_autofree char *parent_name = sh_untrusted_text_sanitize (parent != NULL
                                                                 ? sh_channel_get_name (parent)
                                                                 : NULL);
      /* Translators: "@acmecoffee lives on the access tokens of Acme Coffee and goes with
       * it: …" */
      g_autoptr(GError) error = g_error_new (SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                                             _("%s lives on the access tokens of %s and goes with "
                                               "it: remove that channel’s tokens. It can be "
                                               "removed on its own once it is no longer linked "
                                               "there."),
                                             name ?: "?", parent_name ?: "?");
      fail (task, error, SH_EXIT_FAILURE);
      return;
    }
  if (sh_token_get_shares (token) != NULL)
    {
      /* Said with the channel's name once it is gone. */
      data->removing_name = sh_untrusted_text_sanitize (sh_channel_get_name (channel));
      data->removing_id = g_strdup (sh_channel_get_id (channel));
      remove_shared (g_object_ref (task), channel);
      return;
    }
  sh_manager_revoke_token_async (manager, token, data->cancellable, on_removed, g_object_ref (task));
}

static void
run_loaded (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  ShProvider *provider;

  switch (data->command)
    {
    case SH_COMMAND_LIST:
      if (sh_manager_get_notice (manager) != NULL)
        g_application_command_line_printerr (data->cmdline, "socialhub: %s\n",
                                             sh_manager_get_notice (manager));
      print_channels (manager, data);
      g_application_command_line_set_exit_status (data->cmdline, 0);
      g_task_return_boolean (task, TRUE);
      break;

    case SH_COMMAND_CHECK:
      /* Through the monitor, the only way a check starts: the window's joins
       * a check under way; the headless instance's has no schedule. */
      sh_monitor_check_now_async (data->monitor, data->cancellable, on_checked,
                                  g_object_ref (task));
      break;

    case SH_COMMAND_ADD_TOKEN:
      /* Read the token from standard input, never from the arguments (where
       * it would land in the shell history and the process list). */
      read_stdin (g_object_ref (task));
      break;

    case SH_COMMAND_LOGIN:
      if ((provider = provider_or_fail (task)) != NULL)
        sh_provider_sign_in_async (provider, on_prompt, data, data->cancellable, on_signed_in,
                                   g_object_ref (task));
      break;

    case SH_COMMAND_REMOVE_TOKEN:
      remove_token (task);
      break;

    case SH_COMMAND_PEOPLE:
      /* As --list: a damaged data file was set aside, say so. */
      if (sh_manager_get_notice (manager) != NULL)
        g_application_command_line_printerr (data->cmdline, "socialhub: %s\n",
                                             sh_manager_get_notice (manager));
      sh_cli_people_print (manager, data->cmdline, data->json);
      g_application_command_line_set_exit_status (data->cmdline, 0);
      g_task_return_boolean (task, TRUE);
      break;

    case SH_COMMAND_PRINT_TOKEN:
      sh_cli_broker_run_async (manager, data->cmdline, data->print_channel,
                               data->cancellable, on_printed, g_object_ref (task));
      break;

    case SH_COMMAND_WINDOW:
    default:
      g_assert_not_reached ();
    }
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
                           ShMonitor               *monitor,
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
  g_return_if_fail (SH_IS_MONITOR (monitor));
  g_return_if_fail (G_IS_APPLICATION_COMMAND_LINE (cmdline));

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_command_line_run_async);

  options = g_application_command_line_get_options_dict (cmdline);
  data = g_new0 (RunData, 1);
  data->cmdline = g_object_ref (cmdline);
  data->command = sh_command_line_parse (options, &error);
  data->json = g_variant_dict_contains (options, "json");
  data->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  data->monitor = g_object_ref (monitor);
  g_variant_dict_lookup (options, "remove-token", "s", &data->token_id);
  g_variant_dict_lookup (options, "print-token", "s", &data->print_channel);
  g_variant_dict_lookup (options, "channel", "^as", &data->channel_filter);
  g_variant_dict_lookup (options, "owner", "s", &data->owner);
  {
    const char *network = NULL;

    if (g_variant_dict_lookup (options, "add-token", "&s", &network) ||
        g_variant_dict_lookup (options, "login", "&s", &network))
      data->network = sh_provider_registry_intern (network);
  }
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
