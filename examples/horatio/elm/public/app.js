// Starts the Elm app. The live features' JavaScript companions (runtime-elm/js/) connect here.
/* global Elm */
export const app = Elm.Main.init({ node: document.getElementById("app") });
