/* bench-child.c
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

#include "bench-child.h"

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

/*
 * A measurement in a child forked for it alone, so that its peak RSS is its own: the
 * parent stays small, since a forked child starts with its parent's resident pages. The
 * child sends back a plain struct through a pipe.
 */

static gboolean
transfer (int      fd,
          gpointer data,
          gsize    length,
          gboolean writing)
{
  guint8 *p = data;

  while (length > 0)
    {
      gssize n = writing ? write (fd, p, length) : read (fd, p, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }
  return TRUE;
}

/**
 * bench_in_child:
 * @measure: what the child runs; it fills its @result
 * @data: for @measure
 * @result: (out caller-allocates): @size bytes, filled by the child
 * @size: the size of @result
 *
 * Returns: %TRUE when the child measured and sent its result; else @result is zeroed
 */
gboolean
bench_in_child (BenchMeasure measure,
                gpointer     data,
                gpointer     result,
                gsize        size)
{
  gboolean received;
  int fds[2];
  int status;
  pid_t pid;

  if (pipe (fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));

  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));

  if (pid == 0)
    {
      close (fds[0]);
      measure (data, result);
      _exit (transfer (fds[1], result, size, TRUE) ? 0 : 1);
    }

  close (fds[1]);
  received = transfer (fds[0], result, size, FALSE);
  close (fds[0]);
  if (waitpid (pid, &status, 0) < 0)
    g_error ("waitpid: %s", g_strerror (errno));

  if (!received || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      memset (result, 0, size);
      return FALSE;
    }
  return TRUE;
}
