/* sh-sandbox-world-faults.c — what a test or a person asked to go wrong:
 * people and tokens broken on purpose (a changed password, a removed app, a
 * lost role, …) and request faults that the server applies (latency, 5xx,
 * throttling, broken bodies). */
#include "config.h"

#include "sh-sandbox-world-private.h"

void
sh_sandbox_fault_free (ShSandboxFault *fault)
{
  if (fault == NULL)
    return;
  g_free (fault->network);
  g_free (fault->path_prefix);
  g_free (fault->x_form);
  g_free (fault);
}

static ShSandboxFault *
fault_copy (const ShSandboxFault *fault)
{
  ShSandboxFault *copy = g_memdup2 (fault, sizeof *fault);

  copy->network = g_strdup (fault->network);
  copy->path_prefix = g_strdup (fault->path_prefix);
  copy->x_form = g_strdup (fault->x_form);
  return copy;
}

/* ---- breaking things ---------------------------------------------------------- */

gboolean
sh_sandbox_world_change_password (ShSandboxWorld *self,
                                  const char     *person_id)
{
  ShSandboxPerson *person = sh_sandbox_world_get_person (self, person_id);

  if (person == NULL)
    return FALSE;
  person->password_generation++;
  return TRUE;
}

gboolean
sh_sandbox_world_remove_app (ShSandboxWorld *self,
                             const char     *person_id)
{
  ShSandboxPerson *person = sh_sandbox_world_get_person (self, person_id);

  if (person == NULL)
    return FALSE;
  person->app_removed = TRUE;
  person->app_removed_serial = self->next_serial;
  return TRUE;
}

void
sh_sandbox_world_grant_app (ShSandboxWorld *self,
                            const char     *person_id)
{
  ShSandboxPerson *person = sh_sandbox_world_get_person (self, person_id);

  if (person != NULL)
    person->app_removed = FALSE;
}

gboolean
sh_sandbox_world_checkpoint (ShSandboxWorld *self,
                             const char     *person_id)
{
  ShSandboxPerson *person = sh_sandbox_world_get_person (self, person_id);

  if (person == NULL)
    return FALSE;
  person->checkpointed = TRUE;
  return TRUE;
}

gboolean
sh_sandbox_world_remove_role (ShSandboxWorld *self,
                              const char     *page_id,
                              const char     *person_id)
{
  ShSandboxPage *page = sh_sandbox_world_get_page (self, page_id);

  if (page == NULL)
    return FALSE;
  for (guint i = 0; i < page->admin_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (page->admin_ids, i), person_id))
      {
        g_ptr_array_remove_index (page->admin_ids, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
sh_sandbox_world_expire_token (ShSandboxWorld *self,
                               const char     *value)
{
  ShSandboxToken *token = sh_sandbox_world_lookup_token (self, value);

  if (token == NULL)
    return FALSE;
  token->expires_at = sh_sandbox_world_now (self);
  return TRUE;
}

gboolean
sh_sandbox_world_revoke_token (ShSandboxWorld *self,
                               const char     *value)
{
  ShSandboxToken *token = sh_sandbox_world_lookup_token (self, value);

  if (token == NULL)
    return FALSE;
  token->revoked = TRUE;
  /* Revoking an X refresh token ends its access token too. */
  if (token->kind == SH_SANDBOX_TOKEN_X_REFRESH && token->partner != NULL)
    {
      ShSandboxToken *partner = sh_sandbox_world_lookup_token (self, token->partner);

      if (partner != NULL)
        partner->revoked = TRUE;
    }
  return TRUE;
}

gboolean
sh_sandbox_world_restore_person (ShSandboxWorld *self,
                                 const char     *person_id)
{
  ShSandboxPerson *person = sh_sandbox_world_get_person (self, person_id);

  if (person == NULL)
    return FALSE;
  person->checkpointed = FALSE;
  person->unconfirmed = FALSE;
  person->x_locked = FALSE;
  person->app_removed = FALSE;
  person->instagram_withheld = FALSE;
  return TRUE;
}

/* ---- faults ---------------------------------------------------------------------- */

void
sh_sandbox_world_add_fault (ShSandboxWorld *self,
                            ShSandboxFault *fault)
{
  g_return_if_fail (fault != NULL && fault->network != NULL);
  if (fault->remaining == 0)
    fault->remaining = -1;
  g_ptr_array_add (self->faults, fault);
}

void
sh_sandbox_world_clear_faults (ShSandboxWorld *self)
{
  g_ptr_array_set_size (self->faults, 0);
}

ShSandboxFault *
sh_sandbox_world_take_fault (ShSandboxWorld *self,
                             const char     *network,
                             const char     *path)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      ShSandboxFault *fault = g_ptr_array_index (self->faults, i);
      ShSandboxFault *copy;

      if (!g_str_equal (fault->network, network) ||
          (fault->path_prefix != NULL && !g_str_has_prefix (path, fault->path_prefix)))
        continue;

      copy = fault_copy (fault);
      if (fault->remaining > 0 && --fault->remaining == 0)
        g_ptr_array_remove_index (self->faults, i);
      return copy;
    }
  return NULL;
}
