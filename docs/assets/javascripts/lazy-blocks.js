/*
 * Give the skipped blocks of a long page their real height, one at a time,
 * once the page has loaded.
 *
 * The browser skips the style and layout of a long page's off-screen blocks
 * (content-visibility: auto in extra.css), so the first screen is drawn
 * quickly. Until a block has been drawn once, though, the browser sizes it by
 * a guess (contain-intrinsic-size), and the page's geometry below the first
 * screen is approximate: the scrollbar, a jump to a heading far down, and
 * anything that measures the page (an accessibility checker) see blocks where
 * they are not. So, when the browser is idle, this script draws each skipped
 * block once, one a frame; the browser remembers its height (the
 * `auto` of contain-intrinsic-size) and skips it again while it is off
 * screen. When every block has been sized, <html> gets data-blocks-sized.
 * Runs on every page load and instant navigation.
 */
(function () {
  "use strict";

  const BLOCKS = ".md-typeset > *, .jp-Notebook > .jp-Cell, .jp-RenderedMarkdown > *";
  const SLICE_MS = 4;
  const whenIdle =
    window.requestIdleCallback ||
    function (callback) {
      return window.setTimeout(callback, 50);
    };
  let run = 0; // the page being sized; a navigation starts a new run

  function nextFrame() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () {
        requestAnimationFrame(resolve);
      });
    });
  }

  function loaded() {
    return new Promise(function (resolve) {
      if (document.readyState === "complete") {
        resolve();
      } else {
        window.addEventListener("load", resolve, { once: true });
      }
    });
  }

  function idle() {
    return new Promise(function (resolve) {
      whenIdle(resolve);
    });
  }

  async function sizeBlocks() {
    const current = ++run;
    document.documentElement.removeAttribute("data-blocks-sized");
    await loaded();
    const candidates = Array.from(document.querySelectorAll(BLOCKS));
    let next = 0;
    while (next < candidates.length) {
      await idle();
      if (current !== run) {
        return;
      }
      // The next candidate extra.css skips: reading a style can cost a
      // little, so look for at most SLICE_MS, then draw the block found.
      const stop = performance.now() + SLICE_MS;
      let block = null;
      while (!block && next < candidates.length && performance.now() < stop) {
        const candidate = candidates[next++];
        if (getComputedStyle(candidate).contentVisibility === "auto") {
          block = candidate;
        }
      }
      if (block) {
        block.style.contentVisibility = "visible";
        await nextFrame(); // drawn
        if (document.fonts && document.fonts.status === "loading") {
          // A block drawn for the first time may ask for a font (KaTeX's):
          // its height counts once the text is set in that font.
          await document.fonts.ready;
          await nextFrame();
        }
        block.style.contentVisibility = "";
      }
    }
    if (current === run) {
      document.documentElement.setAttribute("data-blocks-sized", "");
    }
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(sizeBlocks);
  } else {
    window.addEventListener("load", sizeBlocks);
  }
})();
