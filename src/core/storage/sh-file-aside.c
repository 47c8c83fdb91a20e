/* sh-file-aside.c — see sh-file-aside.h. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "sh-file-aside.h"

char *
sh_file_aside_path (const char *path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  char *candidate = g_strdup_printf ("%s.damaged-%s", path, stamp);

  /* Never replace an earlier damaged copy. */
  for (guint i = 2; g_file_test (candidate, G_FILE_TEST_EXISTS); i++)
    {
      g_free (candidate);
      candidate = g_strdup_printf ("%s.damaged-%s-%u", path, stamp, i);
    }
  return candidate;
}

gboolean
sh_file_move_aside (const char  *path,
                    char       **out_aside,
                    GError     **error)
{
  g_autofree char *aside = sh_file_aside_path (path);

  if (g_rename (path, aside) != 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return FALSE;
    }
  *out_aside = g_steal_pointer (&aside);
  return TRUE;
}

gboolean
sh_file_copy_aside (const char  *path,
                    const char  *contents,
                    gsize        length,
                    char       **out_aside,
                    GError     **error)
{
  g_autofree char *aside = sh_file_aside_path (path);

  if (!g_file_set_contents_full (aside, contents, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;
  *out_aside = g_steal_pointer (&aside);
  return TRUE;
}
