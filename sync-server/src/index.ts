export { startCairn } from './cairn.ts';
export { configFromEnv, type ServerConfig } from './config.ts';
export { type CairnServer, type Route, startServer, type UpgradeRoute } from './server.ts';
