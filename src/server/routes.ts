// Every domain registers its own routes here; the layout of this list mirrors src/.
import type { App } from './app.ts';

export async function registerRoutes(_app: App): Promise<void> {}
