/* sh-secret-store-private.h — what the files of ShSecretStore share:
 * sh-secret-store.c runs the keyring operations, sh-secret-store-adopt.c
 * adopts the items written before the store had an id. */
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

struct _ShSecretStore
{
  GObject     parent_instance;

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

/* Runs an operation started by op_start() (sh-secret-store.c): the task's
 * reference goes with it. */
void _sh_secret_store_op_proceed         (GTask         *task);
/* Holds @task until the session's adoption is over (starting it if needed),
 * then proceeds with it. */
void _sh_secret_store_adopt_then_proceed (ShSecretStore *self,
                                          GTask         *task);

G_END_DECLS
