/* rv-preferences-window.h
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

#define RV_TYPE_PREFERENCES_WINDOW (rv_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (RvPreferencesWindow, rv_preferences_window, RV, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

RvPreferencesWindow *rv_preferences_window_new (GtkWindow *parent);

G_END_DECLS
