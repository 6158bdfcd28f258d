/* rv-store.h
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

#include "rv-record.h"

G_BEGIN_DECLS

#define RV_STORE_ERROR (rv_store_error_quark ())

/**
 * RvStoreError:
 * @RV_STORE_ERROR_OPEN: the file or its folder cannot be created or opened
 * @RV_STORE_ERROR_CORRUPT: the file is not a database or is damaged
 * @RV_STORE_ERROR_TOO_NEW: the file was written by a newer version of the application
 * @RV_STORE_ERROR_BUSY: another program holds the database for too long
 * @RV_STORE_ERROR_FULL: the disk is full
 * @RV_STORE_ERROR_READ_ONLY: the file cannot be written
 * @RV_STORE_ERROR_FAILED: any other failure
 */
typedef enum
{
  RV_STORE_ERROR_OPEN,
  RV_STORE_ERROR_CORRUPT,
  RV_STORE_ERROR_TOO_NEW,
  RV_STORE_ERROR_BUSY,
  RV_STORE_ERROR_FULL,
  RV_STORE_ERROR_READ_ONLY,
  RV_STORE_ERROR_FAILED,
} RvStoreError;

/**
 * RvRunStatus:
 * @RV_RUN_RUNNING: started and not finished (or killed before it could finish)
 * @RV_RUN_FINISHED: every row reached a verdict
 * @RV_RUN_CANCELLED: stopped by the user
 * @RV_RUN_FAILED: could not be completed
 */
typedef enum
{
  RV_RUN_RUNNING,
  RV_RUN_FINISHED,
  RV_RUN_CANCELLED,
  RV_RUN_FAILED,
} RvRunStatus;

/**
 * RvRun:
 * @id: the run's row id
 * @file_name: (nullable): the input file's name
 * @file_sha256: (nullable): the input file's SHA-256, in hex
 * @provider: (nullable): the provider id
 * @started_at: start, seconds since the epoch
 * @finished_at: end, or 0 while running
 * @status: how it ended
 * @total: rows
 * @unique: distinct normalised values
 * @counts: distinct values per #RvVerdict
 * @cache_hits: answers from the database
 * @requests: requests sent to a provider
 *
 * One row of the `runs` table: what was checked, when, and with what result.
 */
typedef struct
{
  gint64       id;
  char        *file_name;
  char        *file_sha256;
  char        *provider;
  gint64       started_at;
  gint64       finished_at;
  RvRunStatus  status;
  guint        total;
  guint        unique;
  guint        counts[RV_N_VERDICTS];
  guint        cache_hits;
  guint        requests;
} RvRun;

#define RV_TYPE_STORE       (rv_store_get_type ())
#define RV_TYPE_RUN         (rv_run_get_type ())
#define RV_TYPE_RUN_STATUS  (rv_run_status_get_type ())
#define RV_STORE_SCHEMA_VERSION 1

G_DECLARE_FINAL_TYPE (RvStore, rv_store, RV, STORE, GObject)

GQuark      rv_store_error_quark        (void);
GType       rv_run_get_type             (void) G_GNUC_CONST;
GType       rv_run_status_get_type      (void) G_GNUC_CONST;
RvRun      *rv_run_copy                 (const RvRun          *run);
void        rv_run_free                 (RvRun                *run);

char       *rv_store_dup_default_path   (void);
RvStore    *rv_store_new                (const char           *path,
                                         GError              **error);
void        rv_store_new_async          (const char           *path,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
RvStore    *rv_store_new_finish         (GAsyncResult         *result,
                                         GError              **error);
const char *rv_store_get_path           (RvStore              *self);
int         rv_store_get_schema_version (RvStore              *self);

gboolean    rv_store_put_records        (RvStore              *self,
                                         RvRecord * const     *records,
                                         guint                 n_records,
                                         GError              **error);
void        rv_store_put_records_async  (RvStore              *self,
                                         GPtrArray            *records,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    rv_store_put_records_finish (RvStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
GPtrArray  *rv_store_get_records        (RvStore              *self,
                                         const char * const   *rucs,
                                         guint                 n_rucs,
                                         gint64                max_age_found,
                                         gint64                max_age_not_found,
                                         GError              **error);
void        rv_store_get_records_async  (RvStore              *self,
                                         GStrv                 rucs,
                                         gint64                max_age_found,
                                         gint64                max_age_not_found,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GPtrArray  *rv_store_get_records_finish (RvStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
RvRecord   *rv_store_get_record         (RvStore              *self,
                                         const char           *ruc,
                                         gint64                max_age_found,
                                         gint64                max_age_not_found,
                                         GError              **error);
gint64      rv_store_count_records      (RvStore              *self,
                                         GError              **error);
gboolean    rv_store_clear_records      (RvStore              *self,
                                         GError              **error);

gint64      rv_store_begin_run          (RvStore              *self,
                                         const char           *file_name,
                                         const char           *file_sha256,
                                         const char           *provider,
                                         GError              **error);
gboolean    rv_store_finish_run         (RvStore              *self,
                                         const RvRun          *run,
                                         GError              **error);
GPtrArray  *rv_store_list_runs          (RvStore              *self,
                                         guint                 limit,
                                         GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvRun, rv_run_free)

G_END_DECLS
