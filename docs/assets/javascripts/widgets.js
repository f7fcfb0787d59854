/*
 * What the page's interactive widgets share (next-token.js, tictactoe.js):
 *
 *   courseWidgets.register(selector, setup)
 *     calls setup(root) for each element matching `selector` when it comes
 *     within a screen's height of the viewport, once per element, on the first
 *     load and after every instant navigation (Material's `document$`). A
 *     widget far down the page costs nothing while the page loads; it is ready
 *     before the reader reaches it. setup() sets root.dataset.state ("loading",
 *     then "ready" or "error"), which the tests wait for.
 *
 *   courseWidgets.loadData(url, decode)
 *     fetches the JSON at `url` once per page view of the site and returns a
 *     Promise of decode(json); a failed load is tried again next time.
 *
 * Loaded before the widgets' scripts (mkdocs.yml, extra_javascript).
 */
(function () {
  "use strict";

  const AHEAD = "100% 0px"; // how far below (and above) the viewport a widget is set up
  const widgets = []; // {selector, setup}
  const dataByUrl = new Map(); // data URL -> Promise of the decoded data
  const observer =
    "IntersectionObserver" in window
      ? new IntersectionObserver(arrived, { rootMargin: AHEAD })
      : null;
  const setupOf = new WeakMap(); // root -> its widget's setup, once it is watched

  function arrived(entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        start(entry.target);
      }
    });
  }

  function start(root) {
    if (!root.dataset.state && root.isConnected) {
      setupOf.get(root)(root);
    }
  }

  function watch(widget) {
    document.querySelectorAll(widget.selector).forEach(function (root) {
      if (setupOf.has(root) || root.dataset.state) {
        return;
      }
      setupOf.set(root, widget.setup);
      if (observer) {
        observer.observe(root);
      } else {
        start(root);
      }
    });
  }

  function watchAll() {
    widgets.forEach(watch);
  }

  function loadData(url, decode) {
    if (!dataByUrl.has(url)) {
      const promise = fetch(url)
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(decode);
      promise.catch(function () {
        dataByUrl.delete(url); // let a later page load try again
      });
      dataByUrl.set(url, promise);
    }
    return dataByUrl.get(url);
  }

  window.courseWidgets = {
    register: function (selector, setup) {
      const widget = { selector: selector, setup: setup };
      widgets.push(widget);
      if (document.readyState !== "loading") {
        watch(widget);
      }
    },
    loadData: loadData,
  };

  if (typeof document$ !== "undefined") {
    document$.subscribe(watchAll);
  } else {
    document.addEventListener("DOMContentLoaded", watchAll);
  }
})();
