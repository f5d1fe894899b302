// @tokenledger/gateway: the public surface. The `tokenledger gateway` command starts it from here.
export { startGateway, type RunningGateway, type GatewayOptions } from './server/start-gateway.js';
export {
  parseGatewayConfig,
  gatewaySectionSchema,
  gatewayEnvSchema,
  DEFAULT_UPSTREAMS,
  type GatewayConfig,
  type GatewaySection,
  type ProviderName,
  type VirtualKeyConfig,
} from './config/gateway-config.js';
export { GatewayError, GatewayConfigError } from './errors.js';
export { sha256 } from './auth/virtual-keys.js';
