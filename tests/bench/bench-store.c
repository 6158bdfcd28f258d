/* bench-store.c
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

/* Measures the store on a realistic cache: N records (100,000 unless told) with every
 * field filled as SUNAT fills them. It prints one line per figure and asserts nothing
 * about speed; it fails only if the store loses or garbles a record.
 *
 *   bench-store [N]
 */

#define G_LOG_DOMAIN "bench-store"

#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "rv-record.h"
#include "rv-store.h"

#define BATCH 500
#define N_SINGLE_LOOKUPS 10000
#define DEFAULT_N 100000

static const char * const name_heads[] = {
  "INVERSIONES", "COMERCIALIZADORA", "CORPORACION", "DISTRIBUIDORA", "CONSTRUCTORA",
  "TRANSPORTES", "SERVICIOS GENERALES", "AGROINDUSTRIAS",
};
static const char * const name_tails[] = {
  "ANDINA", "DEL SUR", "PACIFICO", "SAN MARTIN", "LOS OLIVOS", "NORTE CHICO", "SANTA ROSA",
};
static const char * const company_types[] = { "S.A.C.", "E.I.R.L.", "S.R.L.", "S.A." };
static const char * const via_types[] = { "AV.", "JR.", "CAL.", "PSJE.", "CAR." };
static const char * const via_names[] = {
  "JAVIER PRADO ESTE", "LOS PROCERES", "JOSE GALVEZ BARRENECHEA", "LAS BEGONIAS",
  "GRAU", "PANAMERICANA NORTE",
};
static const char * const zone_codes[] = { "URB.", "P.J.", "A.H.", "COO." };
static const char * const zone_types[] = { "CORPAC", "SANTA PATRICIA", "LOS FICUS", "EL ROSARIO" };
static const struct {
  const char *ubigeo;
  const char *district;
  const char *province;
  const char *region;
} places[] = {
  { "150131", "SAN ISIDRO", "LIMA", "LIMA" },
  { "150122", "MIRAFLORES", "LIMA", "LIMA" },
  { "040101", "AREQUIPA", "AREQUIPA", "AREQUIPA" },
  { "130101", "TRUJILLO", "TRUJILLO", "LA LIBERTAD" },
  { "080101", "CUSCO", "CUSCO", "CUSCO" },
};

#define PICK(array, i) ((array)[(i) % G_N_ELEMENTS (array)])

static char *
make_ruc (guint i)
{
  return g_strdup_printf ("20%09u", i);
}

static RvRecord *
make_record (guint  i,
             gint64 now)
{
  g_autofree char *ruc = make_ruc (i);
  g_autofree char *name = NULL;
  g_autofree char *number = g_strdup_printf ("%u", 100 + i % 4900);
  g_autofree char *interior = g_strdup_printf ("%u", 101 + i % 800);
  g_autofree char *lot = g_strdup_printf ("%u", 1 + i % 40);
  g_autofree char *apartment = g_strdup_printf ("%u", 1 + i % 20);
  g_autofree char *block = g_strdup_printf ("%c", 'A' + i % 26);
  g_autofree char *kilometer = g_strdup_printf ("%u.%u", i % 60, i % 10);
  g_autofree char *address_simple = NULL;
  g_autofree char *address = NULL;
  const char *via_type = PICK (via_types, i);
  const char *via_name = PICK (via_names, i / 3);
  const char *zone_code = PICK (zone_codes, i / 5);
  const char *zone_type = PICK (zone_types, i / 7);
  guint place = i % G_N_ELEMENTS (places);
  RvRecord *record = rv_record_new (ruc, TRUE);

  name = g_strdup_printf ("%s %s %s", PICK (name_heads, i), PICK (name_tails, i / 8),
                          PICK (company_types, i / 56));
  address_simple = g_strdup_printf ("%s %s NRO. %s INT. %s %s %s", via_type, via_name, number,
                                    interior, zone_code, zone_type);
  address = g_strdup_printf ("%s %s - %s - %s", address_simple, places[place].region,
                             places[place].province, places[place].district);

  rv_record_set_field (record, RV_FIELD_NAME, name);
  rv_record_set_field (record, RV_FIELD_STATE, i % 10 == 0 ? "BAJA DE OFICIO" : "ACTIVO");
  rv_record_set_field (record, RV_FIELD_CONDITION, i % 7 == 0 ? "NO HABIDO" : "HABIDO");
  rv_record_set_field (record, RV_FIELD_UBIGEO, places[place].ubigeo);
  rv_record_set_field (record, RV_FIELD_VIA_TYPE, via_type);
  rv_record_set_field (record, RV_FIELD_VIA_NAME, via_name);
  rv_record_set_field (record, RV_FIELD_ZONE_CODE, zone_code);
  rv_record_set_field (record, RV_FIELD_ZONE_TYPE, zone_type);
  rv_record_set_field (record, RV_FIELD_NUMBER, number);
  rv_record_set_field (record, RV_FIELD_INTERIOR, interior);
  rv_record_set_field (record, RV_FIELD_LOT, lot);
  rv_record_set_field (record, RV_FIELD_APARTMENT, apartment);
  rv_record_set_field (record, RV_FIELD_BLOCK, block);
  rv_record_set_field (record, RV_FIELD_KILOMETER, kilometer);
  rv_record_set_field (record, RV_FIELD_DISTRICT, places[place].district);
  rv_record_set_field (record, RV_FIELD_PROVINCE, places[place].province);
  rv_record_set_field (record, RV_FIELD_REGION, places[place].region);
  rv_record_set_field (record, RV_FIELD_ADDRESS_SIMPLE, address_simple);
  rv_record_set_field (record, RV_FIELD_ADDRESS, address);
  rv_record_set_provider (record, "migo");
  rv_record_set_as_of (record, "2026-11-20 08:15:00");
  rv_record_set_checked_at (record, now - i % 86400);
  return record;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
report (const char *what,
        guint       count,
        const char *unit,
        gint64      start)
{
  double seconds = seconds_since (start);

  printf ("%s: %.3f s, %.0f %s/s\n", what, seconds, count / MAX (seconds, 1e-9), unit);
  fflush (stdout);
}

static double
file_mib (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return st.st_size / (1024.0 * 1024.0);
}

static gboolean
same_record (const RvRecord *a,
             const RvRecord *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  if (g_strcmp0 (rv_record_get_ruc (a), rv_record_get_ruc (b)) != 0 ||
      rv_record_get_found (a) != rv_record_get_found (b) ||
      rv_record_get_checked_at (a) != rv_record_get_checked_at (b) ||
      g_strcmp0 (rv_record_get_provider (a), rv_record_get_provider (b)) != 0 ||
      g_strcmp0 (rv_record_get_as_of (a), rv_record_get_as_of (b)) != 0)
    return FALSE;
  for (guint f = 0; f < RV_N_FIELDS; f++)
    if (g_strcmp0 (rv_record_get_field (a, f), rv_record_get_field (b, f)) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
check_records (GPtrArray  *got,
               GPtrArray  *records,
               guint       offset,
               const char *what)
{
  for (guint i = 0; i < got->len; i++)
    {
      if (!same_record (g_ptr_array_index (got, i), g_ptr_array_index (records, offset + i)))
        {
          g_printerr ("%s: record %u came back wrong or missing\n", what, offset + i);
          return FALSE;
        }
    }
  return TRUE;
}

static void
remove_database (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_remove (file);
    }
}

static gboolean
put_in_batches (RvStore    *store,
                GPtrArray  *records,
                GError    **error)
{
  for (guint offset = 0; offset < records->len; offset += BATCH)
    {
      guint n = MIN (BATCH, records->len - offset);

      if (!rv_store_put_records (store, (RvRecord **) records->pdata + offset, n, error))
        return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) rucs = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);
  g_autofree char *dir = NULL;
  g_autofree char *path_batches = NULL;
  g_autofree char *path_single = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *what = NULL;
  RvStore *store = NULL;
  struct rusage usage;
  guint64 n = DEFAULT_N;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 start;
  guint found = 0;
  int status = 1;

  if (argc > 2 ||
      (argc == 2 && !g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXUINT32 / 2, &n, &error)))
    {
      g_printerr ("Usage: %s [N]%s%s\n", argv[0], error ? ": " : "", error ? error->message : "");
      return 2;
    }

  dir = g_dir_make_tmp ("bench-store-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  path_batches = g_build_filename (dir, "batches.sqlite3", NULL);
  path_single = g_build_filename (dir, "single.sqlite3", NULL);
  wal = g_strconcat (path_single, "-wal", NULL);

  printf ("bench-store: %u records of %d fields, SQLite %s, in %s\n",
          (guint) n, RV_N_FIELDS, sqlite3_libversion (), dir);

  start = g_get_monotonic_time ();
  records = g_ptr_array_new_full (n, (GDestroyNotify) rv_record_unref);
  rucs = g_ptr_array_new_full (n + 1, g_free);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (records, make_record (i, now));
      g_ptr_array_add (rucs, make_ruc (i));
    }
  printf ("build %u records in memory: %.3f s\n", (guint) n, seconds_since (start));

  /* Writes as a run does: one transaction per batch. */
  store = rv_store_new (path_batches, &error);
  if (store == NULL)
    goto out;
  start = g_get_monotonic_time ();
  if (!put_in_batches (store, records, &error))
    goto out;
  what = g_strdup_printf ("put %u records (batches of %d)", (guint) n, BATCH);
  report (what, n, "records", start);
  g_clear_pointer (&what, g_free);
  g_clear_object (&store);
  remove_database (path_batches);

  /* The same in one transaction, in a new database. */
  store = rv_store_new (path_single, &error);
  if (store == NULL)
    goto out;
  start = g_get_monotonic_time ();
  if (!rv_store_put_records (store, (RvRecord **) records->pdata, records->len, &error))
    goto out;
  what = g_strdup_printf ("put %u records (one call)", (guint) n);
  report (what, n, "records", start);
  g_clear_pointer (&what, g_free);

  /* Reads. */
  start = g_get_monotonic_time ();
  got = rv_store_get_records (store, (const char * const *) rucs->pdata, rucs->len, -1, -1,
                              &error);
  if (got == NULL)
    goto out;
  what = g_strdup_printf ("get %u records (one call)", (guint) n);
  report (what, n, "records", start);
  g_clear_pointer (&what, g_free);
  if (!check_records (got, records, 0, "get (one call)"))
    goto out;
  g_clear_pointer (&got, g_ptr_array_unref);

  start = g_get_monotonic_time ();
  for (guint offset = 0; offset < rucs->len; offset += BATCH)
    {
      guint count = MIN (BATCH, rucs->len - offset);

      got = rv_store_get_records (store, (const char * const *) rucs->pdata + offset, count,
                                  -1, -1, &error);
      if (got == NULL)
        goto out;
      found += got->len;
      /* Checking every record would be timed too: the one-call read above checked them
       * all, so check the ends of each batch only.
       */
      if (!same_record (g_ptr_array_index (got, 0), g_ptr_array_index (records, offset)) ||
          !same_record (g_ptr_array_index (got, count - 1),
                        g_ptr_array_index (records, offset + count - 1)))
        {
          g_printerr ("get (calls of %d): records at %u came back wrong\n", BATCH, offset);
          goto out;
        }
      g_clear_pointer (&got, g_ptr_array_unref);
    }
  what = g_strdup_printf ("get %u records (%u calls of %d)", found,
                          (guint) ((n + BATCH - 1) / BATCH), BATCH);
  report (what, found, "records", start);
  g_clear_pointer (&what, g_free);

  start = g_get_monotonic_time ();
  for (guint k = 0; k < N_SINGLE_LOOKUPS; k++)
    {
      guint i = g_rand_int_range (rand, 0, n);
      g_autoptr(RvRecord) record = rv_store_get_record (store, g_ptr_array_index (rucs, i),
                                                        -1, -1, &error);

      if (error != NULL)
        goto out;
      if (!same_record (record, g_ptr_array_index (records, i)))
        {
          g_printerr ("get_record: record %u came back wrong or missing\n", i);
          goto out;
        }
    }
  what = g_strdup_printf ("get_record %d single lookups", N_SINGLE_LOOKUPS);
  report (what, N_SINGLE_LOOKUPS, "lookups", start);
  g_clear_pointer (&what, g_free);

  printf ("database size (store open): %.1f MiB + %.1f MiB -wal\n",
          file_mib (path_single), file_mib (wal));
  g_clear_object (&store);
  printf ("database size (closed, checkpointed): %.1f MiB + %.1f MiB -wal, %.0f bytes per record\n",
          file_mib (path_single), file_mib (wal),
          file_mib (path_single) * 1024 * 1024 / n);

  if (getrusage (RUSAGE_SELF, &usage) == 0)
    printf ("peak RSS: %.1f MiB\n", usage.ru_maxrss / 1024.0);

  status = 0;

out:
  if (error != NULL)
    g_printerr ("bench-store: %s\n", error->message);
  g_clear_object (&store);
  remove_database (path_batches);
  remove_database (path_single);
  if (g_rmdir (dir) != 0)
    g_printerr ("bench-store: cannot remove %s\n", dir);
  return status;
}
