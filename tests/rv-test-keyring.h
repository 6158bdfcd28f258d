/* rv-test-keyring.h
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

/* The keyring tests need a Secret Service, which no test machine runs: a test program
 * re-executes itself under a private D-Bus session with a gnome-keyring-daemon in a
 * temporary HOME. No GTK here: test-token (core) links it too.
 */

gboolean rv_test_keyring_is_private_session  (const char  *marker);
int      rv_test_keyring_run_private_session (int          argc,
                                              char       **argv,
                                              const char  *marker,
                                              const char  *home_template);

G_END_DECLS
