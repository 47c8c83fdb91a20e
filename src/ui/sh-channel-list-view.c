/* sh-channel-list-view.c — the channels by health, built lazily.
 *
 * A GtkListView over ShChannelSections: only the rows on screen exist, and
 * scrolling hands them new items. One kind of row serves both item kinds, a
 * section heading or a channel, and shows the part that fits. Enter on a
 * focused channel (the view's "activate") opens its page, like a click.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sh-channel-list-view.h"
#include "sh-channel-row.h"

struct _ShChannelListView
{
  GtkWidget          parent_instance;

  ShChannelSections *sections;
  GtkWidget         *scrolled;
  GtkListView       *list_view;
};

G_DEFINE_FINAL_TYPE (ShChannelListView, sh_channel_list_view, GTK_TYPE_WIDGET)

/* The parts of one recycled row, kept on its outer box. */
typedef struct {
  GtkWidget *heading;
  GtkLabel  *title;
  GtkLabel  *description;
  GtkWidget *row;
} ItemParts;

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  ItemParts *parts = g_new0 (ItemParts, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  parts->heading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (parts->heading, "sh-section-heading");
  parts->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (parts->title, 0);
  gtk_widget_add_css_class (GTK_WIDGET (parts->title), "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (parts->title),
                                  GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  parts->description = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (parts->description, 0);
  gtk_label_set_wrap (parts->description, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (parts->description), "dim-label");
  gtk_box_append (GTK_BOX (parts->heading), GTK_WIDGET (parts->title));
  gtk_box_append (GTK_BOX (parts->heading), GTK_WIDGET (parts->description));
  parts->row = sh_channel_row_new ();
  sh_channel_row_set_picture_cache (SH_CHANNEL_ROW (parts->row), user_data);

  gtk_box_append (GTK_BOX (box), parts->heading);
  gtk_box_append (GTK_BOX (box), parts->row);
  g_object_set_data_full (G_OBJECT (box), "sh-parts", parts, g_free);
  gtk_list_item_set_child (item, box);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GObject *object = gtk_list_item_get_item (item);
  ItemParts *parts = g_object_get_data (G_OBJECT (gtk_list_item_get_child (item)), "sh-parts");

  if (SH_IS_SECTION_HEADING (object))
    {
      ShSectionHeading *heading = SH_SECTION_HEADING (object);
      const char *description = sh_section_heading_get_description (heading);

      gtk_label_set_text (parts->title, sh_section_heading_get_title (heading));
      gtk_label_set_text (parts->description, description);
      gtk_widget_set_visible (GTK_WIDGET (parts->description), description != NULL);
      gtk_widget_set_visible (parts->heading, TRUE);
      gtk_widget_set_visible (parts->row, FALSE);
      /* A heading is not something to press or to stop at with the keys. */
      gtk_list_item_set_activatable (item, FALSE);
      gtk_list_item_set_selectable (item, FALSE);
      sh_channel_row_set_channel (SH_CHANNEL_ROW (parts->row), NULL);
    }
  else
    {
      gtk_widget_set_visible (parts->heading, FALSE);
      gtk_widget_set_visible (parts->row, TRUE);
      gtk_list_item_set_activatable (item, TRUE);
      sh_channel_row_set_channel (SH_CHANNEL_ROW (parts->row), SH_CHANNEL (object));
    }
}

static void
unbind_item (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  ItemParts *parts = g_object_get_data (G_OBJECT (gtk_list_item_get_child (item)), "sh-parts");

  /* Let go of the channel: a row in the recycling pool holds nothing. */
  sh_channel_row_set_channel (SH_CHANNEL_ROW (parts->row), NULL);
}

static void
on_activate (GtkListView       *list_view,
             guint              position,
             ShChannelListView *self)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->sections), position);

  if (SH_IS_CHANNEL (item))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-channel", "s",
                                sh_channel_get_id (SH_CHANNEL (item)));
}

static void
sh_channel_list_view_dispose (GObject *object)
{
  ShChannelListView *self = SH_CHANNEL_LIST_VIEW (object);

  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  g_clear_object (&self->sections);

  G_OBJECT_CLASS (sh_channel_list_view_parent_class)->dispose (object);
}

static void
sh_channel_list_view_class_init (ShChannelListViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_channel_list_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sh_channel_list_view_init (ShChannelListView *self)
{
}

GtkWidget *
sh_channel_list_view_new (ShChannelSections *sections,
                          ShPictureCache    *pictures)
{
  ShChannelListView *self;
  GtkListItemFactory *factory;
  GtkNoSelection *selection;
  GtkWidget *clamp;

  g_return_val_if_fail (SH_IS_CHANNEL_SECTIONS (sections), NULL);
  g_return_val_if_fail (SH_IS_PICTURE_CACHE (pictures), NULL);

  self = g_object_new (SH_TYPE_CHANNEL_LIST_VIEW, NULL);
  self->sections = g_object_ref (sections);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_item),
                         g_object_ref (pictures),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_item), NULL);

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (sections)));
  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory));
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "sh-channel-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Channels"),
                                  -1);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (on_activate), self);

  /* AdwClampScrollable, not AdwClamp: the list view must stay the
   * scrolled window's direct scrollable to build only the visible rows. */
  clamp = adw_clamp_scrollable_new ();
  adw_clamp_scrollable_set_maximum_size (ADW_CLAMP_SCROLLABLE (clamp), 720);
  adw_clamp_scrollable_set_tightening_threshold (ADW_CLAMP_SCROLLABLE (clamp), 560);
  adw_clamp_scrollable_set_child (ADW_CLAMP_SCROLLABLE (clamp), GTK_WIDGET (self->list_view));

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), clamp);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
  return GTK_WIDGET (self);
}
