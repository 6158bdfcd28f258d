/* main.c
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

#include <locale.h>

#include <glib/gi18n.h>

#include "rv-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RvApplication) app = NULL;
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");

  /* GTK would set the locale, but the command-line modes never start GTK. */
  setlocale (LC_ALL, "");
  /* RUC_VALIDATOR_LOCALEDIR lets an uninstalled build (tests, the quick start) find its
   * translations in the build folder.
   */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("RUC Validator"));

  app = rv_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
