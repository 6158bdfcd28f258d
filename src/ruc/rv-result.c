/* rv-result.c
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

#define G_LOG_DOMAIN "rv-result"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "rv-result.h"

struct _RvResult
{
  gatomicrefcount  ref_count;
  RvIdKind         kind;
  RvVerdict        verdict;
  RvSource         source;
  RvRecord        *record;
  char            *value;
  char            *reason;
  char             ruc[12];
  char             suggestion[12];
};

G_DEFINE_BOXED_TYPE (RvResult, rv_result, rv_result_ref, rv_result_unref)

static RvResult *
result_alloc (void)
{
  RvResult *self = g_new0 (RvResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

static RvResult *
result_copy_identity (const RvResult *from)
{
  RvResult *self = result_alloc ();

  self->kind = from->kind;
  self->value = g_strdup (from->value);
  memcpy (self->ruc, from->ruc, sizeof self->ruc);
  memcpy (self->suggestion, from->suggestion, sizeof self->suggestion);
  return self;
}

/**
 * rv_result_new:
 * @parse: what rv_ruc_parse() made of the cell
 * @raw: (nullable): the cell's text, kept as the value when it has no digits
 *
 * The result a value starts with: %RV_VERDICT_INVALID (final, decided offline) for a value
 * that is not a well-formed RUC or DNI, else %RV_VERDICT_PENDING "Not checked yet" until a
 * source answers. A DNI is looked up as the RUC 10 it would have.
 *
 * Returns: (transfer full): a new result
 */
RvResult *
rv_result_new (const RvRucParse *parse,
               const char       *raw)
{
  RvResult *self;

  g_return_val_if_fail (parse != NULL, NULL);

  self = result_alloc ();
  self->kind = parse->kind;

  switch (parse->kind)
    {
    case RV_ID_KIND_RUC:
      self->value = g_strdup (parse->value);
      g_strlcpy (self->ruc, parse->value, sizeof self->ruc);
      self->verdict = RV_VERDICT_PENDING;
      self->reason = g_strdup (_("Not checked yet"));
      break;

    case RV_ID_KIND_DNI:
      self->value = g_strdup (parse->value);
      if (!rv_ruc_from_dni (parse->value, self->ruc))
        self->ruc[0] = 0;
      self->verdict = RV_VERDICT_PENDING;
      self->reason = g_strdup (_("Not checked yet"));
      break;

    case RV_ID_KIND_NONE:
    default:
      if (parse->value[0] != 0 && parse->reason != RV_RUC_REASON_NOT_A_NUMBER)
        self->value = g_strdup (parse->value);
      else if (parse->reason == RV_RUC_REASON_EMPTY || raw == NULL)
        self->value = g_strdup ("");
      else
        /* The value ends up in output files, which are UTF-8 whatever the input held. */
        self->value = g_strstrip (g_utf8_make_valid (raw, -1));
      g_strlcpy (self->suggestion, parse->suggestion, sizeof self->suggestion);
      self->verdict = RV_VERDICT_INVALID;
      self->source = RV_SOURCE_OFFLINE;
      self->reason = rv_ruc_parse_dup_reason (parse);
      break;
    }

  return self;
}

/**
 * rv_result_new_answered:
 * @pending: the result of the value before the answer
 * @record: the answer, found or not found
 *
 * Returns: (transfer full): the final result: %RV_VERDICT_VALID, %RV_VERDICT_OBSERVED or
 *   %RV_VERDICT_NOT_FOUND, with the record's reason and source
 */
RvResult *
rv_result_new_answered (const RvResult *pending,
                        RvRecord       *record)
{
  RvResult *self;
  g_autofree char *reason = NULL;

  g_return_val_if_fail (pending != NULL, NULL);
  g_return_val_if_fail (record != NULL, NULL);

  self = result_copy_identity (pending);
  self->record = rv_record_ref (record);
  self->verdict = rv_record_get_verdict (record);
  self->source = rv_record_get_source (record);
  reason = rv_record_dup_reason (record);

  if (self->kind == RV_ID_KIND_DNI)
    /* Translators: the first %s is a DNI, the second the RUC it gives, the third the
     * verdict's reason ("Active and domiciled"). */
    self->reason = g_strdup_printf (_("DNI %s, as RUC %s: %s"), self->value, self->ruc, reason);
  else
    self->reason = g_steal_pointer (&reason);

  return self;
}

/**
 * rv_result_new_pending:
 * @previous: the result of the value so far
 * @reason: why it could not be checked, one translated sentence
 *
 * Returns: (transfer full): a %RV_VERDICT_PENDING result: the lookup could not be completed
 */
RvResult *
rv_result_new_pending (const RvResult *previous,
                       const char     *reason)
{
  RvResult *self;

  g_return_val_if_fail (previous != NULL, NULL);
  g_return_val_if_fail (reason != NULL, NULL);

  self = result_copy_identity (previous);
  self->verdict = RV_VERDICT_PENDING;
  self->reason = g_strdup (reason);
  return self;
}

/**
 * rv_result_ref:
 * @self: a result
 *
 * Returns: (transfer full): @self
 */
RvResult *
rv_result_ref (RvResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * rv_result_unref:
 * @self: (transfer full): a result
 */
void
rv_result_unref (RvResult *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->record, rv_record_unref);
      g_free (self->value);
      g_free (self->reason);
      g_free (self);
    }
}

/**
 * rv_result_get_value:
 * @self: a result
 *
 * Returns: the normalised value: an 11-digit RUC, an 8-digit DNI, an invalid value's
 *   digits, its trimmed text when it has none, or "" for an empty cell
 */
const char *
rv_result_get_value (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->value;
}

/**
 * rv_result_get_kind:
 * @self: a result
 *
 * Returns: what the value is
 */
RvIdKind
rv_result_get_kind (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, RV_ID_KIND_NONE);

  return self->kind;
}

/**
 * rv_result_get_ruc:
 * @self: a result
 *
 * Returns: (nullable): the RUC looked up (a DNI's RUC 10), or %NULL for an invalid value
 */
const char *
rv_result_get_ruc (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ruc[0] != 0 ? self->ruc : NULL;
}

/**
 * rv_result_get_suggestion:
 * @self: a result
 *
 * Returns: (nullable): for a wrong check digit, the RUC with the right one: a suggestion,
 *   never applied silently
 */
const char *
rv_result_get_suggestion (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->suggestion[0] != 0 ? self->suggestion : NULL;
}

/**
 * rv_result_get_verdict:
 * @self: a result
 *
 * Returns: the verdict
 */
RvVerdict
rv_result_get_verdict (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, RV_VERDICT_PENDING);

  return self->verdict;
}

/**
 * rv_result_get_reason:
 * @self: a result
 *
 * Returns: one translated sentence explaining the verdict
 */
const char *
rv_result_get_reason (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->reason;
}

/**
 * rv_result_get_record:
 * @self: a result
 *
 * Returns: (transfer none) (nullable): the taxpayer record a source answered with
 */
RvRecord *
rv_result_get_record (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->record;
}

/**
 * rv_result_get_source:
 * @self: a result
 *
 * Returns: where the verdict came from, %RV_SOURCE_NONE while pending
 */
RvSource
rv_result_get_source (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, RV_SOURCE_NONE);

  return self->source;
}

/**
 * rv_result_is_final:
 * @self: a result
 *
 * Returns: %TRUE unless the verdict is %RV_VERDICT_PENDING
 */
gboolean
rv_result_is_final (const RvResult *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->verdict != RV_VERDICT_PENDING;
}

/**
 * rv_result_column_get_title:
 * @column: a result column
 *
 * Returns: the translated header of @column in an output
 */
const char *
rv_result_column_get_title (RvResultColumn column)
{
  switch (column)
    {
    case RV_RESULT_COLUMN_RUC:
      /* Translators: header of an output column: the RUC as the program read it. */
      return _("Normalised RUC");
    case RV_RESULT_COLUMN_VERDICT:
      return _("Verdict");
    case RV_RESULT_COLUMN_REASON:
      return _("Reason");
    case RV_RESULT_COLUMN_NAME:
      /* Translators: header of an output column, the taxpayer's registered name. */
      return _("Business name");
    case RV_RESULT_COLUMN_STATE:
      /* Translators: header of an output column, SUNAT's "estado del contribuyente". */
      return _("Taxpayer state");
    case RV_RESULT_COLUMN_CONDITION:
      /* Translators: header of an output column, SUNAT's "condición de domicilio". */
      return _("Domicile condition");
    case RV_RESULT_COLUMN_ADDRESS:
      return _("Address");
    case RV_RESULT_COLUMN_UBIGEO:
      /* Translators: header of an output column, Peru's geographic code. */
      return _("Ubigeo");
    case RV_RESULT_COLUMN_AS_OF:
      /* Translators: header of an output column: the date of the provider's data. */
      return _("Data as of");
    case RV_RESULT_COLUMN_CHECKED_AT:
      return _("Checked at");
    case RV_RESULT_COLUMN_SOURCE:
      /* Translators: header of an output column: api, cache, padrón or offline. */
      return _("Source");
    case RV_N_RESULT_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static char *
format_checked_at (gint64 checked_at)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (checked_at <= 0)
    return g_strdup ("");

  utc = g_date_time_new_from_unix_utc (checked_at);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static char *
record_address (RvRecord *record)
{
  const char *address = rv_record_get_field (record, RV_FIELD_ADDRESS);

  if (address == NULL || address[0] == 0)
    address = rv_record_get_field (record, RV_FIELD_ADDRESS_SIMPLE);
  return g_strdup (address != NULL ? address : "");
}

/**
 * rv_result_dup_column_text:
 * @self: a result
 * @column: a result column
 *
 * Returns: (transfer full): the text of @column for this result ("" when there is none)
 */
char *
rv_result_dup_column_text (const RvResult *self,
                           RvResultColumn  column)
{
  RvRecord *record;
  const char *text = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  record = self->record;

  switch (column)
    {
    case RV_RESULT_COLUMN_RUC:
      text = self->ruc[0] != 0 ? self->ruc : self->value;
      break;
    case RV_RESULT_COLUMN_VERDICT:
      text = rv_verdict_get_label (self->verdict);
      break;
    case RV_RESULT_COLUMN_REASON:
      /* The suggestion has no column of its own: without it here, an output would lose it. */
      if (self->suggestion[0] != 0 && self->verdict == RV_VERDICT_INVALID)
        /* Translators: the first %s is the reason, the second the corrected RUC. */
        return g_strdup_printf (_("%s. Did you mean %s?"), self->reason, self->suggestion);
      text = self->reason;
      break;
    case RV_RESULT_COLUMN_NAME:
      text = record != NULL ? rv_record_get_field (record, RV_FIELD_NAME) : NULL;
      break;
    case RV_RESULT_COLUMN_STATE:
      text = record != NULL ? rv_record_get_field (record, RV_FIELD_STATE) : NULL;
      break;
    case RV_RESULT_COLUMN_CONDITION:
      text = record != NULL ? rv_record_get_field (record, RV_FIELD_CONDITION) : NULL;
      break;
    case RV_RESULT_COLUMN_ADDRESS:
      return record != NULL ? record_address (record) : g_strdup ("");
    case RV_RESULT_COLUMN_UBIGEO:
      text = record != NULL ? rv_record_get_field (record, RV_FIELD_UBIGEO) : NULL;
      break;
    case RV_RESULT_COLUMN_AS_OF:
      text = record != NULL ? rv_record_get_as_of (record) : NULL;
      break;
    case RV_RESULT_COLUMN_CHECKED_AT:
      return record != NULL ? format_checked_at (rv_record_get_checked_at (record))
                            : g_strdup ("");
    case RV_RESULT_COLUMN_SOURCE:
      switch (self->source)
        {
        case RV_SOURCE_API:
          text = "api";
          break;
        case RV_SOURCE_CACHE:
          text = "cache";
          break;
        case RV_SOURCE_PADRON:
          text = "padrón";
          break;
        case RV_SOURCE_OFFLINE:
          text = "offline";
          break;
        case RV_SOURCE_NONE:
        default:
          text = NULL;
          break;
        }
      break;
    case RV_N_RESULT_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }

  return g_strdup (text != NULL ? text : "");
}
