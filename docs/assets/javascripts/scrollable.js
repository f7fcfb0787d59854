/*
 * Let keyboard users scroll what scrolls, and only that: a table, code cell
 * or output wider than the page takes focus (tabindex="0"), so it can be
 * scrolled with the arrow keys (WCAG 2.1.1; axe's scrollable-region-focusable);
 * one that fits loses the tab stop. Material does the same for its code
 * blocks.
 *
 * The code cells and outputs are focusable in the HTML already
 * (tools/hooks/focusable_code_blocks.py), tables once Material has wrapped them
 * (below). Each element is measured when it comes near the viewport, where
 * the browser has laid it out anyway: measuring the off-screen blocks of a
 * long page would force their layout (content-visibility in extra.css) and
 * hold up the page as it loads. Runs on every page load and instant
 * navigation, and again, for the elements near the viewport, when the window
 * is resized.
 */
(function () {
  "use strict";

  const SCROLLERS = ".md-typeset__scrollwrap, .jp-OutputArea-output pre, .highlight-ipynb";
  const near = new Set();
  let observer = null;

  function update(elements) {
    // All reads, then all writes: a write between two reads would make the
    // browser recompute styles for the second one.
    const scrolls = elements.map(function (element) {
      return element.scrollWidth > element.clientWidth;
    });
    elements.forEach(function (element, index) {
      if (scrolls[index]) {
        element.setAttribute("tabindex", "0");
      } else if (element !== document.activeElement) {
        element.removeAttribute("tabindex");
      }
    });
  }

  function observe() {
    if (observer) {
      observer.disconnect();
    }
    near.clear();
    observer = new IntersectionObserver(
      function (entries) {
        const arrived = [];
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            near.add(entry.target);
            arrived.push(entry.target);
          } else {
            near.delete(entry.target);
          }
        });
        // A block that has just come near the viewport is drawn in the next
        // frame (content-visibility): measure it once it has been.
        requestAnimationFrame(function () {
          requestAnimationFrame(function () {
            update(arrived);
          });
        });
      },
      { rootMargin: "50% 0px" }
    );
    document.querySelectorAll(SCROLLERS).forEach(function (element) {
      // Material wraps tables as the page loads: until measured, a table's
      // wrapper is taken to scroll, as code blocks are in the HTML.
      if (element.matches(".md-typeset__scrollwrap") && !element.hasAttribute("tabindex")) {
        element.setAttribute("tabindex", "0");
      }
      observer.observe(element);
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(observe);
  } else {
    document.addEventListener("DOMContentLoaded", observe);
  }
  window.addEventListener("resize", function () {
    update(Array.from(near));
  });
})();
