/* sh-sandbox-world-records.c — the sandbox's people, Pages and X accounts
 * (a small seeded agency, or more for benchmarks), and the tokens issued to
 * them with the rules by which a token works or dies. */
#include "config.h"

#include "sh-sandbox-world-private.h"

/* ---- record lifetimes -------------------------------------------------- */

static void
person_free (ShSandboxPerson *person)
{
  g_free (person->id);
  g_free (person->name);
  g_free (person->picture_url);
  g_free (person);
}

static void
page_free (ShSandboxPage *page)
{
  g_free (page->id);
  g_free (page->name);
  g_free (page->picture_url);
  g_free (page->category);
  g_ptr_array_unref (page->admin_ids);
  g_free (page->instagram_id);
  g_free (page->instagram_username);
  g_free (page->instagram_name);
  g_free (page);
}

static void
x_account_free (ShSandboxXAccount *account)
{
  g_free (account->id);
  g_free (account->name);
  g_free (account->username);
  g_free (account->picture_url);
  g_free (account->owner_id);
  g_free (account);
}

static void
token_free (ShSandboxToken *token)
{
  g_free (token->value);
  g_free (token->hash);
  g_free (token->person_id);
  g_free (token->target_id);
  g_free (token->partner);
  g_strfreev (token->scopes);
  g_strfreev (token->declined);
  g_free (token);
}

/* ---- the seeded world --------------------------------------------------- */

static void
add_person (ShSandboxWorld *self,
            const char     *id,
            const char     *name)
{
  ShSandboxPerson *person = g_new0 (ShSandboxPerson, 1);

  person->id = g_strdup (id);
  person->name = g_strdup (name);
  person->picture_url = g_strdup_printf ("/pictures/%s.svg", id);
  g_ptr_array_add (self->people, person);
}

static void
add_page (ShSandboxWorld *self,
          const char     *id,
          const char     *name,
          const char     *category,
          const char     *admin1,
          const char     *admin2)
{
  ShSandboxPage *page = g_new0 (ShSandboxPage, 1);

  page->id = g_strdup (id);
  page->name = g_strdup (name);
  page->category = g_strdup (category);
  page->picture_url = g_strdup_printf ("/pictures/%s.svg", id);
  page->admin_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (page->admin_ids, g_strdup (admin1));
  if (admin2 != NULL)
    g_ptr_array_add (page->admin_ids, g_strdup (admin2));
  g_ptr_array_add (self->pages, page);
}

static void
add_x_account (ShSandboxWorld *self,
               const char     *id,
               const char     *name,
               const char     *username,
               const char     *owner_id)
{
  ShSandboxXAccount *account = g_new0 (ShSandboxXAccount, 1);

  account->id = g_strdup (id);
  account->name = g_strdup (name);
  account->username = g_strdup (username);
  account->owner_id = g_strdup (owner_id);
  account->picture_url = g_strdup_printf ("/pictures/%s.svg", id);
  g_ptr_array_add (self->x_accounts, account);
}
void
_sh_sandbox_world_init_records (ShSandboxWorld *self)
{
  self->people = g_ptr_array_new_with_free_func ((GDestroyNotify) person_free);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  self->x_accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) x_account_free);
  self->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);
  self->token_index = g_hash_table_new (g_str_hash, g_str_equal);

  /* A small agency: four people, three Pages with overlapping admins (so a
   * Page can have several people's tokens), two X accounts. */
  add_person (self, "10001", "Alice Example");
  add_person (self, "10002", "Bob Sample");
  add_person (self, "10003", "Carol Test");
  add_person (self, "10004", "Dan Demo");
  add_page (self, "104857600123", "Acme Coffee", "Coffee Shop", "10001", "10002");
  add_page (self, "104857600456", "Bakery & Sons", "Bakery", "10002", "10003");
  add_page (self, "104857600789", "Corner Bookshop", "Book Store", "10001", "10004");
  /* Two of the Pages have their Instagram professional account linked. */
  sh_sandbox_world_link_instagram (self, "104857600123", "17841400000000123", "acmecoffee");
  sh_sandbox_world_link_instagram (self, "104857600456", "17841400000000456", "bakeryandsons");
  add_x_account (self, "44196397", "Acme Coffee", "acmecoffee", "10001");
  add_x_account (self, "44196398", "Bakery & Sons", "bakeryandsons", "10003");
}

/* ---- lookups ---------------------------------------------------------------- */

#define FIND_BY_ID(array, type, wanted)                                  \
  G_STMT_START {                                                         \
    for (guint i_ = 0; wanted != NULL && i_ < (array)->len; i_++)        \
      {                                                                  \
        type *item_ = g_ptr_array_index ((array), i_);                   \
        if (g_str_equal (item_->id, wanted))                             \
          return item_;                                                  \
      }                                                                  \
    return NULL;                                                         \
  } G_STMT_END

ShSandboxPerson *
sh_sandbox_world_get_person (ShSandboxWorld *self,
                             const char     *id)
{
  FIND_BY_ID (self->people, ShSandboxPerson, id);
}

ShSandboxPage *
sh_sandbox_world_get_page (ShSandboxWorld *self,
                           const char     *id)
{
  FIND_BY_ID (self->pages, ShSandboxPage, id);
}

ShSandboxPerson *
sh_sandbox_world_add_person (ShSandboxWorld *self,
                             const char     *id,
                             const char     *name)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), NULL);
  g_return_val_if_fail (id != NULL && sh_sandbox_world_get_person (self, id) == NULL, NULL);

  add_person (self, id, name != NULL ? name : id);
  return g_ptr_array_index (self->people, self->people->len - 1);
}

ShSandboxPage *
sh_sandbox_world_add_page (ShSandboxWorld *self,
                           const char     *id,
                           const char     *name,
                           const char     *admin_id)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), NULL);
  g_return_val_if_fail (id != NULL && sh_sandbox_world_get_page (self, id) == NULL, NULL);
  g_return_val_if_fail (sh_sandbox_world_get_person (self, admin_id) != NULL, NULL);

  add_page (self, id, name != NULL ? name : id, "Local Business", admin_id, NULL);
  return g_ptr_array_index (self->pages, self->pages->len - 1);
}

ShSandboxXAccount *
sh_sandbox_world_add_x_account (ShSandboxWorld *self,
                                const char     *id,
                                const char     *username,
                                const char     *owner_id)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), NULL);
  g_return_val_if_fail (id != NULL && username != NULL, NULL);
  g_return_val_if_fail (sh_sandbox_world_get_x_account (self, id) == NULL, NULL);
  g_return_val_if_fail (sh_sandbox_world_get_person (self, owner_id) != NULL, NULL);

  add_x_account (self, id, username, username, owner_id);
  return g_ptr_array_index (self->x_accounts, self->x_accounts->len - 1);
}

ShSandboxXAccount *
sh_sandbox_world_get_x_account (ShSandboxWorld *self,
                                const char     *id)
{
  FIND_BY_ID (self->x_accounts, ShSandboxXAccount, id);
}

GPtrArray *
sh_sandbox_world_list_people (ShSandboxWorld *self)
{
  return self->people;
}

GPtrArray *
sh_sandbox_world_list_pages (ShSandboxWorld *self)
{
  return self->pages;
}

GPtrArray *
sh_sandbox_world_list_x_accounts (ShSandboxWorld *self)
{
  return self->x_accounts;
}

GPtrArray *
sh_sandbox_world_list_tokens (ShSandboxWorld *self)
{
  return self->tokens;
}

gboolean
sh_sandbox_world_has_role (ShSandboxWorld *self,
                           const char     *page_id,
                           const char     *person_id)
{
  ShSandboxPage *page = sh_sandbox_world_get_page (self, page_id);

  if (page == NULL || person_id == NULL)
    return FALSE;
  for (guint i = 0; i < page->admin_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (page->admin_ids, i), person_id))
      return TRUE;
  return FALSE;
}

GPtrArray *
sh_sandbox_world_pages_of (ShSandboxWorld *self,
                           const char     *person_id)
{
  GPtrArray *pages = g_ptr_array_new ();

  for (guint i = 0; i < self->pages->len; i++)
    {
      ShSandboxPage *page = g_ptr_array_index (self->pages, i);

      if (sh_sandbox_world_has_role (self, page->id, person_id))
        g_ptr_array_add (pages, page);
    }
  return pages;
}

/* ---- tokens ------------------------------------------------------------------ */

char *
sh_sandbox_random_string (const char *prefix,
                          guint       n_random)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  GString *out = g_string_new (prefix);

  for (guint i = 0; i < n_random; i++)
    g_string_append_c (out, alphabet[g_random_int_range (0, 64)]);
  return g_string_free (out, FALSE);
}

ShSandboxToken *
sh_sandbox_world_issue_token (ShSandboxWorld      *self,
                              ShSandboxTokenKind   kind,
                              const char          *person_id,
                              const char          *target_id,
                              gint64               lifetime,
                              const char * const  *scopes)
{
  ShSandboxPerson *person = sh_sandbox_world_get_person (self, person_id);
  ShSandboxToken *token = g_new0 (ShSandboxToken, 1);
  gint64 now = sh_sandbox_world_now (self);

  g_return_val_if_fail (person != NULL, NULL);

  /* Shapes like the real ones: Facebook tokens start with EAA and run to a
   * couple of hundred characters; X tokens are shorter base64. */
  switch (kind)
    {
    case SH_SANDBOX_TOKEN_FB_USER:
    case SH_SANDBOX_TOKEN_FB_PAGE:
      token->value = sh_sandbox_random_string ("EAA", 180);
      break;
    case SH_SANDBOX_TOKEN_X_ACCESS:
    case SH_SANDBOX_TOKEN_X_REFRESH:
    default:
      token->value = sh_sandbox_random_string ("", 91);
      break;
    }
  token->serial = ++self->next_serial;
  token->kind = kind;
  token->person_id = g_strdup (person_id);
  token->target_id = g_strdup (target_id);
  token->issued_at = now;
  token->expires_at = lifetime > 0 ? now + lifetime : 0;
  if (kind == SH_SANDBOX_TOKEN_FB_USER || kind == SH_SANDBOX_TOKEN_FB_PAGE)
    token->data_access_expires_at = now + SH_SANDBOX_FB_DATA_ACCESS;
  token->password_generation = person->password_generation;
  token->scopes = g_strdupv ((char **) scopes);

  token->hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token->value, -1);

  g_ptr_array_add (self->tokens, token);
  g_hash_table_insert (self->token_index, token->hash, token);
  return token;
}

ShSandboxToken *
sh_sandbox_world_issue_x_pair (ShSandboxWorld  *self,
                               const char      *person_id,
                               const char      *x_account_id,
                               ShSandboxToken **out_refresh)
{
  static const char * const scopes[] = { "tweet.read", "users.read", "offline.access", NULL };
  ShSandboxToken *token, *refresh;

  token = sh_sandbox_world_issue_token (self, SH_SANDBOX_TOKEN_X_ACCESS, person_id, x_account_id,
                                        SH_SANDBOX_X_ACCESS_LIFETIME, scopes);
  refresh = sh_sandbox_world_issue_token (self, SH_SANDBOX_TOKEN_X_REFRESH, person_id,
                                          x_account_id, 0, scopes);
  token->partner = g_strdup (refresh->value);
  refresh->partner = g_strdup (token->value);
  if (out_refresh != NULL)
    *out_refresh = refresh;
  return token;
}

ShSandboxToken *
sh_sandbox_world_lookup_token (ShSandboxWorld *self,
                               const char     *value)
{
  g_autofree char *hash = NULL;
  ShSandboxToken *token;

  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), NULL);

  if (value == NULL)
    return NULL;
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, value, -1);
  token = g_hash_table_lookup (self->token_index, hash);
  if (token != NULL)
    {
      /* A restored token shows its value again once someone presents it. */
      if (token->value == NULL)
        token->value = g_strdup (value);
      return token;
    }
  return g_hash_table_lookup (self->token_index, value);
}

ShSandboxTokenStatus
sh_sandbox_world_check_token (ShSandboxWorld *self,
                              ShSandboxToken *token)
{
  ShSandboxPerson *person;

  if (token == NULL)
    return SH_SANDBOX_TOKEN_UNKNOWN;
  person = sh_sandbox_world_get_person (self, token->person_id);

  if (token->revoked)
    return SH_SANDBOX_TOKEN_REVOKED;
  if (token->expires_at != 0 && sh_sandbox_world_now (self) >= token->expires_at)
    return SH_SANDBOX_TOKEN_EXPIRED;

  if (token->kind == SH_SANDBOX_TOKEN_X_ACCESS || token->kind == SH_SANDBOX_TOKEN_X_REFRESH)
    return person->x_locked ? SH_SANDBOX_TOKEN_LOCKED : SH_SANDBOX_TOKEN_OK;

  if (token->password_generation != person->password_generation)
    return SH_SANDBOX_TOKEN_PASSWORD_CHANGED;
  if (token->serial <= person->app_removed_serial)
    return SH_SANDBOX_TOKEN_APP_REMOVED;
  if (person->checkpointed)
    return SH_SANDBOX_TOKEN_CHECKPOINT;
  if (person->unconfirmed)
    return SH_SANDBOX_TOKEN_UNCONFIRMED;
  if (token->kind == SH_SANDBOX_TOKEN_FB_PAGE &&
      !sh_sandbox_world_has_role (self, token->target_id, token->person_id))
    return SH_SANDBOX_TOKEN_ROLE_LOST;
  return SH_SANDBOX_TOKEN_OK;
}

/* ---- Instagram professional accounts ----------------------------------------- */

gboolean
sh_sandbox_world_link_instagram (ShSandboxWorld *self,
                                 const char     *page_id,
                                 const char     *instagram_id,
                                 const char     *username)
{
  ShSandboxPage *page = sh_sandbox_world_get_page (self, page_id);

  if (page == NULL || instagram_id == NULL || *instagram_id == '\0' || username == NULL ||
      sh_sandbox_world_instagram_page (self, instagram_id) != NULL)
    return FALSE;
  g_free (page->instagram_id);
  g_free (page->instagram_username);
  g_free (page->instagram_name);
  page->instagram_id = g_strdup (instagram_id);
  page->instagram_username = g_strdup (username);
  page->instagram_name = g_strdup (page->name);
  return TRUE;
}

gboolean
sh_sandbox_world_unlink_instagram (ShSandboxWorld *self,
                                   const char     *page_id)
{
  ShSandboxPage *page = sh_sandbox_world_get_page (self, page_id);

  if (page == NULL || page->instagram_id == NULL)
    return FALSE;
  g_clear_pointer (&page->instagram_id, g_free);
  g_clear_pointer (&page->instagram_username, g_free);
  g_clear_pointer (&page->instagram_name, g_free);
  return TRUE;
}

gboolean
sh_sandbox_world_withhold_instagram (ShSandboxWorld *self,
                                     const char     *person_id)
{
  ShSandboxPerson *person = sh_sandbox_world_get_person (self, person_id);

  if (person == NULL)
    return FALSE;
  person->instagram_withheld = TRUE;
  return TRUE;
}

ShSandboxPage *
sh_sandbox_world_instagram_page (ShSandboxWorld *self,
                                 const char     *instagram_id)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), NULL);

  for (guint i = 0; instagram_id != NULL && i < self->pages->len; i++)
    {
      ShSandboxPage *page = g_ptr_array_index (self->pages, i);

      if (g_strcmp0 (page->instagram_id, instagram_id) == 0)
        return page;
    }
  return NULL;
}
