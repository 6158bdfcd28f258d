/* rv-mock-server.c
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

/* The mock APIMIGO as a program, for headless runs and benchmarks: it prints its base URL
 * on a line of its own, serves until SIGINT or SIGTERM, then prints its statistics as JSON
 * on standard error. Not installed.
 */

#define G_LOG_DOMAIN "rv-mock-server"

#include <signal.h>
#include <stdio.h>

#include <glib.h>
#include <glib-unix.h>

#include "rv-mock-api.h"

static gboolean
on_signal (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RvMockApi) api = rv_mock_api_new ();
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *stats = NULL;
  guint sigint_id, sigterm_id;
  guint port = 0;

  g_set_prgname ("rv-mock-server");

  if (!rv_mock_api_parse_options (api, &argc, &argv, &port, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return 2;
    }

  if (!rv_mock_api_listen (api, port, &error))
    {
      g_printerr ("%s: cannot listen on 127.0.0.1:%u: %s\n",
                  g_get_prgname (), port, error->message);
      return 1;
    }

  /* The one line a script waits for before it sends anything. */
  url = rv_mock_api_dup_base_url (api);
  g_print ("%s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  stats = rv_mock_api_dup_stats_json (api);
  g_printerr ("%s\n", stats);

  return 0;
}
