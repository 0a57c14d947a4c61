// The harvest source page: while a harvest runs, ask where it stands every two seconds and show it.
(function () {
  "use strict";
  const section = document.querySelector("[data-importers-harvest-status-url]");
  if (!section) return;
  const url = section.getAttribute("data-importers-harvest-status-url");
  const show = (name, text) => {
    const element = section.querySelector(`[data-harvest-${name}]`);
    if (element) element.textContent = text;
  };
  const poll = () => {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((state) => {
        show("pages", String(state.pages));
        show("records", state.complete_list_size === null ? String(state.records) : `${state.records} / ${state.complete_list_size}`);
        show("cursor", state.cursor === null ? "—" : String(state.cursor));
        show("status", state.status);
        if (!state.finished && state.status) window.setTimeout(poll, 2000);
        else if (state.finished && section.dataset.harvestWatched) window.location.reload();
        section.dataset.harvestWatched = "1";
      })
      .catch(() => window.setTimeout(poll, 5000));
  };
  poll();
})();
