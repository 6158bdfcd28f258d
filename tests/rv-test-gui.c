/* rv-test-gui.c
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

#include "rv-test-gui.h"

#include <string.h>

static gboolean
timeout_cb (gpointer data)
{
  g_error ("Timed out waiting for: %s", (const char *) data);
  return G_SOURCE_REMOVE;
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

/**
 * rv_test_gui_init:
 *
 * Opens the display and initialises libadwaita, after g_test_init(). A display is
 * required: CI runs the widget tests under xvfb-run, and failing without one is
 * deliberate.
 */
void
rv_test_gui_init (void)
{
  if (!gtk_init_check ())
    g_error ("Cannot open a display: run the tests under xvfb-run");
  adw_init ();
}

/**
 * rv_test_wait_timeout_add:
 * @condition: (type utf8): the text of the condition waited for, which must outlive the
 *   wait (RV_TEST_WAIT_FOR() passes a string literal)
 *
 * The timeout of RV_TEST_WAIT_FOR(): after %RV_TEST_WAIT_SECONDS it fails the test,
 * naming @condition.
 *
 * Returns: the source's id, for g_source_remove() once the condition holds
 */
guint
rv_test_wait_timeout_add (const char *condition)
{
  return g_timeout_add_seconds (RV_TEST_WAIT_SECONDS, timeout_cb, (gpointer) condition);
}

/**
 * rv_test_wait_frames:
 * @widget: a mapped widget
 * @n: how many frames to wait
 *
 * Lets @widget draw @n frames; a tick callback keeps the frame clock running even when
 * nothing else asks for a redraw.
 */
void
rv_test_wait_frames (GtkWidget *widget,
                     guint      n)
{
  guint left = n;

  g_assert (GTK_IS_WIDGET (widget));

  gtk_widget_add_tick_callback (widget, count_down_tick_cb, &left, NULL);
  RV_TEST_WAIT_FOR (left == 0);
}

/**
 * rv_test_find_toplevel:
 * @type: a #GtkWindow type
 *
 * Finds a mapped toplevel window of @type, as a user would see it.
 *
 * Returns: (transfer none) (nullable): the window, or %NULL if none is mapped
 */
GtkWindow *
rv_test_find_toplevel (GType type)
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

/**
 * rv_test_find_widget:
 * @root: where to start
 * @type: the type of the widget to find
 * @title: (nullable): what it shows: a preferences row's or a status page's title, a
 *   label's text or a button's label; %NULL for any
 *
 * Walks the widget tree below @root, @root first, depth first.
 *
 * Returns: (transfer none) (nullable): the first widget of @type showing @title
 */
GtkWidget *
rv_test_find_widget (GtkWidget  *root,
                     GType       type,
                     const char *title)
{
  g_assert (GTK_IS_WIDGET (root));

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
      if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), title) == 0)
        return root;
      if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), title) == 0)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = rv_test_find_widget (child, type, title);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * rv_test_widget_shows_text:
 * @root: where to start
 * @needle: the text to look for
 *
 * Whether any label, inscription (a table cell), editable or preferences row title below
 * @root shows @needle, even
 * as part of its text, or an action row has @needle as its whole subtitle. Editables
 * count so that a test can check that a secret is never shown.
 *
 * Returns: %TRUE if @needle is on show
 */
gboolean
rv_test_widget_shows_text (GtkWidget  *root,
                           const char *needle)
{
  const char *text = NULL;

  g_assert (GTK_IS_WIDGET (root));
  g_assert (needle != NULL);

  if (GTK_IS_LABEL (root))
    text = gtk_label_get_text (GTK_LABEL (root));
  else if (GTK_IS_INSCRIPTION (root))
    text = gtk_inscription_get_text (GTK_INSCRIPTION (root));
  else if (GTK_IS_EDITABLE (root))
    text = gtk_editable_get_text (GTK_EDITABLE (root));
  else if (ADW_IS_PREFERENCES_ROW (root))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));
  if (text != NULL && strstr (text, needle) != NULL)
    return TRUE;
  if (ADW_IS_ACTION_ROW (root) &&
      g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (root)), needle) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (rv_test_widget_shows_text (child, needle))
      return TRUE;

  return FALSE;
}

/**
 * rv_test_save_screenshot:
 * @widget: a drawn widget
 * @name: the file name, such as "window-empty.png"
 *
 * Saves what @widget shows as a PNG in $G_TEST_BUILDDIR/screenshots, for a person to
 * look at.
 */
void
rv_test_save_screenshot (GtkWidget  *widget,
                         const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", "screenshots",
                                           NULL);
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

/* The stall meter: a high-priority timeout every millisecond notes how long the main
 * loop let it wait (a stall is the time between two dispatches, less the millisecond
 * asked for), and a tick callback on @widget notes the intervals between frames. The
 * window's responsiveness test runs a whole check under it. */

#define STALL_INTERVAL_MS 1

struct _RvTestStallMeter
{
  GtkWidget *widget;
  guint      timeout_id;
  guint      tick_id;
  gint64     last_us;
  gint64     max_stall_us;
  gint64     last_frame_us;
  gint64     max_frame_us;
  guint      n_frames;
};

static gboolean
stall_meter_timeout_cb (gpointer data)
{
  RvTestStallMeter *meter = data;
  gint64 now = g_get_monotonic_time ();

  if (meter->last_us != 0)
    meter->max_stall_us = MAX (meter->max_stall_us,
                               now - meter->last_us - STALL_INTERVAL_MS * 1000);
  meter->last_us = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
stall_meter_tick_cb (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       data)
{
  RvTestStallMeter *meter = data;
  gint64 frame = gdk_frame_clock_get_frame_time (clock);

  if (meter->last_frame_us != 0)
    meter->max_frame_us = MAX (meter->max_frame_us, frame - meter->last_frame_us);
  meter->last_frame_us = frame;
  meter->n_frames++;
  return G_SOURCE_CONTINUE;
}

/**
 * rv_test_stall_meter_new:
 * @widget: (nullable): a mapped widget whose frames to time, or %NULL
 *
 * Returns: (transfer full): a meter, measuring from now until freed
 */
RvTestStallMeter *
rv_test_stall_meter_new (GtkWidget *widget)
{
  RvTestStallMeter *meter = g_new0 (RvTestStallMeter, 1);

  meter->timeout_id = g_timeout_add_full (G_PRIORITY_HIGH, STALL_INTERVAL_MS,
                                          stall_meter_timeout_cb, meter, NULL);
  if (widget != NULL)
    {
      meter->widget = g_object_ref (widget);
      meter->tick_id = gtk_widget_add_tick_callback (widget, stall_meter_tick_cb, meter, NULL);
    }
  return meter;
}

void
rv_test_stall_meter_free (RvTestStallMeter *meter)
{
  if (meter == NULL)
    return;

  g_clear_handle_id (&meter->timeout_id, g_source_remove);
  if (meter->widget != NULL)
    {
      gtk_widget_remove_tick_callback (meter->widget, meter->tick_id);
      g_clear_object (&meter->widget);
    }
  g_free (meter);
}

/* The longest the main loop kept the meter waiting beyond its millisecond. */
gint64
rv_test_stall_meter_get_max_stall_us (RvTestStallMeter *meter)
{
  return meter->max_stall_us;
}

/* The longest interval between two frames of the widget. */
gint64
rv_test_stall_meter_get_max_frame_us (RvTestStallMeter *meter)
{
  return meter->max_frame_us;
}

guint
rv_test_stall_meter_get_n_frames (RvTestStallMeter *meter)
{
  return meter->n_frames;
}
