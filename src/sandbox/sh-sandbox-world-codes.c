/* sh-sandbox-world-codes.c — the short-lived codes of a sign-in: device
 * codes (Facebook Login for Devices) with who approves them, X authorization
 * codes, and the redirect URIs registered for the sandbox's X app. */
#include "config.h"

#include "sh-sandbox-world-private.h"

/* ---- code lifetimes ------------------------------------------------------ */

static void
device_code_free (ShSandboxDeviceCode *code)
{
  g_free (code->code);
  g_free (code->user_code);
  g_strfreev (code->scopes);
  g_free (code->person_id);
  g_free (code->declined_scope);
  g_free (code);
}

static void
x_code_free (ShSandboxXCode *code)
{
  g_free (code->code);
  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->code_challenge);
  g_free (code->scope);
  g_free (code->x_account_id);
  g_free (code);
}
void
_sh_sandbox_world_init_codes (ShSandboxWorld *self)
{
  self->device_codes = g_ptr_array_new_with_free_func ((GDestroyNotify) device_code_free);
  self->x_codes = g_ptr_array_new_with_free_func ((GDestroyNotify) x_code_free);
  self->x_redirects = g_ptr_array_new_with_free_func (g_free);

  /* The callback SocialHub registers by default (GSettings x-redirect-port). */
  g_ptr_array_add (self->x_redirects, g_strdup ("http://127.0.0.1:8923/callback"));
}

/* ---- device codes -------------------------------------------------------- */

void
sh_sandbox_world_set_next_device_person (ShSandboxWorld *self,
                                         const char     *person_id,
                                         gboolean        decline)
{
  g_free (self->forced_device_person);
  self->forced_device_person = g_strdup (person_id);
  self->decline_next_device = decline;
  g_clear_pointer (&self->decline_next_scope, g_free);
}

void
sh_sandbox_world_set_next_device_declined_scope (ShSandboxWorld *self,
                                                 const char     *scope)
{
  g_free (self->decline_next_scope);
  self->decline_next_scope = scope != NULL && *scope != '\0' ? g_strdup (scope) : NULL;
}

void
sh_sandbox_world_set_approver (ShSandboxWorld *self,
                               const char     *person_id)
{
  g_free (self->approver);
  self->approver = person_id != NULL && *person_id != '\0' ? g_strdup (person_id) : NULL;
}

const char *
sh_sandbox_world_get_approver (ShSandboxWorld *self)
{
  return self->approver;
}

ShSandboxXAccount *
sh_sandbox_world_x_account_of (ShSandboxWorld *self,
                               const char     *person_id)
{
  for (guint i = 0; person_id != NULL && i < self->x_accounts->len; i++)
    {
      ShSandboxXAccount *account = g_ptr_array_index (self->x_accounts, i);

      if (g_str_equal (account->owner_id, person_id))
        return account;
    }
  return NULL;
}

ShSandboxDeviceCode *
sh_sandbox_world_new_device_code (ShSandboxWorld     *self,
                                  const char * const *scopes)
{
  static const char user_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  ShSandboxDeviceCode *code = g_new0 (ShSandboxDeviceCode, 1);
  ShSandboxPerson *person;

  code->code = sh_sandbox_random_string ("", 32);
  code->user_code = g_malloc0 (9);
  for (guint i = 0; i < 8; i++)
    code->user_code[i] = user_alphabet[g_random_int_range (0, sizeof user_alphabet - 1)];
  code->scopes = g_strdupv ((char **) scopes);
  code->created_at = sh_sandbox_world_now (self);
  code->approve_at = code->created_at + self->approve_delay;

  if (self->forced_device_person != NULL)
    {
      code->person_id = g_steal_pointer (&self->forced_device_person);
      code->state = self->decline_next_device ? SH_SANDBOX_DEVICE_DECLINED
                                              : SH_SANDBOX_DEVICE_PENDING;
      self->decline_next_device = FALSE;
      code->declined_scope = g_steal_pointer (&self->decline_next_scope);
    }
  else if (self->approver != NULL)
    {
      code->person_id = g_strdup (self->approver);
      code->state = SH_SANDBOX_DEVICE_PENDING;
    }
  else
    {
      person = g_ptr_array_index (self->people, self->next_device_person++ % self->people->len);
      code->person_id = g_strdup (person->id);
      code->state = SH_SANDBOX_DEVICE_PENDING;
    }

  g_ptr_array_add (self->device_codes, code);
  return code;
}

ShSandboxDeviceCode *
sh_sandbox_world_lookup_device_code (ShSandboxWorld *self,
                                     const char     *code)
{
  for (guint i = 0; code != NULL && i < self->device_codes->len; i++)
    {
      ShSandboxDeviceCode *item = g_ptr_array_index (self->device_codes, i);

      if (g_str_equal (item->code, code))
        return item;
    }
  return NULL;
}

ShSandboxDeviceCode *
sh_sandbox_world_lookup_user_code (ShSandboxWorld *self,
                                   const char     *user_code)
{
  for (guint i = 0; user_code != NULL && i < self->device_codes->len; i++)
    {
      ShSandboxDeviceCode *item = g_ptr_array_index (self->device_codes, i);

      if (g_ascii_strcasecmp (item->user_code, user_code) == 0)
        return item;
    }
  return NULL;
}

/* ---- X codes ------------------------------------------------------------------ */

ShSandboxXCode *
sh_sandbox_world_new_x_code (ShSandboxWorld *self,
                             const char     *client_id,
                             const char     *redirect_uri,
                             const char     *code_challenge,
                             const char     *scope,
                             const char     *x_account_id)
{
  ShSandboxXCode *code = g_new0 (ShSandboxXCode, 1);

  code->code = sh_sandbox_random_string ("", 80);
  code->client_id = g_strdup (client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->code_challenge = g_strdup (code_challenge);
  code->scope = g_strdup (scope);
  code->x_account_id = g_strdup (x_account_id);
  code->created_at = sh_sandbox_world_now (self);
  g_ptr_array_add (self->x_codes, code);
  return code;
}

ShSandboxXCode *
sh_sandbox_world_lookup_x_code (ShSandboxWorld *self,
                                const char     *code)
{
  for (guint i = 0; code != NULL && i < self->x_codes->len; i++)
    {
      ShSandboxXCode *item = g_ptr_array_index (self->x_codes, i);

      if (g_str_equal (item->code, code))
        return item;
    }
  return NULL;
}

gboolean
sh_sandbox_world_x_redirect_allowed (ShSandboxWorld *self,
                                     const char     *redirect_uri)
{
  for (guint i = 0; redirect_uri != NULL && i < self->x_redirects->len; i++)
    if (g_str_equal (g_ptr_array_index (self->x_redirects, i), redirect_uri))
      return TRUE;
  return FALSE;
}

void
sh_sandbox_world_allow_x_redirect (ShSandboxWorld *self,
                                   const char     *redirect_uri)
{
  if (!sh_sandbox_world_x_redirect_allowed (self, redirect_uri))
    g_ptr_array_add (self->x_redirects, g_strdup (redirect_uri));
}
