/* sh-secret-store-private.h — what the files of ShSecretStore share:
 * sh-secret-store.c sets operations up and runs them on the Secret Service,
 * sh-secret-store-file.c runs them through libsecret's password API (the
 * file keyring inside Flatpak), sh-secret-store-adopt.c adopts the items
 * written before the store had an id. */
#pragma once

/* The by-path calls (secret-paths.h) are behind this guard in libsecret;
 * they have kept their signatures since 0.16 (2013), and the fast load and
 * the adoption need them. */
#define SECRET_API_SUBJECT_TO_CHANGE 1
#include <libsecret/secret.h>

#include "sh-secret-store.h"

G_BEGIN_DECLS

#define ATTR_TOKEN_ID      "token-id"
#define ATTR_CHANNEL_ID    "channel-id"
#define ATTR_NETWORK       "network"
#define ATTR_VERSION       "format-version"
#define ATTR_SCOPE         "store"
#define ITEM_INTERFACE     "org.freedesktop.Secret.Item"

typedef enum {
  OP_STORE,
  OP_LOAD,
  OP_LIST_IDS,
  OP_DELETE,
  OP_LOAD_INFO,
} OpKind;

/* One keyring operation in flight: the task data of every operation's
 * GTask. The backend's libsecret call gets @inner, cancelled by the
 * caller's cancellable or by the timeout. */
typedef struct {
  OpKind        kind;
  GCancellable *inner;
  GCancellable *outer;
  gulong        outer_handler;
  guint         timeout_id;
  gboolean      timed_out;
  GHashTable   *attributes;    /* what the item is found by ("store", …) */
  char         *label;         /* OP_STORE */
  char         *secret_json;   /* OP_STORE: the item's text, wiped when freed */
  ShSecretSliceFunc on_slice;  /* OP_LOAD, sliced: told of each slice as it arrives */
  gpointer      slice_data;
} Op;

/* Where the items are: one of the two below, chosen in sh_secret_store_new()
 * (sh_secret_store_backend_for_environment()). */
typedef struct {
  ShSecretStoreBackend kind;
  /* Runs the operation of @task (its Op) and returns on @task: a table
   * (OP_LOAD: token id → ShSecret, OP_LOAD_INFO: → ShSecretInfo, OP_LIST_IDS:
   * a set) or TRUE. The task's reference goes with it. */
  void      (*run)        (GTask        *task);
  /* What libsecret said, as an SH_ERROR_KEYRING_* error (the timeout and
   * the caller's cancellation are dealt with before). */
  GError   *(*map_error)  (const GError *error);
  /* Whether items named by a path (before 0.3) can be there to adopt. */
  gboolean    adopts;
} ShSecretBackend;

extern const ShSecretBackend _sh_secret_backend_service;
extern const ShSecretBackend _sh_secret_backend_file;

struct _ShSecretStore
{
  GObject     parent_instance;

  const ShSecretBackend *backend;

  char       *scope;
  gboolean    session_collection;
  guint       timeout_ms;

  GHashTable *channels;        /* channel id -> ChannelInfo, for the items' text */

  /* adoption of items written with a path (sh-secret-store-adopt.c) */
  char       *legacy_scope;
  GHashTable *adopt_ids;       /* token ids the data file lists; NULL: nothing to adopt */
  gboolean    adopting;
  GPtrArray  *adopt_waiters;   /* GTask of operations waiting for the adoption */
  guint       n_adopted;
};

extern const SecretSchema _sh_secret_store_token_schema;

/* Runs an operation started by op_start() on the Secret Service
 * (sh-secret-store.c): the task's reference goes with it. */
void _sh_secret_store_op_proceed         (GTask         *task);
/* Returns @error (what libsecret said) on @task as an SH_ERROR_KEYRING_*
 * error, through the store's backend. */
void _sh_secret_store_op_return_error    (GTask         *task,
                                          const GError  *error);
GError *_sh_secret_store_error_locked      (void);
GError *_sh_secret_store_error_unavailable (const char  *detail);
/* What the Secret Service's errors mean (the file backend's fallback:
 * inside Flatpak without the Secret portal, libsecret's password API talks
 * to the Secret Service). */
GError *_sh_secret_store_map_service_error (const GError *error);
/* The empty result table of an OP_LOAD, OP_LOAD_INFO or OP_LIST_IDS. */
GHashTable *_sh_secret_store_new_table   (OpKind         kind);
/* Fills in what an item's text lacks from its attributes (OP_LOAD_INFO). */
void    _sh_secret_store_info_complete   (ShSecretInfo  *info,
                                          const char    *token_id,
                                          const char    *channel_id,
                                          const char    *network);
/* Holds @task until the session's adoption is over (starting it if needed),
 * then proceeds with it. */
void _sh_secret_store_adopt_then_proceed (ShSecretStore *self,
                                          GTask         *task);

G_END_DECLS
