/* wagtail-localize's translation editor writes some English of its own, outside gettext: "<source> to <target>
 * translation" in section headings and titles, and "More actions" for screen readers. Replace them, whenever the editor renders
 * them, with our translations, given on this script tag: data-template (the title, with %(source_locale)s and
 * %(target_locale)s) and data-texts (a JSON object: English text -> translation). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.template) return;
  var template = script.dataset.template;
  var texts = JSON.parse(script.dataset.texts || "{}");
  var english = /^(.+) to (.+) translation$/;

  function translate() {
    document.querySelectorAll('[title$=" translation"]').forEach(function (element) {
      var match = english.exec(element.getAttribute("title"));
      if (match) {
        element.setAttribute(
          "title", template.replace("%(source_locale)s", match[1]).replace("%(target_locale)s", match[2]));
      }
    });
    document.querySelectorAll(".w-sr-only, h2, h3, .w-panel__heading span").forEach(function (element) {
      if (element.children.length) return;
      var text = element.textContent.trim();
      var match = english.exec(text);
      if (match) {
        element.textContent = template.replace("%(source_locale)s", match[1]).replace("%(target_locale)s", match[2]);
      } else if (Object.prototype.hasOwnProperty.call(texts, text)) {
        element.textContent = texts[text];
      }
    });
  }

  new MutationObserver(translate).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["title"]
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", translate);
  else translate();
})();
