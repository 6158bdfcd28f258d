/* rv-results-view.h
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

#include "rv-row-list.h"

G_BEGIN_DECLS

/**
 * RvVerdictFilter:
 * @RV_VERDICT_FILTER_ALL: every row
 * @RV_VERDICT_FILTER_VALID: valid rows
 * @RV_VERDICT_FILTER_OBSERVED: observed rows
 * @RV_VERDICT_FILTER_NOT_FOUND: rows not found
 * @RV_VERDICT_FILTER_INVALID: invalid rows
 * @RV_VERDICT_FILTER_PENDING: pending rows
 * @RV_VERDICT_FILTER_PROBLEMS: every row that is not valid
 *
 * Which verdicts the results view shows.
 */
typedef enum
{
  RV_VERDICT_FILTER_ALL,
  RV_VERDICT_FILTER_VALID,
  RV_VERDICT_FILTER_OBSERVED,
  RV_VERDICT_FILTER_NOT_FOUND,
  RV_VERDICT_FILTER_INVALID,
  RV_VERDICT_FILTER_PENDING,
  RV_VERDICT_FILTER_PROBLEMS,
} RvVerdictFilter;

#define RV_TYPE_VERDICT_FILTER (rv_verdict_filter_get_type ())
#define RV_TYPE_RESULTS_VIEW   (rv_results_view_get_type ())

GType rv_verdict_filter_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (RvResultsView, rv_results_view, RV, RESULTS_VIEW, AdwBin)

RvResultsView   *rv_results_view_new                (void);
RvRowList       *rv_results_view_get_rows           (RvResultsView   *self);
void             rv_results_view_set_rows           (RvResultsView   *self,
                                                     RvRowList       *rows);
RvVerdictFilter  rv_results_view_get_verdict_filter (RvResultsView   *self);
void             rv_results_view_set_verdict_filter (RvResultsView   *self,
                                                     RvVerdictFilter  filter);
const char      *rv_results_view_get_search         (RvResultsView   *self);
void             rv_results_view_set_search         (RvResultsView   *self,
                                                     const char      *search);
void             rv_results_view_refilter           (RvResultsView   *self);
guint            rv_results_view_get_n_shown        (RvResultsView   *self);

G_END_DECLS
