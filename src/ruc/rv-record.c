/* rv-record.c
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

#define G_LOG_DOMAIN "rv-record"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "rv-record.h"

/* The texts of a record (its fields, the provider and the as-of date) live in one
 * buffer of nul-terminated strings, found by offset: a record costs two allocations
 * instead of twenty-two, about a third of the memory for a run of 100,000 RUCs.
 */
enum {
  SLOT_PROVIDER = RV_N_FIELDS,
  SLOT_AS_OF,
  N_SLOTS,
};

#define NO_TEXT G_MAXUINT16

/* A provider that sends more than this in one field is cut, so that a record stays small
 * whatever a server answers (and every offset fits in 16 bits).
 */
#define MAX_TEXT_BYTES 1024

G_STATIC_ASSERT (N_SLOTS * (MAX_TEXT_BYTES + 1) < NO_TEXT);

struct _RvRecord
{
  gint64    checked_at;
  char     *texts;
  guint16   offsets[N_SLOTS];
  guint16   texts_size;
  guint8    source;
  guint8    found : 1;
  char      ruc[12];
};

G_DEFINE_BOXED_TYPE (RvRecord, rv_record, rv_record_ref, rv_record_unref)

G_DEFINE_ENUM_TYPE (RvVerdict, rv_verdict,
  G_DEFINE_ENUM_VALUE (RV_VERDICT_VALID, "valid"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_OBSERVED, "observed"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_NOT_FOUND, "not_found"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_INVALID, "invalid"),
  G_DEFINE_ENUM_VALUE (RV_VERDICT_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (RV_N_VERDICTS, "n-verdicts"))

G_DEFINE_ENUM_TYPE (RvSource, rv_source,
  G_DEFINE_ENUM_VALUE (RV_SOURCE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (RV_SOURCE_API, "api"),
  G_DEFINE_ENUM_VALUE (RV_SOURCE_CACHE, "cache"),
  G_DEFINE_ENUM_VALUE (RV_SOURCE_PADRON, "padron"),
  G_DEFINE_ENUM_VALUE (RV_SOURCE_OFFLINE, "offline"))

G_DEFINE_ENUM_TYPE (RvField, rv_field,
  G_DEFINE_ENUM_VALUE (RV_FIELD_NAME, "nombre_o_razon_social"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_STATE, "estado_del_contribuyente"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_CONDITION, "condicion_de_domicilio"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_UBIGEO, "ubigeo"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_VIA_TYPE, "tipo_de_via"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_VIA_NAME, "nombre_de_via"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_ZONE_CODE, "codigo_de_zona"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_ZONE_TYPE, "tipo_de_zona"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_NUMBER, "numero"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_INTERIOR, "interior"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_LOT, "lote"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_APARTMENT, "dpto"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_BLOCK, "manzana"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_KILOMETER, "kilometro"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_DISTRICT, "distrito"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_PROVINCE, "provincia"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_REGION, "departamento"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_ADDRESS_SIMPLE, "direccion_simple"),
  G_DEFINE_ENUM_VALUE (RV_FIELD_ADDRESS, "direccion"),
  G_DEFINE_ENUM_VALUE (RV_N_FIELDS, "n-fields"))

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  /* Enum classes are static types: the nick outlives the class reference. */
  return v ? v->value_nick : NULL;
}

static gboolean
enum_from_nick (GType       type,
                const char *nick,
                int        *value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = nick ? g_enum_get_value_by_nick (klass, nick) : NULL;

  if (v == NULL)
    return FALSE;
  *value = v->value;
  return TRUE;
}

/* Providers write "-" (and sometimes "--" or blanks) for an empty field. */
static char *
normalize_text (const char *value)
{
  g_autofree char *copy = NULL;

  if (value == NULL)
    return NULL;

  copy = g_strstrip (g_strndup (value, MAX_TEXT_BYTES + 4));
  if (copy[0] == 0 || strspn (copy, "-") == strlen (copy))
    return NULL;

  if (strlen (copy) > MAX_TEXT_BYTES)
    {
      /* Cut at a character boundary. */
      const char *end = copy + MAX_TEXT_BYTES;
      const char *cut = g_utf8_find_prev_char (copy, end + 1);

      copy[(cut != NULL ? cut : end) - copy] = 0;
    }

  return g_steal_pointer (&copy);
}

static const char *
get_text (const RvRecord *self,
          guint           slot)
{
  return self->offsets[slot] == NO_TEXT ? NULL : self->texts + self->offsets[slot];
}

/* Sets @slot to @value (taken): appended when the slot is empty, else the buffer is
 * rebuilt exactly, so that replaced texts leave no garbage behind.
 */
static void
set_text (RvRecord *self,
          guint     slot,
          char     *value)
{
  g_autofree char *old = NULL;
  g_autofree char *owned = value;
  const char *texts[N_SLOTS];
  gsize size = 0;

  /* Filling an empty slot, as building a record does: append. Offsets survive realloc. */
  if (self->offsets[slot] == NO_TEXT)
    {
      gsize len;

      if (value == NULL)
        return;
      len = strlen (value) + 1;
      self->texts = g_realloc (self->texts, self->texts_size + len);
      memcpy (self->texts + self->texts_size, value, len);
      self->offsets[slot] = self->texts_size;
      self->texts_size += len;
      return;
    }

  old = g_steal_pointer (&self->texts);

  for (guint i = 0; i < N_SLOTS; i++)
    {
      texts[i] = i == slot ? value : (old && self->offsets[i] != NO_TEXT ? old + self->offsets[i] : NULL);
      if (texts[i] != NULL)
        size += strlen (texts[i]) + 1;
    }

  self->texts = size > 0 ? g_malloc (size) : NULL;
  self->texts_size = size;
  size = 0;
  for (guint i = 0; i < N_SLOTS; i++)
    {
      if (texts[i] == NULL)
        {
          self->offsets[i] = NO_TEXT;
          continue;
        }
      self->offsets[i] = size;
      strcpy (self->texts + size, texts[i]);
      size += strlen (texts[i]) + 1;
    }
}

static gboolean
text_is (const char *value,
         const char *expected)
{
  return value != NULL && g_ascii_strcasecmp (value, expected) == 0;
}

/**
 * rv_verdict_get_nick:
 * @verdict: a verdict
 *
 * Returns: the stable name of @verdict for files and scripts: "valid",
 *   "observed", "not_found", "invalid" or "pending"
 */
const char *
rv_verdict_get_nick (RvVerdict verdict)
{
  g_return_val_if_fail (verdict < RV_N_VERDICTS, NULL);

  return enum_nick (RV_TYPE_VERDICT, verdict);
}

/**
 * rv_verdict_from_nick:
 * @nick: a name given by rv_verdict_get_nick()
 * @verdict: (out): the verdict
 *
 * Returns: %TRUE if @nick names a verdict
 */
gboolean
rv_verdict_from_nick (const char *nick,
                      RvVerdict  *verdict)
{
  int value;

  g_return_val_if_fail (verdict != NULL, FALSE);

  if (!enum_from_nick (RV_TYPE_VERDICT, nick, &value) || value >= RV_N_VERDICTS)
    return FALSE;
  *verdict = value;
  return TRUE;
}

/**
 * rv_verdict_get_label:
 * @verdict: a verdict
 *
 * Returns: the translated name of @verdict, for people
 */
const char *
rv_verdict_get_label (RvVerdict verdict)
{
  switch (verdict)
    {
    case RV_VERDICT_VALID:
      /* Translators: verdict of a taxpayer that is active and domiciled. */
      return _("Valid");
    case RV_VERDICT_OBSERVED:
      /* Translators: verdict of a taxpayer that exists but is not active or not domiciled. */
      return _("Observed");
    case RV_VERDICT_NOT_FOUND:
      return _("Not found");
    case RV_VERDICT_INVALID:
      return _("Invalid");
    case RV_VERDICT_PENDING:
      /* Translators: verdict of a RUC whose lookup could not be completed. */
      return _("Pending");
    case RV_N_VERDICTS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * rv_source_get_nick:
 * @source: a source
 *
 * Returns: "api", "cache", "padron", "offline" or "none"
 */
const char *
rv_source_get_nick (RvSource source)
{
  return enum_nick (RV_TYPE_SOURCE, source);
}

/**
 * rv_source_from_nick:
 * @nick: a name given by rv_source_get_nick()
 * @source: (out): the source
 *
 * Returns: %TRUE if @nick names a source
 */
gboolean
rv_source_from_nick (const char *nick,
                     RvSource   *source)
{
  int value;

  g_return_val_if_fail (source != NULL, FALSE);

  if (!enum_from_nick (RV_TYPE_SOURCE, nick, &value))
    return FALSE;
  *source = value;
  return TRUE;
}

/**
 * rv_field_get_key:
 * @field: a field
 *
 * Returns: the name of @field in APIMIGO's answers, also used as the database
 *   column name
 */
const char *
rv_field_get_key (RvField field)
{
  g_return_val_if_fail (field < RV_N_FIELDS, NULL);

  return enum_nick (RV_TYPE_FIELD, field);
}

/**
 * rv_field_get_label:
 * @field: a field
 *
 * Returns: the translated name of @field, for people
 */
const char *
rv_field_get_label (RvField field)
{
  switch (field)
    {
    case RV_FIELD_NAME:           return _("Name or business name");
    case RV_FIELD_STATE:          return _("Taxpayer state");
    case RV_FIELD_CONDITION:      return _("Domicile condition");
    case RV_FIELD_UBIGEO:         return _("Ubigeo");
    case RV_FIELD_VIA_TYPE:       return _("Road type");
    case RV_FIELD_VIA_NAME:       return _("Road name");
    case RV_FIELD_ZONE_CODE:      return _("Zone code");
    case RV_FIELD_ZONE_TYPE:      return _("Zone type");
    case RV_FIELD_NUMBER:         return _("Number");
    case RV_FIELD_INTERIOR:       return _("Interior");
    case RV_FIELD_LOT:            return _("Lot");
    /* Translators: the flat or office number of an address ("Dpto." in SUNAT's files). */
    case RV_FIELD_APARTMENT:      return _("Apartment");
    case RV_FIELD_BLOCK:          return _("Block");
    case RV_FIELD_KILOMETER:      return _("Kilometer");
    case RV_FIELD_DISTRICT:       return _("District");
    case RV_FIELD_PROVINCE:       return _("Province");
    /* Translators: the region of Peru ("Departamento"). */
    case RV_FIELD_REGION:         return _("Region");
    case RV_FIELD_ADDRESS_SIMPLE: return _("Short address");
    case RV_FIELD_ADDRESS:        return _("Address");
    case RV_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * rv_record_new:
 * @ruc: the RUC this record answers for
 * @found: whether the taxpayer exists
 *
 * Creates an empty record; a record with @found %FALSE is the answer
 * "no such taxpayer", which is cached too.
 *
 * Returns: (transfer full): a new #RvRecord
 */
RvRecord *
rv_record_new (const char *ruc,
               gboolean    found)
{
  RvRecord *self;

  g_return_val_if_fail (ruc != NULL, NULL);
  g_return_val_if_fail (strlen (ruc) < sizeof self->ruc, NULL);

  self = g_atomic_rc_box_new0 (RvRecord);
  g_strlcpy (self->ruc, ruc, sizeof self->ruc);
  self->found = !!found;
  for (guint i = 0; i < N_SLOTS; i++)
    self->offsets[i] = NO_TEXT;
  return self;
}

/**
 * rv_record_copy:
 * @self: a #RvRecord
 *
 * Returns: (transfer full): a deep copy of @self
 */
RvRecord *
rv_record_copy (const RvRecord *self)
{
  RvRecord *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = (RvRecord *) g_atomic_rc_box_dup (sizeof *self, self);
  copy->texts = g_memdup2 (self->texts, self->texts_size);
  return copy;
}

static void
rv_record_clear (RvRecord *self)
{
  g_free (self->texts);
}

/**
 * rv_record_ref:
 * @self: a #RvRecord
 *
 * Returns: (transfer full): @self
 */
RvRecord *
rv_record_ref (RvRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

/**
 * rv_record_unref:
 * @self: (transfer full): a #RvRecord
 */
void
rv_record_unref (RvRecord *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) rv_record_clear);
}

const char *
rv_record_get_ruc (const RvRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ruc;
}

gboolean
rv_record_get_found (const RvRecord *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->found;
}

/**
 * rv_record_get_field:
 * @self: a #RvRecord
 * @field: which field
 *
 * Returns: (nullable): the value, or %NULL when empty (providers' "-" included)
 */
const char *
rv_record_get_field (const RvRecord *self,
                     RvField         field)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (field < RV_N_FIELDS, NULL);

  return get_text (self, field);
}

/**
 * rv_record_set_field:
 * @self: a #RvRecord
 * @field: which field
 * @value: (nullable): the provider's text; blanks and "-" are stored as empty, and a
 *   text longer than 1,024 bytes is cut (at a character boundary)
 *
 * Records are built, then shared: never change a record that another part of the
 * program holds. Texts got from @self before a change are not valid after it.
 */
void
rv_record_set_field (RvRecord   *self,
                     RvField     field,
                     const char *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (field < RV_N_FIELDS);

  set_text (self, field, normalize_text (value));
}

/**
 * rv_record_get_as_of:
 * @self: a #RvRecord
 *
 * Returns: (nullable): the provider's date of the data, as it gave it
 *   ("YYYY-MM-DD HH:MM:SS" for APIMIGO, "YYYY-MM-DD" for the padrón)
 */
const char *
rv_record_get_as_of (const RvRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_text (self, SLOT_AS_OF);
}

void
rv_record_set_as_of (RvRecord   *self,
                     const char *as_of)
{
  g_return_if_fail (self != NULL);

  set_text (self, SLOT_AS_OF, normalize_text (as_of));
}

/**
 * rv_record_get_checked_at:
 * @self: a #RvRecord
 *
 * Returns: when the answer was received, in seconds since the epoch (UTC)
 */
gint64
rv_record_get_checked_at (const RvRecord *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->checked_at;
}

void
rv_record_set_checked_at (RvRecord *self,
                          gint64    checked_at)
{
  g_return_if_fail (self != NULL);

  self->checked_at = checked_at;
}

RvSource
rv_record_get_source (const RvRecord *self)
{
  g_return_val_if_fail (self != NULL, RV_SOURCE_NONE);

  return self->source;
}

void
rv_record_set_source (RvRecord *self,
                      RvSource  source)
{
  g_return_if_fail (self != NULL);

  self->source = source;
}

/**
 * rv_record_get_provider:
 * @self: a #RvRecord
 *
 * Returns: (nullable): the id of the provider that answered ("migo", "padron")
 */
const char *
rv_record_get_provider (const RvRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_text (self, SLOT_PROVIDER);
}

void
rv_record_set_provider (RvRecord   *self,
                        const char *provider)
{
  g_return_if_fail (self != NULL);

  set_text (self, SLOT_PROVIDER, normalize_text (provider));
}

/**
 * rv_record_get_verdict:
 * @self: a #RvRecord
 *
 * %RV_VERDICT_VALID only for estado ACTIVO and condición HABIDO; a taxpayer
 * that is found but is anything else (BAJA DE OFICIO, NO HABIDO, unknown) is
 * %RV_VERDICT_OBSERVED; a record of a taxpayer not found is
 * %RV_VERDICT_NOT_FOUND.
 *
 * Returns: the verdict this record gives
 */
RvVerdict
rv_record_get_verdict (const RvRecord *self)
{
  g_return_val_if_fail (self != NULL, RV_VERDICT_PENDING);

  if (!self->found)
    return RV_VERDICT_NOT_FOUND;

  if (text_is (get_text (self, RV_FIELD_STATE), "ACTIVO") &&
      text_is (get_text (self, RV_FIELD_CONDITION), "HABIDO"))
    return RV_VERDICT_VALID;

  return RV_VERDICT_OBSERVED;
}

/**
 * rv_record_dup_reason:
 * @self: a #RvRecord
 *
 * Returns: (transfer full): one translated sentence explaining the verdict
 */
char *
rv_record_dup_reason (const RvRecord *self)
{
  const char *state, *condition;
  g_autoptr(GPtrArray) parts = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!self->found)
    return g_strdup (_("No taxpayer has this RUC"));

  state = get_text (self, RV_FIELD_STATE);
  condition = get_text (self, RV_FIELD_CONDITION);

  if (rv_record_get_verdict (self) == RV_VERDICT_VALID)
    return g_strdup (_("Active and domiciled"));

  parts = g_ptr_array_new_with_free_func (g_free);
  if (state == NULL)
    g_ptr_array_add (parts, g_strdup (_("State unknown")));
  else if (!text_is (state, "ACTIVO"))
    /* Translators: %s is SUNAT's state, e.g. "BAJA DE OFICIO". */
    g_ptr_array_add (parts, g_strdup_printf (_("State %s"), state));
  if (condition == NULL)
    g_ptr_array_add (parts, g_strdup (_("Domicile condition unknown")));
  else if (!text_is (condition, "HABIDO"))
    /* Translators: %s is SUNAT's condition, e.g. "NO HABIDO". */
    g_ptr_array_add (parts, g_strdup_printf (_("Domicile %s"), condition));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv ("; ", (char **) parts->pdata);
}
