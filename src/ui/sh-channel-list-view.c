/* sh-channel-list-view.c — the channels by health, built lazily.
 *
 * A GtkListView over ShChannelSections: only the rows on screen exist, and
 * scrolling hands them new items. One kind of row serves both item kinds, a
 * section heading or a channel, and shows the part that fits. Enter on a
 * focused channel (the view's "activate") opens its page, like a click.
 *
 * The keyboard goes from channel to channel, never onto a heading: the list
 * is one Tab stop that lands on a channel's button (which shows the focus
 * ring), Tab moves on to that row's "Reconnect" when it has one, and Up and
 * Down go to the previous or next channel. GtkListView alone would stop on
 * every item, headings included, and focus the item itself, which shows
 * nothing and has no name.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sh-channel-list-view.h"
#include "sh-channel-row.h"
#include "sh-paced-list.h"

/* A screenful of rows and the headings between them before the window's
 * first frame of the list, a screenful more at each frame after it, and
 * all once GTK's own limit of rows is passed (sh-paced-list.c). */
#define FIRST_ITEMS     24
#define MORE_PER_FRAME  24
#define ALL_AFTER_ITEMS 240

struct _ShChannelListView
{
  GtkWidget          parent_instance;

  ShChannelSections *sections;
  /* What the list view shows: the sections, paced while the window opens. */
  ShPacedList       *shown;
  GtkWidget         *scrolled;
  GtkListView       *list_view;
  /* The channel the keyboard was last on: where Tab comes back to. */
  guint              focus_position;
  /* Focusing a row the list view has not laid out yet: tried again at
   * the next frames. */
  guint              focus_tick;
  guint              focus_tries;
};

G_DEFINE_FINAL_TYPE (ShChannelListView, sh_channel_list_view, GTK_TYPE_WIDGET)

/* The parts of one recycled row, kept on its outer box. */
typedef struct {
  GtkListItem *item;
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

  /* The list item owns the box, which holds these parts: it outlives them. */
  parts->item = item;

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
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->shown), position);

  if (SH_IS_CHANNEL (item))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-channel", "s",
                                sh_channel_get_id (SH_CHANNEL (item)));
}

/* The parts of the item at @position, if the list view has made its
 * widgets (it makes those on screen and a few around them). */
static ItemParts *
parts_at (ShChannelListView *self,
          guint              position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *box = gtk_widget_get_first_child (child);
      ItemParts *parts = box ? g_object_get_data (G_OBJECT (box), "sh-parts") : NULL;

      if (parts != NULL && gtk_list_item_get_position (parts->item) == position)
        return parts;
    }
  return NULL;
}

/* The parts of the item that has the keyboard focus, or NULL when the focus
 * is not in the list. */
static ItemParts *
focused_parts (ShChannelListView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    return NULL;
  for (GtkWidget *widget = focus; widget != GTK_WIDGET (self); widget = gtk_widget_get_parent (widget))
    {
      ItemParts *parts = g_object_get_data (G_OBJECT (widget), "sh-parts");

      /* The item itself (GtkListView's own keys, a click) sits above its box. */
      if (parts == NULL && gtk_widget_get_first_child (widget) != NULL)
        parts = g_object_get_data (G_OBJECT (gtk_widget_get_first_child (widget)), "sh-parts");
      if (parts != NULL)
        return parts;
    }
  return NULL;
}

static gboolean
is_channel_at (ShChannelListView *self,
               guint              position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->shown), position);

  return SH_IS_CHANNEL (item);
}

/* Scrolls to the channel at @position and moves the focus into its row:
 * onto its button, or with GTK_DIR_TAB_BACKWARD onto the row's last control. */
static gboolean
focus_channel_at (ShChannelListView *self,
                  guint              position,
                  GtkDirectionType   direction)
{
  ItemParts *parts;

  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  parts = parts_at (self, position);
  if (parts == NULL)
    return FALSE;
  self->focus_position = position;
  return sh_channel_row_grab_focus (SH_CHANNEL_ROW (parts->row), direction == GTK_DIR_TAB_BACKWARD);
}

/* The first channel from @position on, @step at a time (+1 or -1);
 * GTK_INVALID_LIST_POSITION when there is none. */
static guint
find_channel (ShChannelListView *self,
              gint64             position,
              int                step)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->shown));

  for (; position >= 0 && position < n; position += step)
    if (is_channel_at (self, position))
      return position;
  return GTK_INVALID_LIST_POSITION;
}

/* Up and Down: to the previous or next channel, over headings; at either
 * end the focus stays where it is. */
static gboolean
move_focus (ShChannelListView *self,
            int                step)
{
  ItemParts *parts = focused_parts (self);
  guint from = parts ? gtk_list_item_get_position (parts->item) : self->focus_position;
  guint to;

  if (from == GTK_INVALID_LIST_POSITION)
    return FALSE;
  to = find_channel (self, (gint64) from + step, step);
  if (to != GTK_INVALID_LIST_POSITION)
    focus_channel_at (self, to, GTK_DIR_TAB_FORWARD);
  return TRUE;
}

static gboolean
sh_channel_list_view_focus (GtkWidget        *widget,
                            GtkDirectionType  direction)
{
  ShChannelListView *self = SH_CHANNEL_LIST_VIEW (widget);
  ItemParts *parts = focused_parts (self);
  guint position;

  if (parts == NULL)
    {
      /* Coming in: back onto the channel the keyboard was last on. */
      position = find_channel (self, self->focus_position, 1);
      if (position == GTK_INVALID_LIST_POSITION)
        position = find_channel (self, 0, 1);
      return position != GTK_INVALID_LIST_POSITION && focus_channel_at (self, position, direction);
    }
  switch (direction)
    {
    case GTK_DIR_UP:
      return move_focus (self, -1);
    case GTK_DIR_DOWN:
      return move_focus (self, 1);
    default:
      /* Tab within the row (its button, then "Reconnect"), then out of the
       * list; Left and Right within the row too. */
      return gtk_widget_get_visible (parts->row) && gtk_widget_child_focus (parts->row, direction);
    }
}

/* Before GtkListView's own Up and Down, which would stop on headings and
 * focus a whole item. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ShChannelListView     *self)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      return move_focus (self, -1);
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      return move_focus (self, 1);
    default:
      return FALSE;
    }
}

/* Whether the keyboard is in the row at @position. */
static gboolean
row_has_focus (ShChannelListView *self,
               guint              position)
{
  ItemParts *parts = focused_parts (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  return parts != NULL && gtk_list_item_get_position (parts->item) == position &&
         focus != NULL && (focus == parts->row || gtk_widget_is_ancestor (focus, parts->row));
}

static gboolean
laid_out (ShChannelListView *self)
{
  return gtk_widget_get_width (GTK_WIDGET (self->list_view)) > 0;
}

/* A list view never on screen yet (the window opened on a channel's page)
 * lays its rows out at its first frame, and takes the focus onto an item
 * of its own then: the row is focused again once the list is laid out. */
static gboolean
focus_later (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  ShChannelListView *self = SH_CHANNEL_LIST_VIEW (widget);

  if (laid_out (self) && row_has_focus (self, self->focus_position))
    {
      self->focus_tick = 0;
      return G_SOURCE_REMOVE;
    }
  if (laid_out (self))
    focus_channel_at (self, self->focus_position, GTK_DIR_TAB_FORWARD);
  if (++self->focus_tries >= 20)
    {
      self->focus_tick = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Back from a channel's page: the keyboard is on its row again. */
void
sh_channel_list_view_focus_channel (ShChannelListView *self,
                                    ShChannel         *channel)
{
  guint n;

  g_return_if_fail (SH_IS_CHANNEL_LIST_VIEW (self));
  g_return_if_fail (SH_IS_CHANNEL (channel));

  /* All the channels, not only the rows shown so far: one opened from a
   * notification may lie beyond them (the same positions). */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->sections), i);

      if (item == (GObject *) channel)
        {
          sh_paced_list_show_through (self->shown, i);
          if (self->focus_tick != 0)
            gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->focus_tick);
          self->focus_tick = 0;
          if (focus_channel_at (self, i, GTK_DIR_TAB_FORWARD) && laid_out (self))
            return;
          self->focus_position = i;
          self->focus_tries = 0;
          self->focus_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), focus_later,
                                                           NULL, NULL);
          return;
        }
    }
}

static void
sh_channel_list_view_dispose (GObject *object)
{
  ShChannelListView *self = SH_CHANNEL_LIST_VIEW (object);

  if (self->focus_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->focus_tick);
  self->focus_tick = 0;
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  g_clear_object (&self->shown);
  g_clear_object (&self->sections);

  G_OBJECT_CLASS (sh_channel_list_view_parent_class)->dispose (object);
}

static void
sh_channel_list_view_class_init (ShChannelListViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_channel_list_view_dispose;
  widget_class->focus = sh_channel_list_view_focus;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sh_channel_list_view_init (ShChannelListView *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
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

  self->shown = sh_paced_list_new (G_LIST_MODEL (sections), FIRST_ITEMS, MORE_PER_FRAME,
                                   ALL_AFTER_ITEMS);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory));
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "sh-channel-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Channels"),
                                  -1);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (on_activate), self);
  sh_paced_list_pace_by (self->shown, GTK_WIDGET (self));

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
