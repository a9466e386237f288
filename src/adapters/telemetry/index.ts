export {
  createOtlpInteractionExporter,
  type OtlpInteractionExporter,
  type OtlpInteractionExporterOptions,
} from './otlp-interaction-exporter.js';
