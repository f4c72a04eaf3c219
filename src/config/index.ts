/** Project configuration: hamlet.toml. */
export {
  applyOverrides,
  defaultConfig,
  emitterEnabled,
  findConfig,
  loadConfig,
  type DiffConfig,
  type EmitterConfig,
  type EmitterOption,
  type HamletConfig,
  type LoadResult,
  type Overrides,
  type ServerConfig,
  type TenantMode,
} from "./load.js";
export { resolveSchemaFiles } from "./files.js";
export {
  CONFIG_FILE_NAME,
  configReferenceMarkdown,
  configReferenceText,
  configSchema,
  expectedText,
  typeLabel,
  type SettingSpec,
  type SettingType,
  type TableSpec,
} from "./schema.js";
