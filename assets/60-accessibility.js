/* Mini Market: accessible names, in Spanish, that Dash's own components leave out: the
   DataTable's filter boxes and page buttons, and the day pickers (named after their <label>,
   not after their «dd/mm/aaaa» placeholder). Re-applied whenever Dash redraws part of a page. */
(function () {
  var PAGE_BUTTONS = {
    "first-page": "Primera página", "previous-page": "Página anterior",
    "next-page": "Página siguiente", "last-page": "Última página"
  };

  function name(element, text) {
    if (text && element.getAttribute("aria-label") !== text) {
      element.setAttribute("aria-label", text);
    }
  }

  function columnName(filterCell) {
    var table = filterCell.closest(".dash-spreadsheet-container") || document;
    var column = filterCell.getAttribute("data-dash-column");
    var header = table.querySelector("th.dash-header[data-dash-column=\"" + column + "\"]");
    return header ? header.textContent.trim() : column;
  }

  function nameAll() {
    document.querySelectorAll(".dash-filter[data-dash-column] input[type=text]")
      .forEach(function (input) {
        name(input, "Filtrar por " + columnName(input.closest(".dash-filter")));
      });
    Object.keys(PAGE_BUTTONS).forEach(function (kind) {
      document.querySelectorAll(".previous-next-container button." + kind)
        .forEach(function (button) { name(button, PAGE_BUTTONS[kind]); });
    });
    document.querySelectorAll(".previous-next-container input.current-page")
      .forEach(function (input) { name(input, "Página actual"); });
    document.querySelectorAll("input.dash-datepicker-input[id]").forEach(function (input) {
      var label = document.querySelector("label[for=\"" + CSS.escape(input.id) + "\"]");
      if (label) {
        name(input, label.textContent.trim() + " (" + (input.placeholder || "fecha") + ")");
      }
    });
    // Dash 4 dropdowns are buttons named by their value only: their <label> goes first.
    document.querySelectorAll("button.dash-dropdown[id]").forEach(function (button) {
      var label = document.querySelector("label[for=\"" + CSS.escape(button.id) + "\"]");
      var names = (button.getAttribute("aria-labelledby") || "").split(" ");
      if (!label) { return; }
      label.id = label.id || button.id + "-label";
      if (names.indexOf(label.id) < 0) {
        button.setAttribute("aria-labelledby", [label.id].concat(names).join(" ").trim());
      }
    });
    // The steppers of number boxes, named after the box's label.
    document.querySelectorAll("button.dash-input-stepper[aria-controls]").forEach(function (button) {
      var label = document.querySelector(
        "label[for=\"" + CSS.escape(button.getAttribute("aria-controls")) + "\"]");
      var what = label ? " " + label.textContent.trim() : "";
      var up = button.classList.contains("dash-stepper-increment");
      name(button, (up ? "Subir" : "Bajar") + what);
    });
    document.querySelectorAll(".dash-datepicker-clear")
      .forEach(function (cross) { name(cross, "Borrar la fecha"); });
    // dcc.Clipboard draws a bare <div> (the «Copiar» of pages/compras.py has class "copy"):
    // a button role, a name and a place in the TAB order; ENTER and SPACE press it.
    document.querySelectorAll(".copy[id]:not([tabindex])").forEach(function (copy) {
      copy.setAttribute("role", "button");
      copy.setAttribute("tabindex", "0");
      name(copy, copy.getAttribute("title") || "Copiar");
    });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target.matches &&
        target.matches(".copy[role=button]")) {
      event.preventDefault();
      target.click();
    }
  });

  // «Ver como tabla» (minimarket_dash/chart_table.py): the table is built from the data the
  // server sent in data-table when the disclosure opens, and again if that data changes.
  function buildTable(body) {
    var data = JSON.parse(body.getAttribute("data-table"));
    var table = document.createElement("table");
    table.className = "table table-sm mb-0 chart-data-table";
    var headRow = table.createTHead().insertRow();
    data.headers.forEach(function (text, index) {
      var cell = document.createElement("th");
      cell.scope = "col";
      if (index) { cell.className = "text-end"; }
      cell.textContent = text;
      headRow.appendChild(cell);
    });
    var tbody = table.createTBody();
    data.rows.forEach(function (row) {
      var line = tbody.insertRow();
      row.forEach(function (text, index) {
        var cell = document.createElement(index ? "td" : "th");
        if (index) { cell.className = "text-end"; } else { cell.scope = "row"; cell.className = "fw-normal"; }
        cell.textContent = text;
        line.appendChild(cell);
      });
    });
    var parts = [table];
    if (data.note) {
      var note = document.createElement("p");
      note.className = "small text-muted mb-0";
      note.textContent = data.note;
      parts.push(note);
    }
    body.replaceChildren.apply(body, parts);
    body.setAttribute("data-built", body.getAttribute("data-table"));
  }

  function fillOpenTables() {
    document.querySelectorAll("details.chart-data[open] > .chart-data-body").forEach(function (body) {
      if (body.getAttribute("data-built") !== body.getAttribute("data-table")) { buildTable(body); }
    });
  }

  document.addEventListener("toggle", function (event) {  // toggle does not bubble: capture
    if (event.target.matches && event.target.matches("details.chart-data")) { fillOpenTables(); }
  }, true);
  new MutationObserver(fillOpenTables).observe(document.documentElement,
    {attributes: true, attributeFilter: ["data-table"], subtree: true});

  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    setTimeout(function () { pending = false; nameAll(); }, 30);
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
