/* sh-sandbox-graph-nodes.c — the Graph nodes a token checker reads
 * (docs/network-behaviour.md, "Checking a token from a desktop app"):
 *
 *   GET    /me?fields=id,name          the person (user token) or the Page
 *   GET    /me/accounts?fields=…       one new Page token per Page with a role
 *   GET    /me/permissions             the token's scopes, granted
 *   DELETE /me/permissions             the person removes the app
 *   GET    /{page-id}?fields=…         a Page the person has a role on, with
 *          instagram_business_account{id,username,name,profile_picture_url}
 *          when an Instagram professional account is linked to it
 *   GET    /{ig-user-id}?fields=id,username  that account, with a token of its Page
 *
 * Every function here runs with request->token set to a working token.
 */
#include "config.h"

#include <string.h>

#include "sh-sandbox-graph-private.h"

#define PICTURE_SIZE 50

/* What a token issued without scopes (the control endpoint's) stands for. */
static const char * const default_scopes[] = { "pages_show_list", NULL };

static const char * const page_tasks[] = {
  "ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE", NULL
};

static const char * const *
token_scopes (ShSandboxToken *token)
{
  return token->scopes != NULL ? (const char * const *) token->scopes : default_scopes;
}

/* "id,name,picture{url},picture.type(large)" → { "id", "name", "picture",
 * "picture" }: field names at the top level, modifiers dropped. */
static char **
parse_fields (const char *fields,
              const char *defaults)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) name = g_string_new (NULL);
  const char *p = fields != NULL ? fields : defaults;
  int depth = 0;
  gboolean in_modifier = FALSE;

  for (;; p++)
    {
      if (*p == '\0' || (*p == ',' && depth == 0))
        {
          g_strstrip (name->str);
          if (name->str[0] != '\0')
            g_strv_builder_add (builder, name->str);
          g_string_truncate (name, 0);
          in_modifier = FALSE;
          if (*p == '\0')
            break;
          continue;
        }
      if (*p == '{' || *p == '(')
        depth++;
      else if ((*p == '}' || *p == ')') && depth > 0)
        depth--;
      if (*p == '{' || *p == '(' || *p == '.')
        in_modifier = TRUE;
      if (!in_modifier && depth == 0)
        g_string_append_c (name, *p);
    }
  return g_strv_builder_end (builder);
}

static void
add_picture (JsonBuilder    *builder,
             ShGraphRequest *request,
             const char     *picture_url)
{
  g_autofree char *url = NULL;

  if (picture_url == NULL)
    url = g_strdup_printf ("%s/pictures/silhouette.svg", request->base_url);
  else if (picture_url[0] == '/')
    url = g_strconcat (request->base_url, picture_url, NULL);
  else
    url = g_strdup (picture_url);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, PICTURE_SIZE);
  json_builder_set_member_name (builder, "is_silhouette");
  json_builder_add_boolean_value (builder, picture_url == NULL);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, PICTURE_SIZE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_string_array (JsonBuilder        *builder,
                  const char * const *values)
{
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* Adds the person's @fields to the open object; the unknown field's name
 * otherwise. */
static const char *
add_person_fields (JsonBuilder     *builder,
                   ShGraphRequest  *request,
                   ShSandboxPerson *person,
                   char           **fields)
{
  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *field = fields[i];

      json_builder_set_member_name (builder, field);
      if (g_str_equal (field, "id"))
        json_builder_add_string_value (builder, person->id);
      else if (g_str_equal (field, "name"))
        json_builder_add_string_value (builder, person->name);
      else if (g_str_equal (field, "picture"))
        add_picture (builder, request, person->picture_url);
      else
        return field;
    }
  return NULL;
}

/* A Page's access_token: a new Page token for a person asking with their
 * user token (expires never: docs/network-behaviour.md), the token itself for a Page
 * token. */
static const char *
page_token_for (ShGraphRequest *request,
                ShSandboxPage  *page)
{
  ShSandboxToken *user = request->token;
  ShSandboxToken *token;

  if (user->kind == SH_SANDBOX_TOKEN_FB_PAGE)
    return user->value;
  token = sh_sandbox_world_issue_token (request->world, SH_SANDBOX_TOKEN_FB_PAGE,
                                        user->person_id, page->id, 0,
                                        (const char * const *) user->scopes);
  return token->value;
}

static void
add_instagram_account (JsonBuilder    *builder,
                       ShGraphRequest *request,
                       ShSandboxPage  *page)
{
  g_autofree char *picture = g_strdup_printf ("%s/pictures/%s.svg", request->base_url,
                                              page->instagram_id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, page->instagram_id);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, page->instagram_username);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, page->instagram_name);
  json_builder_set_member_name (builder, "profile_picture_url");
  json_builder_add_string_value (builder, picture);
  json_builder_end_object (builder);
}

static const char *
add_page_fields (JsonBuilder    *builder,
                 ShGraphRequest *request,
                 ShSandboxPage  *page,
                 char          **fields)
{
  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *field = fields[i];

      /* A field without a value is left out, as the Graph does. */
      if (g_str_equal (field, "instagram_business_account"))
        {
          if (page->instagram_id != NULL)
            {
              json_builder_set_member_name (builder, field);
              add_instagram_account (builder, request, page);
            }
          continue;
        }
      json_builder_set_member_name (builder, field);
      if (g_str_equal (field, "id"))
        json_builder_add_string_value (builder, page->id);
      else if (g_str_equal (field, "name"))
        json_builder_add_string_value (builder, page->name);
      else if (g_str_equal (field, "category"))
        json_builder_add_string_value (builder, page->category);
      else if (g_str_equal (field, "picture"))
        add_picture (builder, request, page->picture_url);
      else if (g_str_equal (field, "access_token"))
        json_builder_add_string_value (builder, page_token_for (request, page));
      else if (g_str_equal (field, "tasks"))
        add_string_array (builder, page_tasks);
      else
        return field;
    }
  return NULL;
}

static ShGraphReply *
person_node (ShGraphRequest  *request,
             ShSandboxPerson *person)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) fields = parse_fields (_sh_graph_param (request, "fields"), "id,name");
  const char *unknown;

  json_builder_begin_object (builder);
  unknown = add_person_fields (builder, request, person, fields);
  if (unknown != NULL)
    return _sh_graph_no_field (unknown, "User");
  json_builder_end_object (builder);
  return _sh_graph_reply_new_object (SOUP_STATUS_OK, builder);
}

static ShGraphReply *
page_node (ShGraphRequest *request,
           ShSandboxPage  *page)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) fields = parse_fields (_sh_graph_param (request, "fields"), "id,name");
  const char *unknown;

  json_builder_begin_object (builder);
  unknown = add_page_fields (builder, request, page, fields);
  if (unknown != NULL)
    return _sh_graph_no_field (unknown, "Page");
  json_builder_end_object (builder);
  return _sh_graph_reply_new_object (SOUP_STATUS_OK, builder);
}

ShGraphReply *
_sh_graph_me (ShGraphRequest *request)
{
  ShSandboxToken *token = request->token;

  if (token->kind == SH_SANDBOX_TOKEN_FB_PAGE)
    return page_node (request, sh_sandbox_world_get_page (request->world, token->target_id));
  return person_node (request, sh_sandbox_world_get_person (request->world, token->person_id));
}

ShGraphReply *
_sh_graph_me_accounts (ShGraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) pages = NULL;
  g_auto(GStrv) fields = NULL;
  ShSandboxToken *token = request->token;

  if (token->kind == SH_SANDBOX_TOKEN_FB_PAGE)
    return _sh_graph_no_field ("accounts", "Page");

  /* Without pages_show_list the real Graph lists no Page: an empty data. */
  if (g_strv_contains (token_scopes (token), "pages_show_list"))
    pages = sh_sandbox_world_pages_of (request->world, token->person_id);
  else
    pages = g_ptr_array_new ();
  fields = parse_fields (_sh_graph_param (request, "fields"), "access_token,category,name,id,tasks");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < pages->len; i++)
    {
      const char *unknown;

      json_builder_begin_object (builder);
      unknown = add_page_fields (builder, request, g_ptr_array_index (pages, i), fields);
      if (unknown != NULL)
        return _sh_graph_no_field (unknown, "Page");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (pages->len > 0)
    {
      ShSandboxPage *first = g_ptr_array_index (pages, 0);
      ShSandboxPage *last = g_ptr_array_index (pages, pages->len - 1);
      g_autofree char *before = g_base64_encode ((const guchar *) first->id, strlen (first->id));
      g_autofree char *after = g_base64_encode ((const guchar *) last->id, strlen (last->id));

      json_builder_set_member_name (builder, "paging");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "cursors");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "before");
      json_builder_add_string_value (builder, before);
      json_builder_set_member_name (builder, "after");
      json_builder_add_string_value (builder, after);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  return _sh_graph_reply_new_object (SOUP_STATUS_OK, builder);
}

ShGraphReply *
_sh_graph_me_permissions (ShGraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char * const *scopes;

  if (request->token->kind == SH_SANDBOX_TOKEN_FB_PAGE)
    return _sh_graph_no_field ("permissions", "Page");
  scopes = token_scopes (request->token);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; scopes[i] != NULL; i++)
    {
      if (g_str_equal (scopes[i], "public_profile"))
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "permission");
      json_builder_add_string_value (builder, scopes[i]);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, "granted");
      json_builder_end_object (builder);
    }
  for (guint i = 0; request->token->declined != NULL && request->token->declined[i] != NULL; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "permission");
      json_builder_add_string_value (builder, request->token->declined[i]);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, "declined");
      json_builder_end_object (builder);
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "permission");
  json_builder_add_string_value (builder, "public_profile");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "granted");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return _sh_graph_reply_new_object (SOUP_STATUS_OK, builder);
}

/* The person takes the app away: every token of theirs issued so far dies
 * with 190/458, this one included. */
ShGraphReply *
_sh_graph_delete_permissions (ShGraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (request->token->kind == SH_SANDBOX_TOKEN_FB_PAGE)
    return _sh_graph_no_field ("permissions", "Page");
  sh_sandbox_world_remove_app (request->world, request->token->person_id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  return _sh_graph_reply_new_object (SOUP_STATUS_OK, builder);
}

/* An Instagram professional account, read with a token of its Page (or of
 * a person with a role on it). A person who withheld instagram_basic gets
 * (#10); an id no longer linked to the token's Page does not exist for it. */
static ShGraphReply *
instagram_node (ShGraphRequest *request,
                ShSandboxPage  *page)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) fields = parse_fields (_sh_graph_param (request, "fields"), "id");
  ShSandboxToken *token = request->token;
  ShSandboxPerson *person = sh_sandbox_world_get_person (request->world, token->person_id);
  gboolean reaches = token->kind == SH_SANDBOX_TOKEN_FB_PAGE
    ? g_str_equal (token->target_id, page->id)
    : sh_sandbox_world_has_role (request->world, page->id, token->person_id);

  if (!reaches)
    return _sh_graph_unsupported (request->method, page->instagram_id);
  if (person != NULL && person->instagram_withheld)
    return _sh_graph_error (SOUP_STATUS_FORBIDDEN, 10, 0, "OAuthException",
                            "(#10) Application does not have permission for this action",
                            NULL, NULL, FALSE);

  json_builder_begin_object (builder);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      json_builder_set_member_name (builder, fields[i]);
      if (g_str_equal (fields[i], "id"))
        json_builder_add_string_value (builder, page->instagram_id);
      else if (g_str_equal (fields[i], "username"))
        json_builder_add_string_value (builder, page->instagram_username);
      else if (g_str_equal (fields[i], "name"))
        json_builder_add_string_value (builder, page->instagram_name);
      else
        return _sh_graph_no_field (fields[i], "IGUser");
    }
  json_builder_end_object (builder);
  return _sh_graph_reply_new_object (SOUP_STATUS_OK, builder);
}

ShGraphReply *
_sh_graph_object (ShGraphRequest *request,
                  const char     *id)
{
  ShSandboxToken *token = request->token;
  ShSandboxPage *page = sh_sandbox_world_get_page (request->world, id);
  ShSandboxPage *instagram_page = sh_sandbox_world_instagram_page (request->world, id);

  if (g_str_equal (id, "me"))
    return _sh_graph_me (request);
  if (instagram_page != NULL)
    return instagram_node (request, instagram_page);

  if (page != NULL && token->kind == SH_SANDBOX_TOKEN_FB_PAGE)
    return g_str_equal (token->target_id, page->id) ? page_node (request, page)
                                                    : _sh_graph_unsupported (request->method, id);
  if (page != NULL)
    return sh_sandbox_world_has_role (request->world, page->id, token->person_id)
      ? page_node (request, page)
      : _sh_graph_permission_error ("(#200) Permissions error");

  if (token->kind == SH_SANDBOX_TOKEN_FB_USER && g_str_equal (id, token->person_id))
    return person_node (request, sh_sandbox_world_get_person (request->world, id));
  return _sh_graph_unsupported (request->method, id);
}
