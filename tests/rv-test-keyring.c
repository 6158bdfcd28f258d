/* rv-test-keyring.c
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

#include "rv-test-keyring.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

/* Removes @path and everything under it, never following a symbolic link. Unlike
 * rv_test_remove_tree(), it asserts nothing: it runs outside g_test_init(), and what the
 * daemon leaves behind must not fail the test.
 */
static void
remove_tree (const char *path)
{
  GStatBuf buf;

  if (g_lstat (path, &buf) != 0)
    return;

  if (S_ISDIR (buf.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/**
 * rv_test_keyring_is_private_session:
 * @marker: the environment variable rv_test_keyring_run_private_session() sets
 *
 * Tells the re-executed program from the one a user or meson started.
 *
 * Returns: %TRUE inside the private session bus started for this program
 */
gboolean
rv_test_keyring_is_private_session (const char *marker)
{
  g_assert (marker != NULL);

  return g_getenv (marker) != NULL && g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL;
}

/**
 * rv_test_keyring_run_private_session:
 * @argc: the program's argument count
 * @argv: the program's arguments
 * @marker: an environment variable to set in the re-executed program
 * @home_template: a template for g_dir_make_tmp(), such as "test-token-home-XXXXXX"
 *
 * Runs this program again, with the same arguments, under a private session bus
 * (dbus-run-session) and a gnome-keyring-daemon whose "login" keyring is created,
 * unlocked, in a temporary HOME that is removed afterwards. The user's own keyring and
 * session bus are never touched. Standard output passes through (it is the TAP stream).
 *
 * Returns: the child's exit status, or 1 (after a TAP "Bail out!") if it could not run
 */
int
rv_test_keyring_run_private_session (int          argc,
                                     char       **argv,
                                     const char  *marker,
                                     const char  *home_template)
{
  /* The daemon is not under test: G_DEBUG=fatal-warnings would abort it at its first
   * harmless warning ("asked to register item …, but it's already registered").
   */
  static const char script[] =
    "printf pw | env -u G_DEBUG gnome-keyring-daemon --unlock --components=secrets >/dev/null"
    " || { echo 'Bail out! gnome-keyring-daemon could not start'; exit 1; };"
    " exec \"$0\" \"$@\"";
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) child_argv = NULL;
  g_autofree char *dbus_run_session = g_find_program_in_path ("dbus-run-session");
  g_autofree char *self = NULL;
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int wait_status = 0;
  int status = 1;
  struct {
    const char *variable;
    const char *folder;
  } folders[] = {
    { "HOME", NULL },
    { "XDG_DATA_HOME", ".local/share" },
    { "XDG_CONFIG_HOME", ".config" },
    { "XDG_CACHE_HOME", ".cache" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };

  g_assert (marker != NULL);
  g_assert (home_template != NULL);

  if (dbus_run_session == NULL)
    {
      g_print ("Bail out! dbus-run-session is needed to test the keyring\n");
      return 1;
    }

  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self == NULL)
    self = g_canonicalize_filename (argv[0], NULL);

  home = g_dir_make_tmp (home_template, &error);
  if (home == NULL)
    {
      g_print ("Bail out! %s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *folder = g_build_filename (home, folders[i].folder, NULL);

      g_mkdir_with_parents (folder, 0700);
      envp = g_environ_setenv (envp, folders[i].variable, folder, TRUE);
    }
  envp = g_environ_setenv (envp, marker, "1", TRUE);
  envp = g_environ_unsetenv (envp, "DBUS_SESSION_BUS_ADDRESS");

  g_strv_builder_add_many (builder, dbus_run_session, "--", "sh", "-c", script, self, NULL);
  for (int i = 1; i < argc; i++)
    g_strv_builder_add (builder, argv[i]);
  child_argv = g_strv_builder_end (builder);

  if (!g_spawn_sync (NULL, child_argv, envp, G_SPAWN_DEFAULT,
                     NULL, NULL, NULL, NULL, &wait_status, &error))
    g_print ("Bail out! %s\n", error->message);
  else if (g_spawn_check_wait_status (wait_status, &error))
    status = 0;
  else if (error->domain == G_SPAWN_EXIT_ERROR)
    status = error->code;
  else
    g_printerr ("%s\n", error->message);

  remove_tree (home);
  return status;
}
