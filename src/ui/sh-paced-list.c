/* sh-paced-list.c — the first screenful of a long list before the rest.
 *
 * GTK 4.8's GtkListView makes a row for up to about a hundred items around
 * its anchor, on screen or not (GTK_LIST_VIEW_MAX_LIST_ITEMS), before the
 * frame that shows them: with a thousand channels that was most of the
 * time to the first frame of the list (issue 18). This model passes on
 * the first FIRST items of its source only; after each frame the widget
 * paints, it shows STEP more, so the other rows are made over the next
 * frames instead of before the first one. Once it has shown ALL_AFTER
 * items (past the rows GTK makes anyway) it shows everything and from then
 * on passes every change through as it is.
 *
 * Positions are the source's: item i here is item i there; this shows a
 * prefix of the source, of at most about the limit's length.
 */
#include "config.h"

#include "sh-paced-list.h"

struct _ShPacedList
{
  GObject     parent_instance;

  GListModel *source;
  guint       limit;       /* G_MAXUINT once done */
  guint       shown;       /* MIN (source's count, limit), as last announced */
  guint       step;
  guint       all_after;
  GtkWidget  *widget;      /* weak */
  GdkFrameClock *clock;    /* weak, while connected */
  guint       top_up_id;
};

static void sh_paced_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ShPacedList, sh_paced_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sh_paced_list_model_init))

static GType
sh_paced_list_get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (SH_PACED_LIST (model)->source);
}

static guint
sh_paced_list_get_n_items (GListModel *model)
{
  return SH_PACED_LIST (model)->shown;
}

static gpointer
sh_paced_list_get_item (GListModel *model,
                        guint       position)
{
  ShPacedList *self = SH_PACED_LIST (model);

  if (position >= self->shown)
    return NULL;
  return g_list_model_get_item (self->source, position);
}

static void
sh_paced_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sh_paced_list_get_item_type;
  iface->get_n_items = sh_paced_list_get_n_items;
  iface->get_item = sh_paced_list_get_item;
}

/* Shows what the limit allows, once the change that made room is over. */
static void
top_up (ShPacedList *self)
{
  guint old_shown = self->shown;
  guint target = MIN (g_list_model_get_n_items (self->source), self->limit);

  if (target <= old_shown)
    return;
  self->shown = target;
  g_list_model_items_changed (G_LIST_MODEL (self), old_shown, 0, target - old_shown);
}

static gboolean
top_up_now (gpointer user_data)
{
  ShPacedList *self = user_data;

  self->top_up_id = 0;
  top_up (self);
  return G_SOURCE_REMOVE;
}

/* Within what shows, the change as it is; items it moves past the end or
 * brings in from beyond wait for an idle of high priority, still before the
 * next frame. Not at once: the source may be a chain of models of which
 * only some have seen the change yet (ShChannelSections' sections each
 * filter the same channel list), and items asked for now could be ones
 * another model is about to drop. */
static void
on_source_changed (GListModel  *source,
                   guint        position,
                   guint        removed,
                   guint        added,
                   ShPacedList *self)
{
  guint old_shown = self->shown;

  if (self->limit == G_MAXUINT)
    {
      self->shown = g_list_model_get_n_items (source);
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }
  if (position < old_shown)
    {
      removed = MIN (removed, old_shown - position);
      self->shown = old_shown - removed + added;
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
    }
  if (self->shown < MIN (g_list_model_get_n_items (source), self->limit) && self->top_up_id == 0)
    self->top_up_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, top_up_now, self, NULL);
}

static void
disconnect_clock (ShPacedList *self)
{
  if (self->clock == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->clock, self);
  g_object_remove_weak_pointer (G_OBJECT (self->clock), (gpointer *) &self->clock);
  self->clock = NULL;
}

/* Raises the limit to @limit: once past ALL_AFTER, everything and done. */
static void
show_up_to (ShPacedList *self,
            guint        limit)
{
  guint old_shown, n = g_list_model_get_n_items (self->source);

  self->limit = MAX (self->limit, limit);
  if (self->limit >= self->all_after)
    {
      self->limit = G_MAXUINT;
      disconnect_clock (self);
      g_clear_handle_id (&self->top_up_id, g_source_remove);
      old_shown = self->shown;
      self->shown = n;
      g_list_model_items_changed (G_LIST_MODEL (self), old_shown, 0, n - old_shown);
      return;
    }
  top_up (self);
}

/* Shows STEP more items, or all of them once ALL_AFTER are shown. Nothing
 * while nothing is held back: a list still loading stays at FIRST, for the
 * frame that will show its first screenful. */
void
sh_paced_list_grow (ShPacedList *self)
{
  g_return_if_fail (SH_IS_PACED_LIST (self));

  if (self->limit == G_MAXUINT || self->shown >= g_list_model_get_n_items (self->source))
    return;
  show_up_to (self, MAX (self->limit, self->shown) + self->step);
}

/* Shows at least the source's items up to @position, now: a person asked
 * for that one (a channel opened from a notification, then Back). The pace
 * goes on from there. */
void
sh_paced_list_show_through (ShPacedList *self,
                            guint        position)
{
  g_return_if_fail (SH_IS_PACED_LIST (self));

  if (self->limit == G_MAXUINT || position < self->shown ||
      position >= g_list_model_get_n_items (self->source))
    return;
  show_up_to (self, position + 1);
}

gboolean
sh_paced_list_get_done (ShPacedList *self)
{
  g_return_val_if_fail (SH_IS_PACED_LIST (self), TRUE);
  return self->limit == G_MAXUINT;
}

static void
on_after_paint (GdkFrameClock *clock,
                ShPacedList   *self)
{
  sh_paced_list_grow (self);
}

static void
on_realize (GtkWidget   *widget,
            ShPacedList *self)
{
  disconnect_clock (self);
  if (self->limit == G_MAXUINT)
    return;
  self->clock = gtk_widget_get_frame_clock (widget);
  g_object_add_weak_pointer (G_OBJECT (self->clock), (gpointer *) &self->clock);
  g_signal_connect (self->clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

static void
on_unrealize (GtkWidget   *widget,
              ShPacedList *self)
{
  disconnect_clock (self);
}

/* Grows after each frame @widget's window paints (a weak link: the widget
 * usually holds this model). */
void
sh_paced_list_pace_by (ShPacedList *self,
                       GtkWidget   *widget)
{
  g_return_if_fail (SH_IS_PACED_LIST (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (self->widget == NULL);

  self->widget = widget;
  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &self->widget);
  g_signal_connect_object (widget, "realize", G_CALLBACK (on_realize), self, 0);
  g_signal_connect_object (widget, "unrealize", G_CALLBACK (on_unrealize), self, 0);
  if (gtk_widget_get_realized (widget))
    on_realize (widget, self);
}

static void
sh_paced_list_dispose (GObject *object)
{
  ShPacedList *self = SH_PACED_LIST (object);

  disconnect_clock (self);
  g_clear_handle_id (&self->top_up_id, g_source_remove);
  if (self->widget != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->widget, self);
      g_object_remove_weak_pointer (G_OBJECT (self->widget), (gpointer *) &self->widget);
      self->widget = NULL;
    }
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (sh_paced_list_parent_class)->dispose (object);
}

static void
sh_paced_list_class_init (ShPacedListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_paced_list_dispose;
}

static void
sh_paced_list_init (ShPacedList *self)
{
}

ShPacedList *
sh_paced_list_new (GListModel *source,
                   guint       first,
                   guint       step,
                   guint       all_after)
{
  ShPacedList *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);
  g_return_val_if_fail (first > 0 && step > 0, NULL);

  self = g_object_new (SH_TYPE_PACED_LIST, NULL);
  self->source = g_object_ref (source);
  self->limit = first;
  self->step = step;
  self->all_after = all_after;
  self->shown = MIN (g_list_model_get_n_items (source), self->limit);
  g_signal_connect (source, "items-changed", G_CALLBACK (on_source_changed), self);
  return self;
}
