/* Mini Market: tables of components.phone_columns keep, below 576 px (a phone), their fixed
   columns and the one picked in «Ver también»; wider screens show every column. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  phone: {
    hiddenColumns: function (picked, options) {
      if (window.innerWidth >= 576) { return []; }
      return (options || []).map(function (option) { return option.value; })
        .filter(function (column) { return column !== picked; });
    }
  }
});
