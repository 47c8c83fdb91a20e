/* sh-cli-people.c — what `socialhub --people` prints, as JSON or as text. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sh-cli-people.h"
#include "sh-json.h"
#include "sh-people.h"
#include "sh-provider-registry.h"
#include "sh-untrusted-text.h"

static void
add_ids (JsonBuilder *builder,
         const char  *member,
         GPtrArray   *objects,
         const char *(*get_id) (gpointer))
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < objects->len; i++)
    json_builder_add_string_value (builder, get_id (g_ptr_array_index (objects, i)));
  json_builder_end_array (builder);
}

static char *
people_json (ShPeople *people)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (people));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShPerson) person = g_list_model_get_item (G_LIST_MODEL (people), i);

      json_builder_begin_object (builder);
      sh_json_builder_add_string (builder, "network", sh_person_get_network (person));
      sh_json_builder_add_string (builder, "user_id", sh_person_get_user_id (person));
      sh_json_builder_add_string (builder, "name", sh_person_get_name (person));
      add_ids (builder, "tokens", sh_person_get_tokens (person),
               (const char *(*) (gpointer)) sh_token_get_id);
      add_ids (builder, "sole_link_channels", sh_person_get_sole_link_channels (person),
               (const char *(*) (gpointer)) sh_channel_get_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return sh_json_builder_to_string (builder);
}

static char *
dup_channel_name (ShChannel *channel)
{
  const char *name = channel != NULL ? sh_channel_get_name (channel) : NULL;

  if (channel == NULL)
    return g_strdup ("?");
  return sh_untrusted_text_sanitize (name != NULL && *name != '\0'
                                     ? name : sh_channel_get_external_id (channel));
}

/* "  ID  Acme Coffee (Facebook Page): invalid (password changed)" */
static void
append_token (GString       *out,
              ShToken       *token,
              ShChannelList *channels)
{
  ShChannel *channel = sh_channel_list_lookup (channels, sh_token_get_channel_id (token));
  ShTokenState state = sh_token_get_effective_state (token);
  ShTokenReason reason = sh_token_get_last_verdict_reason (token);
  g_autofree char *id = sh_untrusted_text_sanitize (sh_token_get_id (token));
  g_autofree char *name = dup_channel_name (channel);

  /* Translators: a token's id, its channel's name and kind, and its state,
   * e.g. "  5a0f…  Acme Coffee (Facebook Page): valid" */
  g_string_append_printf (out, _("  %s  %s (%s): %s"), id, name,
                          sh_network_get_display_name (sh_token_get_network (token)),
                          sh_token_state_get_short_label (state));
  if (!sh_token_state_is_usable (state) && sh_token_state_is_verdict (state) &&
      reason != SH_TOKEN_REASON_NONE)
    g_string_append_printf (out, " (%s)", sh_token_reason_get_short_label (reason));
  g_string_append_c (out, '\n');
}

static void
append_person (GString       *out,
               ShPerson      *person,
               ShChannelList *channels)
{
  g_autofree char *name = sh_person_dup_display_name (person);
  g_autofree char *sentence = sh_person_dup_sentence (person);
  const char *network = sh_network_get_name (sh_person_get_network (person));
  GPtrArray *tokens = sh_person_get_tokens (person);
  GPtrArray *sole = sh_person_get_sole_link_channels (person);

  if (sh_person_get_user_id (person) != NULL)
    {
      g_autofree char *user_id = sh_untrusted_text_sanitize (sh_person_get_user_id (person));

      /* Translators: a person, their network and their id there,
       * e.g. "Alice Example (Facebook, id 10001)" */
      g_string_append_printf (out, _("%s (%s, id %s)\n"), name, network, user_id);
    }
  else if (sh_person_get_name (person) != NULL)
    /* Translators: a person named only when their tokens were added (no id
     * from the network), e.g. "Carol (Facebook, named when the token was
     * added)" */
    g_string_append_printf (out, _("%s (%s, named when the token was added)\n"), name, network);
  else
    /* Translators: "Tokens without an owner (Facebook)" */
    g_string_append_printf (out, _("%s (%s)\n"), name, network);
  g_string_append_printf (out, "  %s\n", sentence);
  if (sole->len > 0)
    {
      /* Translators: before the list of channels only this person links */
      g_string_append_printf (out, "  %s", _("Channels only they link:"));
      for (guint i = 0; i < sole->len; i++)
        {
          g_autofree char *channel = dup_channel_name (g_ptr_array_index (sole, i));

          g_string_append_printf (out, "%s%s", i == 0 ? " " : ", ", channel);
        }
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < tokens->len; i++)
    append_token (out, g_ptr_array_index (tokens, i), channels);
}

static char *
people_text (ShPeople      *people,
             ShChannelList *channels)
{
  GString *out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (people));

  if (n == 0)
    {
      g_string_append_printf (out, "%s\n", _("No access tokens yet, so no people."));
      return g_string_free (out, FALSE);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShPerson) person = g_list_model_get_item (G_LIST_MODEL (people), i);

      if (i > 0)
        g_string_append_c (out, '\n');
      append_person (out, person, channels);
    }
  return g_string_free (out, FALSE);
}

void
sh_cli_people_print (ShManager               *manager,
                     GApplicationCommandLine *cmdline,
                     gboolean                 json)
{
  ShChannelList *channels = sh_manager_get_channels (manager);
  g_autoptr(ShPeople) people = sh_people_new (G_LIST_MODEL (channels));
  g_autofree char *output = json ? people_json (people) : people_text (people, channels);

  g_application_command_line_print (cmdline, "%s%s", output, json ? "\n" : "");
}

void
sh_cli_people_print_check_summary (ShManager               *manager,
                                   GApplicationCommandLine *cmdline)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  g_autoptr(ShPeople) people = NULL;
  guint n;

  if (g_list_model_get_n_items (channels) == 0)
    return;
  people = sh_people_new (channels);
  n = sh_people_get_n_single_person_channels (people);
  if (n == 0)
    g_application_command_line_print (cmdline, "%s\n", _("No channel hangs on one person."));
  else
    /* Translators: under --check's channels */
    g_application_command_line_print (cmdline,
                                      g_dngettext (GETTEXT_PACKAGE,
                                                   "%u channel hangs on one person: "
                                                   "“socialhub --people” says who.\n",
                                                   "%u channels hang on one person: "
                                                   "“socialhub --people” says who.\n", n), n);
}
