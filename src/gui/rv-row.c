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
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
result_name (const RvResult *result)
{
  RvRecord *record = result != NULL ? rv_result_get_record (result) : NULL;
  const char *name = record != NULL ? rv_record_get_field (record, RV_FIELD_NAME) : NULL;

  return name != NULL ? name : "";
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
 * rv_row_set_result:
 * @self: a row
 * @result: (nullable): the new result of its value
 *
 * Notifies "result", and "verdict", "name" and "reason" where they changed.
 */
void
rv_row_set_result (RvRow    *self,
                   RvResult *result)
{
  RvVerdict old_verdict;
  g_autofree char *old_name = NULL;
  g_autofree char *old_reason = NULL;

  g_return_if_fail (RV_IS_ROW (self));

  if (self->result == result)
    return;

  old_verdict = rv_row_get_verdict (self);
  old_name = g_strdup (rv_row_get_name (self));
  old_reason = g_strdup (rv_row_get_reason (self));

  g_clear_pointer (&self->result, rv_result_unref);
  self->result = result != NULL ? rv_result_ref (result) : NULL;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
  if (rv_row_get_verdict (self) != old_verdict)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERDICT]);
  if (!g_str_equal (rv_row_get_name (self), old_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  if (!g_str_equal (rv_row_get_reason (self), old_reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON]);
  g_object_thaw_notify (G_OBJECT (self));
}
