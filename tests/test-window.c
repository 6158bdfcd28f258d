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
#include "rv-window.h"

/* Drives the real application and window: no mocks. Runs under Xvfb in CI. */

static gboolean
timeout_cb (gpointer data)
{
  g_error ("Timed out waiting for: %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

#define WAIT_FOR(cond) \
  G_STMT_START { \
    guint wait_id_ = g_timeout_add_seconds (20, timeout_cb, (gpointer) #cond); \
    while (!(cond)) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (wait_id_); \
  } G_STMT_END

static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      if (title == NULL)
        return root;
      if (ADW_IS_PREFERENCES_ROW (root) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
        return root;
      if (ADW_IS_STATUS_PAGE (root) &&
          g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (root)), title) == 0)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, title);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A button a user can see and click, anywhere below @root. */
static GtkWidget *
find_visible_button (GtkWidget *root)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (GTK_IS_BUTTON (root))
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

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

/* Saves what the widget shows as a PNG, for a person to look at. */
static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", "screenshots", NULL);
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static gboolean
count_down_tick_cb (GtkWidget     *widget,
                    GdkFrameClock *clock,
                    gpointer       data)
{
  guint *left = data;

  if (*left > 0)
    (*left)--;
  return *left > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Lets the widget draw @n frames; a tick callback keeps the frame clock running even
 * when nothing else asks for a redraw.
 */
static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint left = n;

  gtk_widget_add_tick_callback (widget, count_down_tick_cb, &left, NULL);
  WAIT_FOR (left == 0);
}

/* Runs inside g_application_run(), as a user's session does. */
static gboolean
empty_state_scenario (gpointer data)
{
  RvApplication *app = data;
  GtkWindow *window;
  GtkWidget *status, *entry, *result;

  WAIT_FOR ((window = find_toplevel (RV_TYPE_WINDOW)) != NULL);
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (app)) == window);
  g_assert_cmpstr (gtk_window_get_title (window), ==, "RUC Validator");

  /* The empty state says what the application is for, and has no button that does nothing. */
  status = find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, NULL);
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                   "Check Your Suppliers and Clients");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), "RUC"));
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (status)), ==, APP_ID);
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                          APP_ID));
  g_assert_null (find_visible_button (status));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "devel") == DEVELOPMENT_BUILD);

  wait_frames (GTK_WIDGET (window), 3);
  save_screenshot (GTK_WIDGET (window), "window-empty.png");

  /* Checking a number offline: a wrong check digit gets the suggestion, never a correction. */
  entry = find_widget (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, "RUC or DNI");
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "20131312956");
  result = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "20131312956");
  g_assert_nonnull (result);
  g_assert_true (gtk_widget_get_visible (result));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (result)), ==,
                   "Wrong check digit. Did you mean 20131312955?");

  gtk_editable_set_text (GTK_EDITABLE (entry), "  2.0131312955E10 ");
  result = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "20131312955");
  g_assert_nonnull (result);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (result)), ==,
                   "Well-formed RUC of a company");

  gtk_editable_set_text (GTK_EDITABLE (entry), "1234567");
  result = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "01234567");
  g_assert_nonnull (result);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (result)), "10012345670"));

  gtk_editable_set_text (GTK_EDITABLE (entry), "20131312956");
  /* Let the entry row's title animation end. */
  wait_frames (GTK_WIDGET (window), 30);
  save_screenshot (GTK_WIDGET (window), "window-check.png");

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_false (gtk_widget_get_visible (result));

  /* The shortcuts window (Ctrl+?) and the about window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  {
    GtkWindow *shortcuts;

    WAIT_FOR ((shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL);
    wait_frames (GTK_WIDGET (shortcuts), 3);
    save_screenshot (GTK_WIDGET (shortcuts), "shortcuts.png");
    gtk_window_close (shortcuts);
  }

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  {
    GtkWindow *about;

    WAIT_FOR ((about = find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL);
    g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                     "RUC Validator");
    g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
    wait_frames (GTK_WIDGET (about), 3);
    save_screenshot (GTK_WIDGET (about), "about.png");
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
  g_assert_null (find_toplevel (RV_TYPE_WINDOW));

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
  WAIT_FOR (window == NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* A display is required: CI runs this under xvfb-run. Failing here is deliberate. */
  if (!gtk_init_check ())
    g_error ("Cannot open a display: run the tests under xvfb-run");
  adw_init ();

  g_test_add_func ("/window/empty-state", test_window_empty_state);
  g_test_add_func ("/window/size-is-kept", test_window_size_is_kept);

  return g_test_run ();
}
