// The desktop page's origin, in a file with no imports: the sandboxed preload bundles it, and a
// sandboxed preload cannot load Node modules.
export const APP_SCHEME = 'app';
export const APP_HOST = 'trainscope';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX = `${APP_ORIGIN}/index.html`;
