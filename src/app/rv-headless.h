/* rv-headless.h
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

#include <glib.h>

G_BEGIN_DECLS

/**
 * RvHeadlessOptions:
 *
 * The options of `ruc-validator --headless` (DESIGN.md, Command line). Strings are
 * %NULL and numbers -1 when not given.
 */
typedef struct
{
  const char *input;
  const char *output;
  const char *sheet;
  const char *column;
  const char *provider;
  const char *base_url;
  const char *token_file;
  const char *only;
  const char *db;
  const char *progress;
  int         concurrency;
  int         rate;
  int         timeout;
  int         max_age;
} RvHeadlessOptions;

int rv_headless_run (const RvHeadlessOptions *options);

G_END_DECLS
