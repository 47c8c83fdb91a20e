/* replay-main.c — runs a fuzz target's LLVMFuzzerTestOneInput over files.
 *
 * Usage: fuzz-replay-TARGET FILE|DIRECTORY…
 * Each argument is a file, or a folder whose files (not hidden, not in
 * subfolders) are replayed in name order. This is how `meson test --suite
 * fuzz` exercises the seed corpora and every input that once crashed a
 * target, with any compiler and without libFuzzer. An input that fails
 * aborts the program, after its name has been printed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
replay_file (const char *path,
             guint      *n_inputs)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree uint8_t *copy = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);

  /* An exact-size copy, without the NUL g_file_get_contents adds: a parser
   * that reads past the end is caught under AddressSanitizer, as it would
   * be by libFuzzer. */
  copy = g_memdup2 (contents, length);
  printf ("replaying %s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
  fflush (stdout);
  LLVMFuzzerTestOneInput (copy, length);
  (*n_inputs)++;
}

static void
replay_directory (const char *path,
                  guint      *n_inputs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    g_error ("%s", error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, g_ptr_array_index (names, i), NULL);

      if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
        replay_file (file, n_inputs);
    }
}

int
main (int    argc,
      char **argv)
{
  guint n_inputs = 0;

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        replay_directory (argv[i], &n_inputs);
      else
        replay_file (argv[i], &n_inputs);
    }

  /* A corpus that went missing must not pass as an empty success. */
  if (n_inputs == 0)
    {
      fprintf (stderr, "no inputs to replay\n");
      return 1;
    }
  printf ("%u inputs replayed\n", n_inputs);
  return 0;
}
