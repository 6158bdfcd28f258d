/* rv-row.c
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

#define G_LOG_DOMAIN "rv-row"

#include "config.h"

#include "rv-row.h"

/*
 * One row of the user's sheet that holds a value to check, as the window's table shows it:
 * its place in the sheet, the value as typed, and the result of that value, which changes
 * as the run answers (every row with the same value shares one RvResult). Properties
 * notify only on a real change, so that a cell bound to "verdict" redraws once.
 */

struct _RvRow
{
  GObject    parent_instance;

  guint      index;
  char      *value;
  RvResult  *result;
};

G_DEFINE_FINAL_TYPE (RvRow, rv_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_NUMBER,
  PROP_VALUE,
  PROP_RESULT,
  PROP_VERDICT,
  PROP_NAME,
  PROP_REASON,
  PROP_RUC,
  PROP_STATE,
  PROP_CONDITION,
  PROP_ADDRESS,
  PROP_AS_OF,
  PROP_CHECKED_AT,
  PROP_SOURCE,
  PROP_SUGGESTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The text properties that follow the result, each with its getter: rv_row_set_result()
 * notifies those whose text changed.
 */
static const struct {
  guint         prop_id;
  const char *(*get) (RvRow *self);
} text_props[] = {
  { PROP_NAME, rv_row_get_name },
  { PROP_REASON, rv_row_get_reason },
  { PROP_RUC, rv_row_get_ruc },
  { PROP_STATE, rv_row_get_state },
  { PROP_CONDITION, rv_row_get_condition },
  { PROP_ADDRESS, rv_row_get_address },
  { PROP_AS_OF, rv_row_get_as_of },
  { PROP_SUGGESTION, rv_row_get_suggestion },
};

static const char *
result_name (const RvResult *result)
{
  RvRecord *record = result != NULL ? rv_result_get_record (result) : NULL;
  const char *name = record != NULL ? rv_record_get_field (record, RV_FIELD_NAME) : NULL;

  return name != NULL ? name : "";
}

static const char *
result_field (const RvResult *result,
              RvField         field)
{
  RvRecord *record = result != NULL ? rv_result_get_record (result) : NULL;
  const char *text = record != NULL ? rv_record_get_field (record, field) : NULL;

  return text != NULL ? text : "";
}

static void
rv_row_finalize (GObject *object)
{
  RvRow *self = (RvRow *) object;

  g_clear_pointer (&self->value, g_free);
  g_clear_pointer (&self->result, rv_result_unref);

  G_OBJECT_CLASS (rv_row_parent_class)->finalize (object);
}

static void
rv_row_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  RvRow *self = RV_ROW (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_NUMBER:
      g_value_set_uint (value, rv_row_get_number (self));
      break;
    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;
    case PROP_RESULT:
      g_value_set_boxed (value, self->result);
      break;
    case PROP_VERDICT:
      g_value_set_enum (value, rv_row_get_verdict (self));
      break;
    case PROP_NAME:
      g_value_set_string (value, rv_row_get_name (self));
      break;
    case PROP_REASON:
      g_value_set_string (value, rv_row_get_reason (self));
      break;
    case PROP_RUC:
      g_value_set_string (value, rv_row_get_ruc (self));
      break;
    case PROP_STATE:
      g_value_set_string (value, rv_row_get_state (self));
      break;
    case PROP_CONDITION:
      g_value_set_string (value, rv_row_get_condition (self));
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, rv_row_get_address (self));
      break;
    case PROP_AS_OF:
      g_value_set_string (value, rv_row_get_as_of (self));
      break;
    case PROP_CHECKED_AT:
      g_value_set_int64 (value, rv_row_get_checked_at (self));
      break;
    case PROP_SOURCE:
      g_value_set_enum (value, rv_row_get_source (self));
      break;
    case PROP_SUGGESTION:
      g_value_set_string (value, rv_row_get_suggestion (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rv_row_class_init (RvRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rv_row_finalize;
  object_class->get_property = rv_row_get_property;

  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NUMBER] =
    g_param_spec_uint ("number", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESULT] =
    g_param_spec_boxed ("result", NULL, NULL, RV_TYPE_RESULT,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERDICT] =
    g_param_spec_enum ("verdict", NULL, NULL, RV_TYPE_VERDICT, RV_VERDICT_PENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUC] =
    g_param_spec_string ("ruc", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONDITION] =
    g_param_spec_string ("condition", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AS_OF] =
    g_param_spec_string ("as-of", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHECKED_AT] =
    g_param_spec_int64 ("checked-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_enum ("source", NULL, NULL, RV_TYPE_SOURCE, RV_SOURCE_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUGGESTION] =
    g_param_spec_string ("suggestion", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rv_row_init (RvRow *self)
{
}

/**
 * rv_row_new:
 * @index: the row in the sheet, from 0
 * @value: (nullable): the cell's text in the RUC column
 * @result: (nullable): the result of that value
 *
 * Returns: (transfer full): a new row
 */
RvRow *
rv_row_new (guint       index,
            const char *value,
            RvResult   *result)
{
  RvRow *self = g_object_new (RV_TYPE_ROW, NULL);

  self->index = index;
  self->value = g_strdup (value != NULL ? value : "");
  self->result = result != NULL ? rv_result_ref (result) : NULL;
  return self;
}

guint
rv_row_get_index (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), 0);

  return self->index;
}

/**
 * rv_row_get_number:
 *
 * Returns: the row's number as a spreadsheet shows it (its index + 1)
 */
guint
rv_row_get_number (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), 1);

  return self->index + 1;
}

const char *
rv_row_get_value (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  return self->value;
}

/**
 * rv_row_get_result:
 *
 * Returns: (transfer none) (nullable): the result of the row's value
 */
RvResult *
rv_row_get_result (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  return self->result;
}

/**
 * rv_row_get_verdict:
 *
 * Returns: the verdict of the row's value; %RV_VERDICT_PENDING without a result
 */
RvVerdict
rv_row_get_verdict (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), RV_VERDICT_PENDING);

  return self->result != NULL ? rv_result_get_verdict (self->result) : RV_VERDICT_PENDING;
}

/**
 * rv_row_get_name:
 *
 * Returns: the taxpayer's name (razón social) when known, else ""
 */
const char *
rv_row_get_name (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  return result_name (self->result);
}

/**
 * rv_row_get_reason:
 *
 * Returns: why the row has its verdict, else ""
 */
const char *
rv_row_get_reason (RvRow *self)
{
  const char *reason;

  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  reason = self->result != NULL ? rv_result_get_reason (self->result) : NULL;
  return reason != NULL ? reason : "";
}

/**
 * rv_row_get_ruc:
 *
 * Returns: the normalised RUC (a DNI's RUC 10; an invalid value's digits), else ""
 */
const char *
rv_row_get_ruc (RvRow *self)
{
  const char *ruc = NULL;

  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  if (self->result != NULL)
    {
      ruc = rv_result_get_ruc (self->result);
      if (ruc == NULL)
        ruc = rv_result_get_value (self->result);
    }
  return ruc != NULL ? ruc : "";
}

/**
 * rv_row_get_state:
 *
 * Returns: the taxpayer's state (estado) when known, else ""
 */
const char *
rv_row_get_state (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  return result_field (self->result, RV_FIELD_STATE);
}

/**
 * rv_row_get_condition:
 *
 * Returns: the domicile condition (condición de domicilio) when known, else ""
 */
const char *
rv_row_get_condition (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  return result_field (self->result, RV_FIELD_CONDITION);
}

/**
 * rv_row_get_address:
 *
 * Returns: the fiscal address when known (the full one, else the simple one), else ""
 */
const char *
rv_row_get_address (RvRow *self)
{
  const char *address;

  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  address = result_field (self->result, RV_FIELD_ADDRESS);
  if (address[0] == 0)
    address = result_field (self->result, RV_FIELD_ADDRESS_SIMPLE);
  return address;
}

/**
 * rv_row_get_as_of:
 *
 * Returns: the date of the provider's data when known, else ""
 */
const char *
rv_row_get_as_of (RvRow *self)
{
  RvRecord *record;
  const char *as_of;

  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  record = self->result != NULL ? rv_result_get_record (self->result) : NULL;
  as_of = record != NULL ? rv_record_get_as_of (record) : NULL;
  return as_of != NULL ? as_of : "";
}

/**
 * rv_row_get_checked_at:
 *
 * Returns: when the answer was checked (Unix time), or 0 without an answer
 */
gint64
rv_row_get_checked_at (RvRow *self)
{
  RvRecord *record;

  g_return_val_if_fail (RV_IS_ROW (self), 0);

  record = self->result != NULL ? rv_result_get_record (self->result) : NULL;
  return record != NULL ? MAX (rv_record_get_checked_at (record), 0) : 0;
}

/**
 * rv_row_get_source:
 *
 * Returns: where the answer came from; %RV_SOURCE_NONE without one
 */
RvSource
rv_row_get_source (RvRow *self)
{
  g_return_val_if_fail (RV_IS_ROW (self), RV_SOURCE_NONE);

  return self->result != NULL ? rv_result_get_source (self->result) : RV_SOURCE_NONE;
}

/**
 * rv_row_get_suggestion:
 *
 * Returns: for a RUC with a wrong check digit, the RUC with the right one, else ""
 */
const char *
rv_row_get_suggestion (RvRow *self)
{
  const char *suggestion;

  g_return_val_if_fail (RV_IS_ROW (self), NULL);

  suggestion = self->result != NULL ? rv_result_get_suggestion (self->result) : NULL;
  return suggestion != NULL ? suggestion : "";
}

/**
 * rv_row_set_result:
 * @self: a row
 * @result: (nullable): the new result of its value
 *
 * Notifies "result", and each property that follows it ("verdict", "name", "reason",
 * "ruc", "state", "condition", "address", "as-of", "checked-at", "source",
 * "suggestion") where it changed.
 */
void
rv_row_set_result (RvRow    *self,
                   RvResult *result)
{
  RvVerdict old_verdict;
  RvSource old_source;
  gint64 old_checked_at;
  char *old_texts[G_N_ELEMENTS (text_props)];

  g_return_if_fail (RV_IS_ROW (self));

  if (self->result == result)
    return;

  old_verdict = rv_row_get_verdict (self);
  old_source = rv_row_get_source (self);
  old_checked_at = rv_row_get_checked_at (self);
  /* Copies: the old result, which owns the texts, may go with the swap. */
  for (guint i = 0; i < G_N_ELEMENTS (text_props); i++)
    old_texts[i] = g_strdup (text_props[i].get (self));

  g_clear_pointer (&self->result, rv_result_unref);
  self->result = result != NULL ? rv_result_ref (result) : NULL;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
  if (rv_row_get_verdict (self) != old_verdict)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERDICT]);
  if (rv_row_get_source (self) != old_source)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
  if (rv_row_get_checked_at (self) != old_checked_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKED_AT]);
  for (guint i = 0; i < G_N_ELEMENTS (text_props); i++)
    {
      if (!g_str_equal (text_props[i].get (self), old_texts[i]))
        g_object_notify_by_pspec (G_OBJECT (self), properties[text_props[i].prop_id]);
      g_free (old_texts[i]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
