// The one place tests read the environment.
export const TEST_DATABASE_URL = process.env.BRAID_TEST_DATABASE_URL || undefined;
export const SHARED_DATA_DIR = process.env.BRAID_SHARED_DATA ?? new URL('../../../shared/data/', import.meta.url).pathname;
