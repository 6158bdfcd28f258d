/* rv-result.h
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

#include <glib-object.h>

#include "rv-record.h"
#include "rv-ruc.h"

G_BEGIN_DECLS

/**
 * RvResultColumn:
 *
 * The columns a run appends to every output (DESIGN.md, Output), in this order.
 */
typedef enum
{
  RV_RESULT_COLUMN_RUC,        /* normalised RUC (a DNI's RUC 10; an invalid value's digits) */
  RV_RESULT_COLUMN_VERDICT,    /* rv_verdict_get_label() */
  RV_RESULT_COLUMN_REASON,     /* one translated sentence, with the suggestion if any */
  RV_RESULT_COLUMN_NAME,       /* razón social */
  RV_RESULT_COLUMN_STATE,      /* estado */
  RV_RESULT_COLUMN_CONDITION,  /* condición */
  RV_RESULT_COLUMN_ADDRESS,    /* dirección */
  RV_RESULT_COLUMN_UBIGEO,     /* ubigeo */
  RV_RESULT_COLUMN_AS_OF,      /* the provider's date of the data */
  RV_RESULT_COLUMN_CHECKED_AT, /* when it was checked, local time, "YYYY-MM-DD HH:MM:SS" */
  RV_RESULT_COLUMN_SOURCE,     /* "api", "cache", "padrón", "offline" */
  RV_N_RESULT_COLUMNS,
} RvResultColumn;

/**
 * RvResult:
 *
 * What became of one normalised value of a RUC column: its verdict, the reason, and
 * the taxpayer record when a source answered. Immutable and reference counted: a run
 * replaces an entry's result when the answer arrives, and every row that holds the value
 * shares it.
 */
typedef struct _RvResult RvResult;

#define RV_TYPE_RESULT (rv_result_get_type ())

GType        rv_result_get_type           (void) G_GNUC_CONST;

RvResult    *rv_result_new                (const RvRucParse *parse,
                                           const char       *raw);
RvResult    *rv_result_new_answered       (const RvResult   *pending,
                                           RvRecord         *record);
RvResult    *rv_result_new_pending        (const RvResult   *previous,
                                           const char       *reason);
RvResult    *rv_result_ref                (RvResult         *self);
void         rv_result_unref              (RvResult         *self);

const char  *rv_result_get_value          (const RvResult   *self);
RvIdKind     rv_result_get_kind           (const RvResult   *self);
const char  *rv_result_get_ruc            (const RvResult   *self);
const char  *rv_result_get_suggestion     (const RvResult   *self);
RvVerdict    rv_result_get_verdict        (const RvResult   *self);
const char  *rv_result_get_reason         (const RvResult   *self);
RvRecord    *rv_result_get_record         (const RvResult   *self);
RvSource     rv_result_get_source         (const RvResult   *self);
gboolean     rv_result_is_final           (const RvResult   *self);

const char  *rv_result_column_get_title   (RvResultColumn    column);
char        *rv_result_dup_column_text    (const RvResult   *self,
                                           RvResultColumn    column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvResult, rv_result_unref)

G_END_DECLS
