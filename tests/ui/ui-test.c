/* ui-test.c — see ui-test.h. */
#include "config.h"

#include <glib/gstdio.h>

#include "ui-test.h"

gboolean
sh_test_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
sh_test_save_screenshot (GtkWidget  *window,
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
