/* sh-window-private.h — what the files of ShWindow share: sh-window.c (the
 * type, its template and views) and sh-window-actions.c (the actions, the
 * remove dialog, the toasts). */
#pragma once

#include "sh-channel-page.h"
#include "sh-people-page.h"
#include "sh-picture-cache.h"
#include "sh-window.h"

G_BEGIN_DECLS

struct _ShWindow
{
  AdwApplicationWindow  parent_instance;

  ShManager            *manager;
  ShMonitor            *monitor;    /* Check Now goes through it */
  ShChannelSections    *sections;
  ShPictureCache       *pictures;
  /* Fires when the window closes: nothing started here calls back into it. */
  GCancellable         *cancellable;
  gboolean              checking;

  AdwWindowTitle       *window_title;
  GtkWidget            *sandbox_badge;
  /* Under the header bar in the sandbox: says so, and holds its menu. */
  GtkWidget            *sandbox_bar;
  GtkWidget            *samples_button;   /* the empty state's, sandbox only */
  GtkRevealer          *notice_revealer;
  GtkLabel             *notice_label;
  GtkStack             *stack;
  GtkSpinner           *loading_spinner;  /* spins while "loading" shows */
  AdwStatusPage        *empty_page;
  GtkStack             *list_stack;
  AdwBin               *list_bin;
  GtkSearchBar         *search_bar;
  GtkEditable          *search_entry;
  GtkWidget            *search_button;
  GtkWidget            *back_button;
  ShChannelPage        *channel_page;
  /* The People page (sh-window-people.c); on it while on_people. */
  ShPeoplePage         *people_page;
  gboolean              on_people;
  AdwToastOverlay      *toast_overlay;
  AdwToast             *restore_toast;   /* the offer while it shows */
  GtkWidget            *check_button;
  GtkStack             *check_stack;
  GtkSpinner           *check_spinner;
};

/* sh-window.c */
void _sh_window_show_channel         (ShWindow       *self,
                                      ShChannel      *channel);
void _sh_window_show_people          (ShWindow       *self);

/* sh-window-people.c: win.show-people("NETWORK:USER_ID"), "" for the page. */
void _sh_window_class_people_init    (GtkWidgetClass *widget_class);

/* sh-window-actions.c */
void _sh_window_class_actions_init   (GtkWidgetClass *widget_class);
/* Offers back the secrets in the keyring that no channel lists. */
void _sh_window_update_restore_offer (ShWindow       *self);

G_END_DECLS
