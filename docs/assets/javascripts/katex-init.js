/*
 * Typeset the page's math with the site's own KaTeX.
 *
 * The build typesets the formulas of Markdown pages already (pymdownx.arithmatex
 * marks them up; tools/hooks/self_hosted_assets.py renders them), so this
 * script has little to do there: it typesets any "arithmatex" element still
 * holding TeX, \( ... \) inline or \[ ... \] in a block. Notebook pages
 * (mkdocs-jupyter) keep $...$ in their Markdown cells; auto-render handles them.
 * `document$` emits on the first load and after every instant navigation.
 */
(function () {
  "use strict";

  function typeset(element) {
    const source = element.textContent.trim();
    const display = source.startsWith("\\[");
    const tex = source.replace(/^\\[([]/, "").replace(/\\[)\]]$/, "");
    try {
      katex.render(tex, element, { displayMode: display, throwOnError: true });
    } catch (error) {
      console.error("KaTeX could not typeset", JSON.stringify(tex), error.message);
    }
  }

  function typesetPage(root) {
    root.querySelectorAll(".arithmatex:not(:has(.katex))").forEach(typeset);
    root.querySelectorAll(".jupyter-wrapper .jp-MarkdownCell").forEach(function (cell) {
      renderMathInElement(cell, {
        delimiters: [
          { left: "$$", right: "$$", display: true },
          { left: "$", right: "$", display: false },
        ],
        throwOnError: false,
      });
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () {
      typesetPage(document.body);
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      typesetPage(document.body);
    });
  }
})();
