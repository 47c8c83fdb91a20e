/* test-window.c — the main window, in process, on a real display.
 *
 * Drives the model (ShManager on a temporary folder, channels and tokens
 * added to its list, verdicts applied) and checks what the window shows and
 * what it tells assistive technologies. Saves screenshots of the window to
 * $SH_TEST_ARTIFACT_DIR (or the temporary folder) for a person to look at.
 *
 * Needs a display (xvfb-run). Loading the data file does not touch the
 * keyring; nothing here does.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sh-channel-group.h"
#include "sh-channel-row.h"
#include "sh-manager.h"
#include "sh-token-row.h"
#include "sh-window.h"

#define WAIT_TIMEOUT_S 10

static GtkApplication *app;

/* Spins the main loop until @cond holds or the time is up, then asserts it:
 * no fixed sleeps, and a hang becomes a failure. The timeout source only
 * wakes the loop up so that the condition is looked at again. */
static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

#define WAIT_UNTIL(cond) G_STMT_START {                                       \
    gint64 deadline_ = g_get_monotonic_time () + WAIT_TIMEOUT_S * G_USEC_PER_SEC; \
    guint tick_id_ = g_timeout_add (10, tick, NULL);                            \
    while (!(cond) && g_get_monotonic_time () < deadline_)                      \
      g_main_context_iteration (NULL, TRUE);                                    \
    g_source_remove (tick_id_);                                                 \
    if (!(cond))                                                                \
      g_error ("Timed out waiting for: %s", #cond);                             \
  } G_STMT_END

typedef struct {
  char      *dir;
  ShManager *manager;
  ShWindow  *window;
} Fixture;

/* ---- helpers ------------------------------------------------------------ */

typedef gboolean (*WidgetMatch) (GtkWidget *widget, gpointer data);

static GtkWidget *
find_widget (GtkWidget   *root,
             GType        type,
             WidgetMatch  match,
             gpointer     data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (match == NULL || match (root, data)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
row_has_channel (GtkWidget *widget,
                 gpointer   channel)
{
  return sh_channel_row_get_channel (SH_CHANNEL_ROW (widget)) == channel;
}

static gboolean
row_has_token (GtkWidget *widget,
               gpointer   token)
{
  return sh_token_row_get_token (SH_TOKEN_ROW (widget)) == token;
}

static gboolean
group_has_state (GtkWidget *widget,
                 gpointer   state)
{
  return sh_channel_group_get_state (SH_CHANNEL_GROUP (widget)) == (ShChannelState) GPOINTER_TO_INT (state);
}

static GtkWidget *
find_group (Fixture        *fixture,
            ShChannelState  state)
{
  GtkWidget *group = find_widget (GTK_WIDGET (fixture->window), SH_TYPE_CHANNEL_GROUP,
                                  group_has_state, GINT_TO_POINTER (state));

  g_assert_nonnull (group);
  return group;
}

static ShChannelRow *
find_channel_row (Fixture   *fixture,
                  ShChannel *channel)
{
  return (ShChannelRow *) find_widget (GTK_WIDGET (fixture->window), SH_TYPE_CHANNEL_ROW,
                                       row_has_channel, channel);
}

static ShTokenRow *
find_token_row (Fixture *fixture,
                ShToken *token)
{
  return (ShTokenRow *) find_widget (GTK_WIDGET (fixture->window), SH_TYPE_TOKEN_ROW,
                                     row_has_token, token);
}

static gboolean
stack_has_list_page (GtkWidget *widget,
                     gpointer   data)
{
  return gtk_stack_get_child_by_name (GTK_STACK (widget), "list") != NULL;
}

/* Which of the window's pages is shown: "loading", "empty" or "list". */
static const char *
visible_page (Fixture *fixture)
{
  GtkWidget *stack = find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_STACK,
                                  stack_has_list_page, NULL);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* The state of the group a channel's row is shown in, -1 if it is not shown. */
static int
shown_state (Fixture   *fixture,
             ShChannel *channel)
{
  ShChannelRow *row = find_channel_row (fixture, channel);
  GtkWidget *group;

  if (row == NULL || !gtk_widget_is_visible (GTK_WIDGET (row)))
    return -1;
  group = gtk_widget_get_ancestor (GTK_WIDGET (row), SH_TYPE_CHANNEL_GROUP);
  g_assert_nonnull (group);
  g_assert_true (gtk_widget_get_visible (group));
  return sh_channel_group_get_state (SH_CHANNEL_GROUP (group));
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (sh_manager_load_finish (SH_MANAGER (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
load_manager (Fixture *fixture)
{
  gboolean done = FALSE;

  sh_manager_load_async (fixture->manager, NULL, on_loaded, &done);
  WAIT_UNTIL (done);
}

static ShChannel *
add_channel (Fixture    *fixture,
             ShNetwork   network,
             const char *name)
{
  g_autofree char *id = sh_channel_generate_id ();
  g_autoptr(ShChannel) channel = sh_channel_new (id, network, id);

  sh_channel_set_name (channel, name);
  sh_channel_list_add (sh_manager_get_channels (fixture->manager), channel);
  return channel;  /* owned by the list */
}

static ShToken *
add_token (ShChannel    *channel,
           const char   *owner,
           ShTokenState  state,
           ShTokenReason reason)
{
  g_autofree char *id = sh_token_generate_id ();
  g_autoptr(ShToken) token = sh_token_new (id, sh_channel_get_network (channel),
                                           sh_channel_get_id (channel));

  sh_token_set_owner_name (token, owner);
  if (state != SH_TOKEN_STATE_UNKNOWN)
    sh_token_apply_verdict (token, state, reason, g_get_real_time () / G_USEC_PER_SEC,
                            SH_TOKEN_DEFAULT_WARNING_WINDOW);
  sh_channel_add_token (channel, token);
  return token;  /* owned by the channel */
}

/* Renders @window as it is on screen into a PNG. A GtkWidgetPaintable would
 * not do: it copies the widget's cached render node, which a toplevel does
 * not keep. So do what GTK does for a frame: the window's background
 * colour (its CSS box is inset by the resize borders, hence not
 * gtk_snapshot_render_background), then its snapshot vfunc, which asks each
 * child for its node. */
static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  const char *dir = g_getenv ("SH_TEST_ARTIFACT_DIR");
  GtkSnapshot *snapshot;
  GtkStyleContext *context;
  GdkRGBA background;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;
  GStatBuf st;

  gtk_test_widget_wait_for_draw (window);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);

  snapshot = gtk_snapshot_new ();
  context = gtk_widget_get_style_context (window);
  if (!gtk_style_context_lookup_color (context, "window_bg_color", &background))
    gdk_rgba_parse (&background, "white");
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  GTK_WIDGET_GET_CLASS (window)->snapshot (window, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (dir == NULL || *dir == '\0')
    dir = g_get_tmp_dir ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  /* A blank or broken render of a whole window compresses to almost nothing. */
  g_assert_cmpint (st.st_size, >, 8 * 1024);
  g_test_message ("Screenshot: %s", path);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* ---- fixture -------------------------------------------------------------- */

static void
fixture_set_up_full (Fixture    *fixture,
                     gboolean    sandbox,
                     const char *file_contents)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-window-XXXXXX", &error);
  g_assert_no_error (error);
  if (file_contents != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, SH_STORE_FILE_NAME, NULL);

      g_file_set_contents (path, file_contents, -1, &error);
      g_assert_no_error (error);
    }
  fixture->manager = sh_manager_new (fixture->dir, sandbox);
  fixture->window = sh_window_new (app, fixture->manager);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (fixture->window));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture_set_up_full (fixture, FALSE, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ShWindow *window = fixture->window;
  ShManager *manager = fixture->manager;

  /* Both must really go away: a leaked signal handler or reference from the
   * window to the manager would keep one of them alive. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_object_add_weak_pointer (G_OBJECT (manager), (gpointer *) &manager);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  WAIT_UNTIL (window == NULL);
  g_object_unref (fixture->manager);
  WAIT_UNTIL (manager == NULL);

  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  GtkWidget *status;
  GtkWidget *dialog = NULL;
  GListModel *toplevels;

  /* Before the data file is read the window must not claim there is nothing. */
  g_assert_cmpstr (visible_page (fixture), ==, "loading");

  load_manager (fixture);
  WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "empty") == 0);

  status = find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
  g_assert_nonnull (status);
  WAIT_UNTIL (gtk_widget_get_mapped (status));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No Channels Yet");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)),
                            "Facebook Page or an X account"));
  save_screenshot (GTK_WIDGET (fixture->window), "window-empty.png");

  /* "Add Channel" says honestly what is not there yet. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.add-channel", NULL));
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; dialog == NULL && i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        dialog = toplevel;
    }
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Add Channel");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "--add-token"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_groups (Fixture       *fixture,
             gconstpointer  data)
{
  ShChannel *acme, *bakery, *fresh;
  ShToken *alice, *bob, *carol;
  ShChannelRow *row;
  ShTokenRow *token_row;
  g_autofree char *bob_label = NULL;

  load_manager (fixture);
  WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "empty") == 0);

  acme = add_channel (fixture, SH_NETWORK_FACEBOOK, "Acme Coffee");
  alice = add_token (acme, "Alice Example", SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  bob = add_token (acme, "Bob Example", SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED);
  bakery = add_channel (fixture, SH_NETWORK_X, "Bakery & Sons");
  carol = add_token (bakery, "Carol Example", SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  /* 40 days and a bit: rounding must not make it 39 or 41. */
  sh_token_set_expires_at (carol, g_get_real_time () / G_USEC_PER_SEC + 40 * 86400 + 3600);
  fresh = add_channel (fixture, SH_NETWORK_FACEBOOK, "Fresh Page");
  add_token (fresh, "Dan Example", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NONE);

  WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "list") == 0);
  g_assert_cmpint (shown_state (fixture, acme), ==, SH_CHANNEL_STATE_DEGRADED);
  g_assert_cmpint (shown_state (fixture, bakery), ==, SH_CHANNEL_STATE_CONNECTED);
  g_assert_cmpint (shown_state (fixture, fresh), ==, SH_CHANNEL_STATE_UNKNOWN);

  row = find_channel_row (fixture, acme);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Acme Coffee");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ==, "1 of 2 tokens valid");
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Acme Coffee, Facebook Page, Degraded, 1 of 2 tokens valid");
  /* A markup character in a name is escaped, not parsed. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (find_channel_row (fixture, bakery))),
                   ==, "Bakery &amp; Sons");

  token_row = find_token_row (fixture, bob);
  g_assert_nonnull (token_row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (token_row)), ==, "Bob Example");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (token_row)),
                                   "Invalid — Its owner changed their password"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (token_row)), "Never expires"));
  bob_label = g_strdup_printf ("Token of Bob Example: Invalid — %s",
                               sh_token_reason_get_explanation (SH_TOKEN_REASON_PASSWORD_CHANGED));
  gtk_test_accessible_assert_property (token_row, GTK_ACCESSIBLE_PROPERTY_LABEL, bob_label);

  /* A check that could not reach the network keeps the last verdict and
   * says why there is no newer one. */
  sh_token_mark_unknown (carol, SH_TOKEN_REASON_OFFLINE);
  g_assert_cmpint (shown_state (fixture, bakery), ==, SH_CHANNEL_STATE_CONNECTED);
  token_row = find_token_row (fixture, carol);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (token_row)), ==,
                   "Valid\nNot checked: this computer is offline.\nExpires in 40 days");

  save_screenshot (GTK_WIDGET (fixture->window), "window-list.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  save_screenshot (GTK_WIDGET (fixture->window), "window-list-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Bob adds a new token: the channel moves to Connected, and what the row
   * says, to eyes and to a screen reader, follows. */
  sh_token_apply_verdict (bob, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE,
                          g_get_real_time () / G_USEC_PER_SEC, SH_TOKEN_DEFAULT_WARNING_WINDOW);
  WAIT_UNTIL (shown_state (fixture, acme) == SH_CHANNEL_STATE_CONNECTED);
  row = find_channel_row (fixture, acme);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ==, "2 of 2 tokens valid");
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Acme Coffee, Facebook Page, Connected, 2 of 2 tokens valid");
  gtk_test_accessible_assert_property (find_token_row (fixture, bob), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Token of Bob Example: Valid");
  /* Nothing is degraded any more: that group hides. */
  g_assert_false (gtk_widget_get_visible (find_group (fixture, SH_CHANNEL_STATE_DEGRADED)));

  /* Both tokens die: disconnected, first group, and the row's text says so. */
  sh_token_apply_verdict (alice, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED,
                          g_get_real_time () / G_USEC_PER_SEC, SH_TOKEN_DEFAULT_WARNING_WINDOW);
  WAIT_UNTIL (shown_state (fixture, acme) == SH_CHANNEL_STATE_DEGRADED);
  sh_token_apply_verdict (bob, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_CHECKPOINT,
                          g_get_real_time () / G_USEC_PER_SEC, SH_TOKEN_DEFAULT_WARNING_WINDOW);
  WAIT_UNTIL (shown_state (fixture, acme) == SH_CHANNEL_STATE_DISCONNECTED);
  token_row = find_token_row (fixture, bob);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (token_row)),
                                   "Invalid — Facebook locked"));

  /* Renaming re-sorts within the group; removing every channel shows the
   * empty state again. */
  sh_channel_set_name (acme, "Acme Roasters");
  WAIT_UNTIL (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (find_channel_row (fixture, acme))),
                         "Acme Roasters") == 0);
  sh_channel_list_remove (sh_manager_get_channels (fixture->manager), acme);
  sh_channel_list_remove (sh_manager_get_channels (fixture->manager), bakery);
  sh_channel_list_remove (sh_manager_get_channels (fixture->manager), fresh);
  WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "empty") == 0);
}

static void
test_notice (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *revealer;
  GtkWidget *label;

  /* A damaged data file: the manager says so in its notice; the window must
   * show it, not bury it. */
  fixture_set_up_full (fixture, TRUE, "{ this is not JSON");
  load_manager (fixture);
  g_assert_nonnull (sh_manager_get_notice (fixture->manager));

  revealer = find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_REVEALER, NULL, NULL);
  g_assert_nonnull (revealer);
  WAIT_UNTIL (gtk_revealer_get_child_revealed (GTK_REVEALER (revealer)));
  label = find_widget (revealer, GTK_TYPE_LABEL, NULL, NULL);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, sh_manager_get_notice (fixture->manager));

  /* The sandbox says so plainly. */
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (
                     find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_WINDOW_TITLE, NULL, NULL))),
                   ==, "Sandbox");
  save_screenshot (GTK_WIDGET (fixture->window), "window-notice-sandbox.png");
}

static void
fixture_set_up_none (Fixture       *fixture,
                     gconstpointer  data)
{
  /* test_notice sets itself up: it needs a data file and the sandbox. */
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  /* GtkTestATContext, so that accessible properties can be asserted. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  /* A GtkApplication as in the real program, with our stylesheet: the
   * screenshots must look like what users get. */
  app = GTK_APPLICATION (adw_application_new ("io.socialhub.SocialHub.WindowTest",
                                              G_APPLICATION_NON_UNIQUE));
  g_application_set_resource_base_path (G_APPLICATION (app), "/io/socialhub/SocialHub");
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  /* Stack and revealer transitions become immediate. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/window/empty", Fixture, NULL, fixture_set_up, test_empty, fixture_tear_down);
  g_test_add ("/window/groups", Fixture, NULL, fixture_set_up, test_groups, fixture_tear_down);
  g_test_add ("/window/notice", Fixture, NULL, fixture_set_up_none, test_notice, fixture_tear_down);

  status = g_test_run ();
  g_object_unref (app);
  return status;
}
