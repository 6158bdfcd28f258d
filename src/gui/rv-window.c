/* rv-window.c
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

#define G_LOG_DOMAIN "rv-window"

#include "config.h"

#include "rv-window.h"

#include <glib/gi18n.h>

#include "rv-ruc.h"

struct _RvWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwStatusPage        *status_page;
  AdwEntryRow          *check_row;
  AdwActionRow         *check_result_row;
  GtkImage             *check_result_icon;
};

G_DEFINE_FINAL_TYPE (RvWindow, rv_window, ADW_TYPE_APPLICATION_WINDOW)

static void
set_result (RvWindow   *self,
            const char *icon_name,
            const char *style_class,
            const char *title,
            const char *subtitle)
{
  static const char *classes[] = { "success", "error", "accent", NULL };

  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->check_result_icon), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->check_result_icon), style_class);
  gtk_image_set_from_icon_name (self->check_result_icon, icon_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->check_result_row), title);
  adw_action_row_set_subtitle (self->check_result_row, subtitle);
}

static void
on_check_changed_cb (RvWindow    *self,
                     GtkEditable *editable)
{
  const char *text;
  RvRucParse parse;
  g_autofree char *reason = NULL;
  g_autofree char *subtitle = NULL;

  g_assert (RV_IS_WINDOW (self));

  text = gtk_editable_get_text (editable);
  rv_ruc_parse (text, &parse);
  gtk_widget_set_visible (GTK_WIDGET (self->check_result_row),
                          parse.reason != RV_RUC_REASON_EMPTY);
  if (parse.reason == RV_RUC_REASON_EMPTY)
    return;

  reason = rv_ruc_parse_dup_reason (&parse);

  switch (parse.kind)
    {
    case RV_ID_KIND_RUC:
      set_result (self, "emblem-ok-symbolic", "success", parse.value, reason);
      break;

    case RV_ID_KIND_DNI:
      {
        char ruc[12];

        rv_ruc_from_dni (parse.value, ruc);
        /* Translators: the first %s is a sentence about the DNI, the second a RUC number. */
        subtitle = g_strdup_printf (_("%s. As a taxpayer, this person’s RUC would be %s."),
                                    reason, ruc);
        set_result (self, "contact-new-symbolic", "accent", parse.value, subtitle);
      }
      break;

    case RV_ID_KIND_NONE:
    default:
      if (parse.suggestion[0] != 0)
        /* Translators: the first %s is the reason, the second the corrected RUC. */
        subtitle = g_strdup_printf (_("%s. Did you mean %s?"), reason, parse.suggestion);
      set_result (self, "dialog-error-symbolic", "error",
                  parse.value[0] != 0 ? parse.value : text,
                  subtitle != NULL ? subtitle : reason);
      break;
    }
}

static void
rv_window_constructed (GObject *object)
{
  RvWindow *self = (RvWindow *)object;

  G_OBJECT_CLASS (rv_window_parent_class)->constructed (object);

  adw_status_page_set_icon_name (self->status_page, APP_ID);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static void
rv_window_dispose (GObject *object)
{
  RvWindow *self = (RvWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), RV_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rv_window_parent_class)->dispose (object);
}

static void
rv_window_class_init (RvWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rv_window_constructed;
  object_class->dispose = rv_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/rv-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RvWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, check_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, check_result_row);
  gtk_widget_class_bind_template_child (widget_class, RvWindow, check_result_icon);
  gtk_widget_class_bind_template_callback (widget_class, on_check_changed_cb);
}

static void
rv_window_init (RvWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new ("io.github.rucvalidator.RucValidator");
}

/**
 * rv_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new main window
 */
RvWindow *
rv_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (RV_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
