// Starlight registers `Astro.locals.starlightRoute` in its global declarations, which the site's components read.
import type {} from "../node_modules/@astrojs/starlight/dist/global.d.ts";
