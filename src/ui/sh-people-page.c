/* sh-people-page.c — who the channels hang on.
 *
 * One group per person (sh-people.h): their name and network as the
 * heading, the sentence "If Ana’s tokens stop working, Florist and 6 more
 * channels lose their last link." under it, then one row per token, which
 * opens that token's channel. The page is a snapshot, rebuilt when it is
 * shown and, while it shows, after each check and when a channel, a token or
 * a token's verdict comes or goes (once for all that happens in one turn of
 * the main loop): a team has a handful of people, so rebuilding costs
 * nothing a person could notice, and no row has to follow a token of its own.
 * Built in code, like the channel rows: what it shows is a list of lists.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sh-channel-display.h"
#include "sh-people.h"
#include "sh-people-page.h"
#include "sh-provider-registry.h"
#include "sh-untrusted-text.h"

struct _ShPeoplePage
{
  GtkBox              parent_instance;

  ShManager          *manager;
  AdwPreferencesPage *preferences_page;
  GPtrArray          *groups;        /* AdwPreferencesGroup, owned by the page */
  GHashTable         *first_rows;    /* "NETWORK:USER_ID" → its first row (unowned) */
  GtkWidget          *first_row;     /* the page's first person's */
  GHashTable         *token_rows;    /* token id → its row (unowned) */
  GPtrArray          *watched;       /* ShChannel whose tokens the page follows */
  guint               rebuild_id;    /* an idle rebuild, pending */
  gboolean            stale;         /* something changed while it was hidden */
};

G_DEFINE_FINAL_TYPE (ShPeoplePage, sh_people_page, GTK_TYPE_BOX)

static void on_changed (ShPeoplePage *self);

/* A channel's tokens and their verdicts: its count of tokens and of valid
 * ones change with them. */
static void
watch_channels (ShPeoplePage *self,
                GListModel   *channels)
{
  guint n = g_list_model_get_n_items (channels);

  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
  for (guint i = 0; i < n; i++)
    {
      ShChannel *channel = g_list_model_get_item (channels, i);

      g_signal_connect_swapped (channel, "notify::n-tokens", G_CALLBACK (on_changed), self);
      g_signal_connect_swapped (channel, "notify::n-valid", G_CALLBACK (on_changed), self);
      g_ptr_array_add (self->watched, channel);
    }
}

static void
clear_groups (ShPeoplePage *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->preferences_page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->first_rows);
  g_hash_table_remove_all (self->token_rows);
  self->first_row = NULL;
}

/* The id of the token whose row has the keyboard, if one of the page's rows
 * has it: a rebuild (a check ended, a verdict came) puts it back there
 * instead of dropping a keyboard user's place. */
static char *
dup_focused_token_id (ShPeoplePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  for (; focus != NULL && focus != GTK_WIDGET (self); focus = gtk_widget_get_parent (focus))
    {
      const char *id = g_object_get_data (G_OBJECT (focus), "sh-token-id");

      if (id != NULL)
        return g_strdup (id);
    }
  return NULL;
}

/* "Facebook Page · Invalid (password changed)" */
static char *
dup_token_subtitle (ShToken *token)
{
  ShTokenState state = sh_token_get_effective_state (token);
  ShTokenReason reason = sh_token_get_last_verdict_reason (token);
  const char *kind = sh_network_get_display_name (sh_token_get_network (token));

  if (!sh_token_state_is_usable (state) && sh_token_state_is_verdict (state) &&
      reason != SH_TOKEN_REASON_NONE)
    /* Translators: a channel's kind, a token's state and why,
     * e.g. "Facebook Page · Invalid (password changed)" */
    return g_strdup_printf (_("%s · %s (%s)"), kind, sh_token_state_get_label (state),
                            sh_token_reason_get_short_label (reason));
  /* Translators: a channel's kind and a token's state, e.g. "X Account · Valid" */
  return g_strdup_printf (_("%s · %s"), kind, sh_token_state_get_label (state));
}

static GtkWidget *
token_row_new (ShToken   *token,
               ShChannel *channel)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = dup_token_subtitle (token);
  g_autofree char *name = channel != NULL ? sh_channel_dup_display_name (channel)
                                          : g_strdup (_("Unnamed channel"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (channel != NULL)
    {
      /* The target before the name, as elsewhere. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", sh_channel_get_id (channel));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-channel");
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 g_object_new (GTK_TYPE_IMAGE,
                                               "icon-name", "go-next-symbolic",
                                               "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                               NULL));
    }
  return row;
}

static void
add_person (ShPeoplePage *self,
            ShPerson     *person)
{
  ShChannelList *channels = sh_manager_get_channels (self->manager);
  GPtrArray *tokens = sh_person_get_tokens (person);
  GtkWidget *group = adw_preferences_group_new ();
  g_autofree char *name = sh_person_dup_display_name (person);
  g_autofree char *title = NULL;
  g_autofree char *sentence = sh_person_dup_sentence (person);
  g_autofree char *target = sh_person_dup_target (person);

  /* Translators: a person and their network, e.g. "Alice Example · Facebook" */
  title = g_strdup_printf (_("%s · %s"), name, sh_network_get_name (sh_person_get_network (person)));
  /* Names are the network's: never markup. */
  {
    g_autofree char *escaped_title = g_markup_escape_text (title, -1);
    g_autofree char *escaped_sentence = g_markup_escape_text (sentence, -1);

    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), escaped_title);
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), escaped_sentence);
  }
  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);
      ShChannel *channel = sh_channel_list_lookup (channels, sh_token_get_channel_id (token));
      GtkWidget *row = token_row_new (token, channel);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_object_set_data_full (G_OBJECT (row), "sh-token-id", g_strdup (sh_token_get_id (token)),
                              g_free);
      g_hash_table_insert (self->token_rows, g_strdup (sh_token_get_id (token)), row);
      if (i == 0 && target != NULL)
        g_hash_table_insert (self->first_rows, g_steal_pointer (&target), row);
      if (self->first_row == NULL)
        self->first_row = row;
    }
  g_ptr_array_add (self->groups, group);
  adw_preferences_page_add (self->preferences_page, ADW_PREFERENCES_GROUP (group));
}

void
sh_people_page_refresh (ShPeoplePage *self)
{
  g_autoptr(ShPeople) people = NULL;
  g_autofree char *focused = NULL;
  guint n;

  g_return_if_fail (SH_IS_PEOPLE_PAGE (self));

  focused = dup_focused_token_id (self);
  clear_groups (self);
  self->stale = FALSE;
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->manager == NULL)
    return;
  watch_channels (self, G_LIST_MODEL (sh_manager_get_channels (self->manager)));
  people = sh_people_new (G_LIST_MODEL (sh_manager_get_channels (self->manager)));
  n = g_list_model_get_n_items (G_LIST_MODEL (people));
  if (n == 0)
    {
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("No one has granted an access token yet."));
      g_ptr_array_add (self->groups, group);
      adw_preferences_page_add (self->preferences_page, ADW_PREFERENCES_GROUP (group));
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShPerson) person = g_list_model_get_item (G_LIST_MODEL (people), i);

      add_person (self, person);
    }
  if (focused != NULL)
    {
      GtkWidget *row = g_hash_table_lookup (self->token_rows, focused);

      if (row == NULL)
        row = self->first_row;
      if (row != NULL)
        gtk_widget_grab_focus (row);
    }
}

gboolean
sh_people_page_focus_person (ShPeoplePage *self,
                             const char   *target)
{
  GtkWidget *row;

  g_return_val_if_fail (SH_IS_PEOPLE_PAGE (self), FALSE);

  row = target != NULL ? g_hash_table_lookup (self->first_rows, target) : NULL;
  if (row == NULL)
    row = self->first_row;
  /* The page's viewport scrolls to the focused row. */
  return row != NULL && gtk_widget_grab_focus (row);
}

static gboolean
rebuild_now (gpointer user_data)
{
  ShPeoplePage *self = user_data;

  self->rebuild_id = 0;
  sh_people_page_refresh (self);
  return G_SOURCE_REMOVE;
}

/* Only while it shows: a hidden page is rebuilt when it is shown again. A
 * channel that comes with its tokens, or a check's many verdicts, make one
 * rebuild. */
static void
on_changed (ShPeoplePage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->stale = TRUE;
  else if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_now, self);
}

static void
on_channels_changed (GListModel   *channels,
                     guint         position,
                     guint         removed,
                     guint         added,
                     ShPeoplePage *self)
{
  on_changed (self);
}

static void
sh_people_page_map (GtkWidget *widget)
{
  ShPeoplePage *self = SH_PEOPLE_PAGE (widget);

  if (self->stale)
    sh_people_page_refresh (self);
  GTK_WIDGET_CLASS (sh_people_page_parent_class)->map (widget);
}

void
sh_people_page_set_manager (ShPeoplePage *self,
                            ShManager    *manager)
{
  g_return_if_fail (SH_IS_PEOPLE_PAGE (self));
  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (self->manager == NULL);

  self->manager = g_object_ref (manager);
  g_signal_connect_object (sh_manager_get_checker (manager), "checked",
                           G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sh_manager_get_channels (manager), "items-changed",
                           G_CALLBACK (on_channels_changed), self, 0);
  self->stale = TRUE;
}

static void
sh_people_page_dispose (GObject *object)
{
  ShPeoplePage *self = SH_PEOPLE_PAGE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->watched != NULL)
    for (guint i = 0; i < self->watched->len; i++)
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->first_rows, g_hash_table_unref);
  g_clear_pointer (&self->token_rows, g_hash_table_unref);
  self->first_row = NULL;
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (sh_people_page_parent_class)->dispose (object);
}

static void
sh_people_page_class_init (ShPeoplePageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_people_page_dispose;
  GTK_WIDGET_CLASS (klass)->map = sh_people_page_map;
}

static void
sh_people_page_init (ShPeoplePage *self)
{
  GtkWidget *intro = adw_preferences_group_new ();

  self->groups = g_ptr_array_new ();
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->first_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->token_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->preferences_page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->preferences_page), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->preferences_page), TRUE);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (intro),
    _("Everyone who granted access tokens. A channel that only one person’s tokens link "
      "loses its link when theirs stop working: their password changes, they remove the "
      "app, or a security check stops them."));
  adw_preferences_page_add (self->preferences_page, ADW_PREFERENCES_GROUP (intro));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->preferences_page));
}

GtkWidget *
sh_people_page_new (void)
{
  return g_object_new (SH_TYPE_PEOPLE_PAGE, NULL);
}
