/* test-store.c
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

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <grp.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "rv-record.h"
#include "rv-store.h"

/* Every test works on real SQLite files in its own temporary folder, never on the
 * path $RUC_VALIDATOR_DB names: that one must stay untouched.
 */
typedef struct
{
  char *dir;
  char *path;
} Fixture;

/* The application id the store stamps on its files ("RVDB"). */
#define APPLICATION_ID 0x52564442

/* The crash test's writer commits this many rows per transaction. */
#define CRASH_BATCH 500
#define CRASH_MIN_BATCHES 20
#define CRASH_CYCLES 3
/* A writer stops by itself after this many rows, should its parent vanish without
 * closing the pipe (a closed pipe kills it with SIGPIPE first).
 */
#define CRASH_MAX_ROWS 5000000

/* argv[0] of this program, resolved, so that the crash test can run it again as a writer. */
static char *self_exe;

/* Helpers */

static void
remove_tree (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    {
      g_assert_cmpint (errno, ==, ENOENT);
      return;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GError) error = NULL;
      const char *name;

      /* A test may have left the folder read-only. */
      g_assert_no_errno (g_chmod (path, 0700));
      dir = g_dir_open (path, 0, &error);
      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_assert_no_errno (g_rmdir (path));
    }
  else
    {
      g_assert_no_errno (g_unlink (path));
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "records.sqlite3", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  remove_tree (fixture->dir);
  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_no_errno (g_stat (path, &st));
  return st.st_mode & 07777;
}

static char *
sibling_path (const char *path,
              const char *suffix)
{
  return g_strconcat (path, suffix, NULL);
}

/* Direct SQLite access, to look at the file without the store in between. */

static sqlite3 *
sql_open (const char *path)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    g_error ("Cannot open %s: %s", path, sqlite3_errstr (rc));
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static void
sql_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Returns the first column of the first row, or %NULL when there is no row. */
static char *
sql_query_text (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return value;
}

static gint64
sql_query_int (sqlite3    *db,
               const char *sql)
{
  g_autofree char *text = sql_query_text (db, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

static void
assert_store_tables (sqlite3 *db)
{
  g_autofree char *journal_mode = sql_query_text (db, "PRAGMA journal_mode");

  g_assert_cmpstr (journal_mode, ==, "wal");
  g_assert_cmpint (sql_query_int (db, "PRAGMA user_version"), ==, RV_STORE_SCHEMA_VERSION);
  g_assert_cmpint (sql_query_int (db, "PRAGMA application_id"), ==, APPLICATION_ID);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM sqlite_master "
                                      "WHERE type = 'table' AND name = 'records'"), ==, 1);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM sqlite_master "
                                      "WHERE type = 'table' AND name = 'runs'"), ==, 1);
}

/* Records */

/* A record with every field, the provider, the date of the data and the check time set;
 * the values differ per @seed so that a swapped row or column shows.
 */
static RvRecord *
make_full_record (const char *ruc,
                  guint       seed,
                  gint64      checked_at)
{
  RvRecord *record = rv_record_new (ruc, TRUE);
  g_autofree char *as_of = g_strdup_printf ("2026-01-%02u 10:20:30", 1 + seed % 28);

  for (guint f = 0; f < RV_N_FIELDS; f++)
    {
      g_autofree char *value = g_strdup_printf ("%s %u ÁÉÍÓÚ ñ", rv_field_get_key (f), seed);

      rv_record_set_field (record, f, value);
    }
  rv_record_set_provider (record, "migo");
  rv_record_set_as_of (record, as_of);
  rv_record_set_checked_at (record, checked_at);
  rv_record_set_source (record, RV_SOURCE_API);
  return record;
}

/* Compares what a provider said; the source is not stored (a stored record comes back
 * from the cache).
 */
static void
assert_record_equal (const RvRecord *actual,
                     const RvRecord *expected)
{
  g_assert_nonnull (actual);
  g_assert_nonnull (expected);
  g_assert_cmpstr (rv_record_get_ruc (actual), ==, rv_record_get_ruc (expected));
  g_assert_cmpint (rv_record_get_found (actual), ==, rv_record_get_found (expected));
  g_assert_cmpstr (rv_record_get_provider (actual), ==, rv_record_get_provider (expected));
  g_assert_cmpstr (rv_record_get_as_of (actual), ==, rv_record_get_as_of (expected));
  g_assert_cmpint (rv_record_get_checked_at (actual), ==, rv_record_get_checked_at (expected));
  for (guint f = 0; f < RV_N_FIELDS; f++)
    g_assert_cmpstr (rv_record_get_field (actual, f), ==, rv_record_get_field (expected, f));
}

static void
assert_cached_record (const RvRecord *actual,
                      const RvRecord *expected)
{
  assert_record_equal (actual, expected);
  g_assert_cmpint (rv_record_get_source (actual), ==, RV_SOURCE_CACHE);
}

static void
put_record (RvStore  *store,
            RvRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (rv_store_put_records (store, &record, 1, &error));
  g_assert_no_error (error);
}

static gint64
count_records (RvStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 count = rv_store_count_records (store, &error);

  g_assert_no_error (error);
  return count;
}

/* The async tests: waits until the store's worker dropped its references to finished
 * tasks (it does so just after their callback was queued), so that the test owns the
 * last reference again.
 */
static void
wait_for_last_reference (gpointer object)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* /store/migrate/empty-file */

static void
test_migrate_empty_file (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvRecord) record = NULL;
  g_autoptr(RvRecord) got = NULL;
  g_autofree char *parent = g_build_filename (fixture->dir, "new", NULL);
  g_autofree char *folder = g_build_filename (parent, "folder", NULL);
  g_autofree char *path = g_build_filename (folder, "records.sqlite3", NULL);
  g_autofree char *wal = sibling_path (path, "-wal");
  g_autofree char *empty_path = g_build_filename (fixture->dir, "empty.sqlite3", NULL);
  RvStore *store;
  sqlite3 *db;

  g_assert_false (g_file_test (parent, G_FILE_TEST_EXISTS));

  /* A path in a folder that does not exist yet: both are made, private. */
  store = rv_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (RV_IS_STORE (store));
  g_assert_cmpstr (rv_store_get_path (store), ==, path);
  g_assert_cmpint (rv_store_get_schema_version (store), ==, RV_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_records (store), ==, 0);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_cmpuint (file_mode (folder), ==, 0700);
  g_assert_cmpuint (file_mode (parent), ==, 0700);

  record = make_full_record ("20100047218", 1, now_seconds () - 5);
  put_record (store, record);

  /* SQLite gives its side files the database's mode. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (wal), ==, 0600);

  g_assert_finalize_object (store);

  db = sql_open (path);
  assert_store_tables (db);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM records"), ==, 1);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  /* Opening it again migrates nothing and keeps the data. */
  store = rv_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rv_store_get_schema_version (store), ==, RV_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_records (store), ==, 1);
  got = rv_store_get_record (store, "20100047218", -1, -1, &error);
  g_assert_no_error (error);
  assert_cached_record (got, record);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_finalize_object (store);

  /* An existing empty file (touched by someone) is a new database. */
  g_assert_true (g_file_set_contents (empty_path, "", 0, &error));
  g_assert_no_error (error);
  store = rv_store_new (empty_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rv_store_get_schema_version (store), ==, RV_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_records (store), ==, 0);
  put_record (store, record);
  g_assert_cmpint (count_records (store), ==, 1);
  g_assert_finalize_object (store);

  db = sql_open (empty_path);
  assert_store_tables (db);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM records"), ==, 1);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* /store/migrate/too-new */

static void
test_migrate_too_new (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pragmas = NULL;
  RvStore *store;
  sqlite3 *db;

  /* What a future version would leave: our id, a higher version, tables we do not know. */
  pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                             APPLICATION_ID, RV_STORE_SCHEMA_VERSION + 1);
  db = sql_open (fixture->path);
  sql_exec (db, pragmas);
  sql_exec (db, "CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('kept');");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  store = rv_store_new (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, fixture->path));

  /* Refused, not downgraded. */
  db = sql_open (fixture->path);
  g_assert_cmpint (sql_query_int (db, "PRAGMA user_version"), ==, RV_STORE_SCHEMA_VERSION + 1);
  g_assert_cmpint (sql_query_int (db, "PRAGMA application_id"), ==, APPLICATION_ID);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM future WHERE x = 'kept'"), ==, 1);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM sqlite_master "
                                      "WHERE name IN ('records', 'runs')"), ==, 0);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* /store/open/not-a-database */

static void
test_open_not_a_database (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *other_path = g_build_filename (fixture->dir, "other.sqlite3", NULL);
  g_autofree char *wal = sibling_path (fixture->path, "-wal");
  g_autofree char *journal = sibling_path (fixture->path, "-journal");
  gsize before_length = 0;
  gsize after_length = 0;
  RvStore *store;
  sqlite3 *db;

  while (garbage->len < 4096)
    g_string_append (garbage, "hello");
  g_string_truncate (garbage, 4096);
  g_assert_true (g_file_set_contents (fixture->path, garbage->str, garbage->len, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (fixture->path, &before, &before_length, &error));
  g_assert_no_error (error);

  store = rv_store_new (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_clear_error (&error);

  /* Not a byte changed, nothing left beside it. */
  g_assert_true (g_file_get_contents (fixture->path, &after, &after_length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (after, after_length, before, before_length);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  /* A database, but another program's: refused, its data untouched. */
  db = sql_open (other_path);
  sql_exec (db, "PRAGMA application_id = 4660; PRAGMA user_version = 5;"
                "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  store = rv_store_new (other_path, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "another application"));
  g_assert_nonnull (strstr (error->message, other_path));

  db = sql_open (other_path);
  g_assert_cmpint (sql_query_int (db, "PRAGMA application_id"), ==, 4660);
  g_assert_cmpint (sql_query_int (db, "PRAGMA user_version"), ==, 5);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM notes WHERE body = 'mine'"), ==, 1);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM sqlite_master "
                                      "WHERE name IN ('records', 'runs')"), ==, 0);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* /store/open/foreign-untouched */

static void
test_open_foreign_untouched (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *versioned = g_build_filename (fixture->dir, "versioned.sqlite3", NULL);
  g_autofree char *unversioned = g_build_filename (fixture->dir, "unversioned.sqlite3", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length = 0;
  gsize after_length = 0;
  RvStore *store;
  sqlite3 *db;

  /* Another program's database, in the default rollback journal mode: refused (see
   * /store/open/not-a-database), and it should be left exactly as it was.
   */
  db = sql_open (versioned);
  sql_exec (db, "PRAGMA application_id = 4660; PRAGMA user_version = 5;"
                "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_true (g_file_get_contents (versioned, &before, &before_length, &error));
  g_assert_no_error (error);

  store = rv_store_new (versioned, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (versioned, &after, &after_length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (after, after_length, before, before_length);

  /* Another program's database with its application id but no user_version, which many
   * programs never set: not ours either.
   */
  db = sql_open (unversioned);
  sql_exec (db, "PRAGMA application_id = 4660;"
                "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  store = rv_store_new (unversioned, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* A database with no application id and no version, but somebody's tables: not ours. */
  {
    g_autofree char *plain = g_build_filename (fixture->dir, "plain.sqlite3", NULL);

    db = sql_open (plain);
    sql_exec (db, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');");
    g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
    store = rv_store_new (plain, &error);
    g_assert_null (store);
    g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_CORRUPT);
    g_clear_error (&error);
  }

  db = sql_open (unversioned);
  g_assert_cmpint (sql_query_int (db, "SELECT count(*) FROM notes WHERE body = 'mine'"), ==, 1);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  db = sql_open (unversioned);
  g_assert_cmpint (sql_query_int (db, "PRAGMA application_id"), ==, 4660);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* /store/open/unwritable */

/* File permissions do not apply to root, and CI runs as root: the body then runs in a
 * subprocess that drops to nobody, so that this test really runs everywhere.
 */
static void
open_unwritable_body (const char *base)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (base, "read-only", NULL);
  g_autofree char *path = g_build_filename (folder, "records.sqlite3", NULL);
  g_autofree char *deeper = g_build_filename (folder, "sub", "records.sqlite3", NULL);
  g_autofree char *wal = sibling_path (path, "-wal");
  g_autofree char *shm = sibling_path (path, "-shm");
  g_autoptr(RvRecord) record = NULL;
  g_autoptr(RvRecord) got = NULL;
  RvStore *store;

  g_assert_cmpint (geteuid (), !=, 0);

  g_assert_no_errno (g_mkdir (folder, 0700));
  g_assert_no_errno (g_chmod (folder, 0500));

  /* The file cannot be created. */
  store = rv_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Nor the folder for it. */
  store = rv_store_new (deeper, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_OPEN);
  g_clear_error (&error);

  /* A database in a folder that turned read-only: its WAL cannot be made beside it. */
  g_assert_no_errno (g_chmod (folder, 0700));
  store = rv_store_new (path, &error);
  g_assert_no_error (error);
  record = make_full_record ("20100047218", 1, now_seconds ());
  put_record (store, record);
  g_assert_finalize_object (store);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_no_errno (g_chmod (folder, 0500));

  store = rv_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* A database of ours that turned read-only is refused with one sentence, before SQLite
   * leaves a read-only shared-memory file behind...
   */
  g_assert_no_errno (g_chmod (folder, 0700));
  g_assert_no_errno (g_chmod (path, 0400));

  store = rv_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "permissions"));
  g_clear_error (&error);
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));

  /* ...so that, made writable again, it takes writes again, with nothing lost. */
  g_assert_no_errno (g_chmod (path, 0600));
  store = rv_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_records (store), ==, 1);
  got = rv_store_get_record (store, "20100047218", -1, -1, &error);
  g_assert_no_error (error);
  assert_cached_record (got, record);
  g_assert_true (rv_store_put_records (store, &record, 1, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);
}

static void
test_open_unwritable (void)
{
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;

  if (geteuid () == 0 && !g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                              G_TEST_SUBPROCESS_INHERIT_STDOUT |
                              G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  if (geteuid () == 0)
    {
      /* nobody:nogroup */
      g_assert_no_errno (setgroups (0, NULL));
      g_assert_no_errno (setgid (65534));
      g_assert_no_errno (setuid (65534));
    }

  base = g_dir_make_tmp ("test-store-unwritable-XXXXXX", &error);
  g_assert_no_error (error);
  open_unwritable_body (base);
  remove_tree (base);
}

/* /store/open/parent-not-folder */

static void
test_open_parent_not_folder (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (fixture->dir, "plain-file", NULL);
  g_autofree char *path = g_build_filename (file, "records.sqlite3", NULL);
  g_autofree char *deeper = g_build_filename (file, "sub", "records.sqlite3", NULL);
  RvStore *store;

  g_assert_true (g_file_set_contents (file, "not a folder\n", -1, &error));
  g_assert_no_error (error);

  store = rv_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_OPEN);
  g_clear_error (&error);

  store = rv_store_new (deeper, &error);
  g_assert_null (store);
  g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_OPEN);
  g_clear_error (&error);

  /* An existing folder where the file should be. */
  store = rv_store_new (fixture->dir, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_true (error->domain == RV_STORE_ERROR);
}

/* /store/records/roundtrip */

static void
test_records_roundtrip (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvRecord) full = NULL;
  g_autoptr(RvRecord) dashes = NULL;
  g_autoptr(RvRecord) missing = NULL;
  g_autoptr(RvRecord) replacement = NULL;
  g_autoptr(RvRecord) got = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  const char *rucs[] = { "20100047218", "20999999991", "10467793549", "20131312955" };
  gint64 now = now_seconds ();
  RvStore *store;
  RvRecord *batch[3];
  sqlite3 *db;

  store = rv_store_new (fixture->path, &error);
  g_assert_no_error (error);

  /* Every field set. */
  full = make_full_record (rucs[0], 7, now - 60);
  for (guint f = 0; f < RV_N_FIELDS; f++)
    g_assert_nonnull (rv_record_get_field (full, f));

  /* Providers' empty values: "-" and friends are no value. */
  dashes = make_full_record (rucs[2], 8, now - 50);
  rv_record_set_field (dashes, RV_FIELD_LOT, "-");
  rv_record_set_field (dashes, RV_FIELD_BLOCK, "--");
  rv_record_set_field (dashes, RV_FIELD_KILOMETER, " - ");
  rv_record_set_field (dashes, RV_FIELD_INTERIOR, "");
  rv_record_set_field (dashes, RV_FIELD_APARTMENT, NULL);
  rv_record_set_as_of (dashes, "-");
  rv_record_set_provider (dashes, NULL);
  g_assert_null (rv_record_get_field (dashes, RV_FIELD_LOT));

  /* "No such taxpayer" is an answer too. */
  missing = rv_record_new (rucs[3], FALSE);
  rv_record_set_provider (missing, "padron");
  rv_record_set_as_of (missing, "2026-02-01");
  rv_record_set_checked_at (missing, now - 40);

  batch[0] = full;
  batch[1] = dashes;
  batch[2] = missing;
  g_assert_true (rv_store_put_records (store, batch, G_N_ELEMENTS (batch), &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_records (store), ==, 3);

  records = rv_store_get_records (store, rucs, G_N_ELEMENTS (rucs), -1, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, ==, G_N_ELEMENTS (rucs));
  assert_cached_record (g_ptr_array_index (records, 0), full);
  g_assert_null (g_ptr_array_index (records, 1));
  assert_cached_record (g_ptr_array_index (records, 2), dashes);
  assert_cached_record (g_ptr_array_index (records, 3), missing);
  g_assert_null (rv_record_get_field (g_ptr_array_index (records, 2), RV_FIELD_LOT));
  g_assert_null (rv_record_get_field (g_ptr_array_index (records, 2), RV_FIELD_BLOCK));
  g_assert_null (rv_record_get_as_of (g_ptr_array_index (records, 2)));
  g_assert_false (rv_record_get_found (g_ptr_array_index (records, 3)));
  g_assert_cmpint (rv_record_get_verdict (g_ptr_array_index (records, 3)), ==,
                   RV_VERDICT_NOT_FOUND);
  for (guint f = 0; f < RV_N_FIELDS; f++)
    g_assert_null (rv_record_get_field (g_ptr_array_index (records, 3), f));
  g_clear_pointer (&records, g_ptr_array_unref);

  /* One at a time. */
  got = rv_store_get_record (store, rucs[0], -1, -1, &error);
  g_assert_no_error (error);
  assert_cached_record (got, full);
  g_clear_pointer (&got, rv_record_unref);
  got = rv_store_get_record (store, rucs[1], -1, -1, &error);
  g_assert_no_error (error);
  g_assert_null (got);

  /* Nothing asked, nothing answered, but an array all the same. */
  records = rv_store_get_records (store, NULL, 0, -1, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, ==, 0);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_assert_true (rv_store_put_records (store, NULL, 0, &error));
  g_assert_no_error (error);

  /* A "-" written into the file by anyone else comes back as no value. */
  g_assert_finalize_object (store);
  db = sql_open (fixture->path);
  sql_exec (db, "UPDATE records SET lote = '-', provincia = ' -- ', as_of = '-' "
                "WHERE ruc = '20100047218'");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  store = rv_store_new (fixture->path, &error);
  g_assert_no_error (error);
  got = rv_store_get_record (store, rucs[0], -1, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_null (rv_record_get_field (got, RV_FIELD_LOT));
  g_assert_null (rv_record_get_field (got, RV_FIELD_PROVINCE));
  g_assert_null (rv_record_get_as_of (got));
  g_assert_cmpstr (rv_record_get_field (got, RV_FIELD_NAME), ==,
                   rv_record_get_field (full, RV_FIELD_NAME));
  g_clear_pointer (&got, rv_record_unref);

  /* A new answer for the same RUC replaces the old one whole: no field survives. */
  replacement = rv_record_new (rucs[0], FALSE);
  rv_record_set_checked_at (replacement, now - 1);
  put_record (store, replacement);
  g_assert_cmpint (count_records (store), ==, 3);
  got = rv_store_get_record (store, rucs[0], -1, -1, &error);
  g_assert_no_error (error);
  assert_cached_record (got, replacement);
  g_clear_pointer (&got, rv_record_unref);

  /* And back to found. */
  put_record (store, full);
  g_assert_cmpint (count_records (store), ==, 3);
  got = rv_store_get_record (store, rucs[0], -1, -1, &error);
  g_assert_no_error (error);
  assert_cached_record (got, full);
  g_clear_pointer (&got, rv_record_unref);

  /* Clearing forgets the answers and keeps the log of runs. */
  g_assert_cmpint (rv_store_begin_run (store, "clients.csv", NULL, "migo", &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (rv_store_clear_records (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_records (store), ==, 0);
  got = rv_store_get_record (store, rucs[0], -1, -1, &error);
  g_assert_no_error (error);
  g_assert_null (got);
  runs = rv_store_list_runs (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);

  /* The store still writes after clearing. */
  put_record (store, missing);
  g_assert_cmpint (count_records (store), ==, 1);

  g_assert_finalize_object (store);
}

/* /store/records/freshness */

static void
test_records_freshness (Fixture       *fixture,
                        gconstpointer  user_data)
{
  enum { FOUND_RECENT, FOUND_OLD, MISSING_RECENT, MISSING_OLD, UNSTAMPED, N_CASES };
  static const char * const rucs[N_CASES] = {
    "20000000001", "20000000002", "20000000003", "20000000004", "20000000005",
  };
  static const struct {
    gint64   max_age_found;
    gint64   max_age_not_found;
    gboolean fresh[N_CASES];
  } queries[] = {
    /* Any age. */
    { -1, -1, { TRUE, TRUE, TRUE, TRUE, TRUE } },
    { -5, -100, { TRUE, TRUE, TRUE, TRUE, TRUE } },
    /* Recent ones only. */
    { 1000, 1000, { TRUE, FALSE, TRUE, FALSE, TRUE } },
    /* The two ages are separate. */
    { -1, 1000, { TRUE, TRUE, TRUE, FALSE, TRUE } },
    { 1000, -1, { TRUE, FALSE, TRUE, TRUE, TRUE } },
    { 100000, 50, { TRUE, TRUE, FALSE, FALSE, TRUE } },
    { 50, 100000, { FALSE, FALSE, TRUE, TRUE, TRUE } },
    /* Ages are whole: 100 s old is stale for 99 s. */
    { 99, 99, { FALSE, FALSE, FALSE, FALSE, TRUE } },
    { 9999, 9999, { TRUE, FALSE, TRUE, FALSE, TRUE } },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);
  g_autoptr(RvRecord) stamped = NULL;
  gint64 before;
  gint64 after;
  RvStore *store;

  store = rv_store_new (fixture->path, &error);
  g_assert_no_error (error);

  before = now_seconds ();
  g_ptr_array_add (records, make_full_record (rucs[FOUND_RECENT], 1, before - 100));
  g_ptr_array_add (records, make_full_record (rucs[FOUND_OLD], 2, before - 10000));
  g_ptr_array_add (records, rv_record_new (rucs[MISSING_RECENT], FALSE));
  rv_record_set_checked_at (g_ptr_array_index (records, MISSING_RECENT), before - 100);
  g_ptr_array_add (records, rv_record_new (rucs[MISSING_OLD], FALSE));
  rv_record_set_checked_at (g_ptr_array_index (records, MISSING_OLD), before - 10000);
  /* No check time: stamped with the time of the put. */
  g_ptr_array_add (records, make_full_record (rucs[UNSTAMPED], 5, 0));
  g_assert_true (rv_store_put_records (store, (RvRecord **) records->pdata, records->len,
                                       &error));
  g_assert_no_error (error);
  after = now_seconds ();

  stamped = rv_store_get_record (store, rucs[UNSTAMPED], -1, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stamped);
  g_assert_cmpint (rv_record_get_checked_at (stamped), >=, before);
  g_assert_cmpint (rv_record_get_checked_at (stamped), <=, after);
  /* The caller's record is not changed by the put. */
  g_assert_cmpint (rv_record_get_checked_at (g_ptr_array_index (records, UNSTAMPED)), ==, 0);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GPtrArray) got = NULL;

      got = rv_store_get_records (store, rucs, N_CASES, queries[q].max_age_found,
                                  queries[q].max_age_not_found, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (got->len, ==, N_CASES);

      g_test_message ("Ages: found %" G_GINT64_FORMAT " s, not found %" G_GINT64_FORMAT " s",
                      queries[q].max_age_found, queries[q].max_age_not_found);
      for (guint i = 0; i < N_CASES; i++)
        {
          g_autoptr(RvRecord) single = NULL;
          RvRecord *record = g_ptr_array_index (got, i);
          if (queries[q].fresh[i])
            {
              g_assert_nonnull (record);
              g_assert_cmpstr (rv_record_get_ruc (record), ==, rucs[i]);
              if (i != UNSTAMPED)
                assert_cached_record (record, g_ptr_array_index (records, i));
            }
          else
            {
              g_assert_null (record);
            }

          /* The one-record lookup agrees. */
          single = rv_store_get_record (store, rucs[i], queries[q].max_age_found,
                                        queries[q].max_age_not_found, &error);
          g_assert_no_error (error);
          g_assert_true ((single != NULL) == queries[q].fresh[i]);
        }
    }

  /* A stale answer is still stored: only the lookup hides it. */
  g_assert_cmpint (count_records (store), ==, N_CASES);

  g_assert_finalize_object (store);
}

/* /store/records/many */

#define MANY_RECORDS 5000

static char *
many_ruc (guint i)
{
  return g_strdup_printf ("20%09u", i * 7 + 3);
}

static void
test_records_many (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);
  g_autoptr(GPtrArray) rucs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GPtrArray) got = NULL;
  gint64 now = now_seconds ();
  int unknown_index = -1;
  RvStore *store;

  store = rv_store_new (fixture->path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < MANY_RECORDS; i++)
    {
      g_autofree char *ruc = many_ruc (i);

      if (i % 10 == 9)
        g_ptr_array_add (records, rv_record_new (ruc, FALSE));
      else
        g_ptr_array_add (records, make_full_record (ruc, i, now - i));
      rv_record_set_checked_at (g_ptr_array_index (records, i), now - i);
    }
  g_assert_true (rv_store_put_records (store, (RvRecord **) records->pdata, records->len,
                                       &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_records (store), ==, MANY_RECORDS);

  /* Ask for all of them, backwards, with unknown RUCs mixed in. */
  for (guint n = 0; n < MANY_RECORDS; n++)
    {
      guint i = MANY_RECORDS - 1 - n;
      int index = i;

      if (n % 97 == 0)
        {
          g_ptr_array_add (rucs, g_strdup_printf ("10%09u", n));
          g_array_append_val (expected, unknown_index);
        }
      g_ptr_array_add (rucs, many_ruc (i));
      g_array_append_val (expected, index);
    }
  g_ptr_array_add (rucs, g_strdup ("20999999999"));
  g_array_append_val (expected, unknown_index);
  g_assert_cmpuint (rucs->len, >, MANY_RECORDS);

  got = rv_store_get_records (store, (const char * const *) rucs->pdata, rucs->len, -1, -1,
                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, rucs->len);
  for (guint k = 0; k < got->len; k++)
    {
      int index = g_array_index (expected, int, k);

      if (index < 0)
        g_assert_null (g_ptr_array_index (got, k));
      else
        assert_cached_record (g_ptr_array_index (got, k), g_ptr_array_index (records, index));
    }

  g_assert_finalize_object (store);
}

/* /store/records/async */

typedef struct
{
  GThread   *main_thread;
  guint      n_pending;
  gboolean   put_ok;
  GError    *put_error;
  GPtrArray *got;
  GError    *get_error;
  RvStore   *opened;
  GError    *open_error;
} AsyncState;

static void
assert_main_thread (AsyncState *state)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_true (g_thread_self () == state->main_thread);
}

static void
put_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  assert_main_thread (state);
  g_assert_true (RV_IS_STORE (object));
  g_assert_null (state->put_error);
  state->put_ok = rv_store_put_records_finish (RV_STORE (object), result, &state->put_error);
  state->n_pending--;
}

static void
get_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  assert_main_thread (state);
  g_assert_true (RV_IS_STORE (object));
  g_assert_null (state->got);
  g_assert_null (state->get_error);
  state->got = rv_store_get_records_finish (RV_STORE (object), result, &state->get_error);
  state->n_pending--;
}

static void
new_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  assert_main_thread (state);
  g_assert_null (object);
  g_assert_null (state->opened);
  g_assert_null (state->open_error);
  state->opened = rv_store_new_finish (result, &state->open_error);
  state->n_pending--;
}

static void
async_state_reset (AsyncState *state)
{
  g_assert_cmpuint (state->n_pending, ==, 0);
  state->put_ok = FALSE;
  g_clear_error (&state->put_error);
  g_clear_pointer (&state->got, g_ptr_array_unref);
  g_clear_error (&state->get_error);
  g_assert_null (state->opened);
  g_clear_error (&state->open_error);
}

static void
async_state_wait (AsyncState *state)
{
  while (state->n_pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_records_async (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);
  g_autofree char *bad_path = g_build_filename (fixture->dir, "plain-file", "x.sqlite3", NULL);
  g_autofree char *plain_file = g_build_filename (fixture->dir, "plain-file", NULL);
  g_auto(GStrv) rucs = NULL;
  AsyncState state = { 0, };
  gint64 now = now_seconds ();
  RvStore *store;

  state.main_thread = g_thread_self ();

  /* Opening. */
  state.n_pending = 1;
  rv_store_new_async (fixture->path, NULL, new_done_cb, &state);
  async_state_wait (&state);
  g_assert_no_error (state.open_error);
  g_assert_true (RV_IS_STORE (state.opened));
  store = g_steal_pointer (&state.opened);
  async_state_reset (&state);

  g_assert_true (g_file_set_contents (plain_file, "x", -1, &error));
  g_assert_no_error (error);
  state.n_pending = 1;
  rv_store_new_async (bad_path, NULL, new_done_cb, &state);
  async_state_wait (&state);
  g_assert_null (state.opened);
  g_assert_error (state.open_error, RV_STORE_ERROR, RV_STORE_ERROR_OPEN);
  async_state_reset (&state);

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *ruc = g_strdup_printf ("20%09u", 500 + i);

      g_ptr_array_add (records, make_full_record (ruc, i, now - 10));
      g_strv_builder_add (builder, ruc);
    }
  g_strv_builder_add (builder, "20999999999");
  rucs = g_strv_builder_end (builder);

  /* A put then a get, queued together: the one worker runs them in order, so the get
   * sees what the put wrote.
   */
  state.n_pending = 2;
  rv_store_put_records_async (store, records, NULL, put_done_cb, &state);
  rv_store_get_records_async (store, rucs, -1, -1, NULL, get_done_cb, &state);
  async_state_wait (&state);
  g_assert_no_error (state.put_error);
  g_assert_true (state.put_ok);
  g_assert_no_error (state.get_error);
  g_assert_nonnull (state.got);
  g_assert_cmpuint (state.got->len, ==, records->len + 1);
  for (guint i = 0; i < records->len; i++)
    assert_cached_record (g_ptr_array_index (state.got, i), g_ptr_array_index (records, i));
  g_assert_null (g_ptr_array_index (state.got, records->len));
  async_state_reset (&state);

  /* Cancelled before the call: neither runs. */
  g_ptr_array_add (more, make_full_record ("20888888881", 1, now));
  g_cancellable_cancel (cancelled);
  state.n_pending = 2;
  rv_store_put_records_async (store, more, cancelled, put_done_cb, &state);
  rv_store_get_records_async (store, rucs, -1, -1, cancelled, get_done_cb, &state);
  async_state_wait (&state);
  g_assert_false (state.put_ok);
  g_assert_error (state.put_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (state.got);
  g_assert_error (state.get_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  async_state_reset (&state);
  g_assert_cmpint (count_records (store), ==, records->len);

  /* A cancelled open. */
  {
    g_autofree char *other = g_build_filename (fixture->dir, "other.sqlite3", NULL);

    state.n_pending = 1;
    rv_store_new_async (other, cancelled, new_done_cb, &state);
    async_state_wait (&state);
    g_assert_null (state.opened);
    g_assert_error (state.open_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    async_state_reset (&state);
  }

  /* The store's worker lets go of the finished tasks, then the store goes. */
  wait_for_last_reference (store);
  g_assert_finalize_object (store);
}

/* /store/runs */

static void
assert_run_equal (const RvRun *actual,
                  const RvRun *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpint (actual->id, ==, expected->id);
  g_assert_cmpstr (actual->file_name, ==, expected->file_name);
  g_assert_cmpstr (actual->file_sha256, ==, expected->file_sha256);
  g_assert_cmpstr (actual->provider, ==, expected->provider);
  g_assert_cmpint (actual->started_at, ==, expected->started_at);
  g_assert_cmpint (actual->finished_at, ==, expected->finished_at);
  g_assert_cmpint (actual->status, ==, expected->status);
  g_assert_cmpuint (actual->total, ==, expected->total);
  g_assert_cmpuint (actual->unique, ==, expected->unique);
  for (guint v = 0; v < RV_N_VERDICTS; v++)
    g_assert_cmpuint (actual->counts[v], ==, expected->counts[v]);
  g_assert_cmpuint (actual->cache_hits, ==, expected->cache_hits);
  g_assert_cmpuint (actual->requests, ==, expected->requests);
}

static void
test_runs (Fixture       *fixture,
           gconstpointer  user_data)
{
  static const char sha[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(RvRun) copy = NULL;
  g_autofree char *statuses = NULL;
  RvRun expected[4] = { { 0, }, };
  gint64 before = now_seconds ();
  gint64 after;
  RvStore *store;
  sqlite3 *db;

  store = rv_store_new (fixture->path, &error);
  g_assert_no_error (error);

  runs = rv_store_list_runs (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 0);
  g_clear_pointer (&runs, g_ptr_array_unref);

  /* 0: finished, with a given end; 1: never finished; 2: cancelled, stamped on finish;
   * 3: failed.
   */
  expected[0].id = rv_store_begin_run (store, "clientes enero.xlsx", sha, "migo", &error);
  g_assert_no_error (error);
  expected[1].id = rv_store_begin_run (store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  expected[2].id = rv_store_begin_run (store, "proveedores.csv", NULL, "padron", &error);
  g_assert_no_error (error);
  expected[3].id = rv_store_begin_run (store, "ñandú.ods", NULL, "migo", &error);
  g_assert_no_error (error);
  after = now_seconds ();

  g_assert_cmpint (expected[0].id, >, 0);
  for (guint i = 1; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (expected[i].id, >, expected[i - 1].id);

  expected[0].file_name = (char *) "clientes enero.xlsx";
  expected[0].file_sha256 = (char *) sha;
  expected[0].provider = (char *) "migo";
  expected[0].finished_at = before + 3600;
  expected[0].status = RV_RUN_FINISHED;
  expected[0].total = 1200;
  expected[0].unique = 1000;
  expected[0].counts[RV_VERDICT_VALID] = 700;
  expected[0].counts[RV_VERDICT_OBSERVED] = 150;
  expected[0].counts[RV_VERDICT_NOT_FOUND] = 80;
  expected[0].counts[RV_VERDICT_INVALID] = 60;
  expected[0].counts[RV_VERDICT_PENDING] = 10;
  expected[0].cache_hits = 400;
  expected[0].requests = 540;

  expected[1].status = RV_RUN_RUNNING;
  expected[1].finished_at = 0;

  expected[2].file_name = (char *) "proveedores.csv";
  expected[2].provider = (char *) "padron";
  expected[2].status = RV_RUN_CANCELLED;
  expected[2].total = 10;
  expected[2].unique = 9;
  expected[2].counts[RV_VERDICT_VALID] = 3;
  expected[2].counts[RV_VERDICT_PENDING] = 6;
  expected[2].requests = 3;

  expected[3].file_name = (char *) "ñandú.ods";
  expected[3].provider = (char *) "migo";
  expected[3].finished_at = before + 1;
  expected[3].status = RV_RUN_FAILED;
  expected[3].total = 5;

  g_assert_true (rv_store_finish_run (store, &expected[0], &error));
  g_assert_no_error (error);
  g_assert_true (rv_store_finish_run (store, &expected[2], &error));
  g_assert_no_error (error);
  g_assert_true (rv_store_finish_run (store, &expected[3], &error));
  g_assert_no_error (error);

  /* Unknown id: nothing to finish. */
  {
    RvRun unknown = expected[3];

    unknown.id = expected[3].id + 1000;
    g_assert_false (rv_store_finish_run (store, &unknown, &error));
    g_assert_error (error, RV_STORE_ERROR, RV_STORE_ERROR_FAILED);
    g_clear_error (&error);
  }

  for (guint pass = 0; pass < 2; pass++)
    {
      runs = rv_store_list_runs (store, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (runs->len, ==, G_N_ELEMENTS (expected));

      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        {
          /* Newest first. */
          RvRun *run = g_ptr_array_index (runs, G_N_ELEMENTS (expected) - 1 - i);

          g_assert_cmpint (run->started_at, >=, before);
          g_assert_cmpint (run->started_at, <=, after);
          expected[i].started_at = run->started_at;
          if (i == 2)
            {
              /* Finished with no end time: stamped now. */
              g_assert_cmpint (run->finished_at, >=, before);
              g_assert_cmpint (run->finished_at, <=, now_seconds ());
              expected[i].finished_at = run->finished_at;
            }
          assert_run_equal (run, &expected[i]);
        }

      copy = rv_run_copy (g_ptr_array_index (runs, 0));
      assert_run_equal (copy, g_ptr_array_index (runs, 0));
      g_clear_pointer (&copy, rv_run_free);
      g_clear_pointer (&runs, g_ptr_array_unref);

      /* The limit keeps the newest. */
      runs = rv_store_list_runs (store, 2, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (runs->len, ==, 2);
      assert_run_equal (g_ptr_array_index (runs, 0), &expected[3]);
      assert_run_equal (g_ptr_array_index (runs, 1), &expected[2]);
      g_clear_pointer (&runs, g_ptr_array_unref);

      /* And all of it is on disk. */
      g_assert_finalize_object (store);
      store = rv_store_new (fixture->path, &error);
      g_assert_no_error (error);
    }

  /* Ids keep growing after a reopen. */
  g_assert_cmpint (rv_store_begin_run (store, NULL, NULL, NULL, &error), >, expected[3].id);
  g_assert_no_error (error);

  g_assert_finalize_object (store);

  /* The file holds the statuses by their stable names. */
  db = sql_open (fixture->path);
  statuses = sql_query_text (db, "SELECT group_concat (status, ' ') FROM "
                                 "(SELECT status FROM runs ORDER BY id)");
  g_assert_cmpstr (statuses, ==, "finished running cancelled failed running");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* /store/crash/sigkill */

static RvRecord *
make_crash_record (guint index)
{
  g_autofree char *ruc = g_strdup_printf ("20%09u", index);
  RvRecord *record = rv_record_new (ruc, index % 13 != 0);

  if (rv_record_get_found (record))
    {
      for (guint f = 0; f < RV_N_FIELDS; f++)
        {
          g_autofree char *value = g_strdup_printf ("%s:%u", rv_field_get_key (f), index);

          rv_record_set_field (record, f, value);
        }
    }
  rv_record_set_provider (record, "migo");
  rv_record_set_as_of (record, "2026-01-01 00:00:00");
  rv_record_set_checked_at (record, 1700000000 + index);
  return record;
}

/* The child of the crash test: writes batches until it is killed, saying after each
 * commit how many rows are committed in all.
 */
static int
run_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvStore) store = NULL;
  gint64 count;

  store = rv_store_new (path, &error);
  if (store == NULL)
    {
      g_printerr ("writer: %s\n", error->message);
      return 1;
    }

  count = rv_store_count_records (store, &error);
  if (count < 0)
    {
      g_printerr ("writer: %s\n", error->message);
      return 1;
    }

  while (count < CRASH_MAX_ROWS)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);

      for (guint i = 0; i < CRASH_BATCH; i++)
        g_ptr_array_add (batch, make_crash_record (count + i));

      if (!rv_store_put_records (store, (RvRecord **) batch->pdata, batch->len, &error))
        {
          g_printerr ("writer: %s\n", error->message);
          return 1;
        }
      count += CRASH_BATCH;

      printf ("committed %" G_GINT64_FORMAT "\n", count);
      if (fflush (stdout) != 0)
        return 1;
    }

  return 0;
}

/* Reads one whole line; %FALSE at the end of the stream or for a last line cut short. */
static gboolean
read_whole_line (GDataInputStream  *input,
                 char             **line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  char newline = 0;
  gssize n;

  text = g_data_input_stream_read_upto (input, "\n", 1, &length, NULL, &error);
  g_assert_no_error (error);
  n = g_input_stream_read (G_INPUT_STREAM (input), &newline, 1, NULL, &error);
  g_assert_no_error (error);
  if (n != 1)
    return FALSE;
  g_assert_cmpint (newline, ==, '\n');

  *line = g_steal_pointer (&text);
  if (*line == NULL)
    *line = g_strdup ("");
  return TRUE;
}

static gint64
parse_committed (const char *line)
{
  guint64 value = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (line, "committed "));
  g_ascii_string_to_unsigned (line + strlen ("committed "), 10, 0, G_MAXINT64, &value, &error);
  g_assert_no_error (error);
  return value;
}

/* Checks the file as SQLite sees it, first thing after the kill (so this connection
 * is the one that recovers the WAL), and returns its row count.
 */
static gint64
verify_after_crash (const char *path,
                    gint64      committed)
{
  g_autoptr(GString) sql = g_string_new ("SELECT ruc, found, provider, as_of, checked_at");
  g_autofree char *integrity = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  gint64 count;
  guint index = 0;
  int rc;

  db = sql_open (path);

  integrity = sql_query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  assert_store_tables (db);

  count = sql_query_int (db, "SELECT count(*) FROM records");
  g_test_message ("Reported %" G_GINT64_FORMAT " rows committed, found %" G_GINT64_FORMAT,
                  committed, count);
  /* Nothing reported is lost, and no half transaction shows: at most the batch that
   * was committed but not yet reported when the kill came.
   */
  g_assert_cmpint (count, >=, committed);
  g_assert_cmpint (count, <=, committed + CRASH_BATCH);
  g_assert_cmpint (count % CRASH_BATCH, ==, 0);

  for (guint f = 0; f < RV_N_FIELDS; f++)
    g_string_append_printf (sql, ", %s", rv_field_get_key (f));
  g_string_append (sql, " FROM records ORDER BY ruc");

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL), ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(RvRecord) expected = make_crash_record (index);

      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==,
                       rv_record_get_ruc (expected));
      g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, rv_record_get_found (expected));
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==,
                       rv_record_get_provider (expected));
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 3), ==,
                       rv_record_get_as_of (expected));
      g_assert_cmpint (sqlite3_column_int64 (stmt, 4), ==, rv_record_get_checked_at (expected));
      for (guint f = 0; f < RV_N_FIELDS; f++)
        g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 5 + f), ==,
                         rv_record_get_field (expected, f));
      index++;
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (index, ==, count);

  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return count;
}

static void
test_crash_sigkill (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *wal = sibling_path (fixture->path, "-wal");
  gint64 stored = 0;

  for (guint cycle = 0; cycle < CRASH_CYCLES; cycle++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) writer = NULL;
      g_autoptr(GDataInputStream) input = NULL;
      g_autoptr(RvStore) store = NULL;
      g_autoptr(GPtrArray) check = NULL;
      const char *sample[3];
      g_autofree char *first_ruc = NULL;
      g_autofree char *last_ruc = NULL;
      gint64 committed = -1;
      guint batches = 0;
      char *line = NULL;

      writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                 self_exe, "--writer", fixture->path, NULL);
      g_assert_no_error (error);
      input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));

      while (batches < CRASH_MIN_BATCHES && read_whole_line (input, &line))
        {
          gint64 value = parse_committed (line);

          g_clear_pointer (&line, g_free);
          g_assert_cmpint (value, >, committed);
          g_assert_cmpint (value, >, stored);
          committed = value;
          batches++;
        }
      g_assert_cmpuint (batches, ==, CRASH_MIN_BATCHES);

      /* A little more so that the kill lands anywhere in a batch, commits included. */
      g_usleep (g_test_rand_int_range (0, 5000));
      g_subprocess_force_exit (writer);
      g_assert_true (g_subprocess_wait (writer, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (writer));
      g_assert_cmpint (g_subprocess_get_term_sig (writer), ==, SIGKILL);

      /* What it managed to report before dying. */
      while (read_whole_line (input, &line))
        {
          gint64 value = parse_committed (line);

          g_clear_pointer (&line, g_free);
          g_assert_cmpint (value, >, committed);
          committed = value;
        }

      /* The killed process left its WAL for the next one to recover. */
      g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

      stored = verify_after_crash (fixture->path, committed);

      /* The store opens it again, and sees every row. */
      store = rv_store_new (fixture->path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (count_records (store), ==, stored);
      first_ruc = g_strdup_printf ("20%09u", 0);
      last_ruc = g_strdup_printf ("20%09u", (guint) stored - 1);
      sample[0] = first_ruc;
      sample[1] = last_ruc;
      sample[2] = "20999999999";
      check = rv_store_get_records (store, sample, G_N_ELEMENTS (sample), -1, -1, &error);
      g_assert_no_error (error);
      {
        g_autoptr(RvRecord) first = make_crash_record (0);
        g_autoptr(RvRecord) last = make_crash_record (stored - 1);

        assert_cached_record (g_ptr_array_index (check, 0), first);
        assert_cached_record (g_ptr_array_index (check, 1), last);
        g_assert_null (g_ptr_array_index (check, 2));
      }
      g_assert_finalize_object (g_steal_pointer (&store));
    }

  g_assert_cmpint (stored, >=, CRASH_CYCLES * CRASH_MIN_BATCHES * CRASH_BATCH);
}

/* /store/preconditions */

static void
test_preconditions (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  RvStore *store;

  g_test_expect_message ("rv-store", G_LOG_LEVEL_CRITICAL, "*RV_IS_STORE*");
  g_assert_false (rv_store_put_records (NULL, NULL, 0, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-store", G_LOG_LEVEL_CRITICAL, "*path != NULL*");
  g_assert_null (rv_store_new (NULL, NULL));
  g_test_assert_expected_messages ();

  store = rv_store_new (fixture->path, &error);
  g_assert_no_error (error);

  g_test_expect_message ("rv-store", G_LOG_LEVEL_CRITICAL, "*records != NULL*");
  g_assert_false (rv_store_put_records (store, NULL, 3, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-store", G_LOG_LEVEL_CRITICAL, "*rucs != NULL*");
  g_assert_null (rv_store_get_records (store, NULL, 2, -1, -1, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("rv-store", G_LOG_LEVEL_CRITICAL, "*run != NULL*");
  g_assert_false (rv_store_finish_run (store, NULL, NULL));
  g_test_assert_expected_messages ();

  /* None of it touched the file. */
  g_assert_cmpint (count_records (store), ==, 0);
  g_assert_finalize_object (store);
}

/* /store/default-path */

static void
test_default_path (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("RUC_VALIDATOR_DB"));
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (g_setenv ("RUC_VALIDATOR_DB", "/somewhere/else.sqlite3", TRUE));
  path = rv_store_dup_default_path ();
  g_assert_cmpstr (path, ==, "/somewhere/else.sqlite3");
  g_clear_pointer (&path, g_free);

  /* Empty is unset. */
  g_assert_true (g_setenv ("RUC_VALIDATOR_DB", "", TRUE));
  path = rv_store_dup_default_path ();
  expected = g_build_filename (g_get_user_data_dir (), "ruc-validator", "ruc-validator.sqlite3",
                               NULL);
  g_assert_cmpstr (path, ==, expected);
  g_clear_pointer (&path, g_free);

  g_unsetenv ("RUC_VALIDATOR_DB");
  path = rv_store_dup_default_path ();
  g_assert_cmpstr (path, ==, expected);

  if (saved != NULL)
    {
      g_assert_true (g_setenv ("RUC_VALIDATOR_DB", saved, TRUE));
      /* No test opened the database the environment names. */
      g_assert_false (g_file_test (saved, G_FILE_TEST_EXISTS));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *must_not_exist = NULL;
  int ret;

  /* The crash test runs this program again as the process it kills. */
  if (argc == 3 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2]);

  if (!g_file_test (g_getenv ("RUC_VALIDATOR_DB") ? g_getenv ("RUC_VALIDATOR_DB") : "",
                    G_FILE_TEST_EXISTS))
    must_not_exist = g_strdup (g_getenv ("RUC_VALIDATOR_DB"));

  self_exe = g_find_program_in_path (argv[0]);
  if (self_exe == NULL)
    g_error ("Cannot find myself (%s)", argv[0]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/migrate/empty-file", test_migrate_empty_file);
  ADD ("/store/migrate/too-new", test_migrate_too_new);
  ADD ("/store/open/not-a-database", test_open_not_a_database);
  ADD ("/store/open/foreign-untouched", test_open_foreign_untouched);
  g_test_add_func ("/store/open/unwritable", test_open_unwritable);
  ADD ("/store/open/parent-not-folder", test_open_parent_not_folder);
  ADD ("/store/records/roundtrip", test_records_roundtrip);
  ADD ("/store/records/freshness", test_records_freshness);
  ADD ("/store/records/many", test_records_many);
  ADD ("/store/records/async", test_records_async);
  ADD ("/store/runs", test_runs);
  ADD ("/store/crash/sigkill", test_crash_sigkill);
  ADD ("/store/preconditions", test_preconditions);

#undef ADD

  g_test_add_func ("/store/default-path", test_default_path);

  ret = g_test_run ();

  /* Whatever the order the tests ran in, none may have created the user's database. */
  if (must_not_exist != NULL && g_file_test (must_not_exist, G_FILE_TEST_EXISTS))
    {
      g_printerr ("A test created %s\n", must_not_exist);
      ret = 1;
    }

  g_clear_pointer (&self_exe, g_free);
  return ret;
}
