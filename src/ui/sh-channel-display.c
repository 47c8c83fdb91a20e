/* sh-channel-display.c — how a channel looks wherever the window shows one. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-channel-display.h"
#include "sh-people.h"
#include "sh-untrusted-text.h"

static const char * const state_classes[] = { "success", "warning", "error", "dim-label" };

char *
sh_channel_dup_display_name (ShChannel *channel)
{
  const char *name = sh_channel_get_name (channel);

  return name != NULL && *name != '\0' ? sh_untrusted_text_sanitize (name)
                                       : g_strdup (_("Unnamed channel"));
}

void
sh_channel_kinds_show_intro (AdwStatusPage *page)
{
  GPtrArray *providers = sh_provider_registry_list ();
  g_autoptr(GString) kinds = g_string_new (NULL);
  g_autofree char *description = NULL;

  for (guint i = 0; i < providers->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (providers, i);

      if (i > 0)
        /* Translators: between the last two kinds of channel, e.g. "a Page or an account" */
        g_string_append (kinds, i + 1 == providers->len ? _(" or ") : ", ");
      g_string_append (kinds, klass->channel_noun != NULL ? _(klass->channel_noun)
                                                          : sh_provider_class_get_display_name (klass));
    }
  /* Translators: %s lists kinds of channel, e.g. "a Facebook Page or an X
   * account"; the list stands alone after the colon, so that no word of the
   * sentence has to agree with it */
  description = g_strdup_printf (_("A channel is a place your team posts to: %s. It stays linked "
                                   "through access tokens, each granted by a person on your "
                                   "team, and SocialHub tells you when one stops working."),
                                 kinds->str);
  adw_status_page_set_description (page, description);
}

/* The colour classes of a badge or an icon; the text beside it says the
 * state, the colour only repeats it. */
void
sh_widget_show_channel_state (GtkWidget      *widget,
                              ShChannelState  state)
{
  const char *css_class;

  switch (state)
    {
    case SH_CHANNEL_STATE_CONNECTED:
      css_class = "success";
      break;
    case SH_CHANNEL_STATE_DEGRADED:
      css_class = "warning";
      break;
    case SH_CHANNEL_STATE_DISCONNECTED:
      css_class = "error";
      break;
    case SH_CHANNEL_STATE_UNKNOWN:
    default:
      css_class = "dim-label";
      break;
    }
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    if (!g_str_equal (state_classes[i], css_class))
      gtk_widget_remove_css_class (widget, state_classes[i]);
  gtk_widget_add_css_class (widget, css_class);
}

/* What a screen reader says for a channel: everything the row shows. */
char *
sh_channel_dup_accessible_label (ShChannel *channel)
{
  g_autofree char *summary = sh_channel_dup_summary (channel);
  g_autofree char *name = sh_channel_dup_display_name (channel);

  /* Translators: accessible name of a channel row: name, network, state,
   * summary, e.g. "Acme Coffee, Facebook Page, Degraded, 1 of 2 tokens valid" */
  return g_strdup_printf (_("%s, %s, %s, %s"),
                          name,
                          sh_network_get_display_name (sh_channel_get_network (channel)),
                          sh_channel_state_get_label (sh_channel_get_state (channel)),
                          summary);
}

/* The channel @channel lives on: its name, and the kind of channel its
 * network links. FALSE for other channels. */
static gboolean
via_parts (ShChannel   *channel,
           char       **out_name,
           const char **out_kind)
{
  ShProviderClass *klass = sh_provider_registry_lookup (sh_channel_get_network (channel));
  const char *name = sh_channel_get_via_name (channel);

  if (sh_channel_get_via (channel) == NULL || klass == NULL || klass->parent_network == NULL)
    return FALSE;
  *out_name = name != NULL && *name != '\0' ? sh_untrusted_text_sanitize (name)
                                            : g_strdup (_("Unnamed channel"));
  *out_kind = sh_network_get_display_name (klass->parent_network);
  return TRUE;
}

char *
sh_channel_dup_via_text (ShChannel *channel)
{
  g_autofree char *name = NULL;
  const char *kind;

  if (!via_parts (channel, &name, &kind))
    return NULL;
  /* Translators: where a channel gets its tokens, e.g. "via Bakery & Sons
   * (Facebook Page)": a channel's name, then its kind */
  return g_strdup_printf (_("via %s (%s)"), name, kind);
}

char *
sh_token_dup_shared_text (ShToken   *token,
                          ShChannel *channel)
{
  g_autofree char *name = NULL;
  const char *kind;

  if (sh_token_get_shares (token) == NULL || !via_parts (channel, &name, &kind))
    return NULL;
  /* Translators: a token shared with another channel, e.g. "Bakery & Sons’s
   * token (Facebook Page)" */
  return g_strdup_printf (_("%s’s token (%s)"), name, kind);
}

char *
sh_channel_dup_one_person_text (ShChannel *channel)
{
  ShToken *token = NULL;
  g_autofree char *who = NULL;

  if (sh_people_count_linked (channel, &token) != 1)
    return NULL;
  who = sh_people_dup_owner_phrase (token);
  if (who == NULL)
    return g_strdup (_("Only tokens without an owner link this channel."));
  /* Translators: %s is a person's name (or "the person with id 10001") */
  return g_strdup_printf (_("Only %s’s tokens link this channel."), who);
}
