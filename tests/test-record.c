/* test-record.c
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

#include "config.h"

#include <string.h>

#include <glib.h>

#include "rv-record.h"

static void
test_verdict_rule (void)
{
  static const struct {
    gboolean     found;
    const char  *state;
    const char  *condition;
    RvVerdict    verdict;
    const char  *reason_part;
  } cases[] = {
    { TRUE, "ACTIVO", "HABIDO", RV_VERDICT_VALID, "Active and domiciled" },
    { TRUE, " activo ", "Habido", RV_VERDICT_VALID, "Active and domiciled" },
    { TRUE, "BAJA DE OFICIO", "HABIDO", RV_VERDICT_OBSERVED, "State BAJA DE OFICIO" },
    { TRUE, "BAJA DEFINITIVA", "HABIDO", RV_VERDICT_OBSERVED, "BAJA DEFINITIVA" },
    { TRUE, "SUSPENSION TEMPORAL", "HABIDO", RV_VERDICT_OBSERVED, "SUSPENSION TEMPORAL" },
    { TRUE, "ACTIVO", "NO HABIDO", RV_VERDICT_OBSERVED, "Domicile NO HABIDO" },
    { TRUE, "ACTIVO", "NO HALLADO", RV_VERDICT_OBSERVED, "NO HALLADO" },
    { TRUE, "BAJA DE OFICIO", "NO HABIDO", RV_VERDICT_OBSERVED, "State BAJA DE OFICIO; Domicile NO HABIDO" },
    { TRUE, "-", "-", RV_VERDICT_OBSERVED, "State unknown; Domicile condition unknown" },
    { TRUE, NULL, "HABIDO", RV_VERDICT_OBSERVED, "State unknown" },
    { TRUE, "ACTIVO HABIDO", "HABIDO", RV_VERDICT_OBSERVED, "ACTIVO HABIDO" },
    { FALSE, NULL, NULL, RV_VERDICT_NOT_FOUND, "No taxpayer" },
    { FALSE, "ACTIVO", "HABIDO", RV_VERDICT_NOT_FOUND, "No taxpayer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RvRecord) record = rv_record_new ("20131312955", cases[i].found);
      g_autofree char *reason = NULL;

      rv_record_set_field (record, RV_FIELD_STATE, cases[i].state);
      rv_record_set_field (record, RV_FIELD_CONDITION, cases[i].condition);
      reason = rv_record_dup_reason (record);
      g_test_message ("case %u: %s", i, reason);
      g_assert_cmpint (rv_record_get_verdict (record), ==, cases[i].verdict);
      g_assert_nonnull (strstr (reason, cases[i].reason_part));
    }
}

static void
test_dash_is_empty (void)
{
  g_autoptr(RvRecord) record = rv_record_new ("20131312955", TRUE);

  rv_record_set_field (record, RV_FIELD_INTERIOR, "-");
  g_assert_null (rv_record_get_field (record, RV_FIELD_INTERIOR));
  rv_record_set_field (record, RV_FIELD_LOT, " -- ");
  g_assert_null (rv_record_get_field (record, RV_FIELD_LOT));
  rv_record_set_field (record, RV_FIELD_BLOCK, "   ");
  g_assert_null (rv_record_get_field (record, RV_FIELD_BLOCK));
  rv_record_set_field (record, RV_FIELD_NAME, "  SUPERINTENDENCIA NACIONAL DE ADUANAS  ");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_NAME), ==,
                   "SUPERINTENDENCIA NACIONAL DE ADUANAS");
  rv_record_set_field (record, RV_FIELD_VIA_NAME, "28 DE JULIO - CERCADO");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_VIA_NAME), ==, "28 DE JULIO - CERCADO");
  rv_record_set_field (record, RV_FIELD_NAME, NULL);
  g_assert_null (rv_record_get_field (record, RV_FIELD_NAME));

  rv_record_set_as_of (record, "-");
  g_assert_null (rv_record_get_as_of (record));
  rv_record_set_as_of (record, "2026-11-21 10:15:00");
  g_assert_cmpstr (rv_record_get_as_of (record), ==, "2026-11-21 10:15:00");
}

/* A server that lies cannot make a record big: every text is cut at 1,024 bytes, on a
 * character boundary.
 */
static void
test_long_text_is_cut (void)
{
  g_autoptr(RvRecord) record = rv_record_new ("20131312955", TRUE);
  g_autoptr(GString) huge = g_string_new (NULL);
  const char *name;

  g_string_append_c (huge, 'x');
  for (guint i = 0; i < 500000; i++)
    g_string_append (huge, "\xc3\xb1");  /* ñ: two bytes, so the cut falls inside one */

  for (guint f = 0; f < RV_N_FIELDS; f++)
    rv_record_set_field (record, f, huge->str);
  rv_record_set_provider (record, huge->str);
  rv_record_set_as_of (record, huge->str);

  for (guint f = 0; f < RV_N_FIELDS; f++)
    {
      name = rv_record_get_field (record, f);
      g_assert_cmpuint (strlen (name), ==, 1023);
      g_assert_true (g_utf8_validate (name, -1, NULL));
    }
  g_assert_cmpuint (strlen (rv_record_get_provider (record)), ==, 1023);
  g_assert_cmpuint (strlen (rv_record_get_as_of (record)), ==, 1023);

  /* Exactly the limit is kept whole. */
  rv_record_set_field (record, RV_FIELD_NAME, huge->str + 1 + 500000 * 2 - 1024);
  g_assert_cmpuint (strlen (rv_record_get_field (record, RV_FIELD_NAME)), ==, 1024);

  /* Replacing texts keeps the others intact. */
  rv_record_set_field (record, RV_FIELD_STATE, "ACTIVO");
  rv_record_set_field (record, RV_FIELD_CONDITION, "HABIDO");
  rv_record_set_field (record, RV_FIELD_UBIGEO, NULL);
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_STATE), ==, "ACTIVO");
  g_assert_cmpstr (rv_record_get_field (record, RV_FIELD_CONDITION), ==, "HABIDO");
  g_assert_null (rv_record_get_field (record, RV_FIELD_UBIGEO));
  g_assert_cmpuint (strlen (rv_record_get_field (record, RV_FIELD_NAME)), ==, 1024);
  g_assert_cmpint (rv_record_get_verdict (record), ==, RV_VERDICT_VALID);
}

static void
test_copy_and_ref (void)
{
  g_autoptr(RvRecord) record = rv_record_new ("10054148289", TRUE);
  g_autoptr(RvRecord) copy = NULL;
  RvRecord *ref;

  for (guint f = 0; f < RV_N_FIELDS; f++)
    {
      g_autofree char *value = g_strdup_printf ("value %u", f);
      rv_record_set_field (record, f, value);
    }
  rv_record_set_as_of (record, "2026-11-20");
  rv_record_set_checked_at (record, 1790000000);
  rv_record_set_source (record, RV_SOURCE_PADRON);
  rv_record_set_provider (record, "padron");

  copy = rv_record_copy (record);
  g_assert_true (copy != record);
  g_assert_cmpstr (rv_record_get_ruc (copy), ==, "10054148289");
  g_assert_true (rv_record_get_found (copy));
  for (guint f = 0; f < RV_N_FIELDS; f++)
    {
      g_assert_cmpstr (rv_record_get_field (copy, f), ==, rv_record_get_field (record, f));
      g_assert_true (rv_record_get_field (copy, f) != rv_record_get_field (record, f));
    }
  g_assert_cmpstr (rv_record_get_as_of (copy), ==, "2026-11-20");
  g_assert_cmpint (rv_record_get_checked_at (copy), ==, 1790000000);
  g_assert_cmpint (rv_record_get_source (copy), ==, RV_SOURCE_PADRON);
  g_assert_cmpstr (rv_record_get_provider (copy), ==, "padron");

  /* The copy is independent: changing the original leaves it alone. */
  rv_record_set_field (record, RV_FIELD_NAME, "CHANGED");
  g_assert_cmpstr (rv_record_get_field (copy, RV_FIELD_NAME), ==, "value 0");

  {
    g_autoptr(RvRecord) empty = rv_record_new ("20100047218", FALSE);
    g_autoptr(RvRecord) empty_copy = rv_record_copy (empty);

    g_assert_cmpstr (rv_record_get_ruc (empty_copy), ==, "20100047218");
    g_assert_false (rv_record_get_found (empty_copy));
    g_assert_null (rv_record_get_provider (empty_copy));
    for (guint f = 0; f < RV_N_FIELDS; f++)
      g_assert_null (rv_record_get_field (empty_copy, f));
  }

  ref = rv_record_ref (record);
  g_assert_true (ref == record);
  rv_record_unref (ref);

  /* The boxed type copies by reference. */
  {
    RvRecord *boxed = g_boxed_copy (RV_TYPE_RECORD, record);
    g_assert_true (boxed == record);
    g_boxed_free (RV_TYPE_RECORD, boxed);
  }
}

static void
test_field_keys (void)
{
  /* The APIMIGO names of DESIGN.md, in order: they are also the database columns. */
  static const char *keys[] = {
    "nombre_o_razon_social", "estado_del_contribuyente", "condicion_de_domicilio", "ubigeo",
    "tipo_de_via", "nombre_de_via", "codigo_de_zona", "tipo_de_zona", "numero", "interior",
    "lote", "dpto", "manzana", "kilometro", "distrito", "provincia", "departamento",
    "direccion_simple", "direccion",
  };

  g_assert_cmpuint (G_N_ELEMENTS (keys), ==, RV_N_FIELDS);
  for (guint f = 0; f < RV_N_FIELDS; f++)
    {
      g_assert_cmpstr (rv_field_get_key (f), ==, keys[f]);
      g_assert_nonnull (rv_field_get_label (f));
      g_assert_cmpstr (rv_field_get_label (f), !=, "");
    }
}

static void
test_nicks (void)
{
  static const char *verdicts[] = { "valid", "observed", "not_found", "invalid", "pending" };

  G_STATIC_ASSERT (G_N_ELEMENTS (verdicts) == RV_N_VERDICTS);

  for (RvVerdict v = 0; v < RV_N_VERDICTS; v++)
    {
      RvVerdict back;

      g_assert_cmpstr (rv_verdict_get_nick (v), ==, verdicts[v]);
      g_assert_true (rv_verdict_from_nick (verdicts[v], &back));
      g_assert_cmpint (back, ==, v);
      g_assert_nonnull (rv_verdict_get_label (v));
    }

  {
    RvVerdict v;
    RvSource s;

    g_assert_false (rv_verdict_from_nick ("bogus", &v));
    g_assert_false (rv_verdict_from_nick ("n-verdicts", &v));
    g_assert_false (rv_verdict_from_nick (NULL, &v));
    g_assert_cmpstr (rv_source_get_nick (RV_SOURCE_PADRON), ==, "padron");
    g_assert_cmpstr (rv_source_get_nick (RV_SOURCE_CACHE), ==, "cache");
    g_assert_true (rv_source_from_nick ("offline", &s));
    g_assert_cmpint (s, ==, RV_SOURCE_OFFLINE);
    g_assert_false (rv_source_from_nick ("bogus", &s));
  }
}

static void
test_preconditions (void)
{
  if (g_test_undefined ())
    {
      g_test_expect_message ("rv-record", G_LOG_LEVEL_CRITICAL, "*ruc != NULL*");
      g_assert_null (rv_record_new (NULL, TRUE));
      g_test_assert_expected_messages ();

      g_test_expect_message ("rv-record", G_LOG_LEVEL_CRITICAL, "*strlen (ruc)*");
      g_assert_null (rv_record_new ("201313129551234", TRUE));
      g_test_assert_expected_messages ();
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/record/verdict-rule", test_verdict_rule);
  g_test_add_func ("/record/dash-is-empty", test_dash_is_empty);
  g_test_add_func ("/record/copy-and-ref", test_copy_and_ref);
  g_test_add_func ("/record/long-text-is-cut", test_long_text_is_cut);
  g_test_add_func ("/record/field-keys", test_field_keys);
  g_test_add_func ("/record/nicks", test_nicks);
  g_test_add_func ("/record/preconditions", test_preconditions);

  return g_test_run ();
}
