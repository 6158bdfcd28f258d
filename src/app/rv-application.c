/* rv-application.c
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

#define G_LOG_DOMAIN "rv-application"

#include "config.h"

#include "rv-application.h"

#include <glib/gi18n.h>

#include "rv-cli.h"
#include "rv-preferences-window.h"
#include "rv-window.h"

struct _RvApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (RvApplication, rv_application, ADW_TYPE_APPLICATION)

static void
rv_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  static const char *developers[] = { "The RUC Validator authors", NULL };
  RvApplication *self = user_data;
  GtkWindow *window;

  g_assert (RV_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("RUC Validator"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Checks that the RUC numbers in your spreadsheets "
                                       "belong to real, active taxpayers."),
                         "developer-name", _("The RUC Validator authors"),
                         "developers", developers,
                         "copyright", "© 2026 The RUC Validator authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", PACKAGE_WEBSITE,
                         "issue-url", PACKAGE_BUGREPORTS,
                         /* Translators: your names, one per line, to be credited in the about window. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
rv_application_preferences (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  RvApplication *self = user_data;
  GtkWindow *window;

  g_assert (RV_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (rv_preferences_window_new (window)));
}

static void
rv_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows;

  /* Destroying the windows lets each one save its state and cancel what it runs. */
  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (windows->data);

  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_actions[] = {
  { "about", rv_application_about },
  { "preferences", rv_application_preferences },
  { "quit", rv_application_quit },
};

static gboolean
rv_application_local_command_line (GApplication   *app,
                                   char         ***arguments,
                                   int            *exit_status)
{
  /* The command-line modes never start GTK: they must run without a display. */
  if (rv_cli_handle (arguments, exit_status))
    return TRUE;

  return G_APPLICATION_CLASS (rv_application_parent_class)->local_command_line (app, arguments,
                                                                               exit_status);
}

static void
rv_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *lookup_accels[] = { "<Control>l", "<Control>f", NULL };

  G_APPLICATION_CLASS (rv_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.lookup", lookup_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);
}

static void
rv_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (rv_window_new (GTK_APPLICATION (app)));

  gtk_window_present (window);
}

/* `ruc-validator FILE` and "Open With" in a file manager: the first file, in a window. */
static void
rv_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (rv_window_new (GTK_APPLICATION (app)));

  if (n_files > 0)
    rv_window_open_file (RV_WINDOW (window), files[0]);
  gtk_window_present (window);
}

static void
rv_application_class_init (RvApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->local_command_line = rv_application_local_command_line;
  app_class->startup = rv_application_startup;
  app_class->activate = rv_application_activate;
  app_class->open = rv_application_open;
}

static void
rv_application_init (RvApplication *self)
{
}

/**
 * rv_application_new:
 *
 * Returns: (transfer full): the application
 */
RvApplication *
rv_application_new (void)
{
  return g_object_new (RV_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       /* The same path for the .Devel id: style.css, icons and the
                        * shortcuts window load from it. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
