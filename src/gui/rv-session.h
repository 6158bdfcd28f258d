/* rv-session.h
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

#include "rv-batch.h"
#include "rv-column-detect.h"
#include "rv-row-list.h"
#include "rv-sheet-writer.h"
#include "rv-store.h"
#include "rv-workbook.h"

G_BEGIN_DECLS

/**
 * RvSessionState:
 * @RV_SESSION_STATE_EMPTY: no file
 * @RV_SESSION_STATE_LOADING: a file is being read
 * @RV_SESSION_STATE_PREVIEW: a file is read and its RUC column chosen; nothing asked yet
 * @RV_SESSION_STATE_RUNNING: the values are being checked (the batch may be paused)
 * @RV_SESSION_STATE_DONE: a run is over (finished, cancelled, or stopped by the provider)
 *
 * Where the window is with one file.
 */
typedef enum
{
  RV_SESSION_STATE_EMPTY,
  RV_SESSION_STATE_LOADING,
  RV_SESSION_STATE_PREVIEW,
  RV_SESSION_STATE_RUNNING,
  RV_SESSION_STATE_DONE,
} RvSessionState;

/**
 * RvPreflight:
 * @rows: rows with a value
 * @unique: distinct values
 * @malformed: distinct values that are not a RUC or DNI (never sent)
 * @cached: distinct values with a young enough answer in the database
 * @to_look_up: distinct values a run would ask the provider about
 * @seconds: about how long the lookups would take
 * @counted: whether @cached and @to_look_up are known yet
 *
 * What a run would cost, before it starts.
 */
typedef struct
{
  guint    rows;
  guint    unique;
  guint    malformed;
  guint    cached;
  guint    to_look_up;
  guint    seconds;
  gboolean counted;
} RvPreflight;

#define RV_TYPE_SESSION       (rv_session_get_type ())
#define RV_TYPE_SESSION_STATE (rv_session_state_get_type ())

GType rv_session_state_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (RvSession, rv_session, RV, SESSION, GObject)

RvSession         *rv_session_new                (GSettings      *settings);
RvSessionState     rv_session_get_state          (RvSession      *self);
GFile             *rv_session_get_file           (RvSession      *self);
double             rv_session_get_load_fraction  (RvSession      *self);
RvWorkbook        *rv_session_get_workbook       (RvSession      *self);
RvColumnGuess     *rv_session_get_guess          (RvSession      *self);
guint              rv_session_get_sheet          (RvSession      *self);
int                rv_session_get_column         (RvSession      *self);
RvBatch           *rv_session_get_batch          (RvSession      *self);
RvRowList         *rv_session_get_rows           (RvSession      *self);
const RvPreflight *rv_session_get_preflight      (RvSession      *self);
const char        *rv_session_get_provider_name  (RvSession      *self);
char              *rv_session_dup_column_label   (RvSession      *self,
                                                  guint           column);

void               rv_session_load               (RvSession      *self,
                                                  GFile          *file);
void               rv_session_set_sheet          (RvSession      *self,
                                                  guint           sheet);
void               rv_session_set_column         (RvSession      *self,
                                                  guint           column);
void               rv_session_start              (RvSession      *self);
void               rv_session_pause              (RvSession      *self);
void               rv_session_resume             (RvSession      *self);
void               rv_session_cancel             (RvSession      *self);
void               rv_session_close              (RvSession      *self);
gboolean           rv_session_apply_suggestion   (RvSession      *self,
                                                  guint           row,
                                                  const char     *ruc,
                                                  GError        **error);
gboolean           rv_session_build_export       (RvSession      *self,
                                                  RvExport       *export,
                                                  RvExportSummary *summary);

G_END_DECLS
