// ESLint (flat config) for the map's own JavaScript in src/; run by scripts/test.sh.
// CommonJS on purpose: the npm Node of a fresh Debian machine loads it without a "type" field.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
    js.configs.recommended,
    {
        files: ["src/**/*.js"],
        languageOptions: {
            ecmaVersion: 2020,
            // Inlined into the page as a classic <script>, not a module.
            sourceType: "script",
            globals: {
                ...globals.browser,
                // Leaflet (with markercluster) and the pmtiles library, loaded before it.
                L: "readonly",
                pmtiles: "readonly",
            },
        },
        rules: {
            "no-implicit-globals": "error",
            "no-var": "off",
            eqeqeq: "error",
        },
    },
    {
        files: ["eslint.config.js"],
        languageOptions: { sourceType: "commonjs", globals: globals.node },
    },
];
