// CodeMirror language modes, each loaded when a page first needs it (its own chunk), so that a
// page pays for the languages it shows and not for all of them.
const LOADERS = {
  python: () => import("@codemirror/lang-python").then((m) => m.python()),
  javascript: () => import("@codemirror/lang-javascript").then((m) => m.javascript()),
  c: () => import("@codemirror/lang-cpp").then((m) => m.cpp()),
  cpp: () => import("@codemirror/lang-cpp").then((m) => m.cpp()),
  java: () => import("@codemirror/lang-java").then((m) => m.java()),
};

/**
 * Sets `compartment` of `view` to the mode of `language` once it has loaded; plain text for a
 * language without one. Only the latest request wins when the language changes quickly.
 */
const latestRequest = new WeakMap(); // view -> number of its latest request

export function setLanguageMode(view, compartment, language) {
  const request = (latestRequest.get(view) || 0) + 1;
  latestRequest.set(view, request);
  const load = LOADERS[language];
  const apply = (extension) => {
    if (latestRequest.get(view) === request) view.dispatch({ effects: compartment.reconfigure(extension) });
  };
  if (!load) {
    apply([]);
    return Promise.resolve();
  }
  return load().then(apply, (error) => {
    console.warn(`The ${language} mode did not load`, error);
    apply([]);
  });
}
