/* Mini Market: long lists of Inicio (the products under their minimum, the deliveries) drawn
   in the browser from the data the server sent in data-items (minimarket_dash/components
   .item_list). As Dash components, 250 items were ~1.500 components that Dash's renderer
   walked on every update of the page; as one <ul>, they cost one. Text goes in with
   textContent only, so a product's name can never become markup. */
(function () {
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function item(data) {
    var li = element("li", "px-1 py-2 list-group-item " + (data.cls || ""));
    var head = element("div");
    head.appendChild(element("strong", null, data.title));
    if (data.after) { head.appendChild(document.createTextNode(data.after)); }
    if (data.badge) {
      var tone = data.tone || "secondary";
      head.appendChild(element("span", "ms-2 badge bg-" + tone +
                               (tone === "warning" ? " text-dark" : ""), data.badge));
    }
    li.appendChild(head);
    var detail = element("div", "small text-muted", data.detail);
    if (data.href) {
      var link = element("a", "order-link", data.link);
      link.href = data.href;
      detail.appendChild(link);
    }
    li.appendChild(detail);
    return li;
  }

  function draw(list) {
    var raw = list.getAttribute("data-items");
    if (list.__mmDrawn === raw) { return; }
    var items;
    try { items = JSON.parse(raw || "[]"); } catch (error) { return; }
    var fragment = document.createDocumentFragment();
    items.forEach(function (data) { fragment.appendChild(item(data)); });
    list.replaceChildren(fragment);
    list.__mmDrawn = raw;
  }

  function drawWithin(node) {
    if (node.nodeType !== 1) { return; }
    if (node.matches("ul[data-items]")) { draw(node); }
    node.querySelectorAll("ul[data-items]").forEach(draw);
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      if (mutation.type === "attributes") { draw(mutation.target); }
      mutation.addedNodes.forEach(drawWithin);
    });
  }).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-items"]
  });
})();
