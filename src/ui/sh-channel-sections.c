/* sh-channel-sections.c — the channels as one flat list for a GtkListView.
 *
 * A list view builds rows only for what is on screen, which is what keeps a
 * window with thousands of channels as quick to open as an empty one; but
 * GTK 4.8's list view has no sections. So this model lays them out itself:
 * for each health state, worst first, a heading item followed by the
 * channels of that state whose name matches the search, sorted by name.
 * Each section is a filter and a sort model over the shared channel list;
 * their changes are passed on with the section's offset.
 *
 * Filter and sort models do not watch item properties. We watch every
 * channel's state and name and filter or sort again once per main loop
 * turn, however many channels changed (a check changes hundreds at once).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "sh-channel-sections.h"

/* Worst first: what needs a person's action is what they see first. */
static const ShChannelState section_order[] = {
  SH_CHANNEL_STATE_DISCONNECTED,
  SH_CHANNEL_STATE_DEGRADED,
  SH_CHANNEL_STATE_UNKNOWN,
  SH_CHANNEL_STATE_CONNECTED,
};
#define N_SECTIONS G_N_ELEMENTS (section_order)

/* ---- ShSectionHeading ---------------------------------------------------- */

struct _ShSectionHeading
{
  GObject         parent_instance;

  ShChannelState  state;
  guint           n_channels;
};

G_DEFINE_FINAL_TYPE (ShSectionHeading, sh_section_heading, G_TYPE_OBJECT)

static void
sh_section_heading_class_init (ShSectionHeadingClass *klass)
{
}

static void
sh_section_heading_init (ShSectionHeading *self)
{
}

ShChannelState
sh_section_heading_get_state (ShSectionHeading *self)
{
  g_return_val_if_fail (SH_IS_SECTION_HEADING (self), SH_CHANNEL_STATE_UNKNOWN);
  return self->state;
}

const char *
sh_section_heading_get_title (ShSectionHeading *self)
{
  g_return_val_if_fail (SH_IS_SECTION_HEADING (self), NULL);
  return sh_channel_state_get_label (self->state);
}

const char *
sh_section_heading_get_description (ShSectionHeading *self)
{
  g_return_val_if_fail (SH_IS_SECTION_HEADING (self), NULL);

  switch (self->state)
    {
    case SH_CHANNEL_STATE_DISCONNECTED:
      return _("No token of these channels works. Someone with a role on them needs to add a new access token.");
    case SH_CHANNEL_STATE_DEGRADED:
      return _("Still linked, but some of their tokens stopped working.");
    case SH_CHANNEL_STATE_UNKNOWN:
      return _("SocialHub has no answer from the networks about these channels yet.");
    case SH_CHANNEL_STATE_CONNECTED:
    default:
      return NULL;
    }
}

guint
sh_section_heading_get_n_channels (ShSectionHeading *self)
{
  g_return_val_if_fail (SH_IS_SECTION_HEADING (self), 0);
  return self->n_channels;
}

/* ---- ShChannelSections --------------------------------------------------- */

typedef struct {
  ShChannelSections *owner;
  ShSectionHeading  *heading;
  GtkCustomFilter   *filter;
  GtkSorter         *sorter;
  GListModel        *model;     /* sorted, filtered channels */
  guint              n_items;   /* as last announced: the heading shows when > 0 */
} Section;

struct _ShChannelSections
{
  GObject     parent_instance;

  GListModel *channels;
  Section     sections[N_SECTIONS];
  /* Channels whose "state" and "name" we listen to (a set, keys reffed). */
  GHashTable *watched;
  char       *search;     /* casefolded and normalised, NULL for none */
  guint       refilter_id;
  guint       resort_id;
};

static void sh_channel_sections_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ShChannelSections, sh_channel_sections, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sh_channel_sections_list_model_init))

static guint
section_size (const Section *section)
{
  return section->n_items > 0 ? section->n_items + 1 : 0;
}

static guint
section_offset (ShChannelSections *self,
                const Section     *section)
{
  guint offset = 0;

  for (const Section *s = self->sections; s < section; s++)
    offset += section_size (s);
  return offset;
}

static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return normalized != NULL ? g_utf8_casefold (normalized, -1) : g_strdup ("");
}

static gboolean
match_channel (gpointer item,
               gpointer user_data)
{
  Section *section = user_data;
  ShChannel *channel = item;
  const char *search = section->owner->search;
  g_autofree char *name = NULL;

  if (sh_channel_get_state (channel) != section->heading->state)
    return FALSE;
  if (search == NULL)
    return TRUE;
  name = fold (sh_channel_get_name (channel) ?: "");
  return strstr (name, search) != NULL;
}

static void
on_section_changed (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    Section    *section)
{
  ShChannelSections *self = section->owner;
  guint offset = section_offset (self, section);
  guint old_n = section->n_items;
  guint new_n = g_list_model_get_n_items (model);

  section->n_items = new_n;
  section->heading->n_channels = new_n;
  /* The heading comes and goes with the section's first and last channel. */
  if (old_n == 0 && new_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), offset, 0, new_n + 1);
  else if (old_n > 0 && new_n == 0)
    g_list_model_items_changed (G_LIST_MODEL (self), offset, old_n + 1, 0);
  else if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), offset + 1 + position, removed, added);
}

static gboolean
refilter_now (gpointer user_data)
{
  ShChannelSections *self = user_data;

  self->refilter_id = 0;
  for (guint i = 0; i < N_SECTIONS; i++)
    gtk_filter_changed (GTK_FILTER (self->sections[i].filter), GTK_FILTER_CHANGE_DIFFERENT);
  return G_SOURCE_REMOVE;
}

static gboolean
resort_now (gpointer user_data)
{
  ShChannelSections *self = user_data;

  self->resort_id = 0;
  for (guint i = 0; i < N_SECTIONS; i++)
    gtk_sorter_changed (self->sections[i].sorter, GTK_SORTER_CHANGE_DIFFERENT);
  return G_SOURCE_REMOVE;
}

/* Before the next frame is laid out (GTK's layout runs at a lower
 * priority), so a changed channel never shows in its old section. */
void
sh_channel_sections_queue_refilter (ShChannelSections *self)
{
  g_return_if_fail (SH_IS_CHANNEL_SECTIONS (self));

  if (self->refilter_id == 0)
    self->refilter_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, refilter_now, self, NULL);
}

void
sh_channel_sections_queue_resort (ShChannelSections *self)
{
  g_return_if_fail (SH_IS_CHANNEL_SECTIONS (self));

  if (self->resort_id == 0)
    self->resort_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, resort_now, self, NULL);
}

/* Applies what is queued now (tests, and whoever reads the model at once). */
void
sh_channel_sections_flush (ShChannelSections *self)
{
  g_return_if_fail (SH_IS_CHANNEL_SECTIONS (self));

  if (self->refilter_id != 0)
    {
      g_clear_handle_id (&self->refilter_id, g_source_remove);
      refilter_now (self);
    }
  if (self->resort_id != 0)
    {
      g_clear_handle_id (&self->resort_id, g_source_remove);
      resort_now (self);
    }
}

/* One connection per channel for both (the window opens on thousands). */
static void
on_channel_notify (ShChannel         *channel,
                   GParamSpec        *pspec,
                   ShChannelSections *self)
{
  if (g_str_equal (pspec->name, "state"))
    sh_channel_sections_queue_refilter (self);
  else if (g_str_equal (pspec->name, "name"))
    {
      sh_channel_sections_queue_resort (self);
      if (self->search != NULL)
        sh_channel_sections_queue_refilter (self);
    }
}

static gboolean
unwatch_channel (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  g_signal_handlers_disconnect_by_data (key, user_data);
  return TRUE;
}

static void
on_channels_changed (GListModel        *channels,
                     guint              position,
                     guint              removed,
                     guint              added,
                     ShChannelSections *self)
{
  if (removed > 0)
    {
      /* The removed items are gone from the model already: start the set
       * again from what the list holds now. */
      g_hash_table_foreach_remove (self->watched, unwatch_channel, self);
      position = 0;
      added = g_list_model_get_n_items (channels);
    }

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);

      if (g_hash_table_contains (self->watched, channel))
        continue;
      g_hash_table_add (self->watched, g_object_ref (channel));
      g_signal_connect (channel, "notify", G_CALLBACK (on_channel_notify), self);
    }
}

static GType
sh_channel_sections_get_item_type (GListModel *model)
{
  return G_TYPE_OBJECT;
}

static guint
sh_channel_sections_get_n_items (GListModel *model)
{
  ShChannelSections *self = SH_CHANNEL_SECTIONS (model);

  return section_offset (self, &self->sections[N_SECTIONS]);
}

static gpointer
sh_channel_sections_get_item (GListModel *model,
                              guint       position)
{
  ShChannelSections *self = SH_CHANNEL_SECTIONS (model);

  for (guint i = 0; i < N_SECTIONS; i++)
    {
      Section *section = &self->sections[i];
      guint size = section_size (section);

      if (position < size)
        return position == 0 ? g_object_ref (section->heading)
                             : g_list_model_get_item (section->model, position - 1);
      position -= size;
    }
  return NULL;
}

static void
sh_channel_sections_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sh_channel_sections_get_item_type;
  iface->get_n_items = sh_channel_sections_get_n_items;
  iface->get_item = sh_channel_sections_get_item;
}

static void
sh_channel_sections_dispose (GObject *object)
{
  ShChannelSections *self = SH_CHANNEL_SECTIONS (object);

  g_clear_handle_id (&self->refilter_id, g_source_remove);
  g_clear_handle_id (&self->resort_id, g_source_remove);
  if (self->channels != NULL)
    g_signal_handlers_disconnect_by_data (self->channels, self);
  if (self->watched != NULL)
    g_hash_table_foreach_remove (self->watched, unwatch_channel, self);
  for (guint i = 0; i < N_SECTIONS; i++)
    {
      Section *section = &self->sections[i];

      if (section->model != NULL)
        g_signal_handlers_disconnect_by_data (section->model, section);
      g_clear_object (&section->model);
      g_clear_object (&section->sorter);
      g_clear_object (&section->filter);
      g_clear_object (&section->heading);
    }
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_object (&self->channels);

  G_OBJECT_CLASS (sh_channel_sections_parent_class)->dispose (object);
}

static void
sh_channel_sections_finalize (GObject *object)
{
  g_free (SH_CHANNEL_SECTIONS (object)->search);

  G_OBJECT_CLASS (sh_channel_sections_parent_class)->finalize (object);
}

static void
sh_channel_sections_class_init (ShChannelSectionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_channel_sections_dispose;
  object_class->finalize = sh_channel_sections_finalize;
}

static void
sh_channel_sections_init (ShChannelSections *self)
{
  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

ShChannelSections *
sh_channel_sections_new (GListModel *channels)
{
  ShChannelSections *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (channels), NULL);

  self = g_object_new (SH_TYPE_CHANNEL_SECTIONS, NULL);
  self->channels = g_object_ref (channels);

  for (guint i = 0; i < N_SECTIONS; i++)
    {
      Section *section = &self->sections[i];
      GtkFilterListModel *filtered;

      section->owner = self;
      section->heading = g_object_new (SH_TYPE_SECTION_HEADING, NULL);
      section->heading->state = section_order[i];
      section->filter = gtk_custom_filter_new (match_channel, section, NULL);
      section->sorter = GTK_SORTER (gtk_string_sorter_new (
        gtk_property_expression_new (SH_TYPE_CHANNEL, NULL, "name")));
      /* The models take what they are given: keep our own references to the
       * filter and the sorter, which the queued refilter and resort need. */
      filtered = gtk_filter_list_model_new (g_object_ref (channels),
                                            g_object_ref (GTK_FILTER (section->filter)));
      section->model = G_LIST_MODEL (gtk_sort_list_model_new (G_LIST_MODEL (filtered),
                                                              g_object_ref (section->sorter)));
      section->n_items = g_list_model_get_n_items (section->model);
      section->heading->n_channels = section->n_items;
      g_signal_connect (section->model, "items-changed", G_CALLBACK (on_section_changed), section);
    }

  g_signal_connect (channels, "items-changed", G_CALLBACK (on_channels_changed), self);
  on_channels_changed (channels, 0, 0, g_list_model_get_n_items (channels), self);
  return self;
}

/* Shows only the channels whose name contains SEARCH, whatever its case
 * and accents' encoding; NULL or "" shows all. */
void
sh_channel_sections_set_search (ShChannelSections *self,
                                const char        *search)
{
  g_autofree char *folded = NULL;

  g_return_if_fail (SH_IS_CHANNEL_SECTIONS (self));

  if (search != NULL && *search != '\0')
    folded = fold (search);
  if (g_strcmp0 (folded, self->search) == 0)
    return;
  g_free (self->search);
  self->search = g_steal_pointer (&folded);
  g_clear_handle_id (&self->refilter_id, g_source_remove);
  refilter_now (self);
}

const char *
sh_channel_sections_get_search (ShChannelSections *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_SECTIONS (self), NULL);
  return self->search;
}

/* How many channels are shown (headings not counted). */
guint
sh_channel_sections_get_n_channels (ShChannelSections *self)
{
  guint n = 0;

  g_return_val_if_fail (SH_IS_CHANNEL_SECTIONS (self), 0);

  for (guint i = 0; i < N_SECTIONS; i++)
    n += self->sections[i].n_items;
  return n;
}

/* The channels of one state that are shown, in their order. */
GListModel *
sh_channel_sections_get_section (ShChannelSections *self,
                                 ShChannelState     state)
{
  g_return_val_if_fail (SH_IS_CHANNEL_SECTIONS (self), NULL);

  for (guint i = 0; i < N_SECTIONS; i++)
    if (self->sections[i].heading->state == state)
      return self->sections[i].model;
  return NULL;
}
