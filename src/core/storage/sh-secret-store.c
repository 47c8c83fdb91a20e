/* sh-secret-store.c — token secrets in the keyring, bounded in time; the
 * Secret Service backend (the file backend is sh-secret-store-file.c).
 *
 * Every operation is a GTask whose libsecret call gets an inner cancellable,
 * cancelled by the caller's cancellable or by a timeout; a timeout becomes
 * SH_ERROR_KEYRING_TIMEOUT. We never ask libsecret to unlock: an unlock
 * prompt nobody can see (no display, a test under Xvfb) would wait forever,
 * so a locked keyring is reported as SH_ERROR_KEYRING_LOCKED and the user
 * unlocks it in their desktop's own way.
 *
 * Items name their store by the data file's store id ("store" attribute).
 * Items written before that named it by the data folder's path, which
 * changes when a home folder moves; ShManager hands over the token ids its
 * file lists, and before the first operation of the session such items are
 * adopted: their "store" attribute is rewritten to the id
 * (sh-secret-store-adopt.c).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sh-error.h"
#include "sh-flatpak.h"
#include "sh-secret-store-private.h"
#include "sh-provider-registry.h"
#include "sh-secret-store.h"
#include "sh-untrusted-text.h"

#define DEFAULT_TIMEOUT_MS 20000

typedef struct {
  char *external_id;
  char *name;
} ChannelInfo;

static void
channel_info_free (ChannelInfo *info)
{
  g_free (info->external_id);
  g_free (info->name);
  g_free (info);
}

G_DEFINE_FINAL_TYPE (ShSecretStore, sh_secret_store, G_TYPE_OBJECT)

const SecretSchema _sh_secret_store_token_schema = {
  SH_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { ATTR_TOKEN_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { ATTR_CHANNEL_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { ATTR_NETWORK, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { ATTR_VERSION, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { ATTR_SCOPE, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static void
op_free (Op *op)
{
  g_clear_handle_id (&op->timeout_id, g_source_remove);
  if (op->outer != NULL && op->outer_handler != 0)
    g_cancellable_disconnect (op->outer, op->outer_handler);
  g_clear_object (&op->outer);
  g_clear_object (&op->inner);
  g_clear_pointer (&op->attributes, g_hash_table_unref);
  g_free (op->label);
  if (op->secret_json != NULL)
    {
      memset (op->secret_json, 0, strlen (op->secret_json));
      g_free (op->secret_json);
    }
  g_free (op);
}

static void
sh_secret_store_finalize (GObject *object)
{
  ShSecretStore *self = SH_SECRET_STORE (object);

  g_free (self->scope);
  g_free (self->legacy_scope);
  g_clear_pointer (&self->channels, g_hash_table_unref);
  g_clear_pointer (&self->adopt_ids, g_hash_table_unref);
  g_clear_pointer (&self->adopt_waiters, g_ptr_array_unref);
  G_OBJECT_CLASS (sh_secret_store_parent_class)->finalize (object);
}

static void
sh_secret_store_class_init (ShSecretStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sh_secret_store_finalize;
}

static void
sh_secret_store_init (ShSecretStore *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->channels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) channel_info_free);
  self->adopt_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

ShSecretStoreBackend
sh_secret_store_backend_for_environment (void)
{
  /* The same test libsecret makes for its password API: inside Flatpak it
   * serves it from the file (when the Secret portal is there; without it,
   * from the Secret Service, which the file backend's calls then reach). */
  if (sh_flatpak_is_sandboxed () ||
      g_strcmp0 (g_getenv ("SECRET_BACKEND"), "file") == 0)
    return SH_SECRET_STORE_BACKEND_FILE;
  return SH_SECRET_STORE_BACKEND_SERVICE;
}

ShSecretStore *
sh_secret_store_new (const char *scope,
                     gboolean    session_collection)
{
  ShSecretStore *self;

  g_return_val_if_fail (scope != NULL, NULL);

  self = g_object_new (SH_TYPE_SECRET_STORE, NULL);
  self->scope = g_strdup (scope);
  self->session_collection = session_collection;
  self->backend = sh_secret_store_backend_for_environment () == SH_SECRET_STORE_BACKEND_FILE
                    ? &_sh_secret_backend_file : &_sh_secret_backend_service;
  return self;
}

ShSecretStoreBackend
sh_secret_store_get_backend (ShSecretStore *self)
{
  g_return_val_if_fail (SH_IS_SECRET_STORE (self), SH_SECRET_STORE_BACKEND_SERVICE);
  return self->backend->kind;
}

void
sh_secret_store_set_timeout (ShSecretStore *self,
                             guint          timeout_ms)
{
  g_return_if_fail (SH_IS_SECRET_STORE (self));
  self->timeout_ms = timeout_ms;
}

void
sh_secret_store_set_scope (ShSecretStore *self,
                           const char    *scope)
{
  g_return_if_fail (SH_IS_SECRET_STORE (self));
  g_return_if_fail (scope != NULL);
  g_free (self->scope);
  self->scope = g_strdup (scope);
}

const char *
sh_secret_store_get_scope (ShSecretStore *self)
{
  g_return_val_if_fail (SH_IS_SECRET_STORE (self), NULL);
  return self->scope;
}

void
sh_secret_store_describe_channel (ShSecretStore *self,
                                  const char    *channel_id,
                                  const char    *external_id,
                                  const char    *name)
{
  ChannelInfo *info;

  g_return_if_fail (SH_IS_SECRET_STORE (self));
  g_return_if_fail (channel_id != NULL);

  info = g_new0 (ChannelInfo, 1);
  info->external_id = g_strdup (external_id);
  info->name = g_strdup (name);
  g_hash_table_replace (self->channels, g_strdup (channel_id), info);
}

/* ---- errors ------------------------------------------------------------ */

GError *
_sh_secret_store_error_unavailable (const char *detail)
{
  return g_error_new (SH_ERROR, SH_ERROR_KEYRING_UNAVAILABLE,
                      _("No keyring is available (%s). SocialHub keeps access tokens only in "
                        "the system keyring: start GNOME Keyring or another Secret Service."),
                      detail);
}

GError *
_sh_secret_store_error_locked (void)
{
  return g_error_new_literal (SH_ERROR, SH_ERROR_KEYRING_LOCKED,
                              _("The keyring is locked. Unlock it (for example by logging in "
                                "again) so that SocialHub can read its access tokens."));
}

/* Turns what libsecret or D-Bus said into an SH_ERROR_KEYRING_* error. */
static GError *
map_error (const GError        *error,
           const Op            *op,
           const ShSecretStore *self)
{
  if (op->timed_out)
    return g_error_new (SH_ERROR, SH_ERROR_KEYRING_TIMEOUT,
                        _("The keyring did not answer within %u seconds. It may be waiting "
                          "for a password prompt that cannot be shown."),
                        self->timeout_ms / 1000);
  /* The caller's cancellation. (The file backend's Secret portal says
   * "cancelled" too, when the person refuses to unlock.) */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      g_cancellable_is_cancelled (op->inner))
    return g_error_copy (error);
  return self->backend->map_error (error);
}

GError *
_sh_secret_store_map_service_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return _sh_secret_store_error_locked ();
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    return _sh_secret_store_error_unavailable (_("it has no default keyring"));
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_DISCONNECTED:
          return _sh_secret_store_error_unavailable (_("no Secret Service is running"));
        default:
          break;
        }
    }
  return g_error_new (SH_ERROR, SH_ERROR_KEYRING_FAILED,
                      _("The keyring reported an error: %s"), error->message);
}

/* ---- the operation skeleton ------------------------------------------- */

static gboolean
on_timeout (gpointer user_data)
{
  Op *op = user_data;

  op->timeout_id = 0;
  op->timed_out = TRUE;
  g_cancellable_cancel (op->inner);
  return G_SOURCE_REMOVE;
}

static void
on_outer_cancelled (GCancellable *outer,
                    gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static GTask *
op_start (ShSecretStore       *self,
          OpKind               kind,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  /* The caller's cancellation is reported by the GTask itself. */
  g_task_set_check_cancellable (task, TRUE);

  op->kind = kind;
  op->inner = g_cancellable_new ();
  if (cancellable != NULL)
    {
      op->outer = g_object_ref (cancellable);
      op->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                 g_object_ref (op->inner), g_object_unref);
    }
  op->timeout_id = g_timeout_add (self->timeout_ms, on_timeout, op);
  op->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (op->attributes, g_strdup (ATTR_SCOPE), g_strdup (self->scope));
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  return task;
}

void
_sh_secret_store_op_return_error (GTask        *task,
                                  const GError *error)
{
  ShSecretStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  g_task_return_error (task, map_error (error, op, self));
}

static void on_service (GObject *source, GAsyncResult *result, gpointer user_data);

void
_sh_secret_store_op_proceed (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  secret_service_get (SECRET_SERVICE_OPEN_SESSION, op->inner, on_service, task);
}

/* On the Secret Service every operation waits for the adoption of the
 * session, if one is due, so that none of them misses an item still named
 * by a path. */
static void
op_connect (GTask *task)
{
  ShSecretStore *self = g_task_get_source_object (task);

  if (self->backend->adopts && self->adopt_ids != NULL)
    _sh_secret_store_adopt_then_proceed (self, task);
  else
    self->backend->run (task);
}

/* ---- completions -------------------------------------------------------- */

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_service_store_finish (SECRET_SERVICE (source), result, &error))
    _sh_secret_store_op_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error means there was nothing to delete: fine. */
  if (!secret_service_clear_finish (SECRET_SERVICE (source), result, &error) && error != NULL)
    _sh_secret_store_op_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- reading many items ----------------------------------------------- *
 *
 * secret_service_search() makes one SecretItem proxy per item (a GetAll and a
 * match rule each) before it reads the secrets: at a thousand items that is
 * slower than a thousand single lookups. So we talk to the service by object
 * path: one SearchItems, one GetSecrets for the unlocked items, and the token
 * id from each secret's text. Only items that do not carry it (written by an
 * older SocialHub) or that are locked while we only list ids cost a property
 * read each, all sent at once.
 */

typedef struct {
  GHashTable *table;        /* token id -> ShSecret (OP_LOAD), ShSecretInfo (OP_LOAD_INFO)
                             * or itself (OP_LIST_IDS) */
  GHashTable *unnamed;      /* object path -> ShSecret, ShSecretInfo or NULL: token id to be read */
  guint       pending;      /* attribute reads in flight */
  GError     *error;        /* first failure of an attribute read */
  guint       slices;       /* GetSecrets calls in flight */
  gboolean    failed;       /* one of them failed: the task has its answer */
} Reading;

static void
reading_free (Reading *reading)
{
  g_clear_pointer (&reading->table, g_hash_table_unref);
  g_clear_pointer (&reading->unnamed, g_hash_table_unref);
  g_clear_error (&reading->error);
  g_free (reading);
}

static void
secret_free0 (gpointer secret)
{
  if (secret != NULL)
    sh_secret_free (secret);
}

static void
info_free0 (gpointer info)
{
  if (info != NULL)
    sh_secret_info_free (info);
}

/* The table only grows: a value once in it stays, unchanged, until the
 * table is freed, because a sliced load's caller may already hold it
 * (sh_secret_store_load_sliced_async). Of two items for one token id the
 * one added first here wins and the other is dropped: which one that is
 * follows the order the keyring's replies come in, not the items' age, as
 * it did before (the last won then). Such twins are left-overs (an item
 * in another collection), never what SocialHub stores itself.
 * Returns whether @token_id is new. */
static gboolean
reading_add (Reading    *reading,
             OpKind      kind,
             const char *token_id,
             gpointer    value)
{
  if (g_hash_table_contains (reading->table, token_id))
    {
      if (value != NULL)
        (kind == OP_LOAD_INFO ? info_free0 : secret_free0) (value);
      return FALSE;
    }
  if (kind == OP_LIST_IDS)
    {
      g_hash_table_add (reading->table, g_strdup (token_id));
      g_clear_pointer ((ShSecret **) &value, sh_secret_free);
    }
  else
    g_hash_table_insert (reading->table, g_strdup (token_id), value);
  return TRUE;
}

static void
reading_return (GTask *task)
{
  Reading *reading = g_object_get_data (G_OBJECT (task), "sh-reading");

  if (reading->error != NULL)
    _sh_secret_store_op_return_error (task, reading->error);
  else
    g_task_return_pointer (task, g_hash_table_ref (reading->table),
                           (GDestroyNotify) g_hash_table_unref);
}

typedef struct {
  GTask *task;
  char  *path;
} AttributeRead;

static void
on_attributes (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AttributeRead *read = user_data;
  g_autoptr(GTask) task = read->task;
  g_autofree char *path = read->path;
  Reading *reading = g_object_get_data (G_OBJECT (task), "sh-reading");
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  g_free (read);
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL)
    {
      g_autoptr(GVariant) boxed = NULL;
      g_autoptr(GVariant) attributes = NULL;
      const char *token_id = NULL;

      g_variant_get (reply, "(v)", &boxed);
      if (g_variant_is_of_type (boxed, G_VARIANT_TYPE ("a{ss}")))
        {
          attributes = g_steal_pointer (&boxed);
          g_variant_lookup (attributes, ATTR_TOKEN_ID, "&s", &token_id);
        }
      if (token_id != NULL)
        {
          g_autofree char *stolen_path = NULL;
          gpointer value = NULL;

          /* Stealing hands over the key too: it must be freed here. */
          g_hash_table_steal_extended (reading->unnamed, path, (gpointer *) &stolen_path,
                                       &value);
          if (op->kind == OP_LOAD_INFO && value != NULL)
            {
              const char *channel_id = NULL, *network = NULL;

              g_variant_lookup (attributes, ATTR_CHANNEL_ID, "&s", &channel_id);
              g_variant_lookup (attributes, ATTR_NETWORK, "&s", &network);
              _sh_secret_store_info_complete (value, token_id, channel_id, network);
            }
          reading_add (reading, op->kind, token_id, value);
        }
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           error->domain != G_DBUS_ERROR ||
           (error->code != G_DBUS_ERROR_UNKNOWN_METHOD &&
            error->code != G_DBUS_ERROR_UNKNOWN_OBJECT))
    {
      /* The service failed or we gave up: the whole read fails. An item
       * that vanished between search and read is simply not there. */
      if (reading->error == NULL)
        reading->error = g_steal_pointer (&error);
    }

  if (--reading->pending == 0)
    reading_return (task);
}

/* Reads the token-id attribute of every item in reading->unnamed, then
 * returns. */
static void
read_unnamed (GTask         *task,
              SecretService *service)
{
  Reading *reading = g_object_get_data (G_OBJECT (task), "sh-reading");
  Op *op = g_task_get_task_data (task);
  GDBusConnection *bus = g_dbus_proxy_get_connection (G_DBUS_PROXY (service));
  const char *name = g_dbus_proxy_get_name (G_DBUS_PROXY (service));
  GHashTableIter iter;
  gpointer path;

  if (g_hash_table_size (reading->unnamed) == 0)
    {
      reading_return (task);
      return;
    }

  g_hash_table_iter_init (&iter, reading->unnamed);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      AttributeRead *read = g_new0 (AttributeRead, 1);

      read->task = g_object_ref (task);
      read->path = g_strdup (path);
      reading->pending++;
      g_dbus_connection_call (bus, name, path, "org.freedesktop.DBus.Properties", "Get",
                              g_variant_new ("(ss)", ITEM_INTERFACE, "Attributes"),
                              G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                              op->inner, on_attributes, read);
    }
}

/* The secrets of @paths: one GetSecrets, as secret_service_get_secrets_for_
 * dbus_paths() sends it, but not through that call: libsecret 0.20.5 (Debian
 * 12) never frees GetSecrets' reply in its _finish(), so every check leaked
 * the reply (the encrypted secrets of every token, about 0.4 KB a Facebook
 * token and 1.5 KB an X pair) for as long as the app ran. Here the reply is
 * ours and freed; libsecret's public decoder opens each value with the
 * service's session. */
static void on_secret_values (GTask *task, SecretService *service, GHashTable *values);

/* A sliced load's GetSecrets sizes: the first small, so that a check can
 * send its first batch soon; then doubling, to keep the calls few. */
#define FIRST_SLICE 50
#define MAX_SLICE   400

static void
on_get_secrets (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  g_autoptr(GVariant) secrets = NULL;
  g_autoptr(GHashTable) values = NULL;
  GVariantIter iter;
  const char *path;
  GVariant *encoded;

  if (reply != NULL && !g_variant_is_of_type (reply, G_VARIANT_TYPE ("(a{o(oayays)})")))
    error = g_error_new (G_DBUS_ERROR, G_DBUS_ERROR_INVALID_SIGNATURE,
                         "GetSecrets answered %s", g_variant_get_type_string (reply));
  if (error != NULL)
    {
      Reading *reading = g_object_get_data (G_OBJECT (task), "sh-reading");

      /* Another slice's failure answered already. */
      if (reading->failed)
        return;
      reading->failed = TRUE;
      g_dbus_error_strip_remote_error (error);
      _sh_secret_store_op_return_error (task, error);
      return;
    }
  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) secret_value_unref);
  secrets = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, secrets);
  while (g_variant_iter_next (&iter, "{&o@(oayays)}", &path, &encoded))
    {
      SecretValue *value = secret_service_decode_dbus_secret (SECRET_SERVICE (source), encoded);

      if (value != NULL)
        g_hash_table_replace (values, g_strdup (path), value);
      g_variant_unref (encoded);
    }
  on_secret_values (task, SECRET_SERVICE (source), values);
}

static void
on_session (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretService *service = SECRET_SERVICE (source);
  Op *op = g_task_get_task_data (task);
  Reading *reading = g_object_get_data (G_OBJECT (task), "sh-reading");
  const char * const *paths = g_object_get_data (G_OBJECT (task), "sh-unlocked-paths");
  guint n_paths = g_strv_length ((GStrv) paths);
  /* Listing ids keeps nothing of a secret but its token id: in slices,
   * each reply is freed before the next is read, instead of the whole
   * keyring's secrets in one message and its decoded copy at once (the
   * reconciliation after start-up; issue 18). */
  guint slice = op->on_slice != NULL ? FIRST_SLICE
                : op->kind == OP_LIST_IDS ? MIN (n_paths, MAX_SLICE) : n_paths;

  if (!secret_service_ensure_session_finish (service, result, &error))
    {
      _sh_secret_store_op_return_error (task, error);
      return;
    }
  /* All slices are asked at once: the service answers them in turn, and
   * the first answer comes after FIRST_SLICE secrets, not after all. */
  for (guint start = 0; start < n_paths; start += slice, slice = MIN (slice * 2, MAX_SLICE))
    {
      guint end = MIN (start + slice, n_paths);
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE ("ao"));
      for (guint i = start; i < end; i++)
        g_variant_builder_add (&builder, "o", paths[i]);
      reading->slices++;
      g_dbus_proxy_call (G_DBUS_PROXY (service), "GetSecrets",
                         g_variant_new ("(ao@o)", &builder,
                                        g_variant_new_object_path (
                                          secret_service_get_session_dbus_path (service))),
                         G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, op->inner, on_get_secrets,
                         g_object_ref (task));
    }
}

static void
get_secrets (GTask         *task,
             SecretService *service,
             GStrv          paths)
{
  Op *op = g_task_get_task_data (task);

  g_object_set_data_full (G_OBJECT (task), "sh-unlocked-paths", paths,
                          (GDestroyNotify) g_strfreev);
  secret_service_ensure_session (service, op->inner, on_session, task);
}

static void
on_secret_values (GTask         *task,
                  SecretService *service,
                  GHashTable    *values)
{
  Reading *reading = g_object_get_data (G_OBJECT (task), "sh-reading");
  Op *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer path, value;

  if (reading->failed)
    return;
  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &path, &value))
    {
      g_autoptr(GError) parse_error = NULL;
      g_autofree char *token_id = NULL;
      ShSecret *secret;

      if (op->kind == OP_LOAD_INFO)
        {
          ShSecretInfo *info = sh_secret_info_from_json (secret_value_get_text (value));

          if (info == NULL)
            continue;
          /* The attributes hold the token id, channel and network of
           * every item, the text only of newer ones. */
          g_hash_table_insert (reading->unnamed, g_strdup (path), info);
          continue;
        }

      secret = sh_secret_from_json (secret_value_get_text (value), &token_id, &parse_error);
      if (secret == NULL)
        {
          /* Not ours to read (or damaged): the token reads "secret missing". */
          g_warning ("Keyring item %s is unreadable: %s", (char *) path, parse_error->message);
          continue;
        }
      if (token_id != NULL)
        {
          if (reading_add (reading, op->kind, token_id, secret))
            g_ptr_array_add (ids, g_strdup (token_id));
        }
      else
        g_hash_table_insert (reading->unnamed, g_strdup (path), secret);
    }
  if (op->on_slice != NULL && ids->len > 0)
    op->on_slice (reading->table, ids, op->slice_data);
  if (--reading->slices == 0)
    read_unnamed (task, service);
}

static void
on_paths (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unlocked = NULL;
  g_auto(GStrv) locked = NULL;
  Op *op = g_task_get_task_data (task);
  SecretService *service = SECRET_SERVICE (source);
  Reading *reading;

  if (!secret_service_search_for_dbus_paths_finish (service, result, &unlocked, &locked, &error))
    {
      _sh_secret_store_op_return_error (task, error);
      return;
    }
  if ((op->kind == OP_LOAD || op->kind == OP_LOAD_INFO) && locked != NULL && locked[0] != NULL)
    {
      g_task_return_error (task, _sh_secret_store_error_locked ());
      return;
    }

  reading = g_new0 (Reading, 1);
  reading->table = _sh_secret_store_new_table (op->kind);
  reading->unnamed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            op->kind == OP_LOAD_INFO ? info_free0 : secret_free0);
  g_object_set_data_full (G_OBJECT (task), "sh-reading", reading, (GDestroyNotify) reading_free);

  /* Locked items cannot give their secret; listing their ids needs only
   * their attributes. */
  for (guint i = 0; locked != NULL && locked[i] != NULL; i++)
    g_hash_table_insert (reading->unnamed, g_strdup (locked[i]), NULL);

  if (unlocked == NULL || unlocked[0] == NULL)
    {
      read_unnamed (task, service);
      return;
    }
  get_secrets (g_steal_pointer (&task), service, g_steal_pointer (&unlocked));
}

static void
on_collection (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretCollection) collection = secret_collection_for_alias_finish (result, &error);
  Op *op = g_task_get_task_data (task);
  g_autoptr(SecretValue) value = NULL;

  if (error != NULL)
    {
      _sh_secret_store_op_return_error (task, error);
      return;
    }
  if (collection == NULL)
    {
      g_task_return_error (task, _sh_secret_store_error_unavailable (_("it has no default keyring")));
      return;
    }
  /* Storing into a locked collection would raise an unlock prompt and wait
   * for it; report the lock instead. */
  if (secret_collection_get_locked (collection))
    {
      g_task_return_error (task, _sh_secret_store_error_locked ());
      return;
    }

  value = secret_value_new (op->secret_json, -1, "application/json");
  secret_service_store (secret_collection_get_service (collection), &_sh_secret_store_token_schema,
                        op->attributes, g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)),
                        op->label, value, op->inner, on_stored, g_steal_pointer (&task));
}

static void
on_service (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_finish (result, &error);
  ShSecretStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (service == NULL)
    {
      Op *data = op;

      /* Whatever failed here, there is no usable Secret Service. */
      if (data->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _sh_secret_store_op_return_error (task, error);
      else
        g_task_return_error (task, _sh_secret_store_error_unavailable (error->message));
      return;
    }

  switch (op->kind)
    {
    case OP_STORE:
      secret_collection_for_alias (service,
                                   self->session_collection ? SECRET_COLLECTION_SESSION
                                                            : SECRET_COLLECTION_DEFAULT,
                                   SECRET_COLLECTION_NONE, op->inner, on_collection,
                                   g_steal_pointer (&task));
      break;

    case OP_LOAD:
    case OP_LIST_IDS:
    case OP_LOAD_INFO:
      secret_service_search_for_dbus_paths (service, &_sh_secret_store_token_schema, op->attributes, op->inner,
                                            on_paths, g_steal_pointer (&task));
      break;

    case OP_DELETE:
      secret_service_clear (service, &_sh_secret_store_token_schema, op->attributes, op->inner,
                            on_cleared, g_steal_pointer (&task));
      break;

    default:
      g_assert_not_reached ();
    }
}

const ShSecretBackend _sh_secret_backend_service = {
  .kind = SH_SECRET_STORE_BACKEND_SERVICE,
  .run = _sh_secret_store_op_proceed,
  .map_error = _sh_secret_store_map_service_error,
  .adopts = TRUE,
};

/* The attributes hold the token id, channel and network of every item, the
 * text only of newer ones. */
void
_sh_secret_store_info_complete (ShSecretInfo *info,
                                const char   *token_id,
                                const char   *channel_id,
                                const char   *network)
{
  g_free (info->token_id);
  info->token_id = g_strdup (token_id);
  if (info->channel_id == NULL)
    info->channel_id = g_strdup (channel_id);
  if (info->network == NULL)
    info->network = g_strdup (network);
}

GHashTable *
_sh_secret_store_new_table (OpKind kind)
{
  if (kind == OP_LOAD)
    return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sh_secret_free);
  if (kind == OP_LOAD_INFO)
    return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) sh_secret_info_free);
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* ---- public API -------------------------------------------------------- */

/* Every _finish: the same task, a table or a yes. */
static GHashTable *
op_propagate_table (ShSecretStore  *self,
                    GAsyncResult   *result,
                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
op_propagate_boolean (ShSecretStore  *self,
                      GAsyncResult   *result,
                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sh_secret_store_store_async (ShSecretStore       *self,
                             ShToken             *token,
                             const ShSecret      *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *owner = NULL;
  GTask *task;
  Op *op;

  g_return_if_fail (SH_IS_SECRET_STORE (self));
  g_return_if_fail (SH_IS_TOKEN (token));
  g_return_if_fail (secret != NULL);

  task = op_start (self, OP_STORE, sh_secret_store_store_async, cancellable, callback, user_data);
  op = g_task_get_task_data (task);
  g_hash_table_insert (op->attributes, g_strdup (ATTR_TOKEN_ID), g_strdup (sh_token_get_id (token)));
  g_hash_table_insert (op->attributes, g_strdup (ATTR_CHANNEL_ID),
                       g_strdup (sh_token_get_channel_id (token)));
  g_hash_table_insert (op->attributes, g_strdup (ATTR_NETWORK),
                       g_strdup (sh_token_get_network (token)));
  g_hash_table_insert (op->attributes, g_strdup (ATTR_VERSION),
                       g_strdup_printf ("%d", SH_SECRET_FORMAT_VERSION));
  /* The label is what a person sees in Seahorse: no secret in it, and the
   * owner's name (the network's) sanitized. */
  owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (token));
  op->label = g_strdup_printf (_("SocialHub access token of %s (%s)"),
                               owner ?: _("unknown owner"),
                               sh_network_get_display_name (sh_token_get_network (token)));
  {
    ChannelInfo *channel = g_hash_table_lookup (self->channels, sh_token_get_channel_id (token));
    ShSecretInfo info = {
      .token_id = (char *) sh_token_get_id (token),
      .network = (char *) sh_token_get_network (token),
      .channel_id = (char *) sh_token_get_channel_id (token),
      .channel_external_id = channel != NULL ? channel->external_id : NULL,
      .channel_name = channel != NULL ? channel->name : NULL,
      .owner_id = (char *) sh_token_get_owner_id (token),
      .owner_name = (char *) sh_token_get_owner_name (token),
    };

    op->secret_json = sh_secret_to_json_full (secret, &info);
  }
  op_connect (task);
}

gboolean
sh_secret_store_store_finish (ShSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return op_propagate_boolean (self, result, error);
}

void
sh_secret_store_load_async (ShSecretStore       *self,
                            const char          *network,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  sh_secret_store_load_sliced_async (self, network, NULL, NULL, cancellable, callback, user_data);
}

void
sh_secret_store_load_sliced_async (ShSecretStore       *self,
                                   const char          *network,
                                   ShSecretSliceFunc    on_slice,
                                   gpointer             slice_data,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (SH_IS_SECRET_STORE (self));

  task = op_start (self, OP_LOAD, sh_secret_store_load_async, cancellable, callback, user_data);
  op = g_task_get_task_data (task);
  op->on_slice = on_slice;
  op->slice_data = slice_data;
  if (network != NULL)
    g_hash_table_insert (op->attributes, g_strdup (ATTR_NETWORK), g_strdup (network));
  op_connect (task);
}

GHashTable *
sh_secret_store_load_finish (ShSecretStore  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return op_propagate_table (self, result, error);
}

void
sh_secret_store_list_ids_async (ShSecretStore       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (SH_IS_SECRET_STORE (self));

  op_connect (op_start (self, OP_LIST_IDS, sh_secret_store_list_ids_async,
                        cancellable, callback, user_data));
}

GHashTable *
sh_secret_store_list_ids_finish (ShSecretStore  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return op_propagate_table (self, result, error);
}

void
sh_secret_store_load_info_async (ShSecretStore       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SH_IS_SECRET_STORE (self));

  op_connect (op_start (self, OP_LOAD_INFO, sh_secret_store_load_info_async,
                        cancellable, callback, user_data));
}

GHashTable *
sh_secret_store_load_info_finish (ShSecretStore  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return op_propagate_table (self, result, error);
}

void
sh_secret_store_delete_async (ShSecretStore       *self,
                              const char          *token_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (SH_IS_SECRET_STORE (self));
  g_return_if_fail (token_id != NULL);

  task = op_start (self, OP_DELETE, sh_secret_store_delete_async, cancellable, callback, user_data);
  op = g_task_get_task_data (task);
  g_hash_table_insert (op->attributes, g_strdup (ATTR_TOKEN_ID), g_strdup (token_id));
  op_connect (task);
}

gboolean
sh_secret_store_delete_finish (ShSecretStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return op_propagate_boolean (self, result, error);
}
