import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, tracingRequested } from '../../src/config/config';

const on = (env: Record<string, string>) => loadConfig(env).tracing.enabled;

describe('whether tracing starts (the OTEL_* variables)', () => {
  it('is off when no OTEL_* variable is set, and when only the service name or the protocol is', () => {
    assert.equal(on({}), false);
    assert.equal(on({ OTEL_SERVICE_NAME: 'relay', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }), false);
    assert.equal(tracingRequested({}), false);
  });

  it('is on with an OTLP endpoint, a traces endpoint or a named exporter', () => {
    assert.equal(on({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(on({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://api.honeycomb.io/v1/traces' }), true);
    assert.equal(on({ OTEL_TRACES_EXPORTER: 'otlp' }), true);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
  });

  it('is off when OTEL_SDK_DISABLED=true or the exporter list says none, whatever else is set', () => {
    assert.equal(on({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), false);
    assert.equal(on({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), false);
    assert.equal(on({ OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'console' }), true);
  });

  it('keeps OTEL_SERVICE_NAME for the SDK, so each process names itself only when it is unset', () => {
    assert.equal(loadConfig({ OTEL_SERVICE_NAME: 'relay-eu' }).tracing.serviceName, 'relay-eu');
    assert.equal(loadConfig({}).tracing.serviceName, undefined);
  });

  it('refuses an endpoint that is no http(s) URL, naming the variable; the preload then reads it as off', () => {
    assert.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }), (error: unknown) => error instanceof ConfigError && /OTEL_EXPORTER_OTLP_ENDPOINT/.test(error.message));
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }), false);
  });
});
