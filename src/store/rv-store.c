/* rv-store.c
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

#define G_LOG_DOMAIN "rv-store"

#include "config.h"

#include "rv-store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

/**
 * RvStore:
 *
 * The local database: one SQLite file holding every answer a provider gave (the
 * cache) and a log of runs. Every method may be called from any thread; a mutex
 * serialises them. The `_async` variants run on one worker thread owned by the
 * store, so the main loop never waits for the disk.
 *
 * The file is created with mode 0600 in a 0700 folder, since client lists are
 * confidential. It uses WAL with synchronous=NORMAL: a process killed at any
 * point loses no committed transaction.
 */
struct _RvStore
{
  GObject       parent_instance;

  char         *path;
  sqlite3      *db;
  GMutex        lock;
  GThreadPool  *pool;

  sqlite3_stmt *put_stmt;
  sqlite3_stmt *get_stmt;
};

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

typedef struct
{
  GStrv  rucs;
  gint64 max_age_found;
  gint64 max_age_not_found;
} GetRecordsData;

G_DEFINE_FINAL_TYPE (RvStore, rv_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (rv-store-error-quark, rv_store_error)
G_DEFINE_BOXED_TYPE (RvRun, rv_run, rv_run_copy, rv_run_free)
G_DEFINE_ENUM_TYPE (RvRunStatus, rv_run_status,
  G_DEFINE_ENUM_VALUE (RV_RUN_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (RV_RUN_FINISHED, "finished"),
  G_DEFINE_ENUM_VALUE (RV_RUN_CANCELLED, "cancelled"),
  G_DEFINE_ENUM_VALUE (RV_RUN_FAILED, "failed"))

/* "RVDB": marks the file as ours, so that we never migrate somebody else's database. */
#define APPLICATION_ID 0x52564442

#define RECORD_COLUMNS \
  "ruc, found, provider, as_of, checked_at, " \
  "nombre_o_razon_social, estado_del_contribuyente, condicion_de_domicilio, ubigeo, " \
  "tipo_de_via, nombre_de_via, codigo_de_zona, tipo_de_zona, numero, interior, lote, " \
  "dpto, manzana, kilometro, distrito, provincia, departamento, direccion_simple, direccion"
#define N_RECORD_HEAD 5

/* Forward migrations: entry N takes the schema from version N to N + 1. Each runs in its
 * own transaction with the new user_version, so a migration is applied whole or not at all.
 * Never edit a released entry: add one.
 */
static const char * const migrations[] = {
  /* 0 → 1: the cache of answers and the log of runs. */
  "CREATE TABLE records ("
  "  ruc TEXT NOT NULL PRIMARY KEY,"
  "  found INTEGER NOT NULL,"
  "  provider TEXT,"
  "  as_of TEXT,"
  "  checked_at INTEGER NOT NULL,"
  "  nombre_o_razon_social TEXT, estado_del_contribuyente TEXT, condicion_de_domicilio TEXT,"
  "  ubigeo TEXT, tipo_de_via TEXT, nombre_de_via TEXT, codigo_de_zona TEXT, tipo_de_zona TEXT,"
  "  numero TEXT, interior TEXT, lote TEXT, dpto TEXT, manzana TEXT, kilometro TEXT,"
  "  distrito TEXT, provincia TEXT, departamento TEXT, direccion_simple TEXT, direccion TEXT"
  ") WITHOUT ROWID;"
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY,"
  "  file_name TEXT,"
  "  file_sha256 TEXT,"
  "  provider TEXT,"
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER,"
  "  status TEXT NOT NULL DEFAULT 'running',"
  "  total INTEGER NOT NULL DEFAULT 0,"
  "  unique_values INTEGER NOT NULL DEFAULT 0,"
  "  valid INTEGER NOT NULL DEFAULT 0,"
  "  observed INTEGER NOT NULL DEFAULT 0,"
  "  not_found INTEGER NOT NULL DEFAULT 0,"
  "  invalid INTEGER NOT NULL DEFAULT 0,"
  "  pending INTEGER NOT NULL DEFAULT 0,"
  "  cache_hits INTEGER NOT NULL DEFAULT 0,"
  "  requests INTEGER NOT NULL DEFAULT 0"
  ");",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == RV_STORE_SCHEMA_VERSION);

static gboolean
set_error_from_sqlite (GError     **error,
                       sqlite3     *db,
                       int          rc,
                       const char  *path)
{
  RvStoreError code;
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, RV_STORE_ERROR, RV_STORE_ERROR_CORRUPT,
                   _("“%s” is not a RUC Validator database or is damaged (%s)"),
                   path, detail);
      return FALSE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = RV_STORE_ERROR_BUSY;
      break;
    case SQLITE_FULL:
      code = RV_STORE_ERROR_FULL;
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = RV_STORE_ERROR_READ_ONLY;
      break;
    case SQLITE_CANTOPEN:
      code = RV_STORE_ERROR_OPEN;
      break;
    default:
      code = RV_STORE_ERROR_FAILED;
      break;
    }

  g_set_error (error, RV_STORE_ERROR, code,
               _("Database “%s”: %s"), path, detail);
  return FALSE;
}

#define SQL_FAIL(self, rc, error) set_error_from_sqlite (error, (self)->db, rc, (self)->path)

static gboolean
exec_sql (RvStore     *self,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return SQL_FAIL (self, rc, error);
  return TRUE;
}

static gboolean
query_int (RvStore     *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return SQL_FAIL (self, rc, error);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    return SQL_FAIL (self, rc, error);
  return TRUE;
}

static void
rollback (RvStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Makes sure the file is ours (or new) before anything is written to it: somebody
 * else's database is refused untouched.
 */
static gboolean
check_identity (RvStore  *self,
                gint64   *version,
                GError  **error)
{
  gint64 application_id = 0;
  gint64 n_objects = 0;

  if (!query_int (self, "PRAGMA user_version", version, error) ||
      !query_int (self, "PRAGMA application_id", &application_id, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, error))
    return FALSE;

  if (application_id != APPLICATION_ID &&
      (application_id != 0 || *version != 0 || n_objects != 0))
    {
      g_set_error (error, RV_STORE_ERROR, RV_STORE_ERROR_CORRUPT,
                   _("“%s” is a database of another application"), self->path);
      return FALSE;
    }

  if (*version > RV_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, RV_STORE_ERROR, RV_STORE_ERROR_TOO_NEW,
                   _("The database “%s” was written by a newer version of RUC Validator; "
                     "update the application to use it"),
                   self->path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (RvStore  *self,
         gint64    version,
         GError  **error)
{
  for (; version < RV_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d;"
                                               "PRAGMA application_id = %d;",
                                               (int) version + 1, APPLICATION_ID);

      g_debug ("Migrating %s to schema version %d", self->path, (int) version + 1);

      if (!exec_sql (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec_sql (self, migrations[version], error) || !exec_sql (self, bump, error))
        {
          rollback (self);
          return FALSE;
        }
      if (!exec_sql (self, "COMMIT", error))
        {
          rollback (self);
          return FALSE;
        }
    }

  return TRUE;
}

/* Creates the file (and its folder) with private permissions before SQLite opens it:
 * SQLite creates its WAL and shared-memory files with the database file's mode.
 */
static gboolean
prepare_file (const char  *path,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, RV_STORE_ERROR, RV_STORE_ERROR_OPEN,
                   _("Cannot create the folder “%s” for the database: %s"),
                   dir, g_strerror (errsv));
      return FALSE;
    }

  fd = g_open (path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      /* The umask may have taken bits away, never added any; make sure anyway. */
      if (fchmod (fd, 0600) != 0)
        g_debug ("fchmod %s: %s", path, g_strerror (errno));
      close (fd);
    }
  else if (errno != EEXIST)
    {
      int errsv = errno;
      g_set_error (error, RV_STORE_ERROR,
                   errsv == EACCES || errsv == EROFS ? RV_STORE_ERROR_READ_ONLY : RV_STORE_ERROR_OPEN,
                   _("Cannot create the database “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

static gboolean
rv_store_open (RvStore  *self,
               GError  **error)
{
  g_autofree char *journal_mode = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 version = 0;
  int rc;

  if (!prepare_file (self->path, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (error, self->db, rc, self->path);
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  /* SQLite falls back to read-only when the file cannot be written; refuse before the
   * first read, which would leave a read-only shared-memory file behind.
   */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, RV_STORE_ERROR, RV_STORE_ERROR_READ_ONLY,
                   _("The database “%s” cannot be written: check its permissions"),
                   self->path);
      return FALSE;
    }

  if (!check_identity (self, &version, error))
    return FALSE;

  /* journal_mode answers with the mode in force: a read-only or odd file stays in another. */
  if ((rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL)) != SQLITE_OK)
    return SQL_FAIL (self, rc, error);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    journal_mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return SQL_FAIL (self, rc, error);
  if (g_strcmp0 (journal_mode, "wal") != 0)
    g_warning ("Database %s is in journal mode %s, not WAL", self->path, journal_mode);

  /* The WAL grows to the largest transaction; give the disk back after checkpoints. */
  if (!exec_sql (self, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                       "PRAGMA journal_size_limit = 16777216;", error) ||
      !migrate (self, version, error))
    return FALSE;

  rc = sqlite3_prepare_v3 (self->db,
                           "INSERT OR REPLACE INTO records (" RECORD_COLUMNS ") VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &self->put_stmt, NULL);
  if (rc != SQLITE_OK)
    return SQL_FAIL (self, rc, error);

  rc = sqlite3_prepare_v3 (self->db,
                           "SELECT " RECORD_COLUMNS " FROM records WHERE ruc = ?",
                           -1, SQLITE_PREPARE_PERSISTENT, &self->get_stmt, NULL);
  if (rc != SQLITE_OK)
    return SQL_FAIL (self, rc, error);

  return TRUE;
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  Job *job = data;
  GTask *task = job->task;

  if (!g_task_return_error_if_cancelled (task))
    job->func (task, g_task_get_source_object (task), g_task_get_task_data (task),
               g_task_get_cancellable (task));

  g_object_unref (task);
  g_free (job);
}

/* Runs @func on the store's one worker thread, in order of submission. */
static void
run_in_worker (RvStore         *self,
               GTask           *task,
               GTaskThreadFunc  func)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (self->pool, job, NULL);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* The arrays of rv_store_get_records() hold %NULL where there is no record, and
 * GPtrArray calls its free function on every element, %NULL ones included.
 */
static void
record_unref0 (gpointer record)
{
  if (record != NULL)
    rv_record_unref (record);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
is_fresh (gboolean found,
          gint64   checked_at,
          gint64   now,
          gint64   max_age_found,
          gint64   max_age_not_found)
{
  gint64 max_age = found ? max_age_found : max_age_not_found;

  return max_age < 0 || now - checked_at <= max_age;
}

/* Reads one record with the get statement, which the caller holds the lock for. */
static RvRecord *
lookup_locked (RvStore     *self,
               const char  *ruc,
               gint64       now,
               gint64       max_age_found,
               gint64       max_age_not_found,
               GError     **error)
{
  sqlite3_stmt *stmt = self->get_stmt;
  RvRecord *record = NULL;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, ruc, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gboolean found = sqlite3_column_int (stmt, 1);
      gint64 checked_at = sqlite3_column_int64 (stmt, 4);

      if (is_fresh (found, checked_at, now, max_age_found, max_age_not_found))
        {
          record = rv_record_new (ruc, found);
          rv_record_set_provider (record, column_text (stmt, 2));
          rv_record_set_as_of (record, column_text (stmt, 3));
          rv_record_set_checked_at (record, checked_at);
          rv_record_set_source (record, RV_SOURCE_CACHE);
          for (guint f = 0; f < RV_N_FIELDS; f++)
            rv_record_set_field (record, f, column_text (stmt, N_RECORD_HEAD + f));
        }
    }
  else if (rc != SQLITE_DONE)
    SQL_FAIL (self, rc, error);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return record;
}

static void
rv_store_finalize (GObject *object)
{
  RvStore *self = (RvStore *)object;

  /* Every queued job holds a reference on the store, so the pool is idle now. It may
   * be one of its own threads that dropped the last reference: do not wait for it.
   */
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, FALSE);
  g_clear_pointer (&self->put_stmt, sqlite3_finalize);
  g_clear_pointer (&self->get_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (rv_store_parent_class)->finalize (object);
}

static void
rv_store_class_init (RvStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rv_store_finalize;
}

static void
rv_store_init (RvStore *self)
{
  g_mutex_init (&self->lock);
  self->pool = g_thread_pool_new (worker_func, self, 1, FALSE, NULL);
}

/**
 * rv_run_copy:
 * @run: a #RvRun
 *
 * Returns: (transfer full): a copy of @run
 */
RvRun *
rv_run_copy (const RvRun *run)
{
  RvRun *copy;

  g_return_val_if_fail (run != NULL, NULL);

  copy = g_memdup2 (run, sizeof *run);
  copy->file_name = g_strdup (run->file_name);
  copy->file_sha256 = g_strdup (run->file_sha256);
  copy->provider = g_strdup (run->provider);
  return copy;
}

/**
 * rv_run_free:
 * @run: (transfer full): a #RvRun
 */
void
rv_run_free (RvRun *run)
{
  if (run == NULL)
    return;
  g_free (run->file_name);
  g_free (run->file_sha256);
  g_free (run->provider);
  g_free (run);
}

/**
 * rv_store_dup_default_path:
 *
 * Returns: (transfer full): `$RUC_VALIDATOR_DB` when set, else
 *   `$XDG_DATA_HOME/ruc-validator/ruc-validator.sqlite3`
 */
char *
rv_store_dup_default_path (void)
{
  const char *env = g_getenv ("RUC_VALIDATOR_DB");

  if (env != NULL && env[0] != 0)
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "ruc-validator", "ruc-validator.sqlite3", NULL);
}

/**
 * rv_store_new:
 * @path: the database file; created if missing
 * @error: a location for a #GError, or %NULL
 *
 * Opens the database, creating and migrating it as needed. Blocks on the disk:
 * from the main loop, use rv_store_new_async().
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
RvStore *
rv_store_new (const char  *path,
              GError     **error)
{
  g_autoptr(RvStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (RV_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!rv_store_open (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

static void
new_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;
  RvStore *store;

  if (g_task_return_error_if_cancelled (task))
    return;

  store = rv_store_new (task_data, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

/**
 * rv_store_new_async:
 * @path: the database file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the store is open
 * @user_data: data for @callback
 *
 * Opens the database in a worker thread.
 */
void
rv_store_new_async (const char          *path,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_store_new_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, new_thread);
}

/**
 * rv_store_new_finish:
 * @result: the result given to the callback
 * @error: a location for a #GError, or %NULL
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
RvStore *
rv_store_new_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
rv_store_get_path (RvStore *self)
{
  g_return_val_if_fail (RV_IS_STORE (self), NULL);

  return self->path;
}

/**
 * rv_store_get_schema_version:
 * @self: a #RvStore
 *
 * Returns: the schema version of the open file, or -1 if it cannot be read
 */
int
rv_store_get_schema_version (RvStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  gint64 version = -1;

  g_return_val_if_fail (RV_IS_STORE (self), -1);

  locker = g_mutex_locker_new (&self->lock);
  if (!query_int (self, "PRAGMA user_version", &version, NULL))
    return -1;
  return version;
}

/**
 * rv_store_put_records:
 * @self: a #RvStore
 * @records: (array length=n_records): the answers to keep
 * @n_records: how many
 * @error: a location for a #GError, or %NULL
 *
 * Stores the records in one transaction: all of them or, on error, none. A record
 * replaces the one stored for the same RUC. A record without a check time is
 * stamped with the current time.
 *
 * Returns: %TRUE on success
 */
gboolean
rv_store_put_records (RvStore          *self,
                      RvRecord * const *records,
                      guint             n_records,
                      GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (RV_IS_STORE (self), FALSE);
  g_return_val_if_fail (records != NULL || n_records == 0, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  stmt = self->put_stmt;

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; i < n_records; i++)
    {
      const RvRecord *record = records[i];
      gint64 checked_at = rv_record_get_checked_at (record);
      int rc;

      sqlite3_reset (stmt);
      bind_text (stmt, 1, rv_record_get_ruc (record));
      sqlite3_bind_int (stmt, 2, rv_record_get_found (record));
      bind_text (stmt, 3, rv_record_get_provider (record));
      bind_text (stmt, 4, rv_record_get_as_of (record));
      sqlite3_bind_int64 (stmt, 5, checked_at > 0 ? checked_at : now);
      for (guint f = 0; f < RV_N_FIELDS; f++)
        bind_text (stmt, N_RECORD_HEAD + 1 + f, rv_record_get_field (record, f));

      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        {
          SQL_FAIL (self, rc, error);
          rollback (self);
          return FALSE;
        }
    }

  if (!exec_sql (self, "COMMIT", error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

static void
put_records_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GPtrArray *records = task_data;
  GError *error = NULL;

  if (rv_store_put_records (source_object, (RvRecord **) records->pdata, records->len, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * rv_store_put_records_async:
 * @self: a #RvStore
 * @records: (element-type RvRecord): the answers to keep
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when they are on disk
 * @user_data: data for @callback
 *
 * Like rv_store_put_records(), on the store's worker thread.
 */
void
rv_store_put_records_async (RvStore             *self,
                            GPtrArray           *records,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (RV_IS_STORE (self));
  g_return_if_fail (records != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_store_put_records_async);
  g_task_set_task_data (task, g_ptr_array_ref (records), (GDestroyNotify) g_ptr_array_unref);
  run_in_worker (self, task, put_records_thread);
}

/**
 * rv_store_put_records_finish:
 * @self: a #RvStore
 * @result: the result given to the callback
 * @error: a location for a #GError, or %NULL
 *
 * Returns: %TRUE if the records were stored
 */
gboolean
rv_store_put_records_finish (RvStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (RV_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * rv_store_get_records:
 * @self: a #RvStore
 * @rucs: (array length=n_rucs): the RUCs to look up
 * @n_rucs: how many
 * @max_age_found: how old, in seconds, a stored answer "found" may be; negative for any age
 * @max_age_not_found: the same for a stored "not found"
 * @error: a location for a #GError, or %NULL
 *
 * Looks up many RUCs in one read transaction.
 *
 * Returns: (transfer full) (element-type RvRecord): an array parallel to @rucs holding the
 *   fresh record for each, with source %RV_SOURCE_CACHE, or %NULL where there is none;
 *   %NULL with @error set on failure
 */
GPtrArray *
rv_store_get_records (RvStore            *self,
                      const char * const *rucs,
                      guint               n_rucs,
                      gint64              max_age_found,
                      gint64              max_age_not_found,
                      GError            **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) result = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (RV_IS_STORE (self), NULL);
  g_return_val_if_fail (rucs != NULL || n_rucs == 0, NULL);

  locker = g_mutex_locker_new (&self->lock);
  result = g_ptr_array_new_full (n_rucs, record_unref0);

  if (!exec_sql (self, "BEGIN", error))
    return NULL;

  for (guint i = 0; i < n_rucs; i++)
    {
      GError *local_error = NULL;
      RvRecord *record = lookup_locked (self, rucs[i], now, max_age_found, max_age_not_found,
                                        &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          rollback (self);
          return NULL;
        }
      g_ptr_array_add (result, record);
    }

  if (!exec_sql (self, "COMMIT", error))
    {
      rollback (self);
      return NULL;
    }

  return g_steal_pointer (&result);
}

static void
get_records_data_free (GetRecordsData *data)
{
  g_strfreev (data->rucs);
  g_free (data);
}

static void
get_records_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GetRecordsData *data = task_data;
  GError *error = NULL;
  GPtrArray *records;

  records = rv_store_get_records (source_object, (const char * const *) data->rucs,
                                  g_strv_length (data->rucs),
                                  data->max_age_found, data->max_age_not_found, &error);
  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * rv_store_get_records_async:
 * @self: a #RvStore
 * @rucs: the RUCs to look up
 * @max_age_found: see rv_store_get_records()
 * @max_age_not_found: see rv_store_get_records()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the records
 * @user_data: data for @callback
 *
 * Like rv_store_get_records(), on the store's worker thread.
 */
void
rv_store_get_records_async (RvStore             *self,
                            GStrv                rucs,
                            gint64               max_age_found,
                            gint64               max_age_not_found,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GetRecordsData *data;

  g_return_if_fail (RV_IS_STORE (self));
  g_return_if_fail (rucs != NULL);

  data = g_new0 (GetRecordsData, 1);
  data->rucs = g_strdupv (rucs);
  data->max_age_found = max_age_found;
  data->max_age_not_found = max_age_not_found;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_store_get_records_async);
  g_task_set_task_data (task, data, (GDestroyNotify) get_records_data_free);
  run_in_worker (self, task, get_records_thread);
}

/**
 * rv_store_get_records_finish:
 * @self: a #RvStore
 * @result: the result given to the callback
 * @error: a location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type RvRecord): see rv_store_get_records()
 */
GPtrArray *
rv_store_get_records_finish (RvStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (RV_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * rv_store_get_record:
 * @self: a #RvStore
 * @ruc: the RUC
 * @max_age_found: see rv_store_get_records()
 * @max_age_not_found: see rv_store_get_records()
 * @error: a location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the fresh record for @ruc, or %NULL if there
 *   is none (@error unset) or on failure (@error set)
 */
RvRecord *
rv_store_get_record (RvStore     *self,
                     const char  *ruc,
                     gint64       max_age_found,
                     gint64       max_age_not_found,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (RV_IS_STORE (self), NULL);
  g_return_val_if_fail (ruc != NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  return lookup_locked (self, ruc, g_get_real_time () / G_USEC_PER_SEC,
                        max_age_found, max_age_not_found, error);
}

/**
 * rv_store_count_records:
 * @self: a #RvStore
 * @error: a location for a #GError, or %NULL
 *
 * Returns: how many answers the cache holds, or -1 with @error set
 */
gint64
rv_store_count_records (RvStore  *self,
                        GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  gint64 count = -1;

  g_return_val_if_fail (RV_IS_STORE (self), -1);

  locker = g_mutex_locker_new (&self->lock);
  if (!query_int (self, "SELECT count(*) FROM records", &count, error))
    return -1;
  return count;
}

/**
 * rv_store_clear_records:
 * @self: a #RvStore
 * @error: a location for a #GError, or %NULL
 *
 * Forgets every cached answer; the log of runs stays.
 *
 * Returns: %TRUE on success
 */
gboolean
rv_store_clear_records (RvStore  *self,
                        GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (RV_IS_STORE (self), FALSE);

  locker = g_mutex_locker_new (&self->lock);
  return exec_sql (self, "DELETE FROM records", error);
}

/**
 * rv_store_begin_run:
 * @self: a #RvStore
 * @file_name: (nullable): the input file's name
 * @file_sha256: (nullable): its SHA-256 in hex
 * @provider: (nullable): the provider id
 * @error: a location for a #GError, or %NULL
 *
 * Records the start of a run.
 *
 * Returns: the run's id, or 0 with @error set
 */
gint64
rv_store_begin_run (RvStore     *self,
                    const char  *file_name,
                    const char  *file_sha256,
                    const char  *provider,
                    GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (RV_IS_STORE (self), 0);

  locker = g_mutex_locker_new (&self->lock);

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO runs (file_name, file_sha256, provider, started_at) "
                           "VALUES (?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return SQL_FAIL (self, rc, error);

  bind_text (stmt, 1, file_name);
  bind_text (stmt, 2, file_sha256);
  bind_text (stmt, 3, provider);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return SQL_FAIL (self, rc, error);

  id = sqlite3_last_insert_rowid (self->db);
  return id;
}

/**
 * rv_store_finish_run:
 * @self: a #RvStore
 * @run: the run, with the id rv_store_begin_run() gave
 * @error: a location for a #GError, or %NULL
 *
 * Records the end of a run: status, counts and @run->finished_at (now, when 0).
 *
 * Returns: %TRUE on success
 */
gboolean
rv_store_finish_run (RvStore      *self,
                     const RvRun  *run,
                     GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GEnumClass) status_class = NULL;
  GEnumValue *status;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (RV_IS_STORE (self), FALSE);
  g_return_val_if_fail (run != NULL, FALSE);

  /* The column holds the nick ("finished"), as its default and rv_store_list_runs() do. */
  status_class = g_type_class_ref (RV_TYPE_RUN_STATUS);
  status = g_enum_get_value (status_class, run->status);
  g_return_val_if_fail (status != NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  rc = sqlite3_prepare_v2 (self->db,
                           "UPDATE runs SET finished_at = ?, status = ?, total = ?, "
                           "unique_values = ?, valid = ?, observed = ?, not_found = ?, "
                           "invalid = ?, pending = ?, cache_hits = ?, requests = ? "
                           "WHERE id = ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return SQL_FAIL (self, rc, error);

  sqlite3_bind_int64 (stmt, 1, run->finished_at > 0 ? run->finished_at
                                                     : g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, status->value_nick, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, run->total);
  sqlite3_bind_int64 (stmt, 4, run->unique);
  for (guint v = 0; v < RV_N_VERDICTS; v++)
    sqlite3_bind_int64 (stmt, 5 + v, run->counts[v]);
  sqlite3_bind_int64 (stmt, 5 + RV_N_VERDICTS, run->cache_hits);
  sqlite3_bind_int64 (stmt, 6 + RV_N_VERDICTS, run->requests);
  sqlite3_bind_int64 (stmt, 7 + RV_N_VERDICTS, run->id);

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return SQL_FAIL (self, rc, error);

  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, RV_STORE_ERROR, RV_STORE_ERROR_FAILED,
                   "No run with id %" G_GINT64_FORMAT, run->id);
      return FALSE;
    }

  return TRUE;
}

/**
 * rv_store_list_runs:
 * @self: a #RvStore
 * @limit: the most runs to return; 0 for all
 * @error: a location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type RvRun): the runs, newest first, or %NULL
 *   with @error set
 */
GPtrArray *
rv_store_list_runs (RvStore  *self,
                    guint     limit,
                    GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (RV_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->lock);

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT id, file_name, file_sha256, provider, started_at, "
                           "coalesce (finished_at, 0), status, total, unique_values, valid, "
                           "observed, not_found, invalid, pending, cache_hits, requests "
                           "FROM runs ORDER BY id DESC LIMIT ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      SQL_FAIL (self, rc, error);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);

  runs = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_run_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (RV_TYPE_RUN_STATUS);
      GEnumValue *status = g_enum_get_value_by_nick (klass, column_text (stmt, 6));
      RvRun *run = g_new0 (RvRun, 1);

      run->id = sqlite3_column_int64 (stmt, 0);
      run->file_name = g_strdup (column_text (stmt, 1));
      run->file_sha256 = g_strdup (column_text (stmt, 2));
      run->provider = g_strdup (column_text (stmt, 3));
      run->started_at = sqlite3_column_int64 (stmt, 4);
      run->finished_at = sqlite3_column_int64 (stmt, 5);
      run->status = status ? status->value : RV_RUN_FAILED;
      run->total = sqlite3_column_int64 (stmt, 7);
      run->unique = sqlite3_column_int64 (stmt, 8);
      for (guint v = 0; v < RV_N_VERDICTS; v++)
        run->counts[v] = sqlite3_column_int64 (stmt, 9 + v);
      run->cache_hits = sqlite3_column_int64 (stmt, 9 + RV_N_VERDICTS);
      run->requests = sqlite3_column_int64 (stmt, 10 + RV_N_VERDICTS);
      g_ptr_array_add (runs, run);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      SQL_FAIL (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&runs);
}
