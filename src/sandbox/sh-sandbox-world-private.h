/* sh-sandbox-world-private.h — the world's state, shared by the files that
 * make up ShSandboxWorld (gnome-text-editor's way: one object, one struct,
 * files by concern):
 *
 *   sh-sandbox-world.c          the object, its clock and the Graph usage count
 *   sh-sandbox-world-records.c  people, Pages, X accounts and issued tokens
 *   sh-sandbox-world-codes.c    device codes and X authorization codes
 *   sh-sandbox-world-faults.c   what a test or a person broke on purpose
 *   sh-sandbox-world-state.c    the lasting state saved between runs
 */
#pragma once

#include "sh-sandbox-world.h"

G_BEGIN_DECLS

struct _ShSandboxWorld
{
  GObject     parent_instance;

  gint64      clock_offset;
  guint       approve_delay;
  guint64     next_serial;

  GPtrArray  *people;        /* ShSandboxPerson */
  GPtrArray  *pages;         /* ShSandboxPage */
  GPtrArray  *x_accounts;    /* ShSandboxXAccount */
  GPtrArray  *tokens;        /* ShSandboxToken, in issue order */
  GHashTable *token_index;   /* SHA-256 of the value → ShSandboxToken */
  GPtrArray  *device_codes;  /* ShSandboxDeviceCode */
  GPtrArray  *x_codes;       /* ShSandboxXCode */
  GPtrArray  *x_redirects;   /* char * */
  GPtrArray  *faults;        /* ShSandboxFault */

  guint       next_device_person;
  char       *forced_device_person;
  gboolean    decline_next_device;
  char       *decline_next_scope;     /* the forced person's next code leaves it out */
  char       *approver;      /* who approves every sign-in; NULL: turns */

  gint64      usage_window_start;
  guint       usage_calls;
  guint       usage_floor;
  guint       usage_budget;     /* calls an hour that are 100 %, 0: the default */
  guint       usage_peak;       /* the highest percent any answer carried */
  GHashTable *page_usage;       /* Page id → its own hour (sh-sandbox-world.c) */
  guint       page_budget;      /* calls an hour that are 100 % of a Page's
                                 * own budget, 0: the default */
};

/* Each file sets up the arrays it owns; the object frees them. */
void _sh_sandbox_world_init_records (ShSandboxWorld *self);
void _sh_sandbox_world_init_codes   (ShSandboxWorld *self);

G_END_DECLS
