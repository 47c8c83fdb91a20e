/* sh-secret-store-file.c — the file backend: libsecret's password API.
 *
 * Inside Flatpak, libsecret (≥ 0.20) serves secret_password_*() from a file
 * of the app's own ($XDG_DATA_HOME/keyrings/default.keyring, which is under
 * ~/.var/app/ID/data there), encrypted with a key the Secret portal hands
 * over (org.freedesktop.portal.Secret.RetrieveSecret). The app then needs no
 * access to the person's whole keyring. On the host libsecret does the same
 * when SECRET_BACKEND=file, with the key from SECRET_FILE_TEST_PASSWORD (or,
 * with SNAP_NAME set, from the portal): that is how the tests run it.
 *
 * One search reads every item of the store: the file is decrypted in
 * memory, nothing per item goes over D-Bus. The file has no lock: the portal
 * refusing the key (the person dismissed the unlock prompt) is what a locked
 * keyring is here.
 *
 * libsecret keeps one file backend a process, made by the first call that
 * needs it; calls made before that one has finished would each make their
 * own (each asking the portal, each with its own copy of the file, and the
 * later write would drop the other's item). So the operations of every
 * store of the process run one at a time, in the order they were asked for.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-secret-store-private.h"

static GQueue waiting = G_QUEUE_INIT;   /* GTask, each holding a reference */
static GTask *running;                  /* the one in flight; its reference */

static void pump (void);

/* Every completion, after the task has its result: the next may start. */
static void
op_done (GTask *task)
{
  g_assert (task == running);
  running = NULL;
  g_object_unref (task);
  pump ();
}

static void
op_fail (GTask        *task,
         const GError *error)
{
  _sh_secret_store_op_return_error (task, error);
  op_done (task);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      op_fail (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  op_done (task);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error means there was nothing to delete: fine. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      op_fail (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  op_done (task);
}

/* ---- reading -------------------------------------------------------------- */

typedef struct {
  GTask      *task;
  GHashTable *table;     /* what the task returns */
  guint       pending;   /* secrets being retrieved */
  GError     *error;     /* the first retrieval that failed */
} Found;

typedef struct {
  Found      *found;
  char       *token_id;
  char       *channel_id;
  char       *network;
} FoundItem;

static void
found_return (Found *found)
{
  if (found->error != NULL)
    op_fail (found->task, found->error);
  else
    {
      g_task_return_pointer (found->task, g_steal_pointer (&found->table),
                             (GDestroyNotify) g_hash_table_unref);
      op_done (found->task);
    }
  g_clear_pointer (&found->table, g_hash_table_unref);
  g_clear_error (&found->error);
  g_free (found);
}

static void
found_add (Found      *found,
           OpKind      kind,
           FoundItem  *item,
           const char *text)
{
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *id_in_text = NULL;
  ShSecretInfo *info;
  ShSecret *secret;

  if (kind == OP_LOAD_INFO)
    {
      if ((info = sh_secret_info_from_json (text)) == NULL)
        return;
      _sh_secret_store_info_complete (info, item->token_id, item->channel_id, item->network);
      g_hash_table_replace (found->table, g_strdup (item->token_id), info);
      return;
    }

  secret = sh_secret_from_json (text, &id_in_text, &parse_error);
  if (secret == NULL)
    {
      /* Not ours to read (or damaged): the token reads "secret missing". */
      g_warning ("The keyring item of token %s is unreadable: %s", item->token_id,
                 parse_error->message);
      return;
    }
  /* The attribute names the token in every item; the text in newer ones. */
  g_hash_table_replace (found->table, g_strdup (id_in_text ?: item->token_id), secret);
}

static void
on_retrieved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FoundItem *item = user_data;
  Found *found = item->found;
  Op *op = g_task_get_task_data (found->task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = NULL;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  if (value != NULL)
    found_add (found, op->kind, item, secret_value_get_text (value));
  else if (found->error == NULL)
    found->error = g_steal_pointer (&error);

  g_free (item->token_id);
  g_free (item->channel_id);
  g_free (item->network);
  g_free (item);
  if (--found->pending == 0)
    found_return (found);
}

static void
on_found (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *items = secret_password_search_finish (result, &error);
  Found *found;

  if (error != NULL)
    {
      op_fail (task, error);
      return;
    }

  found = g_new0 (Found, 1);
  found->task = task;
  found->table = _sh_secret_store_new_table (op->kind);
  /* Held until every retrieval has been asked for, so that one answered
   * at once cannot return the task early. */
  found->pending = 1;
  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretRetrievable *retrievable = l->data;
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (retrievable);
      const char *token_id = g_hash_table_lookup (attributes, ATTR_TOKEN_ID);
      FoundItem *item;

      if (token_id == NULL)
        continue;
      if (op->kind == OP_LIST_IDS)
        {
          g_hash_table_add (found->table, g_strdup (token_id));
          continue;
        }
      item = g_new0 (FoundItem, 1);
      item->found = found;
      item->token_id = g_strdup (token_id);
      item->channel_id = g_strdup (g_hash_table_lookup (attributes, ATTR_CHANNEL_ID));
      item->network = g_strdup (g_hash_table_lookup (attributes, ATTR_NETWORK));
      found->pending++;
      secret_retrievable_retrieve_secret (retrievable, op->inner, on_retrieved, item);
    }
  g_list_free_full (items, g_object_unref);
  if (--found->pending == 0)
    found_return (found);
}

/* ---- running one at a time ------------------------------------------------ */

static void
start (GTask *task)
{
  ShSecretStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  const SecretSchema *schema = &_sh_secret_store_token_schema;

  switch (op->kind)
    {
    case OP_STORE:
      /* The file has no collections; the collection matters only where
       * libsecret serves the password API from the Secret Service. */
      secret_password_storev (schema, op->attributes,
                              self->session_collection ? SECRET_COLLECTION_SESSION
                                                       : SECRET_COLLECTION_DEFAULT,
                              op->label, op->secret_json, op->inner, on_stored, task);
      break;

    case OP_DELETE:
      secret_password_clearv (schema, op->attributes, op->inner, on_cleared, task);
      break;

    case OP_LOAD:
    case OP_LOAD_INFO:
    case OP_LIST_IDS:
      /* Never SECRET_SEARCH_UNLOCK: no prompt nobody can see. */
      secret_password_searchv (schema, op->attributes,
                               SECRET_SEARCH_ALL |
                               (op->kind == OP_LIST_IDS ? 0 : SECRET_SEARCH_LOAD_SECRETS),
                               op->inner, on_found, task);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
pump (void)
{
  if (running != NULL || g_queue_is_empty (&waiting))
    return;
  running = g_queue_pop_head (&waiting);
  start (running);
}

static void
run (GTask *task)
{
  g_queue_push_tail (&waiting, task);
  pump ();
}

static GError *
map_error (const GError *error)
{
  /* The Secret portal's answer when the person refused to unlock (the
   * caller's own cancellation was dealt with before). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return _sh_secret_store_error_locked ();
  /* libsecret found no key for the file: outside Flatpak, neither a portal
   * nor SECRET_FILE_TEST_PASSWORD ("master password is not retrievable"). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return _sh_secret_store_error_unavailable (_("no key opens the keyring file"));
  /* Without the Secret portal, libsecret's password API talks to the
   * Secret Service: its errors mean what they mean there. */
  return _sh_secret_store_map_service_error (error);
}

const ShSecretBackend _sh_secret_backend_file = {
  .kind = SH_SECRET_STORE_BACKEND_FILE,
  .run = run,
  .map_error = map_error,
  /* The file was never written before the store had an id. */
  .adopts = FALSE,
};
