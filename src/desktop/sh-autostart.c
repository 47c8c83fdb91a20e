/* sh-autostart.c — the XDG autostart entry, outside Flatpak. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sh-autostart.h"

#define GROUP      G_KEY_FILE_DESKTOP_GROUP
#define MARK_KEY   "X-SocialHub-Autostart"
/* What versions before the mark wrote. */
#define OLD_EXEC   "socialhub --gapplication-service"

char *
sh_autostart_dup_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

char *
sh_autostart_dup_executable (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL && g_path_is_absolute (self) && !g_str_has_suffix (self, " (deleted)") &&
      g_file_test (self, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&self);
  return g_build_filename (SH_BINDIR, "socialhub", NULL);
}

/* One Exec argument as the Desktop Entry Specification quotes it: in
 * double quotes when it holds anything but plain path characters, with
 * ", `, $ and \ escaped, and % doubled (a field code otherwise). */
static char *
quote_exec_argument (const char *argument)
{
  GString *quoted;

  if (argument[strspn (argument, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789/._+-")] == '\0')
    return g_strdup (argument);
  quoted = g_string_new ("\"");
  for (const char *p = argument; *p != '\0'; p++)
    {
      if (strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (quoted, '\\');
      else if (*p == '%')
        g_string_append_c (quoted, '%');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

gboolean
sh_autostart_is_ours (const char *path)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *exec = NULL;
  GStatBuf buf;

  /* A symlink is the person's (a dotfiles manager's): never ours. */
  if (g_lstat (path, &buf) != 0 || !S_ISREG (buf.st_mode))
    return FALSE;
  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  if (g_key_file_get_boolean (key_file, GROUP, MARK_KEY, NULL))
    return TRUE;
  exec = g_key_file_get_string (key_file, GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, NULL);
  return g_strcmp0 (exec, OLD_EXEC) == 0;
}

static gboolean
refuse_foreign (const char  *path,
                GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               /* Translators: %s is a file's path */
               _("%s is not SocialHub’s own autostart entry; it is left as it is"), path);
  return FALSE;
}

gboolean
sh_autostart_write (const char  *executable,
                    GError     **error)
{
  g_autofree char *path = sh_autostart_dup_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *quoted = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *current = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  g_return_val_if_fail (executable != NULL && g_path_is_absolute (executable), FALSE);

  if (g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK) &&
      !sh_autostart_is_ours (path))
    return refuse_foreign (path, error);

  quoted = quote_exec_argument (executable);
  exec = g_strconcat (quoted, " --gapplication-service", NULL);
  g_key_file_set_string (key_file, GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (key_file, GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "SocialHub");
  g_key_file_set_string (key_file, GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Checks your access tokens in the background"));
  g_key_file_set_string (key_file, GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
  g_key_file_set_string (key_file, GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_boolean (key_file, GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (key_file, GROUP, "X-GNOME-Autostart-enabled", TRUE);
  g_key_file_set_boolean (key_file, GROUP, MARK_KEY, TRUE);
  contents = g_key_file_to_data (key_file, NULL, NULL);

  if (g_file_get_contents (path, &current, NULL, NULL) && g_str_equal (current, contents))
    return TRUE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}

gboolean
sh_autostart_remove (GError **error)
{
  g_autofree char *path = sh_autostart_dup_path ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
    return TRUE;
  if (!sh_autostart_is_ours (path))
    return refuse_foreign (path, error);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
