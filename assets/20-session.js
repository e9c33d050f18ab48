/* Mini Market: when the sign-in session ends while a page is open, Dash's requests get 401.
   Show «Tu sesión venció» with a link back to the sign-in page instead of broken charts.
   A callback refused for its anti-forgery token (403 csrf_failed: the page outlived its
   session) asks to reload the page instead. */
(function () {
  'use strict';
  if (!window.fetch) { return; }
  var originalFetch = window.fetch.bind(window);
  var shown = false;

  function dashRequest(input) {
    var url = typeof input === 'string' ? input : (input && input.url) || '';
    return url.indexOf('/_dash-') !== -1;
  }

  function showExpiredNotice() {
    var here = window.location.pathname + window.location.search;
    showNotice('Tu sesión venció', 'Por seguridad, volvé a ingresar para seguir viendo los datos.',
               'Ingresar de nuevo', '/login?next=' + encodeURIComponent(here));
  }

  function showStaleNotice() {
    showNotice('La página quedó vieja', 'Recargala para seguir trabajando con los datos al día.',
               'Recargar la página', window.location.pathname + window.location.search);
  }

  function showNotice(heading, message, action, target) {
    if (shown) { return; }
    shown = true;
    var box = document.createElement('div');
    box.id = 'session-expired';
    box.className = 'session-expired';
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-live', 'assertive');
    var card = document.createElement('div');
    card.className = 'session-expired-card';
    var title = document.createElement('p');
    title.className = 'h5 mb-2';
    title.textContent = heading;
    var text = document.createElement('p');
    text.textContent = message;
    var link = document.createElement('a');
    link.className = 'btn btn-primary';
    link.href = target;
    link.textContent = action;
    card.appendChild(title);
    card.appendChild(text);
    card.appendChild(link);
    box.appendChild(card);
    document.body.appendChild(box);
    link.focus();
  }

  window.fetch = function (input, init) {
    return originalFetch(input, init).then(function (response) {
      if (response.status === 401 && dashRequest(input)) { showExpiredNotice(); }
      if (response.status === 403 && dashRequest(input)) {
        response.clone().json().then(function (body) {
          if (body && body.error === 'csrf_failed') { showStaleNotice(); }
        }, function () {});
      }
      return response;
    });
  };
}());
