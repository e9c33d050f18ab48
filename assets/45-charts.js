/* Mini Market: a page's filtered charts are drawn once, then redrawn in place
   (minimarket_dash/components.charts_following_url); a tap panel empties on a new search. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  charts: {
    // While a chart is missing, every chart is asked to be drawn whole (each by its own
    // request); once all are drawn, one request redraws them all in place.
    drawOrUpdate: function (search) {
      var drawn = Array.prototype.slice.call(arguments, 1);
      var skip = window.dash_clientside.no_update;
      var value = search || '';
      var complete = drawn.every(function (id) { return Boolean(id); });
      return drawn.map(function () { return complete ? skip : value; })
        .concat([complete ? value : skip]);
    },
    // A new search empties a chart's tap panel (the tapped bar may be gone); a tap on the
    // same bar later names it again, since every click of a dcc.Graph carries a timestamp.
    clearTap: function () {
      return [null, null, true];
    }
  }
});
