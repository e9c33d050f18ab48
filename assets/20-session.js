/* Mini Market: when the sign-in session ends while a page is open, Dash's requests get 401.
   Show «Tu sesión venció» with a link back to the sign-in page instead of broken charts. */
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
    if (shown) { return; }
    shown = true;
    var here = window.location.pathname + window.location.search;
    var box = document.createElement('div');
    box.id = 'session-expired';
    box.className = 'session-expired';
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-live', 'assertive');
    var card = document.createElement('div');
    card.className = 'session-expired-card';
    var title = document.createElement('p');
    title.className = 'h5 mb-2';
    title.textContent = 'Tu sesión venció';
    var text = document.createElement('p');
    text.textContent = 'Por seguridad, volvé a ingresar para seguir viendo los datos.';
    var link = document.createElement('a');
    link.className = 'btn btn-primary';
    link.href = '/login?next=' + encodeURIComponent(here);
    link.textContent = 'Ingresar de nuevo';
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
      return response;
    });
  };
}());
