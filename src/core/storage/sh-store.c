/* sh-store.c — loading and saving the data file without losing anything.
 *
 * Save: write channels.json.tmp, fsync, hard-link the current file to
 * channels.json.prev, rename the temp file over channels.json, fsync the
 * folder. A kill at any point leaves channels.json either the old or the new
 * version, never a mixture. Saves are queued and coalesced: while one is being
 * written, later requests wait and only the newest of them is written next.
 *
 * Load: a file that is not a channel list is renamed aside
 * (channels.json.damaged-DATE) and the previous version is tried; a file with
 * some unreadable entries is copied aside before those entries are dropped; a
 * file that cannot be read or comes from a newer version makes the store
 * read-only, so that nothing overwrites what the user may still need. A
 * missing file with a previous version falls back to that version, like a
 * damaged one. Only a regular file of at most SH_STORE_MAX_SIZE is read: a
 * FIFO, a device or a huge file makes the session read-only instead of
 * hanging or filling the memory.
 *
 * The file also names its store (a UUID the keyring items carry, stable when
 * the folder moves) and the tokens removed whose secrets may still be in the
 * keyring; ShManager uses both to keep the keyring in step.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh-error.h"
#include "sh-file-aside.h"
#include "sh-store-format.h"
#include "sh-store-private.h"

struct _ShStore
{
  GObject      parent_instance;

  char        *directory;
  char        *path;
  gboolean     read_only;
  char        *id;
  gboolean     id_saved;
  GHashTable  *removed;         /* token ids, see sh_store_mark_removed() */

  /* save queue, touched only in the main context */
  gboolean     writing;
  GBytes      *pending_bytes;
  GPtrArray   *pending_tasks;   /* GTask */

  ShStoreHook  before_rename_hook;
  gpointer     before_rename_data;
};

G_DEFINE_FINAL_TYPE (ShStore, sh_store, G_TYPE_OBJECT)

typedef struct {
  char        *directory;
  char        *path;
  GBytes      *bytes;
  ShStoreHook  hook;
  gpointer     hook_data;
} WriteJob;

typedef struct {
  GPtrArray  *channels;
  char       *notice;
  gboolean    read_only;
  char       *store_id;
  GHashTable *removed;
} LoadResult;

static void start_next_write (ShStore *self);

static void
write_job_free (WriteJob *job)
{
  g_free (job->directory);
  g_free (job->path);
  g_bytes_unref (job->bytes);
  g_free (job);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->channels, g_ptr_array_unref);
  g_clear_pointer (&result->removed, g_hash_table_unref);
  g_free (result->notice);
  g_free (result->store_id);
  g_free (result);
}

static void
sh_store_finalize (GObject *object)
{
  ShStore *self = SH_STORE (object);

  g_free (self->directory);
  g_free (self->path);
  g_free (self->id);
  g_clear_pointer (&self->removed, g_hash_table_unref);
  g_clear_pointer (&self->pending_bytes, g_bytes_unref);
  g_clear_pointer (&self->pending_tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (sh_store_parent_class)->finalize (object);
}

static void
sh_store_class_init (ShStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sh_store_finalize;
}

static void
sh_store_init (ShStore *self)
{
  self->pending_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Until a load says otherwise: a store that was never saved. */
  self->id = g_uuid_string_random ();
}

ShStore *
sh_store_new (const char *directory)
{
  ShStore *self;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (SH_TYPE_STORE, NULL);
  self->directory = g_strdup (directory);
  self->path = g_build_filename (directory, SH_STORE_FILE_NAME, NULL);
  return self;
}

const char *
sh_store_get_path (ShStore *self)
{
  g_return_val_if_fail (SH_IS_STORE (self), NULL);
  return self->path;
}

gboolean
sh_store_get_read_only (ShStore *self)
{
  g_return_val_if_fail (SH_IS_STORE (self), TRUE);
  return self->read_only;
}

const char *
sh_store_get_id (ShStore *self)
{
  g_return_val_if_fail (SH_IS_STORE (self), NULL);
  return self->id;
}

gboolean
sh_store_get_id_saved (ShStore *self)
{
  g_return_val_if_fail (SH_IS_STORE (self), FALSE);
  return self->id_saved;
}

void
sh_store_undo_create (ShStore *self)
{
  g_return_if_fail (SH_IS_STORE (self));

  /* Another save under way has its own reason for the file. */
  if (self->writing || self->pending_bytes != NULL)
    return;
  if (g_unlink (self->path) != 0 && errno != ENOENT)
    g_debug ("Could not remove %s: %s", self->path, g_strerror (errno));
  self->id_saved = FALSE;
}

void
sh_store_mark_removed (ShStore    *self,
                       const char *token_id)
{
  g_return_if_fail (SH_IS_STORE (self));
  g_return_if_fail (token_id != NULL);
  g_hash_table_add (self->removed, g_strdup (token_id));
}

void
sh_store_unmark_removed (ShStore    *self,
                         const char *token_id)
{
  g_return_if_fail (SH_IS_STORE (self));
  g_return_if_fail (token_id != NULL);
  g_hash_table_remove (self->removed, token_id);
}

GHashTable *
sh_store_get_removed (ShStore *self)
{
  g_return_val_if_fail (SH_IS_STORE (self), NULL);
  return self->removed;
}

void
_sh_store_set_before_rename_hook (ShStore     *self,
                                  ShStoreHook  hook,
                                  gpointer     user_data)
{
  self->before_rename_hook = hook;
  self->before_rename_data = user_data;
}

/* ---- loading ---------------------------------------------------------- */

/* Reads @path if it is a regular file of at most SH_STORE_MAX_SIZE bytes.
 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
 * forever. A missing file is G_FILE_ERROR_NOENT; anything else we refuse to
 * read is an SH_ERROR_STORE_IO error whose message says why. */
static gboolean
read_regular_file (const char  *path,
                   char       **out_contents,
                   gsize       *out_length,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  struct stat st;
  gsize length = 0, capacity;
  int fd, saved_errno;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error_literal (error, SH_ERROR, SH_ERROR_STORE_IO, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error_literal (error, SH_ERROR, SH_ERROR_STORE_IO,
                           S_ISDIR (st.st_mode) ? _("it is a folder, not a file")
                                                : _("it is not a regular file"));
      return FALSE;
    }
  /* O_NONBLOCK was only there so that opening a FIFO could not block; a
   * filesystem that honours it for regular files (FUSE, some network
   * homes) would answer a read with EAGAIN. */
  if (fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error_literal (error, SH_ERROR, SH_ERROR_STORE_IO, g_strerror (saved_errno));
      return FALSE;
    }
  if (st.st_size > SH_STORE_MAX_SIZE)
    {
      close (fd);
      g_set_error (error, SH_ERROR, SH_ERROR_STORE_IO,
                   _("it is larger than %u MiB, more than any channel list needs"),
                   (guint) (SH_STORE_MAX_SIZE / (1024 * 1024)));
      return FALSE;
    }

  /* The size may change while we read: never read past the cap. */
  capacity = (gsize) st.st_size + 1;
  contents = g_malloc (capacity + 1);
  for (;;)
    {
      gssize n;

      if (length == capacity)
        {
          if (capacity > SH_STORE_MAX_SIZE)
            {
              close (fd);
              g_set_error (error, SH_ERROR, SH_ERROR_STORE_IO,
                           _("it is larger than %u MiB, more than any channel list needs"),
                           (guint) (SH_STORE_MAX_SIZE / (1024 * 1024)));
              return FALSE;
            }
          capacity = MIN (capacity * 2, (gsize) SH_STORE_MAX_SIZE + 1);
          contents = g_realloc (contents, capacity + 1);
        }
      n = read (fd, contents + length, capacity - length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          close (fd);
          g_set_error_literal (error, SH_ERROR, SH_ERROR_STORE_IO, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      length += n;
    }
  close (fd);
  contents[length] = '\0';
  *out_contents = g_steal_pointer (&contents);
  *out_length = length;
  return TRUE;
}

static GPtrArray *
parse_into (LoadResult  *result,
            const char  *contents,
            gsize        length,
            guint       *n_skipped,
            GError     **error)
{
  g_clear_pointer (&result->store_id, g_free);
  g_clear_pointer (&result->removed, g_hash_table_unref);
  return sh_store_format_parse_full (contents, length, n_skipped, &result->store_id,
                                     &result->removed, error);
}

static LoadResult *
load_in_thread (const char  *path,
                GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *prev_path = g_strconcat (path, ".prev", NULL);
  g_autofree char *tmp_path = g_strconcat (path, ".tmp", NULL);
  g_autofree char *aside = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) prev_error = NULL;
  LoadResult *result = g_new0 (LoadResult, 1);
  gsize length = 0;
  guint n_skipped = 0;

  /* A temp file left by a save that was interrupted: the rename never
   * happened, so channels.json is still the complete old version. */
  g_unlink (tmp_path);

  if (!read_regular_file (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_clear_error (&local_error);
          /* No previous version either: a first start. */
          if (!read_regular_file (prev_path, &contents, &length, &prev_error) &&
              g_error_matches (prev_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            {
              result->channels = g_ptr_array_new_with_free_func (g_object_unref);
              return result;
            }
          /* The file is gone but its previous version is there (deleted by
           * hand, lost by a backup tool): that version, not an empty list
           * that the next save would make permanent. */
          if (prev_error == NULL)
            result->channels = parse_into (result, contents, length, &n_skipped, &prev_error);
          if (result->channels != NULL)
            {
              result->notice = g_strdup_printf (_("The data file %s was missing. Its previous "
                                                  "version was restored; changes made since the "
                                                  "last save may be missing."), path);
              return result;
            }
          result->channels = g_ptr_array_new_with_free_func (g_object_unref);
          result->read_only = TRUE;
          result->notice = g_strdup_printf (_("The data file %s is missing and its previous "
                                              "version could not be read (%s). SocialHub starts "
                                              "without your channels and will not write the "
                                              "file until this is fixed."),
                                            path, prev_error->message);
          return result;
        }
      /* Unreadable (permissions, I/O error, not a file, too large): keep
       * our hands off it. */
      result->channels = g_ptr_array_new_with_free_func (g_object_unref);
      result->read_only = TRUE;
      result->notice = g_strdup_printf (_("The data file %s could not be read (%s). "
                                          "SocialHub starts without your channels and will not "
                                          "write the file until this is fixed."),
                                        path, local_error->message);
      return result;
    }

  result->channels = parse_into (result, contents, length, &n_skipped, &local_error);
  if (result->channels != NULL && n_skipped == 0)
    return result;

  if (result->channels != NULL)
    {
      /* Partly readable: keep the original before a later save drops the
       * entries we could not read. */
      if (!sh_file_copy_aside (path, contents, length, &aside, error))
        {
          load_result_free (result);
          return NULL;
        }
      result->notice = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%u entry of the data file could not be read and was left out. The original file was kept as %s.",
                                                     "%u entries of the data file could not be read and were left out. The original file was kept as %s.",
                                                     n_skipped),
                                        n_skipped, aside);
      return result;
    }

  if (g_error_matches (local_error, SH_ERROR, SH_ERROR_STORE_TOO_NEW))
    {
      result->channels = g_ptr_array_new_with_free_func (g_object_unref);
      result->read_only = TRUE;
      result->notice = g_strdup_printf (_("The data file %s was written by a newer version of "
                                          "SocialHub. Update SocialHub to see your channels; this "
                                          "version will not change the file."), path);
      return result;
    }

  /* Damaged: set it aside (a rename, so nothing is lost) and fall back to
   * the previous version. */
  g_clear_error (&local_error);
  if (!sh_file_move_aside (path, &aside, &local_error))
    {
      g_set_error (error, SH_ERROR, SH_ERROR_STORE_IO,
                   _("The data file %s is damaged and could not be set aside: %s."),
                   path, local_error->message);
      load_result_free (result);
      return NULL;
    }

  g_clear_pointer (&contents, g_free);
  if (read_regular_file (prev_path, &contents, &length, &prev_error))
    result->channels = parse_into (result, contents, length, &n_skipped, &prev_error);

  if (result->channels != NULL)
    {
      result->notice = g_strdup_printf (_("The data file was damaged. It was set aside as %s "
                                          "and the previous version was restored; changes made "
                                          "since the last save may be missing."), aside);
      return result;
    }

  result->channels = g_ptr_array_new_with_free_func (g_object_unref);
  result->notice = g_strdup_printf (_("The data file was damaged and no earlier version could "
                                      "be read. It was set aside as %s; SocialHub starts with "
                                      "no channels."), aside);
  return result;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  LoadResult *result = load_in_thread (task_data, &error);

  /* A file that could not even be set aside: start empty and read-only, and
   * say why, rather than fail the start-up. */
  if (result == NULL)
    {
      result = g_new0 (LoadResult, 1);
      result->channels = g_ptr_array_new_with_free_func (g_object_unref);
      result->read_only = TRUE;
      result->notice = g_strdup_printf (_("%s SocialHub starts without your channels and will "
                                          "not write the data file until this is fixed."),
                                        error->message);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

void
sh_store_load_async (ShStore             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_store_load_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_thread);
}

GPtrArray *
sh_store_load_finish (ShStore       *self,
                      GAsyncResult  *result,
                      char         **out_notice,
                      GError       **error)
{
  LoadResult *load;
  GPtrArray *channels;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  load = g_task_propagate_pointer (G_TASK (result), error);
  if (load == NULL)
    return NULL;

  self->read_only = load->read_only;
  /* A file without an id (version 1, or none yet) gets one now; it is
   * written with the next save. */
  g_free (self->id);
  self->id_saved = load->store_id != NULL;
  self->id = load->store_id != NULL ? g_steal_pointer (&load->store_id) : g_uuid_string_random ();
  g_hash_table_remove_all (self->removed);
  if (load->removed != NULL)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, load->removed);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_hash_table_add (self->removed, g_strdup (id));
    }
  if (out_notice != NULL)
    *out_notice = g_steal_pointer (&load->notice);
  channels = g_steal_pointer (&load->channels);
  load_result_free (load);
  return channels;
}

/* ---- saving ----------------------------------------------------------- */

static gboolean
set_errno_error (GError     **error,
                 const char  *what,
                 const char  *path)
{
  int saved_errno = errno;

  g_set_error (error, SH_ERROR, SH_ERROR_STORE_IO,
               _("Could not save your channels (%s %s): %s"),
               what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all_and_sync (const char  *path,
                    GBytes      *bytes,
                    GError     **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0)
    return set_errno_error (error, "creating", path);

  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        {
          set_errno_error (error, "writing", path);
          close (fd);
          g_unlink (path);
          return FALSE;
        }
      data += written;
      length -= written;
    }

  if (fsync (fd) != 0)
    {
      set_errno_error (error, "syncing", path);
      close (fd);
      g_unlink (path);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      set_errno_error (error, "closing", path);
      g_unlink (path);
      return FALSE;
    }
  return TRUE;
}

/* channels.json.prev becomes the version being replaced. It is linked, not
 * moved, so that channels.json exists at every moment. */
static gboolean
keep_previous (const char  *path,
               GError     **error)
{
  g_autofree char *prev_path = g_strconcat (path, ".prev", NULL);
  g_autofree char *prev_tmp = g_strconcat (path, ".prev.tmp", NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  g_unlink (prev_tmp);
  if (link (path, prev_tmp) != 0)
    {
      /* A file system without hard links: copy instead. */
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, error) ||
          !g_file_set_contents_full (prev_tmp, contents, length,
                                     G_FILE_SET_CONTENTS_NONE, 0600, error))
        return FALSE;
    }
  if (g_rename (prev_tmp, prev_path) != 0)
    return set_errno_error (error, "keeping", prev_path);
  return TRUE;
}

static void
sync_directory (const char *directory)
{
  int fd = g_open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteJob *job = task_data;
  g_autofree char *tmp_path = g_strconcat (job->path, ".tmp", NULL);
  GError *error = NULL;

  if (g_mkdir_with_parents (job->directory, 0700) != 0)
    {
      set_errno_error (&error, "creating the folder", job->directory);
      g_task_return_error (task, error);
      return;
    }

  if (!write_all_and_sync (tmp_path, job->bytes, &error) ||
      !keep_previous (job->path, &error))
    {
      g_unlink (tmp_path);
      g_task_return_error (task, error);
      return;
    }

  if (job->hook != NULL)
    job->hook (job->hook_data);

  if (g_rename (tmp_path, job->path) != 0)
    {
      set_errno_error (&error, "replacing", job->path);
      g_unlink (tmp_path);
      g_task_return_error (task, error);
      return;
    }
  sync_directory (job->directory);
  g_task_return_boolean (task, TRUE);
}

static void
on_write_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ShStore *self = SH_STORE (source);
  g_autoptr(GPtrArray) waiting = user_data;
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (error == NULL)
    self->id_saved = TRUE;
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }

  self->writing = FALSE;
  start_next_write (self);
}

static void
start_next_write (ShStore *self)
{
  g_autoptr(GTask) worker = NULL;
  GPtrArray *waiting;
  WriteJob *job;

  if (self->writing || self->pending_bytes == NULL)
    return;

  job = g_new0 (WriteJob, 1);
  job->directory = g_strdup (self->directory);
  job->path = g_strdup (self->path);
  job->bytes = g_steal_pointer (&self->pending_bytes);
  job->hook = self->before_rename_hook;
  job->hook_data = self->before_rename_data;

  waiting = g_steal_pointer (&self->pending_tasks);
  self->pending_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->writing = TRUE;

  /* Not cancellable on purpose: a save that has started is finished, or the
   * user's change would be lost. */
  worker = g_task_new (self, NULL, on_write_done, waiting);
  g_task_set_source_tag (worker, start_next_write);
  g_task_set_task_data (worker, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (worker, write_thread);
}

void
sh_store_save_async (ShStore             *self,
                     GListModel          *channels,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *data;
  gsize length;

  g_return_if_fail (SH_IS_STORE (self));
  g_return_if_fail (G_IS_LIST_MODEL (channels));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_store_save_async);

  if (self->read_only)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_STORE_IO,
                               _("Changes cannot be saved: the data file %s could not be "
                                 "loaded safely, so SocialHub leaves it untouched."),
                               self->path);
      return;
    }

  /* Serialised here, in the main context, where the model lives; only the
   * bytes travel to the worker thread. */
  data = sh_store_format_serialize_full (channels, self->id, self->removed, &length);
  g_clear_pointer (&self->pending_bytes, g_bytes_unref);
  self->pending_bytes = g_bytes_new_take (data, length);
  g_ptr_array_add (self->pending_tasks, g_steal_pointer (&task));
  start_next_write (self);
}

gboolean
sh_store_save_finish (ShStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
