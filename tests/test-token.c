/* test-token.c
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

#include "config.h"

#include <errno.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "rv-test-keyring.h"
#include "rv-token.h"

/* The keyring tests need a Secret Service, which no test machine runs: the program
 * re-executes itself under a private D-Bus session (dbus-run-session) with a
 * gnome-keyring-daemon whose "login" keyring is created, unlocked, in a temporary
 * HOME. The user's own keyring and session bus are never touched. This variable marks
 * the re-executed program.
 */
#define PRIVATE_BUS_ENV "RV_TEST_TOKEN_PRIVATE_BUS"

/* Run as `test-token --read-stdin`, the program prints what rv_token_read_file("-")
 * gives, for the tests of standard input.
 */
#define READ_STDIN_ARG "--read-stdin"

static const SecretSchema *
test_schema (void)
{
  /* The schema of rv-token.c, spelt again: the test checks what is really stored. */
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

static char *
write_temp_file (const char *contents,
                 gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("test-token-XXXXXX", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static char *
read_file_contents (const char  *contents,
                    gssize       length,
                    GError     **error)
{
  g_autofree char *path = write_temp_file (contents, length);
  char *token;

  token = rv_token_read_file (path, error);
  g_unlink (path);
  return token;
}

static void
test_file_token (void)
{
  static const struct {
    const char *contents;
    const char *token;
  } cases[] = {
    { "  tok\n", "tok" },
    { "tok", "tok" },
    { "\n\ttok-7f3c9a1e5b2d\r\n\r\n", "tok-7f3c9a1e5b2d" },
    { "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig\n",
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig" },
    { "tok with inner spaces \n", "tok with inner spaces" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *token = read_file_contents (cases[i].contents, -1, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (token, ==, cases[i].token);
    }
}

static void
test_file_empty (void)
{
  static const char * const contents[] = { "", "\n", "   \r\n\t\n" };

  for (guint i = 0; i < G_N_ELEMENTS (contents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *token = read_file_contents (contents[i], -1, &error);

      g_assert_null (token);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "holds no token"));
      g_assert_nonnull (strstr (error->message, "test-token-"));
    }
}

static void
test_file_too_large (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *largest = g_strnfill (4096, 'a');
  g_autofree char *too_large = g_strnfill (4097, 'a');
  g_autofree char *token = NULL;

  /* 4 KiB is still a token (an odd one); a byte more is not. */
  token = read_file_contents (largest, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, largest);
  g_clear_pointer (&token, g_free);

  token = read_file_contents (too_large, -1, &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "is too large to be a token"));
}

static void
test_file_not_a_token (void)
{
  static const struct {
    const char *contents;
    gssize      length;
    const char *part;
  } cases[] = {
    { "tok\0en\n", 7, "not a text file" },
    { "tok\xff\xfe\n", -1, "not a text file" },
    { "first-line\nsecond-line\n", -1, "more than one line" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *token = read_file_contents (cases[i].contents, cases[i].length, &error);

      g_assert_null (token);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].part));
    }
}

static void
test_file_unreadable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *token = NULL;

  dir = g_dir_make_tmp ("test-token-XXXXXX", &error);
  g_assert_no_error (error);
  missing = g_build_filename (dir, "no-such-token", NULL);

  token = rv_token_read_file (missing, &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);

  /* A folder opens, but does not read. */
  token = rv_token_read_file (dir, &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, dir));

  g_rmdir (dir);
}

/* Runs `test-token --read-stdin` with @input on its standard input; returns its output. */
static char *
read_stdin_in_subprocess (const char *input)
{
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *self = NULL;
  g_autofree char *output = NULL;
  g_autofree char *shown = NULL;

  self = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  subprocess = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                 &error, self, READ_STDIN_ARG, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (subprocess, input, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  shown = g_strchomp (g_strdup (output));
  g_test_message ("%zu bytes on standard input: %s", strlen (input), shown);
  g_assert_true (g_subprocess_get_if_exited (subprocess));
  g_assert_cmpint (g_subprocess_get_exit_status (subprocess), ==, 0);

  return g_steal_pointer (&output);
}

static void
test_file_stdin (void)
{
  g_autofree char *large = g_strnfill (5000, 'a');
  g_autofree char *output = NULL;

  output = read_stdin_in_subprocess ("  tok-from-stdin\n");
  g_assert_cmpstr (output, ==, "token: tok-from-stdin\n");
  g_clear_pointer (&output, g_free);

  output = read_stdin_in_subprocess ("");
  g_assert_true (g_str_has_prefix (output, "error: "));
  g_assert_nonnull (strstr (output, "standard input"));
  g_assert_nonnull (strstr (output, "holds no token"));
  g_clear_pointer (&output, g_free);

  output = read_stdin_in_subprocess (large);
  g_assert_true (g_str_has_prefix (output, "error: "));
  g_assert_nonnull (strstr (output, "is too large to be a token"));
}

static int
read_stdin_main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = rv_token_read_file ("-", &error);

  if (token != NULL)
    g_print ("token: %s\n", token);
  else
    g_print ("error: %s\n", error->message);
  return 0;
}

typedef struct
{
  GAsyncResult *result;
} AsyncWait;

static void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (AsyncWait *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

static void
store (const char *provider_id,
       const char *token)
{
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { NULL };
  gboolean stored;

  rv_token_store_async (provider_id, token, NULL, async_cb, &wait);
  stored = rv_token_store_finish (wait_for_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_true (stored);
  g_object_unref (wait.result);
}

static void
clear (const char *provider_id)
{
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { NULL };
  gboolean cleared;

  rv_token_clear_async (provider_id, NULL, async_cb, &wait);
  cleared = rv_token_clear_finish (wait_for_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_true (cleared);
  g_object_unref (wait.result);
}

static char *
lookup_async (const char  *provider_id,
              GError     **error)
{
  AsyncWait wait = { NULL };
  char *token;

  rv_token_lookup_async (provider_id, NULL, async_cb, &wait);
  token = rv_token_lookup_finish (wait_for_result (&wait), error);
  g_object_unref (wait.result);
  return token;
}

/* The item stored for @provider_id: in the default collection, with our label. */
static void
check_stored_item (const char *provider_id)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expected_label = NULL;
  GList *items;
  SecretItem *item;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);

  attributes = secret_attributes_build (test_schema (), "provider", provider_id, NULL);
  items = secret_service_search_sync (service, test_schema (), attributes,
                                      SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = items->data;

  g_test_message ("item %s in %s", g_dbus_proxy_get_object_path (G_DBUS_PROXY (item)),
                  g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)));
  g_assert_true (g_str_has_prefix (g_dbus_proxy_get_object_path (G_DBUS_PROXY (item)),
                                   g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection))));
  label = secret_item_get_label (item);
  expected_label = g_strdup_printf ("RUC Validator: API token for %s", provider_id);
  g_assert_cmpstr (label, ==, expected_label);

  g_list_free_full (items, g_object_unref);
}

static void
test_keyring_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { NULL };
  char *token;

  g_assert_nonnull (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_assert_nonnull (g_getenv (PRIVATE_BUS_ENV));

  /* Nothing stored yet: no token, and no error. */
  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);

  store ("migo", "  tok-7f3c9a1e5b2d4c8f\n");
  check_stored_item ("migo");

  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tok-7f3c9a1e5b2d4c8f");
  g_free (token);

  token = lookup_async ("migo", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tok-7f3c9a1e5b2d4c8f");
  g_free (token);

  /* Storing again replaces; each provider has its own item. */
  store ("migo", "tok-second");
  store ("other", "tok-other");
  check_stored_item ("migo");
  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tok-second");
  g_free (token);

  clear ("migo");
  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
  token = lookup_async ("migo", &error);
  g_assert_no_error (error);
  g_assert_null (token);

  /* Clearing what is not there is no error; the other provider's token stays. */
  clear ("migo");
  token = rv_token_lookup_sync ("other", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tok-other");
  g_free (token);
  clear ("other");

  /* An empty token is never stored. */
  rv_token_store_async ("migo", " \n", NULL, async_cb, &wait);
  g_assert_false (rv_token_store_finish (wait_for_result (&wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&wait.result);
  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
}

static void
test_keyring_empty_stored (void)
{
  g_autoptr(GError) error = NULL;
  char *token;

  /* Another program could store an empty secret under our schema. */
  secret_password_store_sync (test_schema (), SECRET_COLLECTION_DEFAULT, "empty", "", NULL,
                              &error, "provider", "migo", NULL);
  g_assert_no_error (error);

  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  token = lookup_async ("migo", &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  clear ("migo");
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && g_str_equal (argv[1], READ_STDIN_ARG))
    return read_stdin_main ();

  if (!rv_test_keyring_is_private_session (PRIVATE_BUS_ENV))
    return rv_test_keyring_run_private_session (argc, argv, PRIVATE_BUS_ENV,
                                                "test-token-home-XXXXXX");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token/file/token", test_file_token);
  g_test_add_func ("/token/file/empty", test_file_empty);
  g_test_add_func ("/token/file/too-large", test_file_too_large);
  g_test_add_func ("/token/file/not-a-token", test_file_not_a_token);
  g_test_add_func ("/token/file/unreadable", test_file_unreadable);
  g_test_add_func ("/token/file/stdin", test_file_stdin);
  g_test_add_func ("/token/keyring/round-trip", test_keyring_round_trip);
  g_test_add_func ("/token/keyring/empty-stored", test_keyring_empty_stored);

  return g_test_run ();
}
