// The query editor of /sparql: YASGUI (vendored in yasgui/) with the cookbook's queries as
// tabs, talking only to this endpoint. A page can send a query here in the fragment,
// `/sparql#query=...` (the "and N more" links): it opens in a new tab and runs at once.
// Loaded as a file of the site, so the page's Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var request = { endpoint: config.endpoint, method: "POST" };
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: request,
    copyEndpointOnNewTab: true,
    persistenceId: null,          // always start from the examples of this build
    autoAddOnInit: false,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    yasqe: {
      prefixCcApi: config.prefixesUrl,           // the project's prefixes, not prefix.cc
      autocompleters: ["prefixes", "variables"]   // the class/property completers call an outside service
    }
  });
  config.tabs.forEach(function (tab, index) {
    yasgui.addTab(index === 0, { name: tab.name, yasqe: { value: tab.query }, requestConfig: request });
  });

  function queryInFragment() {
    var fragment = window.location.hash.replace(/^#/, "");
    return fragment ? new URLSearchParams(fragment).get("query") : null;
  }

  function openFromFragment() {
    var query = queryInFragment();
    if (!query) { return; }
    var tab = yasgui.addTab(true, { name: "From the page", yasqe: { value: query }, requestConfig: request });
    var yasqe = tab.getYasqe ? tab.getYasqe() : yasgui.getTab().getYasqe();
    yasqe.query();
  }

  openFromFragment();
  window.addEventListener("hashchange", openFromFragment);
  window.archivekgEditor = yasgui;
})();
