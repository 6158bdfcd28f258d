/* rv-cell-format.c
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

#define G_LOG_DOMAIN "rv-cell-format"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rv-sheet-reader-private.h"

/* How the readers write numbers and dates as cell text, the same way for every format. */

void
_rv_format_number (double value,
                   char   buffer[G_ASCII_DTOSTR_BUF_SIZE])
{
  if (isfinite (value) && value == floor (value) && fabs (value) < 1e15)
    {
      /* 20131312955.0 → "20131312955": an integer stored as a double, exactly. */
      g_snprintf (buffer, G_ASCII_DTOSTR_BUF_SIZE, "%" G_GINT64_FORMAT, (gint64) value);
      return;
    }

  /* The shortest text that reads back as the same double ("0.1", not 0.1000000000000000055). */
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        return;
    }
}

gboolean
_rv_format_serial_date (double   serial,
                        gboolean date_1904,
                        char     buffer[32])
{
  g_autoptr(GDate) date = NULL;
  double days_part;
  guint seconds;
  guint days;

  /* Up to 9999-12-31, Excel's last day. */
  if (!isfinite (serial) || serial < 0 || serial >= 2958466)
    return FALSE;

  days_part = floor (serial);
  seconds = (guint) round ((serial - days_part) * 86400.0);
  days = (guint) days_part;
  if (seconds >= 86400)
    {
      days++;
      seconds -= 86400;
    }

  if (date_1904)
    {
      date = g_date_new_dmy (1, G_DATE_JANUARY, 1904);
      g_date_add_days (date, days);
    }
  else if (days == 60)
    {
      /* Excel's 1900-02-29, a day that never was (Lotus 1-2-3's leap-year bug). */
      g_snprintf (buffer, 32, "1900-02-29");
      goto time;
    }
  else if (days == 0)
    {
      /* Day 0 holds a time alone. */
      g_snprintf (buffer, 32, "1900-01-00");
      goto time;
    }
  else
    {
      date = g_date_new_dmy (31, G_DATE_DECEMBER, 1899);
      g_date_add_days (date, days < 60 ? days : days - 1);
    }

  g_snprintf (buffer, 32, "%04u-%02u-%02u",
              g_date_get_year (date), g_date_get_month (date), g_date_get_day (date));

time:
  if (seconds > 0)
    {
      gsize len = strlen (buffer);

      g_snprintf (buffer + len, 32 - len, " %02u:%02u:%02u",
                  seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

  return TRUE;
}

