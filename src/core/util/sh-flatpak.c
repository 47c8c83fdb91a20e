/* sh-flatpak.c — whether the process runs inside Flatpak (sh-flatpak.h). */
#include "config.h"

#include "sh-flatpak.h"

gboolean
sh_flatpak_is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

gboolean
sh_flatpak_is_inside (void)
{
  return g_strcmp0 (g_getenv ("SOCIALHUB_ASSUME_FLATPAK"), "1") == 0 || sh_flatpak_is_sandboxed ();
}
