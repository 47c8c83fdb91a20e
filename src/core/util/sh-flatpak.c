/* sh-flatpak.c — whether the process takes the Flatpak path. */
#include "config.h"

#include "sh-flatpak.h"

gboolean
sh_flatpak_is_inside (void)
{
  return g_strcmp0 (g_getenv ("SOCIALHUB_ASSUME_FLATPAK"), "1") == 0 ||
         g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}
