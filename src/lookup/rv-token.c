/* rv-token.c
 *
 * Copyright 2026 The RUC Validator authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <http://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rv-token"

#include "config.h"

#include "rv-token.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

/* A token is a short line of text; a file larger than this is something else (a
 * certificate, a spreadsheet given by mistake), and is not read whole.
 */
#define MAX_TOKEN_FILE_BYTES 4096

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.rucvalidator.RucValidator.Token",
    SECRET_SCHEMA_NONE,
    {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* Overwrites @text before freeing it, so that no copy of a token lingers in freed memory. */
static void
wipe_free (char *text)
{
  if (text == NULL)
    return;
  memset (text, 0, strlen (text));
  g_free (text);
}

/* Copies a token from libsecret into ordinary memory, or fails for an empty one. */
static char *
take_secret (char        *secret,
             const char  *provider_id,
             GError     **error)
{
  g_autofree char *copy = NULL;

  if (secret == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (secret));
  secret_password_free (secret);

  if (copy[0] == '\0')
    {
      /* Translators: %s is a provider's id, e.g. "migo". */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The keyring holds an empty API token for %s"), provider_id);
      return NULL;
    }

  return g_steal_pointer (&copy);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_prefix_error (&error, "%s", _("The token could not be saved in the keyring: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  const char *provider_id = g_task_get_task_data (task);
  char *token;

  token = take_secret (secret_password_lookup_finish (result, &error), provider_id, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        g_prefix_error (&error, "%s", _("The token could not be read from the keyring: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, token, (GDestroyNotify) wipe_free);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error only says that there was nothing to remove. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_prefix_error (&error, "%s", _("The token could not be removed from the keyring: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * rv_token_store_async:
 * @provider_id: the provider's id, e.g. "migo"
 * @token: the API token; surrounding whitespace is removed
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the token is stored
 * @user_data: data for @callback
 *
 * Stores @token in the user's default keyring collection, replacing the one stored for
 * @provider_id before. An empty token is an error (%G_IO_ERROR_INVALID_ARGUMENT): use
 * rv_token_clear_async() to remove one.
 */
void
rv_token_store_async (const char          *provider_id,
                      const char          *token,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  char *stripped;

  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (token != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_token_store_async);

  stripped = g_strstrip (g_strdup (token));
  if (stripped[0] == '\0')
    {
      g_free (stripped);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "%s", _("An empty API token cannot be saved"));
      return;
    }

  /* Translators: the label of the keyring item that holds an API token, as seahorse or
   * the keyring manager show it; %s is the provider's id, e.g. "migo".
   */
  label = g_strdup_printf (_("RUC Validator: API token for %s"), provider_id);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, stripped,
                         cancellable, store_cb, g_steal_pointer (&task),
                         "provider", provider_id,
                         NULL);
  wipe_free (stripped);
}

/**
 * rv_token_store_finish:
 * @result: the result given to the callback
 * @error: the keyring's error
 *
 * Returns: whether the token was stored
 */
gboolean
rv_token_store_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rv_token_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * rv_token_lookup_async:
 * @provider_id: the provider's id, e.g. "migo"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the token
 * @user_data: data for @callback
 *
 * Looks up the token stored for @provider_id.
 */
void
rv_token_lookup_async (const char          *provider_id,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_token_lookup_async);
  g_task_set_task_data (task, g_strdup (provider_id), g_free);

  secret_password_lookup (get_schema (), cancellable, lookup_cb, g_steal_pointer (&task),
                          "provider", provider_id,
                          NULL);
}

/**
 * rv_token_lookup_finish:
 * @result: the result given to the callback
 * @error: the keyring's error, or %G_IO_ERROR_INVALID_DATA when the stored token is empty
 *
 * Returns: (transfer full) (nullable): the token, or %NULL when none is stored (then
 *   @error is not set) or on error
 */
char *
rv_token_lookup_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rv_token_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * rv_token_lookup_sync:
 * @provider_id: the provider's id, e.g. "migo"
 * @cancellable: (nullable): a #GCancellable
 * @error: the keyring's error, or %G_IO_ERROR_INVALID_DATA when the stored token is empty
 *
 * Looks up the token stored for @provider_id, blocking: for the command line only.
 *
 * Returns: (transfer full) (nullable): the token, or %NULL when none is stored (then
 *   @error is not set) or on error
 */
char *
rv_token_lookup_sync (const char    *provider_id,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *token;

  g_return_val_if_fail (provider_id != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  token = take_secret (secret_password_lookup_sync (get_schema (), cancellable, &local_error,
                                                    "provider", provider_id,
                                                    NULL),
                       provider_id, &local_error);
  if (local_error != NULL)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        g_prefix_error (&local_error, "%s", _("The token could not be read from the keyring: "));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return token;
}

/**
 * rv_token_clear_async:
 * @provider_id: the provider's id, e.g. "migo"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the token is removed
 * @user_data: data for @callback
 *
 * Removes the token stored for @provider_id, if there is one.
 */
void
rv_token_clear_async (const char          *provider_id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_token_clear_async);

  secret_password_clear (get_schema (), cancellable, clear_cb, g_steal_pointer (&task),
                         "provider", provider_id,
                         NULL);
}

/**
 * rv_token_clear_finish:
 * @result: the result given to the callback
 * @error: the keyring's error
 *
 * Returns: %TRUE when no token is stored any more (whether or not there was one)
 */
gboolean
rv_token_clear_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rv_token_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * rv_token_dup_from_env:
 *
 * The token of `RUC_VALIDATOR_TOKEN`, for scripts, scheduled jobs and tests: it comes
 * before the keyring, for the command line and the window alike.
 *
 * Returns: (transfer full) (nullable): the variable's text without the blanks around it,
 *   or %NULL when it is not set or blank
 */
char *
rv_token_dup_from_env (void)
{
  const char *env = g_getenv ("RUC_VALIDATOR_TOKEN");
  g_autofree char *token = NULL;

  if (env == NULL)
    return NULL;
  token = g_strstrip (g_strdup (env));
  return token[0] != 0 ? g_steal_pointer (&token) : NULL;
}

/**
 * rv_token_can_use_keyring:
 *
 * The keyring is reached over the session bus; without one (a server, a cron job)
 * libsecret would only fail more slowly.
 *
 * Returns: whether asking the keyring makes sense
 */
gboolean
rv_token_can_use_keyring (void)
{
  return g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL;
}

/**
 * rv_token_read_file:
 * @path: a file holding the token, or "-" for standard input
 * @error: %G_IO_ERROR: the file cannot be read, is larger than 4 KiB, is not text or
 *   holds no token
 *
 * Reads an API token given with `--token-file`: the text of the file without the
 * whitespace and newlines around it. The token must be on one line.
 *
 * Returns: (transfer full): the token, or %NULL with @error set
 */
char *
rv_token_read_file (const char  *path,
                    GError     **error)
{
  g_autofree char *name = NULL;
  char buffer[MAX_TOKEN_FILE_BYTES + 1];
  gboolean is_stdin;
  gsize filled = 0;
  char *token = NULL;
  int saved_errno = 0;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  is_stdin = g_str_equal (path, "-");
  name = is_stdin ? g_strdup (_("standard input")) : g_filename_display_name (path);

  fd = is_stdin ? STDIN_FILENO : g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    saved_errno = errno;

  /* One byte more than a token may have tells a file that is too large. */
  while (fd >= 0 && filled < sizeof buffer)
    {
      gssize n = read (fd, buffer + filled, sizeof buffer - filled);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          break;
        }
      if (n == 0)
        break;
      filled += n;
    }

  if (fd >= 0 && !is_stdin)
    g_close (fd, NULL);

  if (saved_errno != 0)
    {
      /* Translators: the first %s is a file name (or "standard input"), the second the
       * system's reason, e.g. "No such file or directory".
       */
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The token could not be read from “%s”: %s"),
                   name, g_strerror (saved_errno));
      goto out;
    }

  if (filled > MAX_TOKEN_FILE_BYTES)
    {
      /* Translators: %s is a file name (or "standard input"). */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is too large to be a token"), name);
      goto out;
    }

  buffer[filled] = '\0';
  if (memchr (buffer, '\0', filled) != NULL || !g_utf8_validate (buffer, filled, NULL))
    {
      /* Translators: %s is a file name (or "standard input"). */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a text file, so it holds no token"), name);
      goto out;
    }

  g_strstrip (buffer);
  if (buffer[0] == '\0')
    {
      /* Translators: %s is a file name (or "standard input"). */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” holds no token"), name);
      goto out;
    }
  if (strpbrk (buffer, "\r\n") != NULL)
    {
      /* Translators: %s is a file name (or "standard input"). */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” holds more than one line; a token is one line"), name);
      goto out;
    }

  token = g_strdup (buffer);

out:
  memset (buffer, 0, sizeof buffer);
  return token;
}
