/* rv-test-gui.h
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

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What the widget tests share: waiting on the main loop, finding windows and widgets,
 * screenshots.
 */

/* How long RV_TEST_WAIT_FOR() waits before the test fails. */
#define RV_TEST_WAIT_SECONDS 20

/**
 * RV_TEST_WAIT_FOR:
 * @cond: an expression, evaluated again after each main-loop iteration
 *
 * Spins the default main context until @cond holds; fails the test, naming @cond, after
 * %RV_TEST_WAIT_SECONDS.
 */
#define RV_TEST_WAIT_FOR(cond) \
  G_STMT_START { \
    guint wait_id_ = rv_test_wait_timeout_add (#cond); \
    while (!(cond)) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (wait_id_); \
  } G_STMT_END

void       rv_test_gui_init          (void);
guint      rv_test_wait_timeout_add  (const char  *condition);
void       rv_test_wait_frames       (GtkWidget   *widget,
                                      guint        n);
GtkWindow *rv_test_find_toplevel     (GType        type);
GtkWidget *rv_test_find_widget       (GtkWidget   *root,
                                      GType        type,
                                      const char  *title);
gboolean   rv_test_widget_shows_text (GtkWidget   *root,
                                      const char  *needle);
void       rv_test_save_screenshot   (GtkWidget   *widget,
                                      const char  *name);

/* How responsive the main loop stays: see rv-test-gui.c. */
typedef struct _RvTestStallMeter RvTestStallMeter;

RvTestStallMeter *rv_test_stall_meter_new          (GtkWidget        *widget);
void              rv_test_stall_meter_free         (RvTestStallMeter *meter);
gint64            rv_test_stall_meter_get_max_stall_us (RvTestStallMeter *meter);
gint64            rv_test_stall_meter_get_max_frame_us (RvTestStallMeter *meter);
guint             rv_test_stall_meter_get_n_frames (RvTestStallMeter *meter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvTestStallMeter, rv_test_stall_meter_free)

G_END_DECLS
