/* sh-sandbox-world.c — people, Pages, accounts, tokens and faults of the
 * sandbox, and the rules by which a token works or dies. */
#include "config.h"

#include <json-glib/json-glib.h>
#include "sh-json.h"
#include <string.h>

#include "sh-sandbox-world.h"

#define DEFAULT_APPROVE_DELAY 3
/* Calls per hour that count as 100 % in X-App-Usage. */
#define GRAPH_HOURLY_BUDGET   10000

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

  gint64      usage_window_start;
  guint       usage_calls;
  guint       usage_floor;
};

G_DEFINE_FINAL_TYPE (ShSandboxWorld, sh_sandbox_world, G_TYPE_OBJECT)

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
  g_free (token);
}

static void
device_code_free (ShSandboxDeviceCode *code)
{
  g_free (code->code);
  g_free (code->user_code);
  g_strfreev (code->scopes);
  g_free (code->person_id);
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

static void
sh_sandbox_world_finalize (GObject *object)
{
  ShSandboxWorld *self = SH_SANDBOX_WORLD (object);

  g_ptr_array_unref (self->people);
  g_ptr_array_unref (self->pages);
  g_ptr_array_unref (self->x_accounts);
  g_hash_table_unref (self->token_index);
  g_ptr_array_unref (self->tokens);
  g_ptr_array_unref (self->device_codes);
  g_ptr_array_unref (self->x_codes);
  g_ptr_array_unref (self->x_redirects);
  g_ptr_array_unref (self->faults);
  g_free (self->forced_device_person);

  G_OBJECT_CLASS (sh_sandbox_world_parent_class)->finalize (object);
}

static void
sh_sandbox_world_class_init (ShSandboxWorldClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sh_sandbox_world_finalize;
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

static void
sh_sandbox_world_init (ShSandboxWorld *self)
{
  self->approve_delay = DEFAULT_APPROVE_DELAY;
  self->people = g_ptr_array_new_with_free_func ((GDestroyNotify) person_free);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  self->x_accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) x_account_free);
  self->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);
  self->token_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->device_codes = g_ptr_array_new_with_free_func ((GDestroyNotify) device_code_free);
  self->x_codes = g_ptr_array_new_with_free_func ((GDestroyNotify) x_code_free);
  self->x_redirects = g_ptr_array_new_with_free_func (g_free);
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sandbox_fault_free);

  /* A small agency: four people, three Pages with overlapping admins (so a
   * Page can have several people's tokens), two X accounts. */
  add_person (self, "10001", "Alice Example");
  add_person (self, "10002", "Bob Sample");
  add_person (self, "10003", "Carol Test");
  add_person (self, "10004", "Dan Demo");
  add_page (self, "104857600123", "Acme Coffee", "Coffee Shop", "10001", "10002");
  add_page (self, "104857600456", "Bakery & Sons", "Bakery", "10002", "10003");
  add_page (self, "104857600789", "Corner Bookshop", "Book Store", "10001", "10004");
  add_x_account (self, "44196397", "Acme Coffee", "acmecoffee", "10001");
  add_x_account (self, "44196398", "Bakery & Sons", "bakeryandsons", "10003");

  /* The callback SocialHub registers by default (GSettings x-redirect-port). */
  g_ptr_array_add (self->x_redirects, g_strdup ("http://127.0.0.1:8923/callback"));
}

ShSandboxWorld *
sh_sandbox_world_new (void)
{
  return g_object_new (SH_TYPE_SANDBOX_WORLD, NULL);
}

/* ---- clock ---------------------------------------------------------------- */

gint64
sh_sandbox_world_now (ShSandboxWorld *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), 0);
  return g_get_real_time () / G_USEC_PER_SEC + self->clock_offset;
}

void
sh_sandbox_world_advance (ShSandboxWorld *self,
                          gint64          seconds)
{
  g_return_if_fail (SH_IS_SANDBOX_WORLD (self));
  self->clock_offset += seconds;
}

void
sh_sandbox_world_set_approve_delay (ShSandboxWorld *self,
                                    guint           seconds)
{
  g_return_if_fail (SH_IS_SANDBOX_WORLD (self));
  self->approve_delay = seconds;
}

guint
sh_sandbox_world_get_approve_delay (ShSandboxWorld *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), 0);
  return self->approve_delay;
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

/* ---- device codes -------------------------------------------------------- */

void
sh_sandbox_world_set_next_device_person (ShSandboxWorld *self,
                                         const char     *person_id,
                                         gboolean        decline)
{
  g_free (self->forced_device_person);
  self->forced_device_person = g_strdup (person_id);
  self->decline_next_device = decline;
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

/* ---- usage ------------------------------------------------------------------------ */

guint
sh_sandbox_world_count_graph_call (ShSandboxWorld *self)
{
  gint64 now = sh_sandbox_world_now (self);

  if (now - self->usage_window_start >= 3600)
    {
      self->usage_window_start = now;
      self->usage_calls = 0;
    }
  self->usage_calls++;
  return MIN (100, MAX (self->usage_floor, self->usage_calls * 100 / GRAPH_HOURLY_BUDGET));
}

void
sh_sandbox_world_set_app_usage (ShSandboxWorld *self,
                                guint           percent)
{
  self->usage_floor = MIN (percent, 100);
}

/* ---- lasting state ----------------------------------------------------------------- */

#define STATE_VERSION 1

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_str (JsonBuilder *builder,
         const char  *name,
         const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

char *
sh_sandbox_world_save_state (ShSandboxWorld *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_int (builder, "version", STATE_VERSION);
  add_int (builder, "clock_offset", self->clock_offset);
  add_int (builder, "next_serial", (gint64) self->next_serial);
  add_int (builder, "approve_delay", self->approve_delay);
  add_int (builder, "next_device_person", self->next_device_person);

  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->people->len; i++)
    {
      ShSandboxPerson *person = g_ptr_array_index (self->people, i);

      json_builder_begin_object (builder);
      add_str (builder, "id", person->id);
      add_int (builder, "password_generation", person->password_generation);
      add_int (builder, "app_removed", person->app_removed);
      add_int (builder, "app_removed_serial", (gint64) person->app_removed_serial);
      add_int (builder, "checkpointed", person->checkpointed);
      add_int (builder, "unconfirmed", person->unconfirmed);
      add_int (builder, "x_locked", person->x_locked);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pages->len; i++)
    {
      ShSandboxPage *page = g_ptr_array_index (self->pages, i);

      json_builder_begin_object (builder);
      add_str (builder, "id", page->id);
      json_builder_set_member_name (builder, "admins");
      json_builder_begin_array (builder);
      for (guint j = 0; j < page->admin_ids->len; j++)
        json_builder_add_string_value (builder, g_ptr_array_index (page->admin_ids, j));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "x_redirects");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->x_redirects->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->x_redirects, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "tokens");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->tokens->len; i++)
    {
      ShSandboxToken *token = g_ptr_array_index (self->tokens, i);

      json_builder_begin_object (builder);
      add_str (builder, "hash", token->hash);
      add_int (builder, "serial", (gint64) token->serial);
      add_int (builder, "kind", token->kind);
      add_str (builder, "person", token->person_id);
      add_str (builder, "target", token->target_id);
      add_int (builder, "issued_at", token->issued_at);
      add_int (builder, "expires_at", token->expires_at);
      add_int (builder, "data_access_expires_at", token->data_access_expires_at);
      add_int (builder, "password_generation", token->password_generation);
      add_int (builder, "revoked", token->revoked);
      {
        ShSandboxToken *partner = sh_sandbox_world_lookup_token (self, token->partner);
        add_str (builder, "partner", partner ? partner->hash : NULL);
      }
      json_builder_set_member_name (builder, "scopes");
      json_builder_begin_array (builder);
      for (guint j = 0; token->scopes != NULL && token->scopes[j] != NULL; j++)
        json_builder_add_string_value (builder, token->scopes[j]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Missing or mistyped members read as 0 / NULL (sh-json.h). */
static gint64
get_int (JsonObject *object,
         const char *name)
{
  gint64 value = 0;

  sh_json_get_int (object, name, &value);
  return value;
}

static JsonObject *
element_object (JsonArray *array,
                guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Replaces the seeded state with a saved one. A state that cannot be read
 * leaves the world as it was and says why. */
gboolean
sh_sandbox_world_load_state (ShSandboxWorld  *self,
                             const char      *json,
                             GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      get_int (json_node_get_object (json_parser_get_root (parser)), "version") != STATE_VERSION)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "not a sandbox state of this version");
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  self->clock_offset = get_int (root, "clock_offset");
  self->next_serial = (guint64) get_int (root, "next_serial");
  self->approve_delay = (guint) get_int (root, "approve_delay");
  self->next_device_person = (guint) get_int (root, "next_device_person");

  array = sh_json_get_array (root, "people");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (array, i);
      ShSandboxPerson *person = object ? sh_sandbox_world_get_person (self, sh_json_get_string (object, "id")) : NULL;

      if (person == NULL)
        continue;
      person->password_generation = (guint) get_int (object, "password_generation");
      person->app_removed = get_int (object, "app_removed") != 0;
      person->app_removed_serial = (guint64) get_int (object, "app_removed_serial");
      person->checkpointed = get_int (object, "checkpointed") != 0;
      person->unconfirmed = get_int (object, "unconfirmed") != 0;
      person->x_locked = get_int (object, "x_locked") != 0;
    }

  array = sh_json_get_array (root, "pages");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (array, i);
      ShSandboxPage *page = object ? sh_sandbox_world_get_page (self, sh_json_get_string (object, "id")) : NULL;
      JsonArray *admins = object ? sh_json_get_array (object, "admins") : NULL;

      if (page == NULL || admins == NULL)
        continue;
      g_ptr_array_set_size (page->admin_ids, 0);
      for (guint j = 0; j < json_array_get_length (admins); j++)
        g_ptr_array_add (page->admin_ids, g_strdup (json_array_get_string_element (admins, j)));
    }

  array = sh_json_get_array (root, "x_redirects");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    sh_sandbox_world_allow_x_redirect (self, json_array_get_string_element (array, i));

  array = sh_json_get_array (root, "tokens");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (array, i);
      JsonArray *scopes = object ? sh_json_get_array (object, "scopes") : NULL;
      g_autoptr(GStrvBuilder) scope_builder = g_strv_builder_new ();
      ShSandboxToken *token;

      if (object == NULL || sh_json_get_string (object, "hash") == NULL ||
          sh_json_get_string (object, "person") == NULL ||
          g_hash_table_contains (self->token_index, sh_json_get_string (object, "hash")))
        continue;
      token = g_new0 (ShSandboxToken, 1);
      token->hash = g_strdup (sh_json_get_string (object, "hash"));
      token->serial = (guint64) get_int (object, "serial");
      token->kind = (ShSandboxTokenKind) CLAMP (get_int (object, "kind"), 0, SH_SANDBOX_TOKEN_X_REFRESH);
      token->person_id = g_strdup (sh_json_get_string (object, "person"));
      token->target_id = g_strdup (sh_json_get_string (object, "target"));
      token->issued_at = get_int (object, "issued_at");
      token->expires_at = get_int (object, "expires_at");
      token->data_access_expires_at = get_int (object, "data_access_expires_at");
      token->password_generation = (guint) get_int (object, "password_generation");
      token->revoked = get_int (object, "revoked") != 0;
      token->partner = g_strdup (sh_json_get_string (object, "partner"));
      for (guint j = 0; scopes != NULL && j < json_array_get_length (scopes); j++)
        g_strv_builder_add (scope_builder, json_array_get_string_element (scopes, j));
      token->scopes = g_strv_builder_end (scope_builder);
      g_ptr_array_add (self->tokens, token);
      g_hash_table_insert (self->token_index, token->hash, token);
    }
  return TRUE;
}
