/* rv-row.h
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

#include <gio/gio.h>

#include "rv-result.h"

G_BEGIN_DECLS

#define RV_TYPE_ROW (rv_row_get_type ())

G_DECLARE_FINAL_TYPE (RvRow, rv_row, RV, ROW, GObject)

RvRow      *rv_row_new            (guint       index,
                                   const char *value,
                                   RvResult   *result);
guint       rv_row_get_index      (RvRow      *self);
guint       rv_row_get_number     (RvRow      *self);
const char *rv_row_get_value      (RvRow      *self);
RvResult   *rv_row_get_result     (RvRow      *self);
void        rv_row_set_result     (RvRow      *self,
                                   RvResult   *result);
RvVerdict   rv_row_get_verdict    (RvRow      *self);
const char *rv_row_get_name       (RvRow      *self);
const char *rv_row_get_reason     (RvRow      *self);
const char *rv_row_get_ruc        (RvRow      *self);
const char *rv_row_get_state      (RvRow      *self);
const char *rv_row_get_condition  (RvRow      *self);
const char *rv_row_get_address    (RvRow      *self);
const char *rv_row_get_as_of      (RvRow      *self);
gint64      rv_row_get_checked_at (RvRow      *self);
RvSource    rv_row_get_source     (RvRow      *self);
const char *rv_row_get_suggestion (RvRow      *self);

G_END_DECLS
