/* test-window.c
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

#include <string.h>

#include <adwaita.h>

#include "rv-application.h"
#include "rv-test-gui.h"
#include "rv-window.h"

/* Drives the real application and window: no mocks. Runs under Xvfb in CI. */

/* A button a user can see and click, anywhere below @root. */
static GtkWidget *
find_visible_button (GtkWidget *root)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (GTK_IS_BUTTON (root) && gtk_widget_is_sensitive (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_visible_button (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Runs inside g_application_run(), as a user's session does. */
static gboolean
empty_state_scenario (gpointer data)
{
  RvApplication *app = data;
  GtkWindow *window;
  GtkWidget *status, *entry, *result, *button;

  RV_TEST_WAIT_FOR ((window = rv_test_find_toplevel (RV_TYPE_WINDOW)) != NULL);
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (app)) == window);
  g_assert_cmpstr (gtk_window_get_title (window), ==, "RUC Validator");

  /* The empty state says what the application is for, and has no button that does nothing:
   * the lookup button stays insensitive until the entry holds a well-formed value.
   */
  status = rv_test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, NULL);
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                   "Check Your Suppliers and Clients");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), "RUC"));
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (status)), ==, APP_ID);
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                          APP_ID));
  /* Its one button that can be pressed before typing anything opens a spreadsheet. */
  button = find_visible_button (status);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.open");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Open Spreadsheet…");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "devel") == DEVELOPMENT_BUILD);

  rv_test_wait_frames (GTK_WIDGET (window), 3);
  rv_test_save_screenshot (GTK_WIDGET (window), "window-empty.png");

  /* Checking a number offline: a wrong check digit gets the suggestion, never a correction. */
  entry = rv_test_find_widget (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, "RUC or DNI");
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "20131312956");
  result = rv_test_find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "20131312956");
  g_assert_nonnull (result);
  g_assert_true (gtk_widget_get_visible (result));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (result)), ==,
                   "Wrong check digit. Did you mean 20131312955?");

  gtk_editable_set_text (GTK_EDITABLE (entry), "  2.0131312955E10 ");
  result = rv_test_find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "20131312955");
  g_assert_nonnull (result);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (result)), ==,
                   "Well-formed RUC of a company");

  gtk_editable_set_text (GTK_EDITABLE (entry), "1234567");
  result = rv_test_find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "01234567");
  g_assert_nonnull (result);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (result)), "10012345670"));

  gtk_editable_set_text (GTK_EDITABLE (entry), "20131312956");
  /* Let the entry row's title animation end. */
  rv_test_wait_frames (GTK_WIDGET (window), 30);
  rv_test_save_screenshot (GTK_WIDGET (window), "window-check.png");

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_false (gtk_widget_get_visible (result));

  /* The shortcuts window (Ctrl+?) and the about window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  {
    GtkWindow *shortcuts;

    RV_TEST_WAIT_FOR ((shortcuts = rv_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL);
    rv_test_wait_frames (GTK_WIDGET (shortcuts), 3);
    rv_test_save_screenshot (GTK_WIDGET (shortcuts), "shortcuts.png");
    gtk_window_close (shortcuts);
  }

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  {
    GtkWindow *about;

    RV_TEST_WAIT_FOR ((about = rv_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL);
    g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                     "RUC Validator");
    g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
    rv_test_wait_frames (GTK_WIDGET (about), 3);
    rv_test_save_screenshot (GTK_WIDGET (about), "about.png");
    gtk_window_destroy (about);
  }

  /* The keyboard shortcuts listed in the shortcuts window are the ones in force. */
  {
    g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
    g_auto(GStrv) help = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                "win.show-help-overlay");
    g_auto(GStrv) close = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                 "window.close");

    g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
    g_assert_true (g_strv_contains ((const char * const *) help, "<Control>question"));
    g_assert_true (g_strv_contains ((const char * const *) close, "<Control>w"));
  }

  /* Ctrl+Q quits: g_application_run() returns. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_activate_cb (RvApplication *app)
{
  g_idle_add (empty_state_scenario, app);
}

static void
test_window_empty_state (void)
{
  RvApplication *app = rv_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_assert_null (rv_test_find_toplevel (RV_TYPE_WINDOW));

  /* Nothing keeps the application alive once it has quit. */
  g_assert_finalize_object (app);
}

static void
test_window_size_is_kept (void)
{
  g_autoptr(RvApplication) app = rv_application_new ();
  g_autoptr(GSettings) settings = g_settings_new ("io.github.rucvalidator.RucValidator");
  RvWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 700);
  g_settings_set_int (settings, "window-height", 500);

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = rv_window_new (GTK_APPLICATION (app));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_set_default_size (GTK_WINDOW (window), 820, 640);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  RV_TEST_WAIT_FOR (window == NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* A display is required: CI runs this under xvfb-run. */
  rv_test_gui_init ();

  g_test_add_func ("/window/empty-state", test_window_empty_state);
  g_test_add_func ("/window/size-is-kept", test_window_size_is_kept);

  return g_test_run ();
}
