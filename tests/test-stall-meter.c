/* test-stall-meter.c
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

/*
 * The meter the window's responsiveness test relies on: it must see a main loop that is
 * blocked, and must not see one that is not.
 */

static gboolean
block_cb (gpointer data)
{
  g_usleep (200 * 1000);
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_stall_meter (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *label = gtk_label_new ("RUC Validator");
  gboolean done = FALSE;

  gtk_window_set_child (GTK_WINDOW (window), label);
  gtk_window_present (GTK_WINDOW (window));
  RV_TEST_WAIT_FOR (gtk_widget_get_mapped (label));
  rv_test_wait_frames (label, 3);

  /* A quiet half second: no stall worth the name, frames at the display's pace. */
  {
    g_autoptr(RvTestStallMeter) meter = rv_test_stall_meter_new (label);

    g_timeout_add (500, done_cb, &done);
    RV_TEST_WAIT_FOR (done);
    g_test_message ("quiet: longest stall %" G_GINT64_FORMAT " us, longest frame %"
                    G_GINT64_FORMAT " us, %u frames",
                    rv_test_stall_meter_get_max_stall_us (meter),
                    rv_test_stall_meter_get_max_frame_us (meter),
                    rv_test_stall_meter_get_n_frames (meter));
    g_assert_cmpint (rv_test_stall_meter_get_max_stall_us (meter), <, 100 * 1000);
    g_assert_cmpuint (rv_test_stall_meter_get_n_frames (meter), >, 5);
  }

  /* 200 ms of work on the main loop: seen as a stall and as a late frame. */
  {
    g_autoptr(RvTestStallMeter) meter = rv_test_stall_meter_new (label);

    done = FALSE;
    g_timeout_add (50, block_cb, &done);
    RV_TEST_WAIT_FOR (done);
    rv_test_wait_frames (label, 3);
    g_test_message ("blocked: longest stall %" G_GINT64_FORMAT " us, longest frame %"
                    G_GINT64_FORMAT " us",
                    rv_test_stall_meter_get_max_stall_us (meter),
                    rv_test_stall_meter_get_max_frame_us (meter));
    g_assert_cmpint (rv_test_stall_meter_get_max_stall_us (meter), >=, 190 * 1000);
    g_assert_cmpint (rv_test_stall_meter_get_max_frame_us (meter), >=, 190 * 1000);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  rv_test_gui_init ();

  g_test_add_func ("/stall-meter/sees-blocks", test_stall_meter);

  return g_test_run ();
}
