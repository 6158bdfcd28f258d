/* rv-batch.h
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

#include "rv-provider.h"
#include "rv-result.h"
#include "rv-store.h"

G_BEGIN_DECLS

/**
 * RvBatchState:
 * @RV_BATCH_STATE_READY: rows added, not running (never run, or finished and ready to retry)
 * @RV_BATCH_STATE_RUNNING: answering
 * @RV_BATCH_STATE_PAUSED: paused by rv_batch_pause(); nothing new is sent
 * @RV_BATCH_STATE_UNAVAILABLE: paused by the circuit breaker: the provider failed too many
 *   times in a row; rv_batch_resume() tries again
 */
typedef enum
{
  RV_BATCH_STATE_READY,
  RV_BATCH_STATE_RUNNING,
  RV_BATCH_STATE_PAUSED,
  RV_BATCH_STATE_UNAVAILABLE,
} RvBatchState;

/**
 * RvBatchProgress:
 * @rows: rows added
 * @unique: distinct non-empty normalised values (what requests could cost)
 * @counts: distinct non-empty values per verdict; %RV_VERDICT_PENDING counts those not
 *   answered yet or given up
 * @done: distinct values with a final verdict
 * @to_look_up: distinct values the run must ask a source about (neither invalid nor fresh
 *   in the cache), known once the cache has been read
 * @cache_hits: distinct values answered from the database
 * @requests: requests sent to providers (retries included)
 * @retries: requests that were retries
 * @in_flight: requests waiting for an answer now
 * @rate: answers per minute, moving average over the last 10 seconds
 * @elapsed_us: time spent running (pauses excluded)
 * @eta_us: time left at the current rate, or -1 when unknown
 *
 * A snapshot of a run, for counters and ETA.
 */
typedef struct
{
  guint  rows;
  guint  unique;
  guint  counts[RV_N_VERDICTS];
  guint  done;
  guint  to_look_up;
  guint  cache_hits;
  guint  requests;
  guint  retries;
  guint  in_flight;
  double rate;
  gint64 elapsed_us;
  gint64 eta_us;
} RvBatchProgress;

#define RV_TYPE_BATCH        (rv_batch_get_type ())
#define RV_TYPE_BATCH_STATE  (rv_batch_state_get_type ())

G_DECLARE_FINAL_TYPE (RvBatch, rv_batch, RV, BATCH, GObject)

GType                  rv_batch_state_get_type        (void) G_GNUC_CONST;

RvBatch               *rv_batch_new                   (RvStore              *store);
void                   rv_batch_add_provider          (RvBatch              *self,
                                                       RvProvider           *provider);
void                   rv_batch_set_offline_reason    (RvBatch              *self,
                                                       const char           *reason);
void                   rv_batch_set_cancel_reason     (RvBatch              *self,
                                                       const char           *reason);
void                   rv_batch_set_concurrency       (RvBatch              *self,
                                                       guint                 concurrency);
guint                  rv_batch_get_concurrency       (RvBatch              *self);
void                   rv_batch_set_rate              (RvBatch              *self,
                                                       guint                 per_minute);
void                   rv_batch_set_max_age           (RvBatch              *self,
                                                       gint64                found_seconds,
                                                       gint64                not_found_seconds);
void                   rv_batch_set_retry_policy      (RvBatch              *self,
                                                       guint                 max_attempts,
                                                       guint                 base_ms,
                                                       guint                 cap_ms);
void                   rv_batch_set_breaker_threshold (RvBatch              *self,
                                                       guint                 failures);

guint                  rv_batch_add_rows              (RvBatch              *self,
                                                       const char * const   *values,
                                                       guint                 n_values);
gboolean               rv_batch_set_row_value         (RvBatch              *self,
                                                       guint                 row,
                                                       const char           *value,
                                                       GError              **error);
guint                  rv_batch_get_n_rows            (RvBatch              *self);
guint                  rv_batch_get_n_entries         (RvBatch              *self);
int                    rv_batch_get_row_entry         (RvBatch              *self,
                                                       guint                 row);
RvResult              *rv_batch_get_row_result        (RvBatch              *self,
                                                       guint                 row);
RvResult              *rv_batch_get_entry_result      (RvBatch              *self,
                                                       guint                 entry);
const guint           *rv_batch_get_entry_rows        (RvBatch              *self,
                                                       guint                 entry,
                                                       guint                *n_rows);

void                   rv_batch_run_async             (RvBatch              *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean               rv_batch_run_finish            (RvBatch              *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void                   rv_batch_pause                 (RvBatch              *self);
void                   rv_batch_resume                (RvBatch              *self);
RvBatchState           rv_batch_get_state             (RvBatch              *self);
const GError          *rv_batch_get_last_error        (RvBatch              *self);
const RvBatchProgress *rv_batch_get_progress          (RvBatch              *self);
void                   rv_batch_fill_run              (RvBatch              *self,
                                                       RvRun                *record);
void                   rv_batch_count_cached_async    (RvBatch              *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean               rv_batch_count_cached_finish   (RvBatch              *self,
                                                       GAsyncResult         *result,
                                                       guint                *n_cached,
                                                       GError              **error);

G_END_DECLS
