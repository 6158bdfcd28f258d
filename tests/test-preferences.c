/* test-preferences.c
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

#include <locale.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "rv-application.h"
#include "rv-preferences-window.h"
#include "rv-store.h"
#include "rv-test-gui.h"
#include "rv-test-keyring.h"
#include "rv-token.h"
#include "rv-window.h"

/* Drives the real preferences window under Xvfb. The token tests need a Secret Service:
 * like test-token, the program re-executes itself under a private D-Bus session with a
 * gnome-keyring-daemon in a temporary HOME, so the user's keyring is never touched. This
 * variable marks the re-executed program.
 */
#define PRIVATE_BUS_ENV "RV_TEST_PREFERENCES_PRIVATE_BUS"

#define SECRET_TOKEN "tok-a9f3e1c7b5d24680"

/* The spin button at the end of the row titled @title. */
static GtkSpinButton *
find_spin (GtkWidget  *root,
           const char *title)
{
  GtkWidget *row = rv_test_find_widget (root, ADW_TYPE_ACTION_ROW, title);
  GtkWidget *spin;

  g_assert_nonnull (row);
  spin = rv_test_find_widget (row, GTK_TYPE_SPIN_BUTTON, NULL);
  g_assert_nonnull (spin);
  return GTK_SPIN_BUTTON (spin);
}

/* One application for the whole program: a second one would export the same D-Bus
 * object paths on the session bus and fail to register.
 */
static RvApplication *the_app;

typedef struct
{
  RvApplication *app;
  RvWindow      *window;
  GtkWindow     *prefs;
  GSettings     *settings;
} Fixture;

/* The application, its window and the preferences opened as a user opens them: by the
 * app.preferences action (Ctrl+,).
 */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->settings = g_settings_new ("io.github.rucvalidator.RucValidator");
  fixture->app = g_object_ref (the_app);
  fixture->window = rv_window_new (GTK_APPLICATION (fixture->app));
  gtk_window_present (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)) ==
                    GTK_WINDOW (fixture->window));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  RV_TEST_WAIT_FOR ((fixture->prefs = rv_test_find_toplevel (RV_TYPE_PREFERENCES_WINDOW)) != NULL);
  g_assert_true (gtk_window_get_transient_for (fixture->prefs) == GTK_WINDOW (fixture->window));
  g_assert_true (gtk_window_get_modal (fixture->prefs));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (fixture->prefs), (gpointer *) &fixture->prefs);
  gtk_window_destroy (fixture->prefs);
  RV_TEST_WAIT_FOR (fixture->prefs == NULL);

  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (fixture->window == NULL);

  g_clear_object (&fixture->app);

  /* Each test starts from the schema's defaults. */
  g_settings_reset (fixture->settings, "provider");
  g_settings_reset (fixture->settings, "base-url");
  g_settings_reset (fixture->settings, "concurrency");
  g_settings_reset (fixture->settings, "rate");
  g_settings_reset (fixture->settings, "timeout");
  g_settings_reset (fixture->settings, "cache-max-age-found");
  g_settings_reset (fixture->settings, "cache-max-age-not-found");
  g_clear_object (&fixture->settings);
}

static void
test_accel_and_menu (void)
{
  RvApplication *app = the_app;
  g_auto(GStrv) accels = NULL;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>comma"));
}

static void
test_spin_buttons (Fixture       *fixture,
                   gconstpointer  data)
{
  static const struct {
    const char *title;
    const char *key;
    guint       from_widget;
    guint       from_key;
  } cases[] = {
    { "Requests in flight", "concurrency", 20, 3 },
    { "Requests per minute", "rate", 600, 0 },
    { "Timeout", "timeout", 90, 5 },
    { "Keep found taxpayers", "cache-max-age-found", 720, 8760 },
    { "Keep “not found” answers", "cache-max-age-not-found", 48, 0 },
  };
  GtkWidget *root = GTK_WIDGET (fixture->prefs);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkSpinButton *spin = find_spin (root, cases[i].title);

      /* The widget starts at the key's value. */
      g_assert_cmpuint ((guint) gtk_spin_button_get_value_as_int (spin), ==,
                        g_settings_get_uint (fixture->settings, cases[i].key));

      gtk_spin_button_set_value (spin, cases[i].from_widget);
      g_assert_cmpuint (g_settings_get_uint (fixture->settings, cases[i].key), ==,
                        cases[i].from_widget);

      g_settings_set_uint (fixture->settings, cases[i].key, cases[i].from_key);
      g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, cases[i].from_key);
    }
}

static void
test_provider (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *row = rv_test_find_widget (GTK_WIDGET (fixture->prefs), ADW_TYPE_COMBO_ROW, "Source");
  GListModel *model;

  g_assert_nonnull (row);
  model = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  /* Three choices: the padrón is not offered yet. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), ==, "Automatic");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 1), ==, "APIMIGO");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 2), ==, "Offline only");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 0);

  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 1);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "provider"), ==, "migo");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 2);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "provider"), ==, "offline");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "provider"), ==, "auto");

  g_settings_set_string (fixture->settings, "provider", "migo");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 1);
  g_settings_set_string (fixture->settings, "provider", "offline");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 2);

  /* The padrón shows as Automatic, and showing it does not overwrite the setting. */
  g_settings_set_string (fixture->settings, "provider", "padron");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 0);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "provider"), ==, "padron");
}

static void
test_base_url (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (fixture->prefs);
  GtkWidget *row = rv_test_find_widget (root, ADW_TYPE_ENTRY_ROW, "Provider address");
  g_autofree char *url = NULL;

  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");

  /* Typing alone saves nothing: apply does. */
  gtk_editable_set_text (GTK_EDITABLE (row), "https://proxy.example.test/api");
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "base-url"), ==, "");
  g_signal_emit_by_name (row, "apply");
  url = g_settings_get_string (fixture->settings, "base-url");
  g_assert_cmpstr (url, ==, "https://proxy.example.test/api");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* Refused: the key keeps the old address, the row says so, and a toast explains. */
  gtk_editable_set_text (GTK_EDITABLE (row), "ftp://proxy.example.test");
  g_signal_emit_by_name (row, "apply");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (fixture->settings, "base-url");
  g_assert_cmpstr (url, ==, "https://proxy.example.test/api");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  RV_TEST_WAIT_FOR (rv_test_widget_shows_text (root,
                                                "The address must start with https:// or http://"));

  /* Editing clears the error; an empty address goes back to the provider's own. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_signal_emit_by_name (row, "apply");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (fixture->settings, "base-url");
  g_assert_cmpstr (url, ==, "");

  /* The row follows the key. */
  g_settings_set_string (fixture->settings, "base-url", "http://127.0.0.1:8080");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "http://127.0.0.1:8080");
}

static AdwMessageDialog *
click_clear_cache (Fixture *fixture)
{
  GtkWidget *row = rv_test_find_widget (GTK_WIDGET (fixture->prefs), ADW_TYPE_ACTION_ROW,
                                        "Saved answers");
  GtkWidget *button;
  GtkWindow *dialog;

  g_assert_nonnull (row);
  button = rv_test_find_widget (row, GTK_TYPE_BUTTON, NULL);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_has_css_class (button, "destructive-action"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (button));

  g_signal_emit_by_name (button, "clicked");
  RV_TEST_WAIT_FOR ((dialog = rv_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_true (gtk_window_get_transient_for (dialog) == fixture->prefs);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Clear the Cache?");
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Every answer saved will be asked again on the next run.");
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "cancel"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "clear"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog),
                                                               "clear"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);

  return ADW_MESSAGE_DIALOG (dialog);
}

/* What a click on a response button does: the response, then the dialog closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_clear_cache (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char * const rucs[] = { "20131312955", "20100047218", "20601030013" };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-preferences-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *old_db = g_strdup (g_getenv ("RUC_VALIDATOR_DB"));
  g_autoptr(RvStore) store = NULL;
  RvRecord *records[G_N_ELEMENTS (rucs)];
  GtkWidget *root = GTK_WIDGET (fixture->prefs);

  g_assert_no_error (error);
  path = g_build_filename (dir, "cache.sqlite3", NULL);
  g_setenv ("RUC_VALIDATOR_DB", path, TRUE);

  store = rv_store_new (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (rucs); i++)
    records[i] = rv_record_new (rucs[i], i != 2);
  g_assert_true (rv_store_put_records (store, records, G_N_ELEMENTS (records), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (rucs); i++)
    rv_record_unref (records[i]);
  g_assert_cmpint (rv_store_count_records (store, NULL), ==, 3);

  /* Cancel keeps every answer. */
  respond (click_clear_cache (fixture), "cancel");
  g_assert_cmpint (rv_store_count_records (store, NULL), ==, 3);

  respond (click_clear_cache (fixture), "clear");
  g_assert_cmpint (rv_store_count_records (store, NULL), ==, 0);
  RV_TEST_WAIT_FOR (rv_test_widget_shows_text (root, "Cache cleared: 3 answers removed"));

  g_clear_object (&store);
  if (old_db != NULL)
    g_setenv ("RUC_VALIDATOR_DB", old_db, TRUE);
  else
    g_unsetenv ("RUC_VALIDATOR_DB");
  for (const char *suffix = ""; suffix != NULL;
       suffix = g_str_equal (suffix, "") ? "-wal" : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *file = g_strconcat (path, suffix, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

static void
test_token (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *root = GTK_WIDGET (fixture->prefs);
  GtkWidget *entry = rv_test_find_widget (root, ADW_TYPE_PASSWORD_ENTRY_ROW, "APIMIGO token");
  GtkWidget *saved = rv_test_find_widget (root, ADW_TYPE_ACTION_ROW, "Saved token");
  GtkWidget *remove;
  char *token;

  g_assert_nonnull (g_getenv (PRIVATE_BUS_ENV));
  g_assert_nonnull (entry);
  g_assert_nonnull (saved);
  g_assert_true (adw_entry_row_get_show_apply_button (ADW_ENTRY_ROW (entry)));
  remove = rv_test_find_widget (saved, GTK_TYPE_BUTTON, NULL);
  g_assert_nonnull (remove);
  g_assert_nonnull (gtk_widget_get_tooltip_text (remove));

  /* Nothing saved yet: the saved state is hidden. */
  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_assert_false (gtk_widget_get_visible (saved));

  gtk_editable_set_text (GTK_EDITABLE (entry), "  " SECRET_TOKEN " ");
  g_signal_emit_by_name (entry, "apply");
  /* The entry forgets the token at once. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  RV_TEST_WAIT_FOR (gtk_widget_get_visible (saved));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (saved)), ==,
                   "A token is saved in the keyring");

  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, SECRET_TOKEN);
  g_free (token);
  g_assert_false (rv_test_widget_shows_text (root, SECRET_TOKEN));
  rv_test_wait_frames (root, 3);
  g_assert_false (rv_test_widget_shows_text (root, SECRET_TOKEN));

  /* A window opened later finds the saved token, and does not show it either. */
  {
    GtkWindow *other = GTK_WINDOW (rv_preferences_window_new (GTK_WINDOW (fixture->window)));
    GtkWidget *other_saved = rv_test_find_widget (GTK_WIDGET (other), ADW_TYPE_ACTION_ROW,
                                                  "Saved token");

    gtk_window_present (other);
    RV_TEST_WAIT_FOR (gtk_widget_get_visible (other_saved));
    g_assert_false (rv_test_widget_shows_text (GTK_WIDGET (other), SECRET_TOKEN));
    g_object_add_weak_pointer (G_OBJECT (other), (gpointer *) &other);
    gtk_window_destroy (other);
    RV_TEST_WAIT_FOR (other == NULL);
  }

  g_signal_emit_by_name (remove, "clicked");
  RV_TEST_WAIT_FOR (!gtk_widget_get_visible (saved));
  token = rv_token_lookup_sync ("migo", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
}

static void
screenshot (Fixture    *fixture,
            const char *name)
{
  GtkWidget *root = GTK_WIDGET (fixture->prefs);

  /* Tall enough to show every group at once. */
  gtk_window_set_default_size (fixture->prefs, 640, 940);
  RV_TEST_WAIT_FOR (gtk_widget_get_height (root) >= 900);
  rv_test_wait_frames (root, 30);
  rv_test_save_screenshot (root, name);
}

static void
test_screenshot_en (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_nonnull (rv_test_find_widget (GTK_WIDGET (fixture->prefs), ADW_TYPE_COMBO_ROW,
                                         "Source"));
  screenshot (fixture, "preferences.png");
}

static void
test_screenshot_es (Fixture       *fixture,
                    gconstpointer  data)
{
  /* The set-up ran in Spanish (see below): the window is translated. */
  g_assert_nonnull (rv_test_find_widget (GTK_WIDGET (fixture->prefs), ADW_TYPE_COMBO_ROW,
                                         "Fuente"));
  screenshot (fixture, "preferences-es.png");
}

static void
spanish_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_setenv ("LANGUAGE", "es", TRUE);
  fixture_set_up (fixture, data);
}

static void
spanish_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture_tear_down (fixture, data);
  g_setenv ("LANGUAGE", "en", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");
  int status;

  if (!rv_test_keyring_is_private_session (PRIVATE_BUS_ENV))
    return rv_test_keyring_run_private_session (argc, argv, PRIVATE_BUS_ENV,
                                                "test-preferences-home-XXXXXX");

  /* English by default; the Spanish screenshot switches LANGUAGE (which a C.UTF-8 locale
   * honours) before its window is built.
   */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  /* A display is required: CI runs this under xvfb-run. */
  rv_test_gui_init ();

  the_app = rv_application_new ();
  g_application_set_flags (G_APPLICATION (the_app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (the_app), NULL, NULL))
    g_error ("The application could not register on the private session bus");

  g_test_add_func ("/preferences/accel", test_accel_and_menu);
  g_test_add ("/preferences/spin-buttons", Fixture, NULL,
              fixture_set_up, test_spin_buttons, fixture_tear_down);
  g_test_add ("/preferences/provider", Fixture, NULL,
              fixture_set_up, test_provider, fixture_tear_down);
  g_test_add ("/preferences/base-url", Fixture, NULL,
              fixture_set_up, test_base_url, fixture_tear_down);
  g_test_add ("/preferences/clear-cache", Fixture, NULL,
              fixture_set_up, test_clear_cache, fixture_tear_down);
  g_test_add ("/preferences/token", Fixture, NULL,
              fixture_set_up, test_token, fixture_tear_down);
  g_test_add ("/preferences/screenshot/en", Fixture, NULL,
              fixture_set_up, test_screenshot_en, fixture_tear_down);
  g_test_add ("/preferences/screenshot/es", Fixture, NULL,
              spanish_set_up, test_screenshot_es, spanish_tear_down);

  status = g_test_run ();
  g_clear_object (&the_app);
  return status;
}
