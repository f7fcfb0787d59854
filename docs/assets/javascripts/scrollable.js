/*
 * Let keyboard users scroll what scrolls: a table or code cell wider than the
 * page gets tabindex="0", so it can take focus and be scrolled with the arrow
 * keys (WCAG 2.1.1; axe's scrollable-region-focusable). Runs on every page
 * load and instant navigation, and again when the window is resized.
 */
(function () {
  "use strict";

  const SCROLLERS = ".md-typeset__scrollwrap, .jp-OutputArea-output pre, .highlight-ipynb";

  function markScrollable() {
    document.querySelectorAll(SCROLLERS).forEach(function (element) {
      const scrolls = element.scrollWidth > element.clientWidth;
      if (scrolls && !element.hasAttribute("tabindex")) {
        element.setAttribute("tabindex", "0");
      }
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(markScrollable);
  } else {
    document.addEventListener("DOMContentLoaded", markScrollable);
  }
  window.addEventListener("resize", markScrollable);
})();
