/* Mini Market: light or dark theme, as <html data-bs-theme="light|dark"> (Bootstrap 5.3).
   The device decides (prefers-color-scheme) unless the navbar's #theme-toggle stored a choice
   on this device: localStorage["mm-tema"] = "oscuro" | "claro"; absent = follow the device.
   Loaded from <head> (minimarket_dash/webapp.HEAD_TAGS), before the first paint, so a dark page
   never flashes light; Dash does not load it a second time (dashboard.init_app). */
(function () {
  'use strict';
  if (window.mmTheme) { return; }
  var KEY = 'mm-tema';
  var THEME_OF_CHOICE = {oscuro: 'dark', claro: 'light'};
  var root = document.documentElement;
  var device = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  var labelled = null;  // the toggle whose label matches the theme

  function storedChoice() {
    try { return window.localStorage.getItem(KEY); } catch (blocked) { return null; }
  }

  function deviceTheme() { return device && device.matches ? 'dark' : 'light'; }

  function wantedTheme() { return THEME_OF_CHOICE[storedChoice()] || deviceTheme(); }

  function labelToggle() {
    var button = document.getElementById('theme-toggle');
    if (!button) { return; }
    var dark = root.getAttribute('data-bs-theme') === 'dark';
    var label = dark ? 'Cambiar a modo claro' : 'Cambiar a modo oscuro';
    button.setAttribute('aria-pressed', dark ? 'true' : 'false');
    button.setAttribute('aria-label', label);
    button.setAttribute('title', label);
    labelled = button;
  }

  function apply() {
    root.setAttribute('data-bs-theme', wantedTheme());
    labelToggle();
  }

  function choose(theme) {
    // Choosing what the device shows anyway forgets the choice: the device decides again.
    try {
      if (theme === deviceTheme()) { window.localStorage.removeItem(KEY); }
      else { window.localStorage.setItem(KEY, theme === 'dark' ? 'oscuro' : 'claro'); }
    } catch (blocked) { /* private mode: the choice lasts until the page is left */ }
    root.setAttribute('data-bs-theme', theme);
    labelToggle();
  }

  apply();
  if (device && device.addEventListener) {
    device.addEventListener('change', function () { if (!THEME_OF_CHOICE[storedChoice()]) { apply(); } });
  }
  window.addEventListener('storage', function (event) {  // a choice made in another tab
    if (event.key === KEY || event.key === null) { apply(); }
  });
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('#theme-toggle') : null;
    if (button) { choose(root.getAttribute('data-bs-theme') === 'dark' ? 'light' : 'dark'); }
  });
  // Paper is white: print in the light theme (Qué pedir's printed orders), then restore.
  window.addEventListener('beforeprint', function () { root.setAttribute('data-bs-theme', 'light'); });
  window.addEventListener('afterprint', apply);
  // React draws the navbar after this script ran: label the toggle as soon as it appears.
  new MutationObserver(function () {
    var button = document.getElementById('theme-toggle');
    if (button && button !== labelled) { labelToggle(); }
  }).observe(root, {childList: true, subtree: true});
  window.mmTheme = {apply: apply, choose: choose};
}());
