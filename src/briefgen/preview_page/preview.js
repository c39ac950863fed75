// briefgen preview: wait for each new build (a long poll on /state), then redraw.
"use strict";

let version = 0;

function show(state) {
  document.getElementById("title").textContent = state.title || "The brief does not build";
  document.title = `${state.title || "problems"} – briefgen preview`;
  const when = `built at ${state.finished} in ${state.seconds} s`;
  document.getElementById("status").textContent = state.failed
    ? `Not built (${state.problems.length} problem${state.problems.length === 1 ? "" : "s"}); fix and save, and this page follows.`
    : `${state.pages} page${state.pages === 1 ? "" : "s"}, ${when}.`;
  const problems = document.getElementById("problems");
  const list = document.getElementById("problem-list");
  list.replaceChildren(...state.problems.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
  problems.hidden = state.problems.length === 0;
  problems.className = state.failed ? "errors" : "warnings";
  const pages = document.getElementById("pages");
  if (state.failed) {
    pages.replaceChildren();  // the problems stand in place of the pages
    return;
  }
  const images = [];
  for (let n = 1; n <= state.pages; n += 1) {
    const image = document.createElement("img");
    image.src = `/page/${state.version}/${n}.png`;
    image.alt = `Page ${n} of ${state.pages}`;
    image.className = "page";
    images.push(image);
  }
  pages.replaceChildren(...images);
}

async function follow() {
  for (;;) {
    try {
      const response = await fetch(`/state?since=${version}`, { cache: "no-store" });
      const state = await response.json();
      if (state.version !== version && state.version > 0) {
        version = state.version;
        show(state);
      }
    } catch (error) {
      document.getElementById("status").textContent = "The preview stopped (briefgen preview is not running).";
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

follow();
