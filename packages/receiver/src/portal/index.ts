export { portalPlugin } from './portal-plugin.js';
