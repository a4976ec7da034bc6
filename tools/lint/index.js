// typescript-eslint parses with the TypeScript compiler's JavaScript API, which
// TypeScript 7 (the native compiler the project builds with) no longer ships,
// and it declares a peer dependency on typescript <6.1. The root package cannot
// hold both, so this local package carries typescript-eslint together with its
// own TypeScript 6, which npm installs under tools/lint/node_modules, while the
// project's `tsc` stays 7. eslint.config.js takes typescript-eslint from here.
export { default } from 'typescript-eslint';
