// Placeholder: being built (catalog with price, inventory and margin truth).
import type { CoreDeps, HttpServer } from '../../core/index.ts';
export interface CatalogService { readonly ready: true }
export function createCatalog(_deps: CoreDeps): CatalogService { return { ready: true }; }
export function registerCatalogRoutes(_app: HttpServer, _catalog: CatalogService): void {}
