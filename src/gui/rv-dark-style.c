/* rv-dark-style.c
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

#define G_LOG_DOMAIN "rv-dark-style"

#include "config.h"

#include "rv-dark-style.h"

#include <adwaita.h>

/* The verdict pills have dark colours under `.dark` (style.css): GTK 4.8's CSS cannot ask
 * for the dark style itself. */

static void
update_dark (GtkWidget *widget)
{
  if (adw_style_manager_get_dark (adw_style_manager_get_default ()))
    gtk_widget_add_css_class (widget, "dark");
  else
    gtk_widget_remove_css_class (widget, "dark");
}

/**
 * rv_follow_dark_style:
 * @widget: a widget with verdict pills
 *
 * Gives @widget the `dark` style class while the dark style is on, now and for its life.
 */
void
rv_follow_dark_style (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_dark), widget, G_CONNECT_SWAPPED);
  update_dark (widget);
}
